import assert from "node:assert/strict";
import { passwordAuthentication } from "../../../src/rules/identity/password-authentication.js";
import { backendCredential } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

ruleTester(passwordAuthentication, {
  valid: [
    { name: "an API key", model: spec(backendCredential()) },
    { name: "a client certificate", model: spec(backendCredential({ type: "certificate" })) },
  ],
  invalid: [
    {
      name: "a database password in a secret manager",
      model: spec(backendCredential({ type: "password" })),
      // Default 2 x 3 = 6, medium.
      findings: [{ anchors: ["backend-key"], severity: "medium" }],
    },
    {
      name: "a verified rotation lowers it",
      model: spec(backendCredential({ type: "password" }), {
        controls: [{ id: "rotation", type: "secret-rotation", covers: ["backend-key"], verified: true, evidence: [{ type: "config", ref: "rotation.tf" }] }],
      }),
      // 6 inherent; likelihood 2 - 1 = 1: 1 x 3 = 3, low.
      findings: [{ anchors: ["backend-key"], severity: "low", check: (finding) => assert.equal(finding.residual.score, 3) }],
    },
    {
      name: "a password in an environment variable for an account that may delete",
      model: spec(backendCredential({ type: "password", storage: "env-var" }, { permissions: [{ resource: "orders-api", actions: ["read", "delete"] }] })),
      // Likelihood 2 + 1 (env-var) = 3, impact 3 + 1 (delete) = 4: 12, high.
      findings: [{ anchors: ["backend-key"], severity: "high", check: (finding) => assert.equal(finding.inherent.score, 12) }],
    },
  ],
});
