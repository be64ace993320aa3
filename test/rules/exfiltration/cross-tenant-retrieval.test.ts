import assert from "node:assert/strict";
import { crossTenantRetrieval } from "../../../src/rules/exfiltration/cross-tenant-retrieval.js";
import { customerTickets, internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A vector store of customer documents the agent retrieves from; tests set its tenancy and data. */
const documents = (store: Record<string, unknown> = {}, data: Record<string, unknown> = { classification: "confidential" }) => ({
  datastores: [{ id: "docs-index", type: "vector", tenancy: "shared", holds: ["customer-docs"], ...store }],
  data: [{ id: "customer-docs", ...data }],
  flows: [{ id: "retrieve", from: "docs-index", to: "agent", channel: "retrieval", data: ["customer-docs"] }],
});

/** The shared store reaches the agent through a retrieval service, by the flows given (the flow out of the store is fixed). */
const throughService = (...out: Record<string, unknown>[]) => ({
  datastores: [{ id: "docs-index", type: "vector", tenancy: "shared", holds: ["customer-docs"] }],
  data: [
    { id: "customer-docs", classification: "confidential" },
    { id: "chat", classification: "internal" },
  ],
  services: [{ id: "retrieval-service", type: "api" }],
  flows: [{ id: "index-out", from: "docs-index", to: "retrieval-service", channel: "retrieval", data: ["customer-docs"] }, ...out],
});

/** Customers' recruiters ask an assistant whose tools (`tools`, by ID) read a database of every tenant's candidates. */
const recruiting = (tools: Record<string, unknown>[]) =>
  spec({
    actors: [{ id: "recruiters", type: "customer", authenticated: true }],
    clients: [{ id: "portal", type: "web-page", handles: ["plain-text"] }],
    models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
    agents: [{ id: "assistant", models: ["llm"], tools: tools.map((t) => t.id) }],
    tools: tools.map((t) => ({ capabilities: [{ action: "read", on: ["ats-db"] }], ...t })),
    datastores: [{ id: "ats-db", type: "relational", tenancy: "shared", holds: ["cvs"] }],
    data: [{ id: "cvs", classification: "confidential", flags: ["personal"] }],
    flows: [
      { id: "ask", from: "recruiters", to: "portal", channel: "api" },
      { id: "portal-to-assistant", from: "portal", to: "assistant", channel: "api" },
    ],
  });

/** What a test changes in `servedExport`: the tool's and the server's fields, the callers' actor type, the store's tenancy, the flows to the server. */
interface Served {
  tool?: Record<string, unknown>;
  server?: Record<string, unknown>;
  callers?: string;
  tenancy?: string;
  flows?: Record<string, unknown>[];
}

/**
 * An MCP server the team serves: customers call it through their own agents (thirdParty); its export tool
 * reads a database of every tenant's tasks as its own service account. `extra` adds to the model.
 */
const servedExport = ({ tool = {}, server = {}, callers = "customer", tenancy = "shared", flows }: Served = {}, ...extra: Record<string, unknown>[]) =>
  spec(
    {
      actors: [{ id: "members", type: callers, authenticated: true }],
      agents: [{ id: "customer-agents", thirdParty: true }],
      services: [{ id: "mcp-host", type: "runtime", exposure: "internet", authentication: "oauth" }],
      mcpServers: [{ id: "mcp", transport: "streamable-http", exposure: "internet", authentication: "oauth", publisher: "us", publisherTrust: "first-party", runsOn: "mcp-host", ...server }],
      tools: [{ id: "export", server: "mcp", runsOn: "mcp-host", runsAs: "export-sa", capabilities: [{ action: "read", on: ["db"] }], ...tool }],
      identities: [{ id: "export-sa", type: "service-account", permissions: [{ resource: "db", actions: ["read"] }] }],
      datastores: [{ id: "db", type: "relational", tenancy, holds: ["tasks"] }],
      data: [{ id: "tasks", classification: "confidential" }],
      flows: flows ?? [
        { id: "ask-own-agent", from: "members", to: "customer-agents", channel: "message" },
        { id: "agent-calls", from: "customer-agents", to: "mcp", channel: "tool-call" },
      ],
    },
    ...extra,
  );

ruleTester(crossTenantRetrieval, {
  valid: [
    {
      name: "the service between the store and the agent hands the agent other data (people's chat), not the store's content",
      model: spec(internalAgent(), throughService({ id: "service-out", from: "retrieval-service", to: "agent", channel: "api", data: ["chat"] })),
    },
    { name: "near miss: the store holds one tenant's data", model: spec(internalAgent(), documents({ tenancy: "single" })) },
    { name: "tenancy not stated", model: spec(internalAgent(), documents({ tenancy: undefined })) },
    // Staff of the team see every tenant by design: nobody of one tenant asks for another's records.
    { name: "a shared relational store read by an agent only staff ask", model: spec(internalAgent(), documents({ type: "relational" })) },
    // Customers' tickets steer the agent, but no customer asks it for records: what it reads goes to staff.
    { name: "a shared relational store read by an agent that customers' tickets reach but customers do not ask", model: spec(internalAgent("agent", { tools: ["read-tickets"] }), customerTickets(), documents({ type: "relational" })) },
    { name: "only public content is shared", model: spec(internalAgent(), documents({}, { classification: "public" })) },
    // The database sees the recruiter: their tenant goes with every read, outside the model's control.
    { name: "the assistant reads the shared database only through a tool that calls with the recruiter's own token (delegated)", model: recruiting([{ id: "get-candidate", delegated: true }]) },
    // The store sees the caller: their tenant goes with every read.
    { name: "the served export tool calls with the caller's own token (delegated)", model: servedExport({ tool: { runsAs: undefined, delegated: true } }) },
    // Staff see every tenant by design.
    {
      name: "only the team's own staff call the MCP server whose tool reads every tenant",
      model: servedExport({ callers: "employee" }),
    },
    // The server is one the team's own agent uses, and nobody calls it from outside.
    {
      name: "a tool of an MCP server only an internal agent uses reads the shared database",
      model: spec(internalAgent("agent", { mcpServers: ["mcp"] }), {
        mcpServers: [{ id: "mcp", transport: "stdio", publisher: "us", publisherTrust: "first-party" }],
        tools: [{ id: "export", server: "mcp", capabilities: [{ action: "read", on: ["db"] }] }],
        datastores: [{ id: "db", type: "relational", tenancy: "shared", holds: ["tasks"] }],
        data: [{ id: "tasks", classification: "confidential" }],
      }),
    },
    // A customer's own agent calls the server, but no customer's person stands behind it in the model.
    { name: "the outside agent calling the server has nobody of a tenant behind it", model: servedExport({ flows: [{ id: "agent-calls", from: "customer-agents", to: "mcp", channel: "tool-call" }] }) },
    { name: "near miss: the served tool's store holds one tenant's data", model: servedExport({ tenancy: "single" }) },
    { name: "the served tool only writes the shared database", model: servedExport({ tool: { capabilities: [{ action: "write", on: ["db"] }] } }) },
    {
      name: "no agent reads the shared store",
      model: spec(internalAgent(), { datastores: [{ id: "docs-index", type: "vector", tenancy: "shared", holds: ["customer-docs"] }], data: [{ id: "customer-docs", classification: "confidential" }] }),
    },
  ],
  invalid: [
    {
      name: "the agent retrieves from the shared store through a retrieval service that passes the passages on",
      model: spec(internalAgent(), throughService({ id: "service-out", from: "retrieval-service", to: "agent", channel: "retrieval" })),
      findings: [{ anchors: ["docs-index"], severity: "high", check: (finding) => assert.ok(finding.evidence.some((e) => e.element === "agent" && e.note === "retrieves from it (via index-out)")) }],
    },
    {
      name: "one tenant's users ask a search agent directly and a worker through it: each asker line names the agents they ask, and how",
      model: spec(
        {
          actors: [
            { id: "tenant-users", type: "customer", authenticated: true },
            { id: "report-readers", type: "customer", authenticated: true },
          ],
          clients: [{ id: "portal", type: "web-page", handles: ["plain-text"] }],
          models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
          agents: [
            { id: "search", models: ["llm"] },
            { id: "worker", models: ["llm"] },
            { id: "reports", models: ["llm"] },
          ],
          datastores: [{ id: "shared-db", type: "relational", tenancy: "shared", holds: ["records"] }],
          data: [
            { id: "records", classification: "confidential" },
            { id: "question", classification: "internal" },
          ],
          flows: [
            { id: "ask", from: "tenant-users", to: "portal", channel: "api", data: ["question"] },
            { id: "portal-search", from: "portal", to: "search", channel: "api", data: ["question"] },
            { id: "hand-off", from: "search", to: "worker", channel: "message", data: ["question"] },
            { id: "search-reads", from: "shared-db", to: "search", channel: "api", data: ["records"] },
            { id: "worker-reads", from: "shared-db", to: "worker", channel: "api", data: ["records"] },
            { id: "reports-ask", from: "report-readers", to: "reports", channel: "api" },
            { id: "reports-read", from: "shared-db", to: "reports", channel: "api", data: ["records"] },
          ],
        },
      ),
      findings: [
        {
          anchors: ["shared-db"],
          severity: "high",
          check: (finding) => {
            assert.equal(finding.evidence.find((e) => e.element === "tenant-users")?.note, "asks search directly and worker through search, which passes the request on: one tenant's user");
            assert.equal(finding.evidence.find((e) => e.element === "report-readers")?.note, "asks reports directly: one tenant's user");
          },
        },
      ],
    },
    {
      name: "a tool of the MCP server the team serves to customers' own agents reads every tenant's tasks as its own service account",
      model: servedExport(),
      findings: [
        {
          anchors: ["db"],
          // Likelihood 3 (default); impact 4 (default, confidential +0): 12, high.
          severity: "high",
          check: (finding) => {
            assert.equal(
              finding.summary,
              "db holds several tenants' tasks side by side and export, a tool of mcp, reads it as export-sa, not with the caller's own token, for members, who work for different tenants; a query without the caller's tenant in it returns another tenant's records.",
            );
            assert.equal(finding.evidence.find((e) => e.element === "export")?.note, "reads it as export-sa, not with the caller's own token, on mcp, which callers from outside reach");
            assert.equal(finding.evidence.find((e) => e.element === "members")?.note, "calls mcp through customer-agents: one tenant's user");
          },
        },
      ],
    },
    {
      name: "customers' scripts call the served tool straight",
      model: servedExport({ flows: [{ id: "call", from: "members", to: "mcp", channel: "tool-call" }] }),
      findings: [{ anchors: ["db"], severity: "high", check: (finding) => assert.equal(finding.evidence.find((e) => e.element === "members")?.note, "calls mcp directly: one tenant's user") }],
    },
    {
      name: "customers call the served tool through a web app; an unverified tenant filter in the tool's query counts half",
      model: servedExport(
        {
          tool: { runsAs: undefined },
          flows: [
            { id: "use-app", from: "members", to: "app", channel: "api" },
            { id: "app-calls", from: "app", to: "mcp", channel: "tool-call" },
          ],
        },
        {
          clients: [{ id: "app", type: "web-page", handles: ["plain-text"] }],
          controls: [{ id: "where-tenant", type: "tenant-isolation", covers: ["export"], status: "implemented", verified: false }],
        },
      ),
      findings: [
        {
          anchors: ["db"],
          // No identity named: the sentence says only that the tool does not use the caller's token.
          // Likelihood 3 +1 (members write the calls themselves) = 4; impact 4: inherent 16.
          // Residual: an unverified tenant filter takes half of 3 off likelihood: 2.5 x 4 = 10, medium.
          severity: "medium",
          summary: /export, a tool of mcp, reads it, not with the caller's own token, for members, who work/,
          check: (finding) => {
            assert.equal(finding.evidence.find((e) => e.element === "members")?.note, "calls mcp through app: one tenant's user");
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.residual.score, 10);
          },
        },
      ],
    },
    {
      name: "the same customers ask an in-app assistant that reads the database and call the served export tool: one line says both",
      model: spec(recruiting([{ id: "get-candidate" }]), {
        agents: [{ id: "customer-agents", thirdParty: true }],
        mcpServers: [{ id: "mcp", transport: "streamable-http", exposure: "internet", authentication: "oauth", publisher: "us", publisherTrust: "first-party" }],
        tools: [{ id: "export", server: "mcp", capabilities: [{ action: "read", on: ["ats-db"] }] }],
        flows: [
          { id: "own-agent", from: "recruiters", to: "customer-agents", channel: "message" },
          { id: "agent-calls", from: "customer-agents", to: "mcp", channel: "tool-call" },
        ],
      }),
      findings: [
        {
          anchors: ["ats-db"],
          severity: "high",
          summary: /assistant reads from it for recruiters, and export, a tool of mcp, reads it, not with the caller's own token, for recruiters, who work for different tenants; a query without the asker's tenant/,
          check: (finding) => assert.equal(finding.evidence.find((e) => e.element === "recruiters")?.note, "asks assistant directly and calls mcp through customer-agents: one tenant's user"),
        },
      ],
    },
    {
      // The tool names no identity and its host none: it reads as the server's.
      name: "a served tool without an identity of its own, on a server that runs as a role, reads a shared vector index",
      model: servedExport(
        { tool: { runsAs: undefined, capabilities: [{ action: "read", on: ["index"] }] }, server: { runsAs: "mcp-role" } },
        {
          datastores: [{ id: "index", type: "vector", tenancy: "shared", holds: ["tasks"] }],
          identities: [{ id: "mcp-role", type: "workload-identity" }],
        },
      ),
      findings: [
        {
          anchors: ["index"],
          severity: "high",
          check: (finding) => {
            assert.match(finding.summary, /export, a tool of mcp, reads it as mcp-role, not with the caller's own token, for members, who work for different tenants; a query without the caller's tenant in it returns another tenant's records\.$/);
          },
        },
      ],
    },
    {
      // The assistant's request to the server is the assistant's story; the walk from the server stops at an agent of the team's.
      name: "customers ask an assistant that calls the team's MCP server by a flow: the server's tool is the assistant's read, not one served to outsiders",
      model: spec({
        actors: [{ id: "recruiters", type: "customer", authenticated: true }],
        clients: [{ id: "portal", type: "web-page", handles: ["plain-text"] }],
        models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
        agents: [{ id: "assistant", models: ["llm"], mcpServers: ["mcp"] }],
        datastores: [{ id: "ats-db", type: "relational", tenancy: "shared", holds: ["cvs"] }],
        data: [{ id: "cvs", classification: "confidential", flags: ["personal"] }],
        mcpServers: [{ id: "mcp", transport: "streamable-http", publisher: "us", publisherTrust: "first-party" }],
        tools: [{ id: "export", server: "mcp", capabilities: [{ action: "read", on: ["ats-db"] }] }],
        flows: [
          { id: "ask", from: "recruiters", to: "portal", channel: "api" },
          { id: "portal-to-assistant", from: "portal", to: "assistant", channel: "api" },
          { id: "assistant-calls", from: "assistant", to: "mcp", channel: "tool-call" },
        ],
      }),
      findings: [{ anchors: ["ats-db"], severity: "high", summary: /^ats-db holds several tenants' cvs side by side and assistant reads from it for recruiters, who work/ }],
    },
    {
      name: "the service's flow to the agent names the store's data",
      model: spec(internalAgent(), throughService({ id: "service-out", from: "retrieval-service", to: "agent", channel: "api", data: ["customer-docs", "chat"] })),
      findings: [{ anchors: ["docs-index"], severity: "high" }],
    },
    {
      name: "shared vector store the agent retrieves from",
      model: spec(internalAgent(), documents()),
      findings: [
        {
          anchors: ["docs-index"],
          // Likelihood 3 (default): only staff ask the agent, so nobody of a tenant writes the query; impact 4 (default) +0 (confidential). 3 x 4 = 12: high.
          severity: "high",
          summary: /one tenant's queries can return another's entries/,
          check: (finding) => assert.equal(finding.inherent.likelihood, 3),
        },
      ],
    },
    {
      name: "customers ask the agent that retrieves from the shared index: they write the queries, so likelihood rises; a verified per-tenant namespace takes it to the floor",
      model: spec(documents(), {
        actors: [{ id: "customers", type: "customer", authenticated: true }],
        models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
        agents: [{ id: "agent", models: ["llm"] }],
        flows: [{ id: "ask", from: "customers", to: "agent", channel: "api" }],
        controls: [{ id: "namespaces", type: "tenant-isolation", covers: ["docs-index"], status: "implemented", verified: true }],
      }),
      findings: [
        {
          anchors: ["docs-index"],
          // Likelihood 3 +1 (customers write the queries) = 4; impact 4: inherent 16, high.
          // Residual: verified tenant isolation takes 3 off likelihood: 1 x 4 = 4, low.
          severity: "low",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.residual.score, 4);
            assert.ok(finding.reasons.some((r) => r.includes("+1 customers write the queries themselves")));
          },
        },
      ],
    },
    {
      name: "customers' recruiters ask an agent whose tool reads a database of every tenant's candidates",
      model: spec(
        {
          actors: [{ id: "recruiters", type: "customer", authenticated: true }],
          clients: [{ id: "portal", type: "web-page", handles: ["plain-text"] }],
          models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
          agents: [{ id: "assistant", models: ["llm"], tools: ["get-candidate"] }],
          tools: [{ id: "get-candidate", capabilities: [{ action: "read", on: ["ats-db"] }] }],
          datastores: [{ id: "ats-db", type: "relational", tenancy: "shared", holds: ["cvs"] }],
          data: [{ id: "cvs", classification: "confidential", flags: ["personal"] }],
          flows: [
            { id: "ask", from: "recruiters", to: "portal", channel: "api" },
            { id: "portal-to-assistant", from: "portal", to: "assistant", channel: "api" },
          ],
        },
        { controls: [{ id: "tenant-filter", type: "tenant-isolation", covers: ["get-candidate"], status: "partial", verified: true }] },
      ),
      findings: [
        {
          anchors: ["ats-db"],
          // Likelihood 3 +1 (the recruiters write the queries) = 4; impact 4 (personal data is confidential: +0) = 16, high.
          // Residual: a partial, verified tenant filter on the tool takes half of 3 off likelihood: 2.5 x 4 = 10.
          severity: "medium",
          summary: /ats-db holds several tenants' cvs side by side and assistant reads from it for recruiters, who work for different tenants; a query without the asker's tenant in it returns another tenant's records\./,
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.residual.score, 10);
            assert.ok(finding.reasons.some((r) => r.includes("+1 recruiters write the queries themselves: reaching another tenant takes no more than asking")));
          },
        },
      ],
    },
    {
      name: "one of the assistant's reads is delegated and one runs as the service: the service's read still needs the tenant in every query",
      model: recruiting([{ id: "get-candidate", delegated: true }, { id: "search-candidates" }]),
      findings: [{ anchors: ["ats-db"], severity: "high", summary: /assistant reads from it for recruiters/ }],
    },
    {
      name: "a delegated read beside a flow that brings the database's records to the assistant: that flow carries no asker",
      model: spec(recruiting([{ id: "get-candidate", delegated: true }]), { flows: [{ id: "nightly-feed", from: "ats-db", to: "assistant", channel: "api", data: ["cvs"] }] }),
      findings: [{ anchors: ["ats-db"], severity: "high" }],
    },
    {
      name: "shared memory read through a tool; verified tenant isolation lowers the residual",
      model: spec(internalAgent("agent", { tools: ["recall"] }), {
        datastores: [{ id: "memories", type: "memory", tenancy: "shared", holds: ["notes"] }],
        data: [{ id: "notes", classification: "confidential", flags: ["health"] }],
        tools: [{ id: "recall", capabilities: [{ action: "read", on: ["memories"] }] }],
        controls: [{ id: "namespaces", type: "tenant-isolation", covers: ["memories"], verified: true }],
      }),
      findings: [
        {
          anchors: ["memories"],
          // Likelihood 3; impact 4 +1 (health: restricted) = 5: inherent 15, high.
          // Residual: verified tenant isolation takes 2 off likelihood: 1 x 5 = 5, low.
          severity: "low",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.equal(finding.residual.score, 5);
          },
        },
      ],
    },
  ],
});
