import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../../../src/analysis/analyze.js";
import { crossTenantRetrieval } from "../../../src/rules/exfiltration/cross-tenant-retrieval.js";
import { permissionBlindRetrieval } from "../../../src/rules/exfiltration/permission-blind-retrieval.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { loadSpec, ruleTester, spec, TODAY } from "../rule-tester.js";
import type { ModelSpec } from "../rule-tester.js";

/** A company-wide vector index the agent retrieves from; tests set the store's fields and its data. */
const index = (store: Record<string, unknown> = {}, data: Record<string, unknown> = { classification: "restricted", flags: ["personal", "financial"] }): ModelSpec => ({
  datastores: [{ id: "wiki-index", type: "vector", tenancy: "single", holds: ["hr-docs"], ...store }],
  data: [{ id: "hr-docs", ...data }],
  flows: [{ id: "retrieve", from: "wiki-index", to: "agent", channel: "retrieval", data: ["hr-docs"] }],
});

/** The company-wide index, read through a retrieval service that passes the passages on to the agent. */
const serviceIndex = (): ModelSpec => ({
  datastores: [{ id: "wiki-index", type: "vector", tenancy: "single", holds: ["hr-docs"] }],
  data: [{ id: "hr-docs", classification: "restricted", flags: ["personal", "financial"] }],
  services: [{ id: "search-service", type: "api" }],
  flows: [
    { id: "index-out", from: "wiki-index", to: "search-service", channel: "retrieval", data: ["hr-docs"] },
    { id: "service-out", from: "search-service", to: "agent", channel: "retrieval", data: ["hr-docs"] },
  ],
});

/** The company-wide index, searched by a tool of the agent's, as agent frameworks draw retrieval. */
const toolIndex = (type = "vector"): ModelSpec => ({
  datastores: [{ id: "wiki-index", type, tenancy: "single", holds: ["hr-docs"] }],
  data: [{ id: "hr-docs", classification: "restricted", flags: ["personal", "financial"] }],
  tools: [{ id: "search-docs", capabilities: [{ action: "read", on: ["wiki-index"] }] }],
});

/** A control of the type on the element; implemented unless `extra` says otherwise. */
const control = (type: string, covers: string, extra: Record<string, unknown> = {}): ModelSpec => ({
  controls: [{ id: `${type}-on-${covers}`, type, covers: [covers], status: "implemented", ...extra }],
});

/** A public chat over one index of help-centre articles and, optionally, customers' past tickets, rebuilt nightly. */
const helpIndex = (withTickets: boolean): ModelSpec =>
  spec(publicChat(), {
    actors: [{ id: "customers", type: "customer", authenticated: false }],
    sources: [
      { id: "help-centre", type: "documents", holds: ["help-articles"] },
      ...(withTickets ? [{ id: "tickets", type: "tickets", writableBy: ["customers"], holds: ["ticket-history"] }] : []),
    ],
    pipelines: [{ id: "nightly-embedding", type: "embedding-ingestion", schedule: "nightly" }],
    datastores: [{ id: "help-index", type: "vector", tenancy: "single", holds: withTickets ? ["help-articles", "ticket-history"] : ["help-articles"] }],
    data: [{ id: "help-articles", classification: "public" }, ...(withTickets ? [{ id: "ticket-history", classification: "confidential", flags: ["personal"] }] : [])],
    flows: [
      { id: "ingest-articles", from: "help-centre", to: "nightly-embedding", channel: "ingestion", data: ["help-articles"] },
      ...(withTickets ? [{ id: "ingest-tickets", from: "tickets", to: "nightly-embedding", channel: "ingestion", data: ["ticket-history"] }] : []),
      { id: "upsert", from: "nightly-embedding", to: "help-index", channel: "ingestion" },
      { id: "retrieve-help", from: "help-index", to: "agent", channel: "retrieval" },
    ],
  });

/** The wiki index filled nightly from wiki spaces only, each with its own readers; tests say who may read each space. */
const syncedIndex = (spaces: Record<string, string[]>, extraFlows: Record<string, unknown>[] = []): ModelSpec =>
  spec(internalAgent(), index({ holds: [] }), {
    actors: [{ id: "hr-team", type: "employee", authenticated: true }],
    sources: Object.entries(spaces).map(([id, readers]) => ({ id, type: "documents", readableBy: readers, holds: ["hr-docs"] })),
    models: [{ id: "embedder", provider: "Vendor", hosting: "hosted-api", version: "e-1", pinned: true }],
    pipelines: [{ id: "wiki-sync", type: "embedding-ingestion", schedule: "nightly" }],
    flows: [
      ...Object.keys(spaces).map((id) => ({ id: `export-${id}`, from: id, to: "wiki-sync", channel: "ingestion", data: ["hr-docs"] })),
      // The embedding model's answer to the pipeline carries vectors, not documents.
      { id: "embeddings", from: "embedder", to: "wiki-sync", channel: "api" },
      { id: "upsert", from: "wiki-sync", to: "wiki-index", channel: "ingestion", data: ["hr-docs"] },
      ...extraFlows,
    ],
  });

/** The company-wide index with one control that lowers the finding (16 inherent) to `residual` rather than switching the rule off. */
const lowered = (name: string, controls: ModelSpec, residual: number) => ({
  name,
  model: spec(internalAgent(), index(), controls),
  findings: [
    {
      anchors: ["wiki-index", "agent"],
      check: (finding: { inherent: { score: number }; residual: { score: number }; controls: unknown[] }) => {
        assert.equal(finding.inherent.score, 16);
        assert.equal(finding.residual.score, residual);
        assert.equal(finding.controls.length, 1);
      },
    },
  ],
});

const sharedIndex = spec(internalAgent(), index({ tenancy: "shared" }, { classification: "confidential" }));

ruleTester(permissionBlindRetrieval, {
  valid: [
    // The filter sits in the service between the index and the agent, verified: the sources' permissions decide (TW-EXF-007's).
    { name: "a verified permission filter in the retrieval service the agent reads through", model: spec(internalAgent(), serviceIndex(), control("authorization", "search-service", { verified: true })) },
    { name: "a verified permission filter on the search tool the agent retrieves with", model: spec(internalAgent("agent", { tools: ["search-docs"] }), toolIndex(), control("authorization", "search-docs", { verified: true })) },
    // A record store read by a tool is a lookup, not retrieval by similarity: whose records those are is TW-PRV-001's question.
    { name: "near miss: the tool reads a document store, not a vector index", model: spec(internalAgent("agent", { tools: ["search-docs"] }), toolIndex("document")) },
    { name: "near miss: the index holds only internal and public data, which everyone who asks may read", model: spec(internalAgent(), index({}, { classification: "internal" })) },
    { name: "public chat over public help-centre articles only", model: helpIndex(false) },
    {
      name: "single-user store: the index runs on a host only its own machine can reach",
      model: spec(internalAgent(), index({ runsOn: "laptop" }), { services: [{ id: "laptop", type: "runtime", exposure: "local" }] }),
    },
    { name: "everyone who asks may read the store directly anyway (readableBy)", model: spec(internalAgent(), index({ readableBy: ["staff"] })) },
    { name: "per-user store: each user's content in its own namespace (tenant isolation, implemented and verified)", model: spec(internalAgent(), index(), control("tenant-isolation", "wiki-index", { verified: true })) },
    { name: "an implemented per-user permission filter on the retrieval flow, verified", model: spec(internalAgent(), index(), control("authorization", "retrieve", { verified: true })) },
    { name: "an implemented authorization control on the store", model: spec(internalAgent(), index(), control("authorization", "wiki-index", { verified: true })) },
    { name: "an index copied only from wiki spaces that everyone who asks may read (the sources' readableBy)", model: syncedIndex({ "eng-space": ["staff"], "ops-space": ["staff", "hr-team"] }) },
    { name: "a store shared between tenants is TW-EXF-004's story", model: sharedIndex },
    {
      name: "nobody asks: the agent is started by a scheduler service that no actor talks to",
      model: spec(
        {
          models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
          agents: [{ id: "agent", models: ["llm"] }],
          services: [{ id: "scheduler", type: "other" }],
          flows: [{ id: "tick", from: "scheduler", to: "agent", channel: "event" }],
        },
        index(),
      ),
    },
    {
      name: "a memory store read through a memory flow, not retrieval",
      model: spec(internalAgent(), {
        datastores: [{ id: "notes", type: "memory", holds: ["hr-docs"] }],
        data: [{ id: "hr-docs", classification: "restricted" }],
        flows: [{ id: "recall", from: "notes", to: "agent", channel: "memory", data: ["hr-docs"] }],
      }),
    },
  ],
  invalid: [
    {
      name: "the agent searches the company-wide index with a tool, which filters nothing (knowledge review P1)",
      model: spec(internalAgent("agent", { tools: ["search-docs"] }), toolIndex()),
      findings: [
        {
          anchors: ["wiki-index", "agent"],
          // As by a retrieval flow: 4 x (3 + 1 restricted) = 16, high; the tool is named where the flow would be.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.evidence.find((e) => e.element === "search-docs")?.note, "agent's search of wiki-index; no implemented and verified authorization or tenant-isolation control covers it");
          },
        },
      ],
    },
    {
      name: "the agent reads the company-wide index through a retrieval service, which filters nothing",
      model: spec(internalAgent(), serviceIndex()),
      findings: [
        {
          anchors: ["wiki-index", "agent"],
          // As read straight from the index: 4 x (3 + 1 restricted) = 16, high. Both flows of the way are named.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.deepEqual(finding.evidence.filter((e) => e.element.endsWith("-out")).map((e) => e.element), ["index-out", "service-out"]);
          },
        },
      ],
    },
    {
      name: "company-wide index of HR documents that every employee's question searches; the permission filter is only planned",
      model: spec(internalAgent(), index(), control("authorization", "retrieve", { status: "planned" })),
      findings: [
        {
          anchors: ["wiki-index", "agent"],
          // Likelihood 4 (default; signed-in employees add nothing). Impact 3 (default) +1 (hr-docs restricted) = 4.
          // 4 x 4 = 16, high. The planned filter takes nothing off and is listed.
          severity: "high",
          summary: /agent answers staff from wiki-index, which holds hr-docs, and retrieval picks chunks by similarity, not by what the person asking may open/,
          check: (finding) => {
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact, finding.inherent.score, finding.residual.score], [4, 4, 16, 16]);
            assert.match(finding.reasons[1]!, /\+1 most sensitive data at stake is hr-docs \(restricted\)/);
            assert.match(finding.reasons[2]!, /Planned, not yet counted: authorization-on-retrieve\./);
            assert.deepEqual(finding.missingControls, ["authorization", "tenant-isolation", "data-minimisation"]);
            // The store, the sensitive data, the agent, who asks and the retrieval flow.
            assert.deepEqual(finding.evidence.map((e) => e.element), ["wiki-index", "hr-docs", "agent", "staff", "retrieve"]);
            assert.match(finding.evidence.find((e) => e.element === "staff")!.note, /^employee, signed in; asks agent$/);
            assert.deepEqual(finding.path?.map((s) => [s.element, s.technique]), [
              ["staff", "AML.T0085.000"],
              ["wiki-index", "AML.T0085.000"],
              ["agent", "AML.T0057"],
            ]);
          },
        },
      ],
    },
    {
      name: "public chat over help articles and customers' past tickets; redaction before embedding is partial",
      model: spec(helpIndex(true), control("data-minimisation", "nightly-embedding", { status: "partial" })),
      findings: [
        {
          anchors: ["help-index", "agent"],
          // Likelihood 4 +1 (public-user asks without signing in) = 5. Impact 3 +0 (ticket-history confidential)
          // +1 (answers reach people outside the organisation) = 4. Inherent 20, critical.
          // Residual: data-minimisation on the ingestion pipeline, 1 x 0.5 (partial) x 0.5 (not verified) = 0.25 off impact:
          // 5 x 3.75 = 18.75, high.
          severity: "high",
          summary: /holds ticket-history/,
          check: (finding) => {
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact, finding.inherent.score], [5, 4, 20]);
            assert.deepEqual([finding.residual.likelihood, finding.residual.impact, finding.residual.score], [5, 3.75, 18.75]);
            assert.deepEqual(finding.controls.map((c) => c.control), ["data-minimisation-on-nightly-embedding"]);
            assert.ok(!finding.evidence.some((e) => e.element === "help-articles"), "public articles are not what leaks");
            assert.match(finding.evidence.find((e) => e.element === "nightly-embedding")!.note, /copies help-centre and tickets into help-index \(nightly\).*next run/);
          },
        },
      ],
    },
    // Likelihood 4, impact 3 +1 (restricted): 16. Not verified: 2 x 0.5 = 1 off likelihood, 3 x 4 = 12.
    lowered("a permission filter on the retrieval flow, implemented but not verified", control("authorization", "retrieve"), 12),
    lowered("per-user namespaces (tenant isolation) on the store, implemented but not verified", control("tenant-isolation", "wiki-index"), 12),
    {
      // On the agent it may be about something else (which projects a tool may touch): it takes nothing off, and the evidence says where it belongs.
      name: "near miss: an implemented, verified authorization control on the agent, not on its retrieval",
      model: spec(internalAgent(), index(), control("authorization", "agent", { verified: true })),
      findings: [
        {
          anchors: ["wiki-index", "agent"],
          check: (finding) => {
            assert.deepEqual([finding.residual.score, finding.controls.length], [16, 0]);
            assert.match(finding.evidence.find((e) => e.element === "authorization-on-agent")!.note, /^authorization on agent or where it runs, not on its retrieval from wiki-index: it does not count here.*belongs on the retrieval flow or the store$/);
          },
        },
      ],
    },
    {
      name: "near miss: an authorization control with no status on the backend the agent runs on",
      model: spec(internalAgent("agent", { runsOn: "backend" }), index(), { services: [{ id: "backend", type: "api" }], controls: [{ id: "acl", type: "authorization", covers: ["backend"] }] }),
      findings: [{ anchors: ["wiki-index", "agent"], check: (finding) => assert.deepEqual([finding.residual.score, finding.evidence.at(-1)?.element], [16, "acl"]) }],
    },
    {
      name: "a partial permission filter (verified) on the store lowers the residual",
      model: spec(internalAgent(), index({}, { classification: "confidential" }), control("authorization", "wiki-index", { status: "partial", verified: true })),
      findings: [
        {
          anchors: ["wiki-index", "agent"],
          // Likelihood 4, impact 3 (confidential: +0): 12, high. Residual: authorization 2 x 0.5 (partial) x 1 (verified) = 1 off
          // likelihood: 3 x 3 = 9, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.deepEqual([finding.residual.likelihood, finding.residual.impact, finding.residual.score], [3, 3, 9]);
          },
        },
      ],
    },
    {
      name: "store readable by some of those who ask: only the others are named",
      model: spec(internalAgent(), index({ readableBy: ["staff"], holds: [] }, { classification: "confidential" }), {
        actors: [{ id: "contractors", type: "contractor", authenticated: true }],
        flows: [{ id: "contractors-ask", from: "contractors", to: "agent", channel: "api" }],
      }),
      findings: [
        {
          anchors: ["wiki-index", "agent"],
          // The data is known from the retrieval flow only. Likelihood 4, impact 3 (confidential): 12, high.
          severity: "high",
          summary: /agent answers contractors from wiki-index/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.ok(!finding.evidence.some((e) => e.element === "staff"), "staff may read the store anyway");
            assert.match(finding.evidence.find((e) => e.element === "contractors")!.note, /not among those who may read wiki-index directly/);
          },
        },
      ],
    },
    {
      name: "near miss: one of the spaces the index copies is closed to those who ask",
      model: syncedIndex({ "eng-space": ["staff"], "hr-space": ["hr-team"] }),
      findings: [
        {
          anchors: ["wiki-index", "agent"],
          // Likelihood 4, impact 3 +1 (restricted): 16, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.match(finding.evidence.find((e) => e.element === "staff")!.note, /not among those who may read wiki-index or every source it copies directly/);
          },
        },
      ],
    },
    {
      name: "near miss: the askers may read every space copied, but the agent also writes into the index",
      model: syncedIndex({ "eng-space": ["staff"] }, [{ id: "remember", from: "agent", to: "wiki-index", channel: "memory", data: ["hr-docs"] }]),
      findings: [{ anchors: ["wiki-index", "agent"], severity: "high" }],
    },
    {
      name: "a shared document store, which TW-EXF-004 (vector and memory stores) does not report",
      model: spec(internalAgent(), index({ type: "document", tenancy: "shared" }, { classification: "confidential" })),
      findings: [{ anchors: ["wiki-index", "agent"], severity: "high" }],
    },
  ],
});

describe("TW-EXF-005 with the askers of each agent", () => {
  // Two agents read one store; each finding names the people who ask that agent, and scores them.
  const model: ModelSpec = {
      actors: [
        { id: "admins", type: "admin", authenticated: true },
        { id: "portal-customers", type: "customer", authenticated: true },
      ],
      models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
      agents: [
        { id: "admin-agent", models: ["llm"] },
        { id: "portal-agent", models: ["llm"] },
      ],
      clients: [{ id: "portal", type: "web-page", handles: ["plain-text"] }],
      datastores: [{ id: "contracts", type: "document" }],
      data: [{ id: "contract-text", classification: "confidential" }],
      flows: [
        { id: "admins-ask", from: "admins", to: "admin-agent", channel: "message" },
        { id: "customers-to-portal", from: "portal-customers", to: "portal", channel: "api" },
        { id: "portal-to-agent", from: "portal", to: "portal-agent", channel: "api" },
        { id: "admin-retrieves", from: "contracts", to: "admin-agent", channel: "retrieval", data: ["contract-text"] },
        { id: "portal-retrieves", from: "contracts", to: "portal-agent", channel: "retrieval", data: ["contract-text"] },
      ],
  };
  const findings = analyze(loadSpec(model), { today: TODAY, rules: [permissionBlindRetrieval] }).findings;

  it("raises one finding per agent that retrieves from the store", () => {
    assert.deepEqual(findings.map((f) => f.id).sort(), ["TW-EXF-005@contracts+admin-agent", "TW-EXF-005@contracts+portal-agent"]);
  });

  it("scores administrators lower: likelihood 4 -1 = 3, impact 3 (confidential): 9, medium", () => {
    const admin = findings.find((f) => f.id === "TW-EXF-005@contracts+admin-agent")!;
    assert.deepEqual([admin.inherent.likelihood, admin.inherent.impact, admin.inherent.score, admin.severity], [3, 3, 9, "medium"]);
    assert.match(admin.reasons[0]!, /-1 only administrators ask \(admins\)/);
  });

  it("scores customers higher: likelihood 4, impact 3 +1 (outside the organisation) = 4: 16, high", () => {
    const portal = findings.find((f) => f.id === "TW-EXF-005@contracts+portal-agent")!;
    assert.deepEqual([portal.inherent.likelihood, portal.inherent.impact, portal.inherent.score, portal.severity], [4, 4, 16, "high"]);
    assert.match(portal.reasons[1]!, /\+1 the answers reach people outside the organisation: portal-customers/);
    assert.ok(portal.evidence.some((e) => e.element === "portal-customers") && !portal.evidence.some((e) => e.element === "admins"));
  });
});

describe("TW-EXF-005 and TW-EXF-004 on a store shared between tenants", () => {
  it("only the cross-tenant finding is raised for the store and its agent", () => {
    const findings = analyze(loadSpec(sharedIndex), { today: TODAY, rules: [crossTenantRetrieval, permissionBlindRetrieval] }).findings;
    assert.deepEqual(
      findings.map((f) => f.id),
      ["TW-EXF-004@wiki-index"],
    );
  });
});
