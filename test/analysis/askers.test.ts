// Who asks an agent: people who talk to it through clients and services, and people whose request
// other agents pass on to it as it is (a flow between the agents carries the data of the request).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildGraph } from "../../src/graph/graph.js";
import { askerOrigins, directRequesters, forwardedRequesters, forwardedThrough, sessionOwner } from "../../src/analysis/askers.js";
import { traceUntrustedContent } from "../../src/analysis/untrusted-content.js";
import { loadSpec } from "../rules/rule-tester.js";
import type { ModelSpec } from "../rules/rule-tester.js";

/** Customers ask a router through an app, sending `question`; the router hands the flows in `handOffs` on. */
const routed = (handOffs: Record<string, unknown>[], extra: ModelSpec = {}): ModelSpec => ({
  actors: [{ id: "customers", type: "customer" }, ...((extra.actors as unknown[]) ?? [])],
  clients: [{ id: "app", type: "mobile-app", handles: ["plain-text"] }],
  models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
  agents: [
    { id: "router", models: ["llm"] },
    { id: "worker", models: ["llm"] },
    { id: "sub-worker", models: ["llm"] },
    ...((extra.agents as unknown[]) ?? []),
  ],
  data: [
    { id: "question", classification: "internal" },
    { id: "task", classification: "internal" },
    { id: "notes", classification: "internal" },
  ],
  flows: [
    { id: "ask-app", from: "customers", to: "app", channel: "api", data: ["question"] },
    { id: "app-router", from: "app", to: "router", channel: "api", data: ["question"] },
    ...handOffs,
    ...((extra.flows as unknown[]) ?? []),
  ],
});

function askers(model: ModelSpec) {
  const graph = buildGraph(loadSpec(model));
  const untrusted = traceUntrustedContent(graph);
  return {
    of: (agent: string) => askerOrigins(graph, untrusted, agent).map((o) => o.id),
    through: (agent: string, actor: string) => forwardedThrough(graph, agent, actor),
    forwarded: (agent: string) => forwardedRequesters(graph, agent),
  };
}

describe("askers: requests passed on between agents", () => {
  it("follows the request down a chain of agents that pass it on, naming the agents in order", () => {
    const found = askers(
      routed([
        { id: "route", from: "router", to: "worker", channel: "message", data: ["question", "notes"] },
        { id: "delegate", from: "worker", to: "sub-worker", channel: "message", data: ["question"] },
      ]),
    );
    assert.deepEqual(found.of("worker"), ["customers"]);
    assert.deepEqual(found.through("worker", "customers"), ["router"]);
    assert.deepEqual(found.through("sub-worker", "customers"), ["router", "worker"]);
    // The router is asked directly.
    assert.deepEqual(found.of("router"), ["customers"]);
    assert.equal(found.through("router", "customers"), undefined);
  });

  it("must not follow a hand-off that carries other data than the request, or none, or goes over a channel that carries no request", () => {
    for (const handOff of [
      { id: "route", from: "router", to: "worker", channel: "message", data: ["task"] },
      { id: "route", from: "router", to: "worker", channel: "message" },
      { id: "route", from: "router", to: "worker", channel: "log", data: ["question"] },
    ]) {
      const found = askers(routed([handOff]));
      assert.deepEqual(found.forwarded("worker"), [], JSON.stringify(handOff));
      assert.deepEqual(found.of("worker"), [], JSON.stringify(handOff));
    }
  });

  it("passes on only what each hand-off carries: a worker that hands on its own notes does not pass the question further", () => {
    const found = askers(
      routed([
        { id: "route", from: "router", to: "worker", channel: "message", data: ["question"] },
        { id: "delegate", from: "worker", to: "sub-worker", channel: "message", data: ["notes"] },
      ]),
    );
    assert.deepEqual(found.forwarded("worker"), ["customers"]);
    assert.deepEqual(found.forwarded("sub-worker"), []);
  });

  it("an asker who also talks to the worker directly is a direct asker there", () => {
    const found = askers(
      routed([{ id: "route", from: "router", to: "worker", channel: "message", data: ["question"] }], {
        flows: [{ id: "app-worker", from: "app", to: "worker", channel: "api", data: ["question"] }],
      }),
    );
    assert.equal(found.through("worker", "customers"), undefined);
    assert.deepEqual(found.forwarded("worker"), []);
    assert.deepEqual(found.of("worker"), ["customers"]);
  });

  it("a request passed back and forth ends: the router stays asked directly", () => {
    const found = askers(
      routed([
        { id: "route", from: "router", to: "worker", channel: "message", data: ["question"] },
        { id: "back", from: "worker", to: "router", channel: "message", data: ["question"] },
      ]),
    );
    assert.deepEqual(found.through("worker", "customers"), ["router"]);
    assert.equal(found.through("router", "customers"), undefined);
    assert.deepEqual(found.forwarded("router"), []);
  });

  it("must not follow a request into another organisation's agent, nor make trusted staff askers of the untrusted kind", () => {
    const found = askers(
      routed([{ id: "to-partner", from: "router", to: "partner-agent", channel: "message", data: ["question"] }], {
        agents: [{ id: "partner-agent", thirdParty: true }],
        actors: [{ id: "staff", type: "employee", authenticated: true }],
        flows: [
          { id: "staff-router", from: "staff", to: "router", channel: "api", data: ["question"] },
          { id: "route", from: "router", to: "worker", channel: "message", data: ["question"] },
        ],
      }),
    );
    assert.deepEqual(found.forwarded("partner-agent"), []);
    // Staff's request is passed on too (retrieval audiences count them), but only customers are untrusted askers.
    assert.deepEqual(found.forwarded("worker"), ["customers", "staff"]);
    assert.deepEqual(found.of("worker"), ["customers"]);
  });
});

describe("askers: people who also edit the agent's instructions", () => {
  it("an actor who chats with the agent and may also edit its prompt still asks it directly, and comes in through the chat", () => {
    const model: ModelSpec = {
      actors: [{ id: "members", type: "customer", authenticated: true }],
      clients: [{ id: "panel", type: "web-chat", handles: ["plain-text"] }],
      services: [{ id: "app", type: "web-app" }],
      models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
      // The prompt is one hop from the agent; the chat three.
      prompts: [{ id: "custom-instructions", role: "instructions", writableBy: ["members"] }],
      agents: [{ id: "assistant", models: ["llm"], prompts: ["custom-instructions"] }],
      flows: [
        { id: "ask", from: "members", to: "panel", channel: "api" },
        { id: "panel-app", from: "panel", to: "app", channel: "api" },
        { id: "app-assistant", from: "app", to: "assistant", channel: "api" },
        { id: "edit-instructions", from: "members", to: "custom-instructions", channel: "api" },
      ],
    };
    const graph = buildGraph(loadSpec(model));
    const untrusted = traceUntrustedContent(graph);
    assert.deepEqual(askerOrigins(graph, untrusted, "assistant").map((o) => o.id), ["members"]);
    assert.deepEqual(untrusted.pathFrom("members", "assistant").map((h) => h.node), ["members", "panel", "app", "assistant"]);
    // The prompt is still an entry of its own, written by them.
    assert.ok(untrusted.originsReaching("assistant").some((o) => o.id === "custom-instructions"));
  });
});

describe("askers: people who speak in a session someone else starts", () => {
  /** Clinicians start a recording in the app; patients speak into it (`session`, or a second flow of their own when `alsoAsk`). */
  const visit = (session: Record<string, unknown> | undefined, alsoAsk = false): ModelSpec => ({
    actors: [
      { id: "clinicians", type: "employee", authenticated: true },
      { id: "patients", type: "customer", authenticated: false },
    ],
    clients: [{ id: "app", type: "mobile-app", handles: ["plain-text"] }],
    services: [{ id: "portal", type: "api" }],
    models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
    agents: [{ id: "scribe", models: ["llm"] }],
    flows: [
      { id: "clinician-records", from: "clinicians", to: "app", channel: "message" },
      { id: "patient-speaks", from: "patients", to: "app", channel: "message", ...(session ? { session } : {}) },
      { id: "app-scribe", from: "app", to: "scribe", channel: "api" },
      ...(alsoAsk ? [{ id: "patient-portal", from: "patients", to: "portal", channel: "api" }, { id: "portal-scribe", from: "portal", to: "scribe", channel: "api" }] : []),
    ],
  });
  const facts = (model: ModelSpec) => {
    const graph = buildGraph(loadSpec(model));
    const untrusted = traceUntrustedContent(graph);
    return { graph, asking: askerOrigins(graph, untrusted, "scribe").map((o) => o.id), requesters: [...directRequesters(graph, "scribe").keys()], reaches: untrusted.originsReaching("scribe").map((o) => o.id) };
  };

  it("words taken as content only (asks: false) reach the agent, but their sender asks for nothing", () => {
    const found = facts(visit({ of: "clinicians", asks: false }));
    assert.deepEqual(found.reaches, ["patients"]);
    assert.deepEqual(found.asking, []);
    assert.deepEqual(found.requesters, ["clinicians"]);
    assert.equal(sessionOwner(found.graph, "patients"), undefined);
    // Without the session the patient is a requester like any other.
    assert.deepEqual(facts(visit(undefined)).asking, ["patients"]);
  });

  it("words taken as requests (asks: true) keep their sender an asker, whose requests ride the owner's session", () => {
    const found = facts(visit({ of: "clinicians", asks: true }));
    assert.deepEqual(found.asking, ["patients"]);
    assert.equal(sessionOwner(found.graph, "patients"), "clinicians");
  });

  it("an asker who also asks on a way of their own is not only a rider in someone else's session", () => {
    const found = facts(visit({ of: "clinicians", asks: true }, true));
    assert.equal(sessionOwner(found.graph, "patients"), undefined);
    // And one whose words are content in the visit still asks through the portal.
    assert.deepEqual(facts(visit({ of: "clinicians", asks: false }, true)).requesters, ["clinicians", "patients"]);
  });
});
