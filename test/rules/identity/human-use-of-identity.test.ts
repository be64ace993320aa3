import assert from "node:assert/strict";
import { humanUseOfIdentity } from "../../../src/rules/identity/human-use-of-identity.js";
import { backendCredential } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

ruleTester(humanUseOfIdentity, {
  valid: [
    { name: "only the workload uses it", model: spec(backendCredential({}, { humanUse: false })) },
    { name: "human use not stated", model: spec(backendCredential()) },
  ],
  invalid: [
    {
      name: "engineers copy the static key into their .env files",
      model: spec(backendCredential({}, { humanUse: true })),
      findings: [
        {
          anchors: ["backend-sa"],
          // Likelihood 3 + 1 (static key: people's copies keep working) = 4, impact 3: 12, high.
          severity: "high",
          summary: /identity of backend/,
        },
      ],
    },
    {
      name: "people use it, but its only credential is short-lived; a verified rotation still counts",
      model: spec(backendCredential({ lifetime: "short-lived", type: "federated" }, { humanUse: true }), {
        controls: [{ id: "rotate", type: "secret-rotation", covers: ["backend-sa"], verified: true, evidence: [{ type: "config", ref: "rotation.tf" }] }],
      }),
      findings: [
        {
          anchors: ["backend-sa"],
          // Inherent 3 x 3 = 9; verified rotation takes 1 off likelihood: 2 x 3 = 6, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 6);
          },
        },
      ],
    },
  ],
});
