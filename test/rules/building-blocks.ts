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

/**
 * A shared session: `owner` starts it and signs in; `sender` speaks into it through the same device, as
 * requests in the owner's name (asks: true, anyone in earshot of a linked speaker) or as content the agent
 * works on (asks: false, a patient in a visit the clinician records).
 */
export function sharedSession(asks: boolean, owner: { id: string; type: string }, sender: { id: string; type: string }, agentExtra: Record<string, unknown> = {}): ModelSpec {
  return {
    actors: [
      { ...owner, authenticated: true },
      { ...sender, authenticated: false },
    ],
    clients: [{ id: "device", type: "mobile-app", handles: ["plain-text"] }],
    models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
    agents: [{ id: "agent", models: ["llm"], ...agentExtra }],
    data: [{ id: "speech", classification: "internal" }],
    flows: [
      { id: "owner-speaks", from: owner.id, to: "device", channel: "message", data: ["speech"] },
      { id: "sender-speaks", from: sender.id, to: "device", channel: "message", data: ["speech"], session: { of: owner.id, asks } },
      { id: "device-to-agent", from: "device", to: "agent", channel: "api", data: ["speech"] },
    ],
  };
}

/** Anyone in earshot (public) asks a speaker that account holders (customers) linked, in their session. */
export const linkedSpeaker = (agentExtra: Record<string, unknown> = {}) => sharedSession(true, { id: "account-holders", type: "customer" }, { id: "bystanders", type: "public" }, agentExtra);

/** Patients (customers) speak in a visit clinicians (employees) record: content the agent works on, not requests. */
export const recordedVisit = (agentExtra: Record<string, unknown> = {}) => sharedSession(false, { id: "clinicians", type: "employee" }, { id: "patients", type: "customer" }, agentExtra);

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

/** An MCP server of the given publisher trust: stdio, installed from a package pinned to a version unless `extra` says otherwise. */
export function mcpServer(id: string, publisherTrust: "first-party" | "vendor" | "community" | "unknown", extra: Record<string, unknown> = {}): ModelSpec {
  return { mcpServers: [{ id, transport: "stdio", publisher: `${publisherTrust} author`, publisherTrust, package: id, version: "1.0.0", pinned: "version", ...extra }] };
}

/** An orders database and a read-only order lookup tool that runs as the orders service account, granted `grants` on the database. */
export function ordersLookup(grants: string[] = ["read", "write"]): ModelSpec {
  return {
    datastores: [{ id: "orders-db", type: "relational", holds: ["order-records"] }],
    data: [{ id: "order-records", classification: "confidential", flags: ["personal"] }],
    tools: [{ id: "lookup-order", runsAs: "orders-sa", capabilities: [{ action: "read", on: ["orders-db"] }] }],
    identities: [{ id: "orders-sa", type: "service-account", owner: "orders-team", environments: ["production"], permissions: [{ resource: "orders-db", actions: grants }] }],
  };
}

/**
 * A backend that holds one credential of its service account, which may read an
 * internal API. Tests override the credential's and the identity's fields.
 */
export function backendCredential(credential: Record<string, unknown> = {}, identity: Record<string, unknown> = {}): ModelSpec {
  return {
    services: [
      { id: "backend", type: "api" },
      { id: "orders-api", type: "api" },
    ],
    identities: [
      {
        id: "backend-sa",
        type: "service-account",
        owner: "platform-team",
        environments: ["production"],
        permissions: [{ resource: "orders-api", actions: ["read"] }],
        ...identity,
        credentials: [{ id: "backend-key", type: "api-key", lifetime: "static", storage: "secret-manager", location: "prod/backend/orders-api-key", presentIn: ["backend"], ...credential }],
      },
    ],
  };
}

/** How a tenant workspace is set up (tenantWorkspace). */
export interface Workspace {
  /** The custom instructions' tenancy: single when each tenant's admins write their own. */
  promptTenancy?: "single" | "shared";
  storeTenancy?: "single" | "shared";
  readers?: string[];
  /** Whether get-task reads with the asker's own token. */
  delegated?: boolean;
  /** The session members speak in, when it is someone else's. */
  membersSpeakIn?: string;
}

/** Members ask an assistant that loads their admins' custom instructions, reads tasks and can call a webhook. */
export function tenantWorkspace(options: Workspace = {}): ModelSpec {
  const { promptTenancy, storeTenancy, readers, delegated = true, membersSpeakIn } = options;
  return {
    actors: [
      { id: "tenant-admins", type: "customer", authenticated: true },
      { id: "tenant-members", type: "customer", authenticated: true },
    ],
    services: [
      { id: "app", type: "web-app", exposure: "internet", authentication: "session" },
      { id: "hooks", type: "api", exposure: "internet" },
    ],
    models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
    prompts: [{ id: "custom-instructions", role: "instructions", writableBy: ["tenant-admins"], ...(promptTenancy ? { tenancy: promptTenancy } : {}) }],
    agents: [{ id: "assistant", models: ["llm"], prompts: ["custom-instructions"], tools: ["get-task", "call-webhook"] }],
    tools: [
      { id: "get-task", ...(delegated ? { delegated: true } : {}), capabilities: [{ action: "read", on: ["db"] }] },
      { id: "call-webhook", capabilities: [{ action: "send", on: ["hooks"] }] },
    ],
    datastores: [
      { id: "db", type: "relational", holds: ["tasks"], ...(storeTenancy ? { tenancy: storeTenancy } : {}), ...(readers ? { readableBy: readers } : {}) },
    ],
    data: [{ id: "tasks", classification: "confidential" }],
    flows: [
      { id: "members-to-app", from: "tenant-members", to: "app", channel: "api", ...(membersSpeakIn ? { session: { of: membersSpeakIn, asks: true } } : {}) },
      { id: "app-to-assistant", from: "app", to: "assistant", channel: "api" },
      { id: "assistant-to-app", from: "assistant", to: "app", channel: "output", data: ["tasks"] },
    ],
  };
}

/** The multi-tenant workspace as it should be written: each tenant's own instructions, its part of the shared store readable by its admins. */
export const OWN_TENANT: Workspace = { promptTenancy: "single", storeTenancy: "shared", readers: ["tenant-admins"] };
