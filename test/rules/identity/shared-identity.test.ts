import assert from "node:assert/strict";
import { sharedIdentity } from "../../../src/rules/identity/shared-identity.js";
import { publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const sharedSa = (extra: Record<string, unknown> = {}) => ({
  identities: [{ id: "shared-sa", type: "service-account", owner: "platform-team", permissions: [{ resource: "orders-db", actions: ["read", "write"] }], ...extra }],
  datastores: [{ id: "orders-db", type: "relational" }],
});
const runtimeWith = (...agents: string[]) => ({
  models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
  services: [{ id: "runtime", type: "runtime", runsAs: "shared-sa" }],
  agents: agents.map((id) => ({ id, models: ["llm"], runsOn: "runtime", runsAs: "shared-sa" })),
});

ruleTester(sharedIdentity, {
  valid: [
    { name: "one workload runs as it", model: spec(sharedSa(), { services: [{ id: "orders-api", type: "api", runsAs: "shared-sa" }] }) },
    { name: "an agent inside the runtime that runs as the same identity is one workload", model: spec(sharedSa(), runtimeWith("agent-a")) },
    {
      name: "a tool of an MCP server that runs as the same identity is part of the server",
      model: spec(sharedSa(), {
        mcpServers: [{ id: "orders-mcp", transport: "stdio", publisher: "us", publisherTrust: "first-party", runsAs: "shared-sa" }],
        tools: [{ id: "update-order", server: "orders-mcp", runsAs: "shared-sa", capabilities: [{ action: "write", on: ["orders-db"] }] }],
      }),
    },
    {
      name: "tools on a host that holds the identity's key are that host's workload",
      model: spec(
        sharedSa({ credentials: [{ id: "shared-key", type: "api-key", lifetime: "static", storage: "env-var", presentIn: ["backend"] }] }),
        {
          services: [{ id: "backend", type: "api" }],
          tools: [
            { id: "read-order", runsOn: "backend", runsAs: "shared-sa", capabilities: [{ action: "read", on: ["orders-db"] }] },
            { id: "update-order", runsOn: "backend", runsAs: "shared-sa", capabilities: [{ action: "write", on: ["orders-db"] }] },
          ],
        },
      ),
    },
  ],
  invalid: [
    {
      name: "an API and a nightly job run as one service account",
      model: spec(sharedSa(), { services: [{ id: "orders-api", type: "api", runsAs: "shared-sa" }], pipelines: [{ id: "nightly-etl", type: "etl", runsAs: "shared-sa" }] }),
      // Default 2 x 2 = 4: nothing exposed, no delete, admin, spend or execute grant.
      findings: [{ anchors: ["shared-sa"], severity: "low", summary: /2 separate workloads: nightly-etl and orders-api/ }],
    },
    {
      name: "two agents in one runtime act as the same identity",
      model: spec(sharedSa(), runtimeWith("intake-agent", "payment-agent")),
      findings: [{ anchors: ["shared-sa"], summary: /2 separate agents: intake-agent and payment-agent/ }],
    },
    {
      name: "one API key held by a backend and a batch job, with a spend grant",
      model: spec(
        sharedSa({
          permissions: [{ resource: "llm-api", actions: ["read", "spend"] }],
          credentials: [{ id: "llm-key", type: "api-key", lifetime: "static", storage: "env-var", presentIn: ["backend", "batch"] }],
        }),
        { services: [{ id: "backend", type: "api" }, { id: "llm-api", type: "api" }], pipelines: [{ id: "batch", type: "batch" }] },
      ),
      // Likelihood 2, impact 2 + 1 (spend) = 3: 6, medium.
      findings: [{ anchors: ["shared-sa"], severity: "medium", check: (finding) => assert.deepEqual(finding.evidence.map((e) => e.element), ["shared-sa", "backend", "batch"]) }],
    },
    {
      name: "a public chat agent shares its identity with a back-office job",
      model: spec(publicChat("agent", { runsAs: "shared-sa" }), sharedSa(), { pipelines: [{ id: "nightly-etl", type: "etl", runsAs: "shared-sa" }] }),
      findings: [
        {
          anchors: ["shared-sa"],
          // Likelihood 2 + 1 (the agent reads untrusted text) = 3, impact 2: 6, medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.inherent.likelihood, 3),
        },
      ],
    },
  ],
});
