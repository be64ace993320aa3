import assert from "node:assert/strict";
import { staticCredentialInCi } from "../../../src/rules/identity/static-credential-in-ci.js";
import { backendCredential, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const runner = { services: [{ id: "runner", type: "ci-runner" }] };

ruleTester(staticCredentialInCi, {
  valid: [
    { name: "a short-lived federated token in CI", model: spec(backendCredential({ lifetime: "short-lived", type: "federated", storage: "ci-secret", presentIn: ["runner"] }), runner) },
    { name: "a static key in an ordinary backend's environment", model: spec(backendCredential({ storage: "env-var" })) },
  ],
  invalid: [
    {
      name: "a static key stored as a CI secret",
      model: spec(backendCredential({ storage: "ci-secret", presentIn: [] })),
      // Default 3 x 3 = 9, medium.
      findings: [{ anchors: ["backend-key"], severity: "medium", summary: /a CI secret/ }],
    },
    {
      name: "a static key in the environment of a CI runner where a public agent runs shell commands",
      model: spec(publicChat("agent", { tools: ["shell"] }), backendCredential({ storage: "env-var", presentIn: ["runner"] }, { permissions: [{ resource: "orders-api", actions: ["admin"] }] }), runner, {
        tools: [{ id: "shell", runsOn: "runner", capabilities: [{ action: "execute", on: ["runner"] }] }],
      }),
      findings: [
        {
          anchors: ["backend-key"],
          // Likelihood 3 + 1 (the agent's shell reaches the runner's environment) = 4, impact 3 + 1 (admin) = 4: 16, high.
          severity: "high",
          summary: /on runner/,
          check: (finding) => assert.equal(finding.inherent.score, 16),
        },
      ],
    },
  ],
});
