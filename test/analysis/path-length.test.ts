// How long a way attacker text takes counts only the places that take a step of their own: a store it
// waits in, a pipeline, another agent or a person who passes it on. Clients and services relay it, so
// drawing the caller's phone or a gateway in front of an agent must not lower a score; nor does a tool
// that reads a store for the agent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pathLengthFactor } from "../../src/analysis/factors.js";
import { buildGraph } from "../../src/graph/graph.js";
import { loadSpec, spec } from "../rules/rule-tester.js";

const graph = buildGraph(
  loadSpec(
    spec({
      actors: [{ id: "caller", type: "public" }],
      clients: [{ id: "phone", type: "mobile-app", handles: ["plain-text"] }],
      services: [
        { id: "telephony", type: "gateway" },
        { id: "speech-to-text", type: "api" },
      ],
      models: [{ id: "llm", provider: "V", hosting: "hosted-api" }],
      agents: [{ id: "front", models: ["llm"] }, { id: "triage", models: ["llm"] }, { id: "agent", models: ["llm"] }],
      datastores: [{ id: "inbox", type: "document" }],
      pipelines: [{ id: "ingest", type: "embedding-ingestion" }],
      tools: [{ id: "search", capabilities: [{ action: "read", on: ["inbox"] }] }],
    }),
  ),
);
const hops = (...nodes: string[]) => nodes.map((node) => ({ node }));

describe("the length of the way in", () => {
  it("does not count clients and services that relay the text: a phone, a gateway and speech-to-text in front of the agent change nothing", () => {
    assert.deepEqual(pathLengthFactor(graph, hops("caller", "phone", "telephony", "speech-to-text", "agent")), []);
    assert.deepEqual(pathLengthFactor(graph, hops("caller", "agent")), []);
  });

  it("takes a step off where three places must each pass the text on, and names them", () => {
    assert.deepEqual(pathLengthFactor(graph, hops("caller", "phone", "inbox", "front", "triage", "agent")), [
      { dimension: "likelihood", delta: -1, reason: "attacker text must pass inbox, front and triage before it acts" },
    ]);
    // Two are not enough.
    assert.deepEqual(pathLengthFactor(graph, hops("caller", "inbox", "front", "agent")), []);
  });

  it("does not count a tool that reads a store for the agent: it hands over what the store holds, as a retrieval flow would (SOC review P12)", () => {
    assert.deepEqual(pathLengthFactor(graph, hops("caller", "ingest", "inbox", "search", "agent")), []);
    assert.deepEqual(pathLengthFactor(graph, hops("caller", "ingest", "inbox", "search", "agent")), pathLengthFactor(graph, hops("caller", "ingest", "inbox", "agent")));
  });

  it("counts the last hop too when the harm is one step beyond it (the agent writes what it read to memory)", () => {
    assert.equal(pathLengthFactor(graph, hops("caller", "inbox", "front", "agent"), true).length, 1);
    assert.deepEqual(pathLengthFactor(graph, hops("caller", "phone", "telephony", "agent"), true), []);
  });
});
