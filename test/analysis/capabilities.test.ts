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

  it("counts what an agent with no identity of its own does as use of its host's identity, and its tools' use too", () => {
    // The agent names no runsAs and runs on a backend that runs as backend-mi: its model calls and its log writes use
    // that identity's grants, and so does its tool, which names no identity either. The grant nobody uses stays unused.
    const model: ModelSpec = {
      services: [{ id: "backend", type: "api", runsAs: "backend-mi" }],
      models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
      datastores: [{ id: "logs", type: "log" }, { id: "tickets", type: "relational" }, { id: "billing", type: "relational" }],
      agents: [{ id: "agent", models: ["llm"], runsOn: "backend", tools: ["file-ticket"] }],
      tools: [{ id: "file-ticket", capabilities: [{ action: "write", on: ["tickets"] }] }],
      flows: [{ id: "log", from: "agent", to: "logs", channel: "api" }],
      identities: [
        {
          id: "backend-mi",
          type: "workload-identity",
          permissions: [
            { resource: "llm", actions: ["execute", "spend"] },
            { resource: "logs", actions: ["write"] },
            { resource: "tickets", actions: ["write"] },
            { resource: "billing", actions: ["write"] },
          ],
        },
      ],
    };
    assert.deepEqual(unused(model, "backend-mi"), ["write on billing"]);
    // A tool that calls with the asking user's own token (delegated) uses none of the backend's grants.
    const delegated = { ...model, tools: [{ id: "file-ticket", delegated: true, capabilities: [{ action: "write", on: ["tickets"] }] }] };
    assert.deepEqual(unused(delegated, "backend-mi"), ["write on tickets", "write on billing"]);
  });

  it("counts delete as used by a pipeline that ingests into the index it rebuilds", () => {
    // Keeping a copy in step with its sources drops the chunks of removed documents: asking to take delete away
    // would leave revoked and deleted documents answerable. Reading the index back is still not used.
    const model: ModelSpec = {
      datastores: [{ id: "index", type: "vector" }],
      pipelines: [{ id: "reindex", type: "embedding-ingestion", schedule: "nightly", runsAs: "ingest-sa" }],
      flows: [{ id: "upsert", from: "reindex", to: "index", channel: "ingestion" }],
      identities: [{ id: "ingest-sa", type: "service-account", permissions: [{ resource: "index", actions: ["read", "write", "delete"] }] }],
    };
    assert.deepEqual(unused(model, "ingest-sa"), ["read on index"]);
  });
});
