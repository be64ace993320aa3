import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";

/** Loads a model whose agents are `agents` (YAML flow mappings), beside one model and one tool. */
function load(...agents: string[]) {
  const text = [
    "threatwright: 1",
    "system: { id: s, name: S, owner: a@example.com }",
    "models: [{ id: llm, provider: V, hosting: hosted-api }]",
    "tools: [{ id: t, capabilities: [{ action: send, destination: fixed }] }]",
    "agents:",
    ...agents.map((a) => `  - ${a}`),
    "",
  ].join("\n");
  const result = loadModel("m/threatwright.yaml", memoryFiles({ "m/threatwright.yaml": text }));
  return { ok: result.ok, diagnostics: result.diagnostics.map((d) => [d.line, d.severity, d.code, d.message]) };
}

describe("agents the team runs and other organisations' agents", () => {
  it("an agent the team runs must name its models: an error at the agent, with thirdParty as the way out", () => {
    assert.deepEqual(load("{ id: a, tools: [t] }"), { ok: false, diagnostics: [[6, "error", "missing-field", "agent 'a' names no models: an agent the team runs calls at least one"]] });
  });

  it("another organisation's agent needs no models, and loads without a word", () => {
    assert.deepEqual(load("{ id: partner, thirdParty: true }"), { ok: true, diagnostics: [] });
  });

  it("what a third party's agent lists of its own internals is ignored, and a warning says so", () => {
    assert.deepEqual(load("{ id: partner, thirdParty: true, models: [llm], tools: [t] }"), {
      ok: true,
      diagnostics: [[6, "warning", "ignored-for-third-party", "agent 'partner' is another organisation's (thirdParty), so the analysis ignores its models, tools: what it says to the team's agents is what counts"]],
    });
  });
});
