// Small, valid model fragments rule tests compose with spec(). Each is a realistic
// piece of an AI system; tests add the one element that makes a rule fire.
import type { ModelSpec } from "./rule-tester.js";

/** An anonymous public user chatting with an agent through a web widget. */
export function publicChat(agent = "agent", extra: Record<string, unknown> = {}): ModelSpec {
  return {
    actors: [{ id: "public-user", type: "public" }],
    clients: [{ id: "widget", type: "web-chat", handles: ["renders-markdown"] }],
    models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
    agents: [{ id: agent, models: ["llm"], ...extra }],
    data: [{ id: "chat", classification: "internal" }],
    flows: [
      { id: "user-to-widget", from: "public-user", to: "widget", channel: "api", data: ["chat"] },
      { id: "widget-to-agent", from: "widget", to: agent, channel: "api", data: ["chat"] },
      { id: "agent-to-widget", from: agent, to: "widget", channel: "output", data: ["chat"] },
    ],
  };
}

/** An internal agent started by employees only (no untrusted input). */
export function internalAgent(agent = "agent", extra: Record<string, unknown> = {}): ModelSpec {
  return {
    actors: [{ id: "staff", type: "employee", authenticated: true }],
    models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
    agents: [{ id: agent, models: ["llm"], ...extra }],
    flows: [{ id: "staff-to-agent", from: "staff", to: agent, channel: "api" }],
  };
}

/** A ticket queue customers write into, retrieved by the agent through a tool. */
export function customerTickets(agent = "agent"): ModelSpec {
  return {
    actors: [{ id: "customer", type: "customer" }],
    sources: [{ id: "tickets", type: "tickets", writableBy: ["customer"], holds: ["ticket-text"] }],
    data: [{ id: "ticket-text", classification: "confidential", flags: ["personal"] }],
    tools: [{ id: "read-tickets", capabilities: [{ action: "read", on: ["tickets"] }] }],
    flows: [{ id: "tickets-to-agent", from: "tickets", to: agent, channel: "retrieval", data: ["ticket-text"] }],
  };
}
