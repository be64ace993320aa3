import assert from "node:assert/strict";
import { crossEnvironmentIdentity } from "../../../src/rules/identity/cross-environment-identity.js";
import { backendCredential } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

ruleTester(crossEnvironmentIdentity, {
  valid: [
    { name: "production only", model: spec(backendCredential()) },
    { name: "staging and CI, no production", model: spec(backendCredential({}, { environments: ["staging", "ci"] })) },
    { name: "environments not stated", model: spec(backendCredential({}, { environments: undefined })) },
  ],
  invalid: [
    {
      name: "production and staging",
      model: spec(backendCredential({}, { environments: ["production", "staging"] })),
      // Default 3 x 3 = 9, medium.
      findings: [{ anchors: ["backend-sa"], severity: "medium", summary: /production and in staging/ }],
    },
    {
      name: "production and developers' notebooks, with admin rights",
      model: spec(backendCredential({}, { environments: ["production", "development"], permissions: [{ resource: "orders-api", actions: ["read", "admin"] }] })),
      findings: [
        {
          anchors: ["backend-sa"],
          // Likelihood 3 + 1 (development) = 4, impact 3 + 1 (admin) = 4: 16, high.
          severity: "high",
          check: (finding) => assert.equal(finding.inherent.score, 16),
        },
      ],
    },
    {
      name: "a deployer used in production and CI: still reported, a step lower, since deploying needs access there",
      model: spec(backendCredential({}, { environments: ["production", "ci"], permissions: [{ resource: "orders-api", actions: ["read", "admin"] }] })),
      findings: [
        {
          anchors: ["backend-sa"],
          // Likelihood 3 - 1 (CI only) = 2, impact 3 + 1 (admin) = 4: 8, medium (12, high, before CI was told apart).
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.match(finding.reasons[0]!, /-1 the other environment is CI/);
          },
        },
      ],
    },
    {
      name: "production, CI and staging: the staging credential is the weaker copy, no step off",
      model: spec(backendCredential({}, { environments: ["production", "ci", "staging"] })),
      // Default 3 x 3 = 9, medium.
      findings: [{ anchors: ["backend-sa"], severity: "medium", check: (finding) => assert.equal(finding.inherent.score, 9) }],
    },
  ],
});
