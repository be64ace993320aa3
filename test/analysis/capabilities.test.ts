import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyseCapabilities } from "../../src/analysis/capabilities.js";
import { buildGraph } from "../../src/graph/graph.js";
import { loadSpec, spec, type ModelSpec } from "../rules/rule-tester.js";

/** The unused grants of an identity, as "action on resource". */
function unused(model: ModelSpec, identity: string): string[] {
  return analyseCapabilities(buildGraph(loadSpec(model))).unusedPermissions(identity).map((p) => `${p.action} on ${p.resource}`);
}

/** A web search API billed per query, and the key a search tool runs as, granted `grants` on it. */
const searchApi = (grants: string[], tool: Record<string, unknown> = {}): ModelSpec => ({
  services: [
    { id: "search-api", type: "api" },
    { id: "translate-api", type: "api" },
  ],
  tools: [{ id: "web-search", runsAs: "search-key", capabilities: [{ action: "fetch", on: ["search-api"] }], ...tool }],
  identities: [
    {
      id: "search-key",
      type: "api-key",
      permissions: [
        { resource: "search-api", actions: grants },
        { resource: "translate-api", actions: ["read", "spend"] },
      ],
    },
  ],
});

describe("unused permissions", () => {
  it("counts spend on a metered third-party API as used when a tool acting as the identity calls it", () => {
    // fetch uses read; the call is billed, so spend is used too. Nothing acting as the key calls the translation API.
    assert.deepEqual(unused(searchApi(["read", "spend"]), "search-key"), ["read on translate-api", "spend on translate-api"]);
  });

  it("counts spend as used when a component acting as the identity has a flow to the resource", () => {
    const model = spec(searchApi(["write", "spend"], { capabilities: [{ action: "fetch" }] }), {
      flows: [{ id: "search-call", from: "web-search", to: "search-api", channel: "api" }],
    });
    assert.deepEqual(unused(model, "search-key"), ["read on translate-api", "spend on translate-api"]);
  });

  it("keeps spend unused on a resource nothing acting as the identity calls", () => {
    // The tool acts as another identity: the key's grants are all unused.
    const model = spec(searchApi(["read", "spend"], { runsAs: "other-key" }), { identities: [{ id: "other-key", type: "api-key" }] });
    assert.deepEqual(unused(model, "search-key"), ["read on search-api", "spend on search-api", "read on translate-api", "spend on translate-api"]);
  });

  it("counts read and spend on the models an agent acting as the identity calls", () => {
    const model: ModelSpec = {
      models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
      agents: [{ id: "agent", models: ["llm"], runsAs: "agent-sa" }],
      identities: [{ id: "agent-sa", type: "workload-identity", permissions: [{ resource: "llm", actions: ["read", "spend", "admin"] }] }],
    };
    assert.deepEqual(unused(model, "agent-sa"), ["admin on llm"]);
  });

  it("counts execute on a model the identity calls as the call itself (a cloud's invoke), and leaves write and admin unused", () => {
    const model: ModelSpec = {
      models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
      agents: [{ id: "agent", models: ["llm"], runsAs: "agent-sa" }],
      identities: [{ id: "agent-sa", type: "workload-identity", permissions: [{ resource: "llm", actions: ["execute", "write", "admin"] }] }],
    };
    assert.deepEqual(unused(model, "agent-sa"), ["write on llm", "admin on llm"]);
  });

  it("leaves delete unused for a pipeline that ingests into the index it rebuilds: no field says it deletes", () => {
    // An ingestion flow writes; whether the job also drops chunks of removed documents, or only upserts, the model cannot say.
    const model: ModelSpec = {
      datastores: [{ id: "index", type: "vector" }],
      pipelines: [{ id: "reindex", type: "embedding-ingestion", schedule: "nightly", runsAs: "ingest-sa" }],
      flows: [{ id: "upsert", from: "reindex", to: "index", channel: "ingestion" }],
      identities: [{ id: "ingest-sa", type: "service-account", permissions: [{ resource: "index", actions: ["read", "write", "delete"] }] }],
    };
    assert.deepEqual(unused(model, "ingest-sa"), ["read on index", "delete on index"]);
  });
});
