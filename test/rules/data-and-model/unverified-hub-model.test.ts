import assert from "node:assert/strict";
import { unverifiedHubModel } from "../../../src/rules/data-and-model/unverified-hub-model.js";
import { ruleTester, spec } from "../rule-tester.js";

const model = (artifact: Record<string, unknown>) => ({ models: [{ id: "hub-llm", provider: "Community", hosting: "self-hosted", artifact }] });

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
