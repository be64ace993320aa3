import assert from "node:assert/strict";
import { overPrivilegedIdentity } from "../../../src/rules/identity/over-privileged-identity.js";
import { internalAgent, ordersLookup, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const leastPrivilege = (verified: boolean) => ({
  controls: [{ id: "scoped-grants", type: "least-privilege", covers: ["orders-sa"], verified, evidence: [{ type: "config", ref: "db/roles.sql" }] }],
});

/** An agent with no identity of its own on a backend that runs as backend-mi, which is granted `grants` on the log store (holding `holds`, of data public-notes and staff-notes). */
const hostedAgent = (grants: string[], holds?: string[]) =>
  spec(internalAgent("agent", { runsOn: "backend" }), {
    services: [{ id: "backend", type: "api", runsAs: "backend-mi" }],
    datastores: [{ id: "chat-logs", type: "log", ...(holds ? { holds } : {}) }],
    data: [
      { id: "public-notes", classification: "public" },
      { id: "staff-notes", classification: "internal" },
    ],
    flows: [{ id: "log-turns", from: "agent", to: "chat-logs", channel: "api" }],
    identities: [{ id: "backend-mi", type: "workload-identity", permissions: [{ resource: "chat-logs", actions: grants }] }],
  });

/** A rejection job that runs as mailer-sa and reads scores; `mailer` and `flows` say how it sends mail. */
const mailerJob = (mailer: Record<string, unknown>, grants: { resource: string; actions: string[] }[], extra: Record<string, unknown> = {}) =>
  spec(
    {
      actors: [{ id: "candidates", type: "public" }],
      services: [{ id: "mailer", type: "runtime", runsAs: "mailer-sa", ...mailer }],
      datastores: [{ id: "scores", type: "relational" }],
      flows: [
        { id: "scores-in", from: "scores", to: "mailer", channel: "event" },
        { id: "rejection", from: "mailer", to: "candidates", channel: "email" },
      ],
      identities: [{ id: "mailer-sa", type: "service-account", permissions: grants }],
    },
    extra,
  );

/**
 * A sync pipeline on a connector host runs as the connector's own app identity and writes an index; the host runs
 * as a workload identity granted write on the index, whose token is projected into the host (presentIn), or not.
 */
const connectorHost = (projected: boolean) => ({
  services: [{ id: "connector-host", type: "runtime", runsAs: "host-role" }],
  pipelines: [{ id: "doc-sync", type: "embedding-ingestion", runsOn: "connector-host", runsAs: "connector-app" }],
  datastores: [{ id: "index", type: "vector" }],
  flows: [{ id: "upsert", from: "doc-sync", to: "index", channel: "api" }],
  identities: [
    { id: "connector-app", type: "oauth-app", permissions: [{ resource: "index", actions: ["read"] }] },
    {
      id: "host-role",
      type: "workload-identity",
      permissions: [{ resource: "index", actions: ["write"] }],
      credentials: [{ id: "host-token", type: "federated", lifetime: "short-lived", storage: "kubernetes-secret", ...(projected ? { presentIn: ["connector-host"] } : {}) }],
    },
  ],
});

ruleTester(overPrivilegedIdentity, {
  valid: [
    // The pipeline on the host may write with the host's token: the grant is used (knowledge review P13).
    { name: "a grant used by a component on a host that holds the identity's credential", model: connectorHost(true) },
    // Sending is the mailer's whole job: a send grant on itself (its SES identity) is used, as is one on the mail service it calls.
    { name: "a mailer service granted send on itself", model: mailerJob({ type: "email", handles: ["sends-email"] }, [{ resource: "scores", actions: ["read"] }, { resource: "mailer", actions: ["send"] }]) },
    {
      name: "a job granted send on the mail service it passes mail to",
      model: mailerJob({}, [{ resource: "scores", actions: ["read"] }, { resource: "ses", actions: ["send"] }], {
        services: [{ id: "ses", type: "email" }],
        flows: [{ id: "to-ses", from: "mailer", to: "ses", channel: "api" }],
      }),
    },
    { name: "an agent with no identity of its own uses its host's grant (it writes the logs)", model: hostedAgent(["write"]) },
    { name: "the orders account is granted only the read the lookup uses", model: spec(publicChat("agent", { tools: ["lookup-order"] }), ordersLookup(["read"])) },
    {
      name: "the tool uses the write it is granted",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), ordersLookup(), {
        tools: [{ id: "update-order", runsAs: "orders-sa", capabilities: [{ action: "write", on: ["orders-db"] }] }],
      }),
    },
    {
      name: "nobody runs as the identity (an unused identity is TW-NHI-007's finding)",
      model: spec(publicChat("agent"), {
        datastores: [{ id: "orders-db", type: "relational" }],
        identities: [{ id: "orders-sa", type: "service-account", permissions: [{ resource: "orders-db", actions: ["read", "write"] }] }],
      }),
    },
    {
      name: "the unused grant is only a read",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), {
        datastores: [
          { id: "orders-db", type: "relational" },
          { id: "archive", type: "object" },
        ],
        tools: [{ id: "lookup-order", runsAs: "orders-sa", capabilities: [{ action: "read", on: ["orders-db"] }] }],
        identities: [
          {
            id: "orders-sa",
            type: "service-account",
            permissions: [
              { resource: "orders-db", actions: ["read"] },
              { resource: "archive", actions: ["read"] },
            ],
          },
        ],
      }),
    },
    {
      name: "a web search tool calling a metered API uses the fetch and spend its key is granted there",
      model: spec(publicChat("agent", { tools: ["web-search"] }), {
        services: [{ id: "search-api", type: "api" }],
        tools: [{ id: "web-search", runsAs: "search-key", capabilities: [{ action: "fetch", destination: "any" }] }],
        flows: [{ id: "search-call", from: "web-search", to: "search-api", channel: "api" }],
        identities: [{ id: "search-key", type: "api-key", permissions: [{ resource: "search-api", actions: ["fetch", "spend"] }] }],
      }),
    },
    {
      name: "an agent calling its model uses the read and spend granted on it",
      model: spec(internalAgent("agent", { runsAs: "agent-sa" }), { identities: [{ id: "agent-sa", type: "workload-identity", permissions: [{ resource: "llm", actions: ["read", "spend"] }] }] }),
    },
  ],
  invalid: [
    {
      name: "near miss: the same host role's token is held nowhere, and nothing acts as it",
      model: connectorHost(false),
      // The host acts as the role but writes nothing itself; the pipeline writes as its own app.
      findings: [{ anchors: ["host-role"], summary: /^host-role is granted write on index that connector-host never uses\.$/ }],
    },
    {
      name: "near miss: a worker that is no mail service is granted send on itself",
      model: mailerJob({}, [{ resource: "scores", actions: ["read"] }, { resource: "mailer", actions: ["send"] }]),
      findings: [{ anchors: ["mailer-sa"], summary: /^mailer-sa is granted send on mailer that mailer never uses\.$/ }],
    },
    {
      name: "near miss: the host's identity may also delete the logs, which the agent on it never does",
      model: hostedAgent(["write", "delete"]),
      findings: [
        {
          anchors: ["backend-mi"],
          // Likelihood 3 (only staff reach the agent: no untrusted text). Impact 3 +1 (unused grants include delete; what the logs hold is not said) = 4. 12, high.
          summary: /^backend-mi is granted delete on chat-logs that agent, backend never use\.$/,
          check: (finding) => {
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact], [3, 4]);
            assert.match(finding.reasons[1]!, /\+1 unused grants include delete on chat-logs/);
          },
        },
      ],
    },
    {
      name: "the host's identity may run code on the backend, which nothing acting as it does: running code weighs like administering (SOC review P6)",
      model: { ...hostedAgent(["write"]), identities: [{ id: "backend-mi", type: "workload-identity", permissions: [{ resource: "chat-logs", actions: ["write"] }, { resource: "backend", actions: ["execute"] }] }] },
      findings: [
        {
          anchors: ["backend-mi"],
          // Likelihood 3; impact 3 +1 (unused grants include execute on backend) = 4: 12, high.
          severity: "high",
          check: (finding) => assert.match(finding.reasons[1]!, /\+1 unused grants include execute on backend/),
        },
      ],
    },
    {
      name: "an unused spend grant with no cap weighs like the other damaging grants",
      model: { ...hostedAgent(["write"]), identities: [{ id: "backend-mi", type: "workload-identity", permissions: [{ resource: "chat-logs", actions: ["write"] }, { resource: "backend", actions: ["spend"] }] }] },
      // Likelihood 3; impact 3 +1 (unused spend, uncapped) = 4: 12, high.
      findings: [{ anchors: ["backend-mi"], severity: "high", check: (finding) => assert.match(finding.reasons[1]!, /\+1 unused grants include spend on backend/) }],
    },
    {
      name: "the same unused spend grant capped per month is a known cost: no step up (knowledge review P13)",
      model: {
        ...hostedAgent(["write"]),
        identities: [{ id: "backend-mi", type: "workload-identity", permissions: [{ resource: "chat-logs", actions: ["write"] }, { resource: "backend", actions: ["spend"], limit: { amount: 50, currency: "USD", per: "month" } }] }],
      },
      // Likelihood 3; impact 3: 9, medium.
      findings: [{ anchors: ["backend-mi"], severity: "medium", check: (finding) => assert.equal(finding.inherent.impact, 3) }],
    },
    {
      name: "an unused delete on a store of public data only (a cache rebuilt from what is published) loses nothing of value: no step up",
      model: hostedAgent(["write", "delete"], ["public-notes"]),
      // Likelihood 3, impact 3: 9, medium.
      findings: [{ anchors: ["backend-mi"], severity: "medium", check: (finding) => assert.equal(finding.inherent.impact, 3) }],
    },
    {
      name: "an unused delete on a store that holds anything more than public data still raises impact",
      model: hostedAgent(["write", "delete"], ["public-notes", "staff-notes"]),
      findings: [{ anchors: ["backend-mi"], check: (finding) => assert.equal(finding.inherent.impact, 4) }],
    },
    {
      name: "the orders service account can also update orders while the public agent's lookup only reads",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), ordersLookup()),
      findings: [
        {
          anchors: ["orders-sa"],
          // Likelihood 3 + 1 (the lookup is used by an agent public users reach) = 4; impact 3 (write is not delete, admin or spend): 4 x 3 = 12, high.
          severity: "high",
          summary: /write on orders-db/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.deepEqual(finding.evidence.map((e) => e.element), ["orders-db", "lookup-order"]);
          },
        },
      ],
    },
    {
      name: "internal use only: no exposure factor, and a verified least-privilege review takes 2 off impact",
      model: spec(internalAgent("agent", { tools: ["lookup-order"] }), ordersLookup(), leastPrivilege(true)),
      findings: [
        {
          anchors: ["orders-sa"],
          // Inherent 3 x 3 = 9; residual impact 3 - 2 (verified, full strength) = 1: 3 x 1 = 3, low.
          severity: "low",
          check: (finding) => {
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 3);
          },
        },
      ],
    },
    {
      name: "an unused delete raises impact; an unverified control counts half",
      model: spec(internalAgent("agent", { tools: ["lookup-order"] }), ordersLookup(["read", "write", "delete"]), leastPrivilege(false)),
      findings: [
        {
          anchors: ["orders-sa"],
          // Impact 3 + 1 (delete) = 4, likelihood 3: 12. Unverified least-privilege: 2 x 0.5 = 1 off impact: 3 x 3 = 9, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.impact, 3);
          },
        },
      ],
    },
    {
      name: "a key granted spend on a metered API that no component acting as it calls",
      model: spec(internalAgent("agent", { tools: ["web-search"] }), {
        services: [
          { id: "search-api", type: "api" },
          { id: "maps-api", type: "api" },
        ],
        tools: [{ id: "web-search", runsAs: "search-key", capabilities: [{ action: "read", on: ["search-api"] }] }],
        identities: [
          {
            id: "search-key",
            type: "api-key",
            permissions: [
              { resource: "search-api", actions: ["read", "spend"] },
              { resource: "maps-api", actions: ["read", "spend"] },
            ],
          },
        ],
      }),
      findings: [
        {
          anchors: ["search-key"],
          // Likelihood 3 (internal use only), impact 3 + 1 (unused spend) = 4: 12, high. Spend on the search API it calls is used.
          severity: "high",
          summary: /granted spend on maps-api that web-search never uses/,
          check: (finding) => assert.deepEqual(finding.evidence.map((e) => e.element), ["maps-api", "web-search"]),
        },
      ],
    },
    {
      name: "a pipeline that ingests customer tickets is not steered by them: no exposure factor",
      model: spec({
        actors: [{ id: "customer", type: "customer" }],
        sources: [{ id: "tickets", type: "tickets", writableBy: ["customer"] }],
        datastores: [{ id: "index", type: "vector" }],
        pipelines: [{ id: "ingest", type: "embedding-ingestion", runsAs: "ingest-sa" }],
        flows: [
          { id: "tickets-to-ingest", from: "tickets", to: "ingest", channel: "ingestion" },
          { id: "ingest-to-index", from: "ingest", to: "index", channel: "ingestion" },
        ],
        identities: [{ id: "ingest-sa", type: "service-account", permissions: [{ resource: "tickets", actions: ["read", "delete"] }] }],
      }),
      findings: [
        {
          anchors: ["ingest-sa"],
          // Likelihood 3 (no agent acts as it), impact 3 + 1 (unused delete) = 4: 12, high.
          severity: "high",
          check: (finding) => assert.equal(finding.inherent.likelihood, 3),
        },
      ],
    },
  ],
});
