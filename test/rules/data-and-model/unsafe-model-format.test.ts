import assert from "node:assert/strict";
import { unsafeModelFormat } from "../../../src/rules/data-and-model/unsafe-model-format.js";
import { ruleTester, spec } from "../rule-tester.js";

const model = (artifact: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  models: [{ id: "local-llm", provider: "Team", hosting: "self-hosted", artifact, ...extra }],
});

ruleTester(unsafeModelFormat, {
  valid: [
    { name: "near miss: safetensors from a public hub", model: spec(model({ source: "public-hub", format: "safetensors" })) },
    { name: "a vendor-hosted API model (the vendor loads the weights)", model: spec(model({ source: "vendor", format: "pickle" }, { hosting: "hosted-api", version: "v1", pinned: true })) },
    { name: "no format stated", model: spec(model({ source: "public-hub" })) },
  ],
  invalid: [
    {
      name: "a pickle checkpoint from a public hub",
      model: spec(model({ source: "public-hub", format: "pickle" })),
      // likelihood: default 2, +2 public hub = 4; impact: default 4; 16, high
      findings: [{ anchors: ["local-llm"], severity: "high", check: (f) => assert.equal(f.inherent.score, 16) }],
    },
    {
      name: "an internal PyTorch checkpoint loaded on a host that holds a cloud key",
      model: spec(model({ source: "internal", format: "pytorch" }, { runsOn: "gpu-box" }), {
        services: [{ id: "gpu-box", type: "inference-server", exposure: "internal" }],
        identities: [{ id: "gpu-role", type: "service-account", credentials: [{ id: "cloud-key", type: "api-key", lifetime: "static", storage: "env-var", presentIn: ["gpu-box"] }] }],
      }),
      findings: [
        {
          anchors: ["local-llm"],
          // likelihood: 2 (internal source); impact: 4, +1 code on load can read cloud-key = 5; 10, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 10);
            assert.ok(finding.evidence.some((e) => e.element === "cloud-key"));
          },
        },
      ],
    },
    {
      name: "pinned and signed from a public hub, loaded in a verified sandbox",
      model: spec(model({ source: "public-hub", format: "pytorch", digest: "sha256:abc", signed: true }), {
        controls: [{ id: "isolated-load", type: "sandbox", covers: ["local-llm"], verified: true }],
      }),
      findings: [
        {
          anchors: ["local-llm"],
          // likelihood: 2, +2 public hub, -1 digest and signature = 3; impact 4: inherent 12, high.
          // sandbox (verified) takes 2 off impact: residual 3 x 2 = 6, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 6);
          },
        },
      ],
    },
  ],
});
