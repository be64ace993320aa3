import assert from "node:assert/strict";
import { unverifiedHubModel } from "../../../src/rules/data-and-model/unverified-hub-model.js";
import { ruleTester, spec } from "../rule-tester.js";

const model = (artifact: Record<string, unknown>) => ({ models: [{ id: "hub-llm", provider: "Community", hosting: "self-hosted", artifact }] });
/** A verified pinned-artifacts control on the model. */
const pin = { controls: [{ id: "hub-pin", type: "pinned-artifacts", covers: ["hub-llm"], verified: true }] };

ruleTester(unverifiedHubModel, {
  valid: [
    { name: "near miss: from a public hub, pinned by digest and signature-verified", model: spec(model({ source: "public-hub", digest: "sha256:abc", signed: true })) },
    { name: "an internal artifact without digest or signature", model: spec(model({ source: "internal" })) },
    { name: "a vendor artifact", model: spec(model({ source: "vendor", format: "safetensors" })) },
  ],
  invalid: [
    {
      name: "from a public hub with neither digest nor signature",
      model: spec(model({ source: "public-hub", format: "safetensors" })),
      // likelihood: default 3, +1 no digest = 4; impact: default 4; 16, high
      findings: [{ anchors: ["hub-llm"], severity: "high", summary: /no pinned digest and no verified signature/, check: (f) => assert.equal(f.inherent.score, 16) }],
    },
    {
      name: "pinned by digest but unsigned",
      model: spec(model({ source: "public-hub", digest: "sha256:abc" })),
      // likelihood: 3, -1 digest pinned = 2; impact 4; 8, medium
      findings: [{ anchors: ["hub-llm"], severity: "medium" }],
    },
    {
      name: "pinned by digest and by a pinned-artifacts control: one pin, counted once as the digest",
      model: spec(model({ source: "public-hub", digest: "sha256:abc" }), pin),
      findings: [
        {
          anchors: ["hub-llm"],
          // likelihood 3, -1 digest pinned = 2; impact 4: 8. The control is the same pin, so it takes nothing more off: residual 8, medium (not 1 x 4 = 4).
          severity: "medium",
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [8, 8]);
            assert.deepEqual(finding.controls, []);
            assert.match(finding.reasons[0]!, /hub-pin \(pinned-artifacts\) is this same pin, counted once here/);
            assert.ok(finding.evidence.some((e) => e.element === "hub-pin"));
            // Nor is a pin missing: the digest is one.
            assert.ok(!finding.missingControls.includes("pinned-artifacts"));
            assert.ok(finding.missingControls.includes("signed-artifacts"));
          },
        },
      ],
    },
    {
      name: "no digest in the model, pinned by a verified pinned-artifacts control: the control is the pin and counts",
      model: spec(model({ source: "public-hub" }), pin),
      findings: [
        {
          anchors: ["hub-llm"],
          // likelihood 3, +1 no digest = 4; impact 4: inherent 16. The verified control takes 1 off likelihood: 3 x 4 = 12, high.
          severity: "high",
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [16, 12]);
            assert.deepEqual(finding.controls.map((c) => c.control), ["hub-pin"]);
          },
        },
      ],
    },
    {
      name: "no digest, and an unverified pinned-artifacts control on the host the model runs on",
      model: spec(
        { models: [{ id: "hub-llm", provider: "Community", hosting: "self-hosted", runsOn: "gpu-host", artifact: { source: "public-hub" } }] },
        { services: [{ id: "gpu-host", type: "runtime" }], controls: [{ id: "host-pin", type: "pinned-artifacts", covers: ["gpu-host"] }] },
      ),
      findings: [
        {
          anchors: ["hub-llm"],
          // Inherent 4 x 4 = 16; a control on the host counts as on the model, unverified: half of 1 off likelihood, 3.5 x 4 = 14, high.
          severity: "high",
          check: (finding) => assert.equal(finding.residual.score, 14),
        },
      ],
    },
    {
      name: "signed but not pinned, with a verified signed-artifacts control",
      model: spec(model({ source: "public-hub", signed: true }), { controls: [{ id: "sig", type: "signed-artifacts", covers: ["hub-llm"], verified: true }] }),
      findings: [
        {
          anchors: ["hub-llm"],
          // likelihood: 3, +1 no digest = 4; impact 4: inherent 16. signed-artifacts (verified) -2 likelihood: 2 x 4 = 8, medium
          severity: "medium",
          check: (finding) => assert.equal(finding.residual.score, 8),
        },
      ],
    },
  ],
});
