import assert from "node:assert/strict";
import { modelExtraction } from "../../../src/rules/data-and-model/model-extraction.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A self-hosted open-weights model served by an inference server. */
function served(server: Record<string, unknown>, model: Record<string, unknown> = {}) {
  return {
    services: [{ id: "vllm", type: "inference-server", ...server }],
    models: [{ id: "open-llm", provider: "Team", hosting: "self-hosted", runsOn: "vllm", artifact: { source: "public-hub", format: "safetensors" }, ...model }],
  };
}

ruleTester(modelExtraction, {
  valid: [
    { name: "near miss: the inference server requires an API key", model: spec(served({ exposure: "internet", authentication: "api-key" })) },
    { name: "an unauthenticated inference server reachable only internally", model: spec(served({ exposure: "internal", authentication: "none" })) },
    {
      name: "a vendor-hosted model's public endpoint is the vendor's, not an open one",
      model: spec({ models: [{ id: "api-llm", provider: "Vendor", hosting: "hosted-api", version: "v1", pinned: true, exposure: "internet", authentication: "none" }] }),
    },
    { name: "a gateway (not an inference server) without authentication", model: spec({ services: [{ id: "gw", type: "gateway", exposure: "internet", authentication: "none" }] }) },
  ],
  invalid: [
    {
      name: "an inference server on the internet with authentication none serves public open weights",
      model: spec(served({ exposure: "internet", authentication: "none" })),
      findings: [
        {
          anchors: ["vllm"],
          // likelihood: default 4; impact: default 3, -1 the served weights are public = 2; 8, medium
          severity: "medium",
          summary: /anyone on the internet/,
          check: (finding) => assert.equal(finding.inherent.score, 8),
        },
      ],
    },
    {
      name: "the rate limit lowers the score but the finding stays",
      model: spec(served({ exposure: "internet" }), { controls: [{ id: "rl", type: "rate-limit", covers: ["vllm"], verified: true }] }),
      findings: [
        {
          anchors: ["vllm"],
          // inherent 4 x 2 = 8 as above (no authentication stated counts as none); rate-limit (verified) -1 likelihood: 3 x 2 = 6, medium
          check: (finding) => {
            assert.equal(finding.residual.score, 6);
            assert.ok(finding.missingControls.includes("authentication"));
          },
        },
      ],
    },
    {
      name: "a self-hosted fine-tuned model open to partners, on no inference server",
      model: spec({
        models: [{ id: "tuned", provider: "Team", hosting: "self-hosted", exposure: "partner", fineTunedOn: ["ds"] }],
        datasets: [{ id: "ds", provenance: "internal" }],
      }),
      findings: [
        {
          anchors: ["tuned"],
          // likelihood: 4, -1 partner networks only = 3; impact: 3, +1 fine-tuned in-house = 4; 12, high
          severity: "high",
          check: (finding) => assert.equal(finding.inherent.score, 12),
        },
      ],
    },
    {
      name: "an open model on an open inference server is one finding, on the server",
      model: spec(served({ exposure: "internet", authentication: "none" }, { exposure: "internet", authentication: "none" })),
      findings: [{ anchors: ["vllm"], check: (finding) => assert.ok(finding.evidence.some((e) => e.element === "open-llm")) }],
    },
    {
      name: "an open model on an internal inference server is flagged on the model",
      model: spec(served({ exposure: "internal" }, { exposure: "internet", authentication: "none" })),
      findings: [{ anchors: ["open-llm"] }],
    },
  ],
});
