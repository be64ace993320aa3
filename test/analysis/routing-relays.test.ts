// A client or service that routes: a flow out of it that names its relays carries on only what came
// in by those flows (a backend that hands the scribe app's audio to one agent and the nurse chat's
// questions to another). Every walk through clients and services honours it; without relays, a
// client or service passes everything on, as before.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { approvalLimits } from "../../src/analysis/approval-limits.js";
import { askerOrigins, directRequesters } from "../../src/analysis/askers.js";
import { traceUntrustedContent } from "../../src/analysis/untrusted-content.js";
import { buildGraph } from "../../src/graph/graph.js";
import { outsideCallers, readWays } from "../../src/rules/helpers.js";
import { loadSpec, spec, type ModelSpec } from "../rules/rule-tester.js";

/**
 * Patients talk through the scribe app and nurses through the nurse chat, both to one backend, which hands
 * each on to an agent of its own: with `routed`, each flow out names the flow it relays.
 */
function sharedBackend(routed: boolean, ...extra: ModelSpec[]): ModelSpec {
  const relays = (flow: string) => (routed ? { relays: [flow] } : {});
  return spec(
    {
      actors: [
        { id: "patients", type: "customer", authenticated: false },
        { id: "nurses", type: "partner", authenticated: true },
      ],
      clients: [
        { id: "scribe-app", type: "mobile-app", handles: ["plain-text"] },
        { id: "nurse-chat", type: "web-chat", handles: ["plain-text"] },
      ],
      services: [{ id: "backend", type: "api", exposure: "internet" }],
      models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-1", pinned: true }],
      agents: [
        { id: "scribe-agent", models: ["llm"] },
        { id: "qa-agent", models: ["llm"] },
      ],
      flows: [
        { id: "patients-speak", from: "patients", to: "scribe-app", channel: "message" },
        { id: "app-upload", from: "scribe-app", to: "backend", channel: "api" },
        { id: "to-scribe", from: "backend", to: "scribe-agent", channel: "message", ...relays("app-upload") },
        { id: "nurses-ask", from: "nurses", to: "nurse-chat", channel: "message" },
        { id: "chat-to-backend", from: "nurse-chat", to: "backend", channel: "api" },
        { id: "to-qa", from: "backend", to: "qa-agent", channel: "message", ...relays("chat-to-backend") },
      ],
    },
    ...extra,
  );
}

const prepare = (model: ModelSpec) => {
  const graph = buildGraph(loadSpec(model));
  return { graph, untrusted: traceUntrustedContent(graph) };
};

describe("a client or service that routes what it passes on", () => {
  it("untrusted text reaches only the agent whose flow relays it", () => {
    const mesh = prepare(sharedBackend(false)).untrusted;
    assert.deepEqual(mesh.originsReaching("qa-agent").map((o) => o.id), ["patients", "nurses"], "without relays, the backend passes everything on");
    const { untrusted } = prepare(sharedBackend(true));
    assert.deepEqual(untrusted.originsReaching("qa-agent").map((o) => o.id), ["nurses"]);
    assert.deepEqual(untrusted.originsReaching("scribe-agent").map((o) => o.id), ["patients"]);
  });

  it("the path names the way in that the flow out relays, not the first way in", () => {
    // Patients also reach the backend sooner, straight from the app; only the kiosk's way goes on to the agent.
    const model = sharedBackend(true, {
      services: [{ id: "kiosk-gateway", type: "api" }],
      clients: [{ id: "kiosk", type: "mobile-app", handles: ["plain-text"] }],
      flows: [
        { id: "patients-at-kiosk", from: "patients", to: "kiosk", channel: "message" },
        { id: "kiosk-to-gateway", from: "kiosk", to: "kiosk-gateway", channel: "api" },
        { id: "gateway-to-backend", from: "kiosk-gateway", to: "backend", channel: "api" },
        { id: "to-triage", from: "backend", to: "triage-agent", channel: "message", relays: ["gateway-to-backend"] },
      ],
      agents: [{ id: "triage-agent", models: ["llm"] }],
    });
    const { untrusted } = prepare(model);
    assert.deepEqual(
      untrusted.pathFrom("patients", "triage-agent").map((h) => [h.node, h.ref]),
      [
        ["patients", undefined],
        ["kiosk", "patients-at-kiosk"],
        ["kiosk-gateway", "kiosk-to-gateway"],
        ["backend", "gateway-to-backend"],
        ["triage-agent", "to-triage"],
      ],
    );
    assert.deepEqual(untrusted.pathFrom("patients", "scribe-agent").map((h) => h.node), ["patients", "scribe-app", "backend", "scribe-agent"]);
  });

  it("an empty relays list carries on nothing that comes in", () => {
    const model = sharedBackend(true, { agents: [{ id: "nightly-agent", models: ["llm"] }], flows: [{ id: "to-nightly", from: "backend", to: "nightly-agent", channel: "event", relays: [] }] });
    assert.deepEqual(prepare(model).untrusted.originsReaching("nightly-agent"), []);
  });

  it("askers and requesters are those whose flows in the flow out relays", () => {
    const { graph, untrusted } = prepare(sharedBackend(true));
    assert.deepEqual(askerOrigins(graph, untrusted, "qa-agent").map((o) => o.id), ["nurses"]);
    assert.deepEqual([...directRequesters(graph, "qa-agent").keys()], ["nurses"]);
    assert.deepEqual([...directRequesters(graph, "scribe-agent").keys()], ["patients"]);
    const mesh = prepare(sharedBackend(false)).graph;
    assert.deepEqual([...directRequesters(mesh, "qa-agent").keys()], ["nurses", "patients"]);
  });

  it("an approver who reaches the gated agent only by a way the backend does not relay there does not approve their own request", () => {
    const gated = (routed: boolean) =>
      sharedBackend(routed, {
        agents: [{ id: "order-agent", models: ["llm"], tools: ["order"] }],
        tools: [{ id: "order", capabilities: [{ action: "write", on: ["orders"] }] }],
        datastores: [{ id: "orders", type: "relational" }],
        flows: [{ id: "to-orders", from: "backend", to: "order-agent", channel: "message", ...(routed ? { relays: ["app-upload"] } : {}) }],
        controls: [{ id: "sign-off", type: "human-approval", covers: ["order"], verified: true, approvers: ["nurses"] }],
      });
    const limit = (routed: boolean) => {
      const { graph, untrusted } = prepare(gated(routed));
      return approvalLimits(graph, untrusted).get("sign-off")?.why ?? "";
    };
    assert.match(limit(false), /nurses .*also ask order-agent/);
    assert.doesNotMatch(limit(true), /also ask/);
  });

  it("a served MCP server's outside callers come only by the ways its gateway relays", () => {
    const model = (routed: boolean) =>
      sharedBackend(false, {
        mcpServers: [{ id: "our-mcp", transport: "streamable-http", publisher: "Us", publisherTrust: "first-party" }],
        flows: [{ id: "backend-to-mcp", from: "backend", to: "our-mcp", channel: "api", ...(routed ? { relays: ["chat-to-backend"] } : {}) }],
      });
    assert.deepEqual(outsideCallers(prepare(model(false)).graph, "our-mcp").map((c) => c.actor), ["nurses", "patients"]);
    assert.deepEqual(outsideCallers(prepare(model(true)).graph, "our-mcp").map((c) => c.actor), ["nurses"]);
    // The backend reaches the server twice, each way relaying other callers: both count, each by its own way.
    const twoWays = sharedBackend(false, {
      mcpServers: [{ id: "our-mcp", transport: "streamable-http", publisher: "Us", publisherTrust: "first-party" }],
      services: [{ id: "proxy", type: "api" }],
      flows: [
        { id: "backend-to-mcp", from: "backend", to: "our-mcp", channel: "api", relays: ["chat-to-backend"] },
        { id: "backend-to-proxy", from: "backend", to: "proxy", channel: "api", relays: ["app-upload"] },
        { id: "proxy-to-mcp", from: "proxy", to: "our-mcp", channel: "api" },
      ],
    });
    assert.deepEqual(
      outsideCallers(prepare(twoWays).graph, "our-mcp").map((c) => [c.actor, c.through.join(" ")]),
      [
        ["nurses", "nurse-chat backend"],
        ["patients", "scribe-app backend proxy"],
      ],
    );
  });

  it("a store's content reaches an agent through a service only by the flow out that relays the store's flow in", () => {
    const model = (relays: string[] | undefined) =>
      sharedBackend(false, {
        datastores: [{ id: "charts", type: "vector", holds: ["chart-text"] }],
        data: [{ id: "chart-text", classification: "confidential" }],
        flows: [
          { id: "charts-to-backend", from: "charts", to: "backend", channel: "retrieval" },
          { id: "backend-retrieval", from: "backend", to: "qa-agent", channel: "retrieval", ...(relays ? { relays } : {}) },
        ],
      });
    const agents = (relays: string[] | undefined) => readWays(prepare(model(relays)).graph, "charts").map((w) => w.agent);
    assert.deepEqual(agents(undefined), ["qa-agent"]);
    assert.deepEqual(agents(["charts-to-backend"]), ["qa-agent"]);
    assert.deepEqual(agents(["chat-to-backend"]), []);
    // Two ways in from the store, and only the second one's flow in is relayed: the first way in does not hide it.
    const cached = sharedBackend(false, {
      datastores: [{ id: "charts", type: "vector", holds: ["chart-text"] }],
      services: [{ id: "cache", type: "api" }],
      data: [{ id: "chart-text", classification: "confidential" }],
      flows: [
        { id: "charts-to-backend", from: "charts", to: "backend", channel: "retrieval" },
        { id: "charts-to-cache", from: "charts", to: "cache", channel: "retrieval" },
        { id: "cache-to-backend", from: "cache", to: "backend", channel: "retrieval" },
        { id: "backend-retrieval", from: "backend", to: "qa-agent", channel: "retrieval", relays: ["cache-to-backend"] },
      ],
    });
    assert.deepEqual(
      readWays(prepare(cached).graph, "charts").map((w) => [w.agent, w.flows.map((f) => f.id).join(" ")]),
      [["qa-agent", "charts-to-cache cache-to-backend backend-retrieval"]],
    );
  });
});

describe("clients and services that route to each other in a loop", () => {
  it("every walk ends", () => {
    const loop = sharedBackend(true, {
      mcpServers: [{ id: "our-mcp", transport: "streamable-http", publisher: "Us", publisherTrust: "first-party" }],
      services: [{ id: "edge", type: "api" }],
      datastores: [{ id: "charts", type: "vector" }],
      flows: [
        { id: "backend-to-edge", from: "backend", to: "edge", channel: "api", relays: ["edge-to-backend", "chat-to-backend"] },
        { id: "edge-to-backend", from: "edge", to: "backend", channel: "api", relays: ["backend-to-edge"] },
        { id: "edge-to-mcp", from: "edge", to: "our-mcp", channel: "api", relays: ["backend-to-edge"] },
        { id: "charts-to-edge", from: "charts", to: "edge", channel: "retrieval" },
      ],
    });
    const { graph, untrusted } = prepare(loop);
    assert.deepEqual(outsideCallers(graph, "our-mcp").map((c) => c.actor), ["nurses"]);
    assert.deepEqual(readWays(graph, "charts"), []);
    assert.deepEqual(untrusted.originsReaching("our-mcp").map((o) => o.id), ["nurses"]);
    assert.deepEqual([...directRequesters(graph, "qa-agent").keys()], ["nurses"]);
  });
});
