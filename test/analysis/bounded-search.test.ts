// A dense worst case: every untrusted actor talks to every agent and every agent to
// every other. The analysis finishes, keeps its per-element bound, and says so.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../../src/analysis/analyze.js";
import { buildGraph } from "../../src/graph/graph.js";
import { ORIGINS_PER_NODE, traceUntrustedContent } from "../../src/analysis/untrusted-content.js";
import { loadSpec, TODAY } from "../rules/rule-tester.js";

const ACTORS = 20;
const AGENTS = 20;

function denseModel() {
  const actors = Array.from({ length: ACTORS }, (_, i) => ({ id: `a${i}`, type: "public" }));
  const agents = Array.from({ length: AGENTS }, (_, i) => ({ id: `g${i}`, models: ["llm"], tools: ["read", "send", "pay", "shell"] }));
  const flows = [
    ...actors.flatMap((a) => agents.map((g) => ({ id: `${a.id}-${g.id}`, from: a.id, to: g.id, channel: "api" }))),
    ...agents.flatMap((g) => agents.filter((h) => h.id !== g.id).map((h) => ({ id: `${g.id}-${h.id}`, from: g.id, to: h.id, channel: "message" }))),
  ];
  return {
    actors,
    agents,
    flows,
    models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-1", pinned: true }],
    datastores: [{ id: "db", type: "relational", holds: ["secrets"] }],
    services: [{ id: "host", type: "runtime" }, { id: "bank", type: "api" }],
    data: [{ id: "secrets", classification: "restricted" }],
    tools: [
      { id: "read", capabilities: [{ action: "read", on: ["db"] }] },
      { id: "send", capabilities: [{ action: "send", destination: "any" }] },
      { id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] },
      { id: "shell", runsOn: "host", capabilities: [{ action: "execute", on: ["host"] }] },
    ],
  };
}

describe("bounded search on a dense model", () => {
  const model = loadSpec(denseModel());

  it("tracks at most the bounded number of origins per element and names the saturated ones", () => {
    const untrusted = traceUntrustedContent(buildGraph(model));
    for (let i = 0; i < AGENTS; i++) assert.equal(untrusted.originsReaching(`g${i}`).length, ORIGINS_PER_NODE);
    assert.equal(untrusted.saturated.length, AGENTS);
  });

  it("finishes and reports where it stopped short", () => {
    const result = analyze(model, { today: TODAY });
    assert.ok(result.findings.some((f) => f.ruleId === "TW-EXF-001"), "the exfiltration paths are still found");
    assert.equal(result.truncated.length, 1);
    assert.match(result.truncated[0]!, /^untrusted content: 20 elements are reached by more than 8 entry points/);
  });

  it("says nothing was cut on an ordinary model", () => {
    const small = loadSpec({ ...denseModel(), actors: [{ id: "a0", type: "public" }], flows: [{ id: "a0-g0", from: "a0", to: "g0", channel: "api" }] });
    assert.deepEqual(analyze(small, { today: TODAY }).truncated, []);
  });
});
