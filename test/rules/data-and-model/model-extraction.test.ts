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

/**
 * A classifier trained in-house on the team's own data, served by an inference server on the
 * internet that partners call with an API key each.
 */
function partnerKeys(server: Record<string, unknown> = {}) {
  return {
    actors: [{ id: "partner", type: "partner", authenticated: true }],
    services: [{ id: "scoring-api", type: "inference-server", exposure: "internet", authentication: "api-key", ...server }],
    models: [{ id: "scorer", provider: "Team", hosting: "self-hosted", task: "classification", runsOn: "scoring-api", fineTunedOn: ["history"] }],
    datasets: [{ id: "history", provenance: "internal" }],
    flows: [{ id: "partner-to-api", from: "partner", to: "scoring-api", channel: "api" }],
  };
}

ruleTester(modelExtraction, {
  valid: [
    { name: "near miss: the inference server requires an API key and no outsider is shown calling it", model: spec(served({ exposure: "internet", authentication: "api-key" })) },
    {
      name: "an inference server on the internet that asks for a key only the team's own web app holds",
      model: spec(served({ exposure: "internet", authentication: "api-key" }), {
        actors: [{ id: "shopper", type: "public" }],
        services: [{ id: "shop", type: "web-app", exposure: "internet" }],
        flows: [
          { id: "shopper-to-shop", from: "shopper", to: "shop", channel: "api" },
          { id: "shop-to-vllm", from: "shop", to: "vllm", channel: "api" },
        ],
      }),
    },
    { name: "partners call an inference server that is internal (a private link)", model: spec(partnerKeys({ exposure: "internal" })) },
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
      name: "partners call an inference server on the internet with an API key each, and no rate limit bounds them",
      model: spec(partnerKeys()),
      findings: [
        {
          anchors: ["scoring-api"],
          // likelihood: default 4, -1 the API keys identify callers but do not bound their queries = 3;
          // impact: default 3, +1 trained in-house = 4; 3 x 4 = 12, high (an open endpoint would be 4 x 4 = 16)
          severity: "high",
          summary: /^scoring-api answers partner over the internet with API keys, serving scorer; the API keys identify callers but do not bound their queries/,
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 3);
            assert.equal(finding.inherent.score, 12);
            assert.match(finding.reasons[0]!, /-1 scoring-api takes API keys, held by partner: only they can query it, though credentials identify callers without bounding how many queries each sends/);
            assert.ok(finding.evidence.some((e) => e.element === "partner" && e.note.includes("calls scoring-api itself, with its own API keys")));
            // The keys are the step taken: authentication is accounted for, not missing; what bounds queries is.
            assert.deepEqual(finding.missingControls, ["rate-limit", "model-monitoring", "output-obfuscation"]);
          },
        },
      ],
    },
    {
      name: "a verified per-key rate limit on the keyed server lowers it; the finding stays",
      model: spec(partnerKeys(), { controls: [{ id: "quota", type: "rate-limit", covers: ["scoring-api"], verified: true }] }),
      findings: [
        {
          anchors: ["scoring-api"],
          // inherent 3 x 4 = 12 as above; quota (rate-limit, verified) -1 likelihood: residual 2 x 4 = 8, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 8);
            assert.deepEqual(finding.controls.map((c) => c.control), ["quota"]);
          },
        },
      ],
    },
    {
      name: "the keyed server is reachable from partner networks only: lower still",
      model: spec(partnerKeys({ exposure: "partner" })),
      findings: [
        {
          anchors: ["scoring-api"],
          // likelihood: 4, -1 partner networks only, -1 API keys = 2; impact 4 (trained in-house); 2 x 4 = 8, medium
          severity: "medium",
          check: (finding) => assert.equal(finding.inherent.score, 8),
        },
      ],
    },
    {
      name: "an authentication control on the keyed server says what the likelihood counts already",
      model: spec(partnerKeys(), { controls: [{ id: "key-check", type: "authentication", covers: ["scoring-api"], verified: true }] }),
      findings: [
        {
          anchors: ["scoring-api"],
          // inherent 3 x 4 = 12 (the -1 for the keys is in it); key-check is the same keys, not counted again: residual 12, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.residual.score, 12);
            assert.deepEqual(finding.controls, []);
            assert.ok(finding.evidence.some((e) => e.element === "key-check" && e.note.includes("not counted again")));
          },
        },
      ],
    },
    {
      name: "a partner's rogue staff, a capable adversary coming in as the partner, raise the likelihood",
      model: spec(partnerKeys(), { adversaries: [{ id: "rogue", type: "competitor", capability: "high", via: ["partner"] }] }),
      findings: [
        {
          anchors: ["scoring-api"],
          // likelihood: 4, -1 API keys, +1 high-capability adversary coming in as partner, a key holder = 4; impact 4; 4 x 4 = 16, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.match(finding.reasons[0]!, /\+1 most capable adversary coming in through partner is rogue \(high capability\)/);
          },
        },
      ],
    },
    {
      name: "anyone may sign up for an API key: keys the public holds take no step off",
      model: spec(partnerKeys(), { actors: [{ id: "developer", type: "public" }], flows: [{ id: "developer-to-api", from: "developer", to: "scoring-api", channel: "api" }] }),
      findings: [
        {
          anchors: ["scoring-api"],
          // likelihood: default 4, no step for keys anyone can get = 4; impact 4 (trained in-house); 4 x 4 = 16, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.ok(finding.evidence.some((e) => e.element === "developer" && e.note.includes("a public actor, so anyone can get them")));
          },
        },
      ],
    },
    {
      name: "a gateway checking keys in front of an open server counts once, one step: keys do not bound queries",
      model: spec(served({ exposure: "internet", authentication: "none" }), { controls: [{ id: "gateway-keys", type: "authentication", covers: ["vllm"], verified: true }] }),
      findings: [
        {
          anchors: ["vllm"],
          // inherent 4 x 2 = 8 (open, public weights); gateway-keys (authentication, verified) -1: residual 3 x 2 = 6, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.equal(finding.residual.score, 6);
          },
        },
      ],
    },
    {
      name: "labels only: output obfuscation on the served model lowers it",
      model: spec(partnerKeys(), { controls: [{ id: "labels-only", type: "output-obfuscation", covers: ["scorer"], verified: true }] }),
      findings: [
        {
          anchors: ["scoring-api"],
          // inherent 3 x 4 = 12; labels-only (output-obfuscation, verified) on the served model -1: residual 2 x 4 = 8, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.residual.score, 8);
            assert.deepEqual(finding.controls.map((c) => c.control), ["labels-only"]);
          },
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
