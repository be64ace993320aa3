import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";

/** Loads a small model (a partner actor, a web source, a fetching tool, an API service, an agent and its model) with one adversary whose via is `via`. */
function diagnosticsOf(via: string[]) {
  const text = [
    "threatwright: 1",
    "system: { id: s, name: S, owner: a@example.com }",
    "actors: [{ id: partners, type: partner }]",
    "sources: [{ id: web, type: web }]",
    "services: [{ id: api, type: api }, { id: site, type: web-app }, { id: scoring, type: inference-server, exposure: internet }]",
    "datastores: [{ id: notes, type: document, writableBy: [partners] }, { id: orders, type: relational }]",
    "models: [{ id: llm, provider: V, hosting: hosted-api }]",
    "tools: [{ id: browse, capabilities: [{ action: fetch, on: [site] }] }]",
    "agents: [{ id: agent, models: [llm], tools: [browse] }]",
    "adversaries:",
    `  - { id: crooks, type: organised-crime, capability: high, via: [${via.join(", ")}] }`,
    "",
  ].join("\n");
  const result = loadModel("m/threatwright.yaml", memoryFiles({ "m/threatwright.yaml": text }));
  assert.ok(result.ok, "a warning leaves the model valid");
  return result.diagnostics.map((d) => [d.line, d.code, d.message]);
}

describe("warnings about adversaries that come in by nothing", () => {
  it("warns, at the adversary, when via names only a service, a model or an agent: no finding can count it", () => {
    assert.deepEqual(diagnosticsOf(["api", "llm", "agent"]), [
      [11, "via-names-no-entry", "adversary 'crooks': via names 'api', 'llm', 'agent', which no attacker text comes in by, so no finding counts this adversary"],
    ]);
  });

  it("says findings count it elsewhere when another of its ways in is one", () => {
    assert.deepEqual(diagnosticsOf(["partners", "orders"]), [
      [11, "via-names-no-entry", "adversary 'crooks': via names 'orders', which no attacker text comes in by, so findings count it only where its other ways in are"],
    ]);
  });

  it("stays silent for actors, sources, stores people write to, fetching tools and what they fetch, and an inference server on the internet", () => {
    assert.deepEqual(diagnosticsOf(["partners", "web", "notes", "browse", "site", "scoring"]), []);
  });
});
