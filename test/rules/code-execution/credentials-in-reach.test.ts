import assert from "node:assert/strict";
import { credentialsInReach } from "../../../src/rules/code-execution/credentials-in-reach.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const runner = {
  services: [
    { id: "runner", type: "ci-runner" },
    { id: "prod-cluster", type: "runtime" },
  ],
  tools: [{ id: "shell", runsOn: "runner", capabilities: [{ action: "execute", on: ["runner"] }] }],
};
const deployer = (presentIn: string[]) => ({
  identities: [
    {
      id: "deployer",
      type: "service-account",
      permissions: [{ resource: "prod-cluster", actions: ["read", "admin"] }],
      credentials: [{ id: "deploy-key", type: "api-key", lifetime: "static", storage: "env-var", location: "DEPLOY_KEY", presentIn }],
    },
  ],
});

/** An engineer's own keys, which no identity element stands for, held on the runner as data flagged credentials. */
const ownKeys = (extra: Record<string, unknown> = {}, holder = "runner") => ({
  data: [{ id: "engineer-keys", classification: "restricted", flags: ["credentials"], ...extra }],
  services: [{ id: "laptop", type: "runtime", ...(holder === "laptop" ? { holds: ["engineer-keys"] } : {}) }],
});
/** The runner as above, holding the keys. */
const runnerHolding = (data: string[]) => ({ ...runner, services: [{ ...runner.services[0]!, holds: data }, runner.services[1]!] });

ruleTester(credentialsInReach, {
  valid: [
    {
      name: "near miss: restricted data on the runner that is no secret",
      model: spec(publicChat("agent", { tools: ["shell"] }), runnerHolding(["engineer-keys"]), ownKeys({ flags: ["payment"] })),
    },
    {
      name: "near miss: the keys stay on the laptop while the shell runs on the runner",
      model: spec(publicChat("agent", { tools: ["shell"] }), runner, ownKeys({}, "laptop")),
    },
    { name: "near miss: the same runner and key, but the agent is not injectable", model: spec(internalAgent("agent", { tools: ["shell"] }), runner, deployer(["runner"])) },
    { name: "the key sits in the agent's own configuration and the agent runs no code", model: spec(publicChat("agent"), runner, deployer(["agent"])) },
    {
      // The tool runs on the runner but only dispatches a job on a CI service: the job's code runs there,
      // so the key in the runner's environment is out of its reach (the dispatch itself is TW-RCE-001's).
      name: "a tool on the runner that has code run elsewhere, on a CI service holding no key",
      model: spec(publicChat("agent", { tools: ["dispatch"] }), runner, deployer(["runner"]), {
        services: [{ id: "ci-service", type: "ci-runner" }],
        tools: [{ id: "dispatch", runsOn: "runner", capabilities: [{ action: "execute", on: ["ci-service"] }] }],
      }),
    },
    {
      name: "the key sits on another host than the one the shell runs on",
      model: spec(publicChat("agent", { tools: ["shell"] }), runner, deployer(["elsewhere"]), { services: [{ id: "elsewhere", type: "runtime" }] }),
    },
  ],
  invalid: [
    {
      name: "data on the runner that names the credential whose value it is: one finding, the credential's, with its identity",
      model: spec(publicChat("agent", { tools: ["shell"] }), runnerHolding(["engineer-keys"]), deployer(["runner"]), ownKeys({ credentials: ["deploy-key"] })),
      findings: [{ anchors: ["agent", "deploy-key"] }],
    },
    {
      name: "an engineer's keys, written as data flagged credentials, on the host where the shell runs",
      model: spec(publicChat("agent", { tools: ["shell"] }), runnerHolding(["engineer-keys"]), ownKeys()),
      findings: [
        {
          anchors: ["agent", "engineer-keys"],
          // Likelihood 4 + 1 (public) = 5. Impact 4 + 1 (restricted secrets, their reach unknown) = 5. 25: critical.
          severity: "critical",
          summary: /so it can read engineer-keys \(on runner, where shell runs code\): secrets with no credential element, so what they unlock is not in the model\.$/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 25);
            assert.equal(finding.reasons[1], "Impact 5/5: rule default 4; +1 engineer-keys: restricted secrets, and what they unlock is not modelled.");
            assert.deepEqual(finding.path?.map((s) => [s.element, s.technique]).slice(-2), [["shell", "AML.T0050"], ["engineer-keys", "AML.T0055"]]);
          },
        },
      ],
    },
    {
      name: "public chat agent runs commands on a runner that holds an admin key",
      model: spec(publicChat("agent", { tools: ["shell"] }), runner, deployer(["runner"])),
      findings: [
        {
          anchors: ["agent", "deploy-key"],
          // Likelihood 4 + 1 (public) = 5. Impact 4 + 1 (the deployer can admin the cluster) = 5. 25: critical.
          severity: "critical",
          summary: /deployer|admin/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 25);
            assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0051.000", "AML.T0051.000", "AML.T0050", "AML.T0055", "AML.T0012"]);
            assert.ok(finding.evidence.some((e) => e.element === "deployer" && e.note.includes("admin")));
            assert.ok(finding.evidence.some((e) => e.element === "deploy-key" && e.note.includes("DEPLOY_KEY")));
          },
        },
      ],
    },
    {
      name: "a key whose spending on a metered API is capped per month: no +1 for spend (uncapped, it would be +1 like admin above)",
      model: spec(publicChat("agent", { tools: ["shell"] }), runner, {
        services: [{ id: "search-api", type: "api" }],
        identities: [
          {
            id: "search-sa",
            type: "service-account",
            permissions: [
              { resource: "search-api", actions: ["fetch", "spend"], limit: { amount: 50, currency: "USD", per: "month" } },
              { resource: "prod-cluster", actions: ["read"] },
            ],
            credentials: [{ id: "search-key", type: "api-key", lifetime: "static", storage: "env-var", location: "SEARCH_KEY", presentIn: ["runner"] }],
          },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "search-key"],
          // Likelihood 4 + 1 (public) = 5. Impact 4: the spend is capped at 50 USD a month, so no +1; fetch is not read-only, so no -1. 20: critical.
          check: (finding) => {
            assert.equal(finding.inherent.impact, 4);
            assert.equal(finding.reasons[1], "Impact 4/5: rule default 4.");
          },
        },
      ],
    },
    {
      name: "the same key with no cap on its spending: +1, and the reason says that the missing cap is why",
      model: spec(publicChat("agent", { tools: ["shell"] }), runner, {
        services: [{ id: "search-api", name: "Search API", type: "api" }],
        identities: [
          {
            id: "search-sa",
            name: "Search account",
            type: "service-account",
            permissions: [{ resource: "search-api", actions: ["fetch", "spend"] }],
            credentials: [{ id: "search-key", type: "api-key", lifetime: "static", storage: "env-var", location: "SEARCH_KEY", presentIn: ["runner"] }],
          },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "search-key"],
          // Likelihood 4 + 1 (public) = 5. Impact 4 + 1 (uncapped spend) = 5. 25: critical.
          check: (finding) => {
            assert.equal(finding.inherent.impact, 5);
            assert.equal(finding.reasons[1], "Impact 5/5: rule default 4; +1 Search account can spend on Search API, with no cap on the total spent.");
          },
        },
      ],
    },
    {
      name: "a tool that has code run on a CI service reaches the key in that service, not the runner's",
      model: spec(publicChat("agent", { tools: ["dispatch"] }), runner, deployer(["ci-service"]), {
        services: [{ id: "ci-service", type: "ci-runner" }],
        tools: [{ id: "dispatch", runsOn: "runner", capabilities: [{ action: "execute", on: ["ci-service"] }] }],
      }),
      findings: [
        {
          anchors: ["agent", "deploy-key"],
          summary: /on ci-service, where dispatch runs code/,
          check: (finding) => assert.ok(finding.evidence.some((e) => e.element === "dispatch" && e.note === "runs code on ci-service")),
        },
      ],
    },
    {
      name: "a tool that runs code in two places is named for the one where the key is",
      model: spec(publicChat("agent", { tools: ["dispatch"] }), runner, deployer(["ci-service"]), {
        services: [{ id: "ci-service", type: "ci-runner" }],
        tools: [{ id: "dispatch", runsOn: "runner", capabilities: [{ action: "execute", on: ["prod-cluster"] }, { action: "execute", on: ["ci-service"] }] }],
      }),
      findings: [
        {
          anchors: ["agent", "deploy-key"],
          check: (finding) => {
            assert.ok(finding.evidence.some((e) => e.element === "dispatch" && e.note === "runs code on ci-service"));
            assert.ok(!finding.evidence.some((e) => e.note === "runs code on prod-cluster"));
          },
        },
      ],
    },
    {
      name: "a short-lived token on the runner weighs less than a static key",
      model: spec(publicChat("agent", { tools: ["shell"] }), runner, {
        identities: [
          {
            id: "deployer",
            type: "workload-identity",
            permissions: [{ resource: "prod-cluster", actions: ["read", "admin"] }],
            credentials: [{ id: "deploy-token", type: "federated", lifetime: "short-lived", storage: "env-var", location: "AWS_WEB_IDENTITY_TOKEN_FILE", presentIn: ["runner"] }],
          },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "deploy-token"],
          // Likelihood 4 + 1 (public) = 5. Impact 4 + 1 (admin on the cluster) - 1 (short-lived) = 4. 20: critical, against 25 for the static key above.
          severity: "critical",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.match(finding.reasons[1]!, /-1 deploy-token is short-lived: a stolen copy works only until it expires/);
          },
        },
      ],
    },
    {
      name: "a read-only key over public data in a neighbour's configuration, with rotation",
      model: spec(publicChat("agent", { tools: ["shell"] }), runner, {
        mcpServers: [{ id: "helper-mcp", transport: "stdio", publisher: "us", publisherTrust: "first-party", runsOn: "runner" }],
        datastores: [{ id: "docs", type: "document", holds: ["docs-data"] }],
        data: [{ id: "docs-data", classification: "public" }],
        identities: [
          {
            id: "reader",
            type: "api-key",
            permissions: [{ resource: "docs", actions: ["read"] }],
            credentials: [{ id: "reader-key", type: "api-key", lifetime: "static", storage: "mcp-config", presentIn: ["helper-mcp"] }],
          },
        ],
        controls: [{ id: "rotate", type: "secret-rotation", covers: ["reader-key"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "reader-key"],
          check: (finding) => {
            // Likelihood 5; impact 4 - 1 (the identity can only read, nothing sensitive) = 3: 15 inherent.
            assert.equal(finding.inherent.score, 15);
            // Verified rotation takes 1 off impact: 5 x 2 = 10, medium.
            assert.equal(finding.residual.score, 10);
            assert.equal(finding.severity, "medium");
          },
        },
      ],
    },
  ],
});
