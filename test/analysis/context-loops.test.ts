// Agents that pass messages to each other in a loop (a router and its sub-agents) hold the same data
// whatever their IDs: the context trace settles each loop to a fixed point, after what feeds it. It once
// cached a partial answer for whichever agent it met second, so renaming an agent moved scores and
// removing a flow could raise them (knowledge review P2).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildGraph } from "../../src/graph/graph.js";
import { traceContextData } from "../../src/analysis/sensitivity.js";
import { traceUntrustedContent } from "../../src/analysis/untrusted-content.js";
import { analyze } from "../../src/analysis/analyze.js";
import { loadSpec, spec, TODAY, type ModelSpec } from "../rules/rule-tester.js";

/**
 * A mailer agent that staff ask and that can email anyone, and a reader agent that reads HR files and a
 * share partners write; each messages the other. `reader` is the reader's ID, `mailerFirst` whether the
 * mailer is declared first.
 */
function loop(reader: string, { mailerFirst = true, back = true } = {}): ModelSpec {
  const mailer = { id: "mailer", models: ["llm"], tools: ["mail"] };
  const readerAgent = { id: reader, models: ["llm"], tools: ["read-hr"] };
  return spec({
    actors: [
      { id: "staff", type: "employee", authenticated: true },
      { id: "guests", type: "partner", authenticated: true },
    ],
    data: [
      { id: "question", classification: "internal" },
      { id: "draft", classification: "confidential" },
      { id: "hr-files", classification: "restricted", flags: ["personal"] },
      { id: "shared-files", classification: "internal" },
    ],
    models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
    sources: [{ id: "share", type: "file-share", writableBy: ["guests"], holds: ["shared-files"] }],
    datastores: [{ id: "hr-store", type: "document", holds: ["hr-files"] }],
    tools: [
      { id: "read-hr", capabilities: [{ action: "read", on: ["hr-store"] }] },
      { id: "mail", capabilities: [{ action: "send", destination: "any" }] },
    ],
    agents: mailerFirst ? [mailer, readerAgent] : [readerAgent, mailer],
    flows: [
      { id: "ask", from: "staff", to: "mailer", channel: "api", data: ["question"] },
      ...(back ? [{ id: "to-reader", from: "mailer", to: reader, channel: "message", data: ["question"] }] : []),
      { id: "to-mailer", from: reader, to: "mailer", channel: "message", data: ["draft"] },
      { id: "share-in", from: "share", to: reader, channel: "retrieval", data: ["shared-files"] },
    ],
  });
}

/** The sensitive data in the agent's context, asked after the agents given (the order the trace is asked in must not matter). */
const contextOf = (model: ModelSpec, agent: string, askedBefore: readonly string[] = []) => {
  const graph = buildGraph(loadSpec(model));
  const trace = traceContextData(graph, traceUntrustedContent(graph));
  for (const other of askedBefore) trace.of(other);
  return [...trace.of(agent).keys()].sort();
};

describe("context data over a loop of agents", () => {
  it("gives the mailer the HR files the steered reader holds, whichever ID sorts first and whichever is declared first", () => {
    for (const reader of ["alpha-reader", "zeta-reader"]) {
      for (const mailerFirst of [true, false]) {
        for (const [agent, other] of [["mailer", reader], [reader, "mailer"]]) {
          for (const askedBefore of [[], [other!]]) {
            assert.deepEqual(contextOf(loop(reader, { mailerFirst }), agent!, askedBefore), ["draft", "hr-files"], `${agent} after ${askedBefore.join()}; mailer declared first: ${mailerFirst}`);
          }
        }
      }
    }
  });

  it("says the reader's HR files come from its own read, not from the mailer that got them from the reader and passed them back", () => {
    const graph = buildGraph(loadSpec(loop("alpha-reader")));
    const trace = traceContextData(graph, traceUntrustedContent(graph));
    assert.equal(trace.of("alpha-reader").get("hr-files"), "hr-store");
    assert.equal(trace.of("mailer").get("hr-files"), "alpha-reader");
  });

  it("scores the same findings the same after a rename, and removing the flow back does not raise the total", () => {
    const scores = (model: ModelSpec, rename: string) =>
      analyze(loadSpec(model), { today: TODAY })
        .findings.map((f) => `${f.id.replaceAll(rename, "READER")} ${f.residual.score}`)
        .sort();
    assert.deepEqual(scores(loop("alpha-reader"), "alpha-reader"), scores(loop("zeta-reader"), "zeta-reader"));
    const total = (model: ModelSpec) => analyze(loadSpec(model), { today: TODAY }).findings.reduce((sum, f) => sum + f.residual.score, 0);
    assert.ok(total(loop("alpha-reader", { back: false })) <= total(loop("alpha-reader")));
  });

  it("ends on a long ring of agents that each pass on what they hold, and every one of them holds all of it", () => {
    const ring = 12;
    const agents = Array.from({ length: ring }, (_, i) => `agent-${String(i).padStart(2, "0")}`);
    const model = spec({
      actors: [{ id: "visitors", type: "public" }],
      models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
      data: agents.map((a) => ({ id: `${a}-records`, classification: "confidential" })),
      datastores: agents.map((a) => ({ id: `${a}-store`, type: "relational", holds: [`${a}-records`] })),
      agents: agents.map((id) => ({ id, models: ["llm"] })),
      flows: [
        { id: "visit", from: "visitors", to: agents[0], channel: "api" },
        ...agents.map((a, i) => ({ id: `${a}-next`, from: a, to: agents[(i + 1) % ring], channel: "message" })),
        ...agents.map((a) => ({ id: `${a}-reads`, from: `${a}-store`, to: a, channel: "api" })),
      ],
    });
    for (const agent of agents) assert.equal(contextOf(model, agent).length, ring, agent);
  });
});
