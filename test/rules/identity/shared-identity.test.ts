import assert from "node:assert/strict";
import { sharedIdentity } from "../../../src/rules/identity/shared-identity.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const sharedSa = (extra: Record<string, unknown> = {}) => ({
  identities: [{ id: "shared-sa", type: "service-account", owner: "platform-team", permissions: [{ resource: "orders-db", actions: ["read", "write"] }], ...extra }],
  datastores: [{ id: "orders-db", type: "relational" }],
});
/** A cluster where each agent runs in its own pod, with its own tools. */
const cluster = { services: [{ id: "cluster", type: "runtime" }] };
/** A per-pod workload identity and its projected token, held by the agent's pod. */
const podIdentity = (id: string, holder: string, permissions: Record<string, unknown>[] = [{ resource: "orders-db", actions: ["read"] }]) => ({
  identities: [{ id, type: "workload-identity", owner: "platform-team", permissions, credentials: [{ id: `${id}-token`, type: "federated", lifetime: "short-lived", storage: "kubernetes-secret", presentIn: [holder] }] }],
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
    {
      name: "an agent and its own tool on the same host run as the agent's per-pod workload identity: one workload",
      model: spec(publicChat("agent", { runsOn: "cluster", runsAs: "agent-wi", tools: ["fetch-orders"] }), cluster, podIdentity("agent-wi", "agent"), {
        datastores: [{ id: "orders-db", type: "relational" }],
        tools: [{ id: "fetch-orders", runsOn: "cluster", runsAs: "agent-wi", capabilities: [{ action: "read", on: ["orders-db"] }] }],
      }),
    },
    {
      name: "a tool with no host of its own runs in the process of the agent that holds the key it runs as",
      model: spec(publicChat("agent", { tools: ["screen"] }), {
        services: [{ id: "screening-api", type: "api" }],
        tools: [{ id: "screen", runsAs: "screening-key", capabilities: [{ action: "read", on: ["screening-api"] }] }],
        identities: [
          {
            id: "screening-key",
            type: "api-key",
            permissions: [{ resource: "screening-api", actions: ["read"] }],
            credentials: [{ id: "screening-secret", type: "api-key", lifetime: "static", storage: "secret-manager", presentIn: ["agent"] }],
          },
        ],
      }),
    },
    {
      name: "one agent runs two tools as one service account in its own process",
      model: spec(internalAgent("agent", { tools: ["read-order", "update-order"] }), sharedSa(), {
        tools: [
          { id: "read-order", runsAs: "shared-sa", capabilities: [{ action: "read", on: ["orders-db"] }] },
          { id: "update-order", runsAs: "shared-sa", capabilities: [{ action: "write", on: ["orders-db"] }] },
        ],
      }),
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
      name: "a public chat agent shares its identity with a back-office job, and its own tool acts with it",
      model: spec(publicChat("agent", { runsAs: "shared-sa", tools: ["update-order"] }), sharedSa(), {
        pipelines: [{ id: "nightly-etl", type: "etl", runsAs: "shared-sa" }],
        // No identity of its own: in the agent's process, it writes the orders with the agent's.
        tools: [{ id: "update-order", capabilities: [{ action: "write", on: ["orders-db"] }] }],
      }),
      findings: [
        {
          anchors: ["shared-sa"],
          // Likelihood 2 + 1 (the agent reads untrusted text and acts as it through its tool) = 3, impact 2: 6, medium.
          severity: "medium",
          summary: /2 separate workloads: agent and nightly-etl/,
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 3);
            assert.match(finding.reasons[0]!, /\+1 agent reads untrusted text and acts as it through update-order, so a hijack of it acts with the access the others need/);
          },
        },
      ],
    },
    {
      name: "a public chat agent with no tool shares its identity with a back-office job: a hijack of it cannot use the identity",
      model: spec(publicChat("agent", { runsAs: "shared-sa" }), sharedSa(), { pipelines: [{ id: "nightly-etl", type: "etl", runsAs: "shared-sa" }] }),
      findings: [
        {
          anchors: ["shared-sa"],
          // Likelihood 2 (the agent reads untrusted text, but only its own code uses the identity), impact 2: 4, low.
          severity: "low",
          check: (finding) => assert.deepEqual([finding.inherent.likelihood, finding.inherent.score], [2, 4]),
        },
      ],
    },
    {
      name: "three agents, each in its own pod, run one tool that acts as a service account: the agents share it",
      model: spec(
        publicChat("intake", { runsOn: "cluster", tools: ["update-case"] }),
        cluster,
        {
          agents: [
            { id: "scoring", models: ["llm"], runsOn: "cluster", tools: ["update-case"] },
            { id: "provisioning", models: ["llm"], runsOn: "cluster", tools: ["update-case"] },
          ],
          datastores: [{ id: "case-db", type: "relational" }],
          tools: [{ id: "update-case", runsOn: "cluster", runsAs: "case-writer-sa", capabilities: [{ action: "write", on: ["case-db"] }] }],
          identities: [{ id: "case-writer-sa", type: "service-account", permissions: [{ resource: "case-db", actions: ["read", "write"] }] }],
        },
      ),
      findings: [
        {
          anchors: ["case-writer-sa"],
          // Likelihood 2 + 1 (intake reads untrusted text and acts as it through update-case) = 3; impact 2 (no delete, admin,
          // spend or execute grant): 6, medium.
          severity: "medium",
          summary: /3 separate agents: intake, provisioning and scoring \(through update-case\)/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 6);
            assert.deepEqual(
              finding.evidence.map((e) => [e.element, e.note]),
              [
                ["case-writer-sa", "shared identity"],
                ["update-case", "runs as it; runs in the process of intake, provisioning and scoring"],
                ["intake", "acts as it through update-case, which it runs in its own process"],
                ["provisioning", "acts as it through update-case, which it runs in its own process"],
                ["scoring", "acts as it through update-case, which it runs in its own process"],
              ],
            );
          },
        },
      ],
    },
    {
      name: "a tool on a host of its own is a separate workload from the agent whose identity it runs as",
      model: spec(internalAgent("agent", { runsOn: "cluster", runsAs: "agent-wi", tools: ["orders-api-tool"] }), cluster, podIdentity("agent-wi", "agent"), {
        services: [{ id: "orders-service", type: "api" }],
        datastores: [{ id: "orders-db", type: "relational" }],
        tools: [{ id: "orders-api-tool", runsOn: "orders-service", runsAs: "agent-wi", capabilities: [{ action: "read", on: ["orders-db"] }] }],
      }),
      // Default 2 x 2 = 4: no untrusted text, no delete, admin, spend or execute grant.
      findings: [{ anchors: ["agent-wi"], severity: "low", summary: /2 separate workloads: agent and orders-api-tool/ }],
    },
  ],
});
