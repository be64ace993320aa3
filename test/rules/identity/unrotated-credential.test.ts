import assert from "node:assert/strict";
import { unrotatedCredential } from "../../../src/rules/identity/unrotated-credential.js";
import { backendCredential, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

// TODAY is 2026-11-22.
const rotation = (lastRotated?: string) => ({ rotation: { period: "P90D", ...(lastRotated ? { lastRotated } : {}) } });

/** A secret-rotation control on the elements, verified on 2026-11-01 unless `extra` says otherwise. */
const rotationControl = (covers: string[], extra: Record<string, unknown> = {}) => ({
  controls: [{ id: "rotation-lambda", type: "secret-rotation", covers, verified: true, verifiedOn: "2026-11-01", evidence: [{ type: "config", ref: "infra/rotation.tf" }], ...extra }],
});

// The evidence a rotation control gets on a credential that was due on 2026-10-30 (2026-08-01 + P90D).
const notCounted = {
  element: "rotation-lambda",
  note: "this secret-rotation control does not count: the model says backend-key was due for rotation on 2026-10-30, so the rotation it describes has not happened",
};

ruleTester(unrotatedCredential, {
  valid: [
    { name: "rotated every 90 days, last on 2026-09-01 (due 2026-11-30)", model: spec(backendCredential(rotation("2026-09-01"))) },
    { name: "due today (2026-08-24 + P90D = 2026-11-22) is not yet overdue", model: spec(backendCredential(rotation("2026-08-24"))) },
    { name: "the same credential analysed before it fell due", model: spec(backendCredential(rotation("2026-08-01"))), today: "2026-10-01" },
    { name: "a short-lived credential needs no rotation", model: spec(backendCredential({ lifetime: "short-lived", type: "federated" })) },
    { name: "a static credential that has already expired", model: spec(backendCredential({ expires: "2026-11-01" })) },
    // Near miss of the overdue cases below: rotated on time, the control is not contradicted and there is nothing to find.
    { name: "a rotation control on a credential not yet due (2026-09-01 + P90D = 2026-11-30)", model: spec(backendCredential(rotation("2026-09-01")), rotationControl(["backend-key"])) },
  ],
  invalid: [
    {
      name: "a static key with no rotation",
      model: spec(backendCredential()),
      // Default 3 x 3 = 9: the identity may only read, and no agent reaches the key.
      findings: [{ anchors: ["backend-key"], severity: "medium", summary: /never rotated/ }],
    },
    {
      name: "a key that may spend on a metered API with no cap: spending is among the damaging grants",
      model: spec(backendCredential({}, { permissions: [{ resource: "orders-api", actions: ["read", "spend"] }] })),
      // 3 x (3 + 1) = 12: high.
      findings: [{ anchors: ["backend-key"], severity: "high", check: (finding) => assert.match(finding.reasons[1]!, /\+1 backend-sa may spend on orders-api, with no cap on the total spent/) }],
    },
    {
      name: "the same key with a billing cap per month: a known cost, the grant adds nothing",
      model: spec(backendCredential({}, { permissions: [{ resource: "orders-api", actions: ["read", "spend"], limit: { amount: 50, currency: "USD", per: "month" } }] })),
      // Default 3 x 3 = 9, as a read-only key.
      findings: [{ anchors: ["backend-key"], severity: "medium", check: (finding) => assert.equal(finding.reasons[1], "Impact 3/5: rule default 3.") }],
    },
    {
      name: "a billing cap per month at or above the system's material loss is no known cost: still damaging",
      model: spec(backendCredential({}, { permissions: [{ resource: "orders-api", actions: ["read", "spend"], limit: { amount: 50000, currency: "USD", per: "month" } }] }), {
        system: { id: "test-system", name: "Test system", owner: "team@example.com", materialLoss: { amount: 10000, currency: "USD" } },
      }),
      // 3 x (3 + 1) = 12: high, as with no cap.
      findings: [
        {
          anchors: ["backend-key"],
          severity: "high",
          check: (finding) =>
            assert.equal(finding.reasons[1], "Impact 4/5: rule default 3; +1 backend-sa may spend on orders-api, with the total capped only at 50000 USD per month, at or above the 10000 USD Test system counts as a material loss."),
        },
      ],
    },
    {
      name: "a cap on each call is not a cap on the total: still damaging",
      model: spec(backendCredential({}, { permissions: [{ resource: "orders-api", actions: ["read", "spend"], limit: { amount: 1, currency: "USD", per: "action" } }] })),
      findings: [{ anchors: ["backend-key"], severity: "high" }],
    },
    {
      name: "rotation overdue: last rotated 2026-08-01, every P90D, so due 2026-10-30",
      model: spec(backendCredential(rotation("2026-08-01"))),
      findings: [{ anchors: ["backend-key"], severity: "medium", summary: /due for rotation on 2026-10-30/ }],
    },
    {
      name: "a rotation period but no date of the last rotation",
      model: spec(backendCredential(rotation())),
      findings: [{ anchors: ["backend-key"], summary: /does not say when it last was/ }],
    },
    {
      name: "a verified rotation control lowers a key that may delete; an expiry date lowers likelihood",
      model: spec(backendCredential({ expires: "2027-06-30" }, { permissions: [{ resource: "orders-api", actions: ["read", "delete"] }] }), {
        controls: [{ id: "rotation-lambda", type: "secret-rotation", covers: ["backend-key"], verified: true, evidence: [{ type: "config", ref: "infra/rotation.tf" }] }],
      }),
      findings: [
        {
          anchors: ["backend-key"],
          // Likelihood 3 - 1 (expires) = 2, impact 3 + 1 (delete) = 4: inherent 8, medium.
          // Verified secret-rotation takes 2 off likelihood (clamped to 1): 1 x 4 = 4, low.
          severity: "low",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.equal(finding.inherent.severity, "medium");
            assert.equal(finding.residual.likelihood, 1);
          },
        },
      ],
    },
    {
      name: "overdue with a verified rotation control on it: the model says the rotation did not happen, so the control takes nothing off",
      model: spec(backendCredential(rotation("2026-08-01")), rotationControl(["backend-key"])),
      findings: [
        {
          anchors: ["backend-key"],
          // Default 3 x 3 = 9, medium (read-only identity, no agent reaches the key). The rotation control
          // would take 2 off likelihood (1 x 3 = 3, low); it does not count, so the residual stays 9.
          severity: "medium",
          summary: /due for rotation on 2026-10-30/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 9);
            assert.deepEqual(finding.controls, []);
            assert.deepEqual(finding.evidence.at(-1), notCounted);
            // The control exists, so adding one is not the fix: it is not listed as missing either.
            assert.deepEqual(finding.missingControls, ["secret-scanning", "least-privilege"]);
            assert.equal(finding.reasons[2], "Residual equals inherent: no control in place reduces this finding.");
          },
        },
      ],
    },
    {
      name: "overdue with an unverified, partial rotation control on its identity: not counted either",
      model: spec(backendCredential(rotation("2026-08-01")), rotationControl(["backend-sa"], { verified: false, status: "partial" })),
      // 3 x 3 = 9; the control would have taken 2 x 0.5 (unverified) x 0.5 (partial) = 0.5 off (2.5 x 3 = 7.5).
      findings: [{ anchors: ["backend-key"], severity: "medium", check: (finding) => (assert.equal(finding.residual.score, 9), assert.deepEqual(finding.evidence.at(-1), notCounted)) }],
    },
    {
      name: "overdue with a rotation control only planned: not contradicted, still proposed",
      model: spec(backendCredential(rotation("2026-08-01")), rotationControl(["backend-key"], { status: "planned" })),
      findings: [
        {
          anchors: ["backend-key"],
          // 3 x 3 = 9; a planned control takes nothing off, and the rule does not single it out.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.residual.score, 9);
            assert.ok(!finding.evidence.some((e) => e.element === "rotation-lambda"));
            assert.deepEqual(finding.missingControls, ["secret-rotation", "secret-scanning", "least-privilege"]);
            assert.match(finding.reasons[2]!, /Planned, not yet counted: rotation-lambda/);
          },
        },
      ],
    },
    {
      name: "overdue: secret scanning still counts, only the rotation is contradicted",
      model: spec(backendCredential(rotation("2026-08-01")), rotationControl(["backend-key"]), {
        controls: [{ id: "gitleaks", type: "secret-scanning", covers: ["backend-key"], verified: true, evidence: [{ type: "config", ref: ".gitleaks.toml" }] }],
      }),
      // 3 x 3 = 9; verified secret scanning takes 1 off likelihood: 2 x 3 = 6, medium.
      findings: [{ anchors: ["backend-key"], severity: "medium", check: (finding) => (assert.equal(finding.residual.score, 6), assert.deepEqual(finding.controls.map((c) => c.control), ["gitleaks"])) }],
    },
    {
      name: "near miss: a rotation period with no date of the last rotation, so nothing says the control failed: it counts",
      model: spec(backendCredential(rotation()), rotationControl(["backend-key"])),
      findings: [
        {
          anchors: ["backend-key"],
          // 3 x 3 = 9; the verified rotation control takes 2 off likelihood: 1 x 3 = 3, low.
          severity: "low",
          check: (finding) => (assert.equal(finding.residual.score, 3), assert.ok(!finding.evidence.some((e) => e.element === "rotation-lambda"))),
        },
      ],
    },
    {
      name: "a key in the configuration of a shell tool of a public agent",
      model: spec(publicChat("agent", { tools: ["shell"] }), backendCredential({ presentIn: ["shell"] }), { tools: [{ id: "shell", capabilities: [{ action: "execute" }] }] }),
      findings: [
        {
          anchors: ["backend-key"],
          // Likelihood 3 + 1 (a hijacked agent can read it) = 4, impact 3: 12, high.
          severity: "high",
          check: (finding) => assert.ok(finding.reasons[0]!.includes("agent reads untrusted text and can reach it")),
        },
      ],
    },
  ],
});
