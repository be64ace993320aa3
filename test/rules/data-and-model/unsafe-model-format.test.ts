import assert from "node:assert/strict";
import { unsafeModelFormat } from "../../../src/rules/data-and-model/unsafe-model-format.js";
import { ruleTester, spec } from "../rule-tester.js";

const model = (artifact: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  models: [{ id: "local-llm", provider: "Team", hosting: "self-hosted", artifact, ...extra }],
});

/**
 * A hub checkpoint (no runsOn of its own) that a fine-tuning job downloads: the flow of its file to the job.
 * The job runs on a CI runner holding the CI account's static key. `extra` adds elements.
 */
function loadedByTraining(artifact: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return spec(model(artifact), {
    services: [{ id: "ci-runner", type: "ci-runner", exposure: "internal" }],
    pipelines: [{ id: "fine-tune", type: "fine-tuning", runsOn: "ci-runner", runsAs: "ci-sa" }],
    identities: [{ id: "ci-sa", type: "service-account", credentials: [{ id: "ci-key", type: "api-key", lifetime: "static", storage: "ci-secret", presentIn: ["ci-runner"] }] }],
    flows: [{ id: "download", from: "local-llm", to: "fine-tune", channel: "file" }],
  }, extra);
}

ruleTester(unsafeModelFormat, {
  valid: [
    { name: "near miss: safetensors from a public hub", model: spec(model({ source: "public-hub", format: "safetensors" })) },
    { name: "a vendor-hosted API model (the vendor loads the weights)", model: spec(model({ source: "vendor", format: "pickle" }, { hosting: "hosted-api", version: "v1", pinned: true })) },
    { name: "no format stated", model: spec(model({ source: "public-hub" })) },
    { name: "near miss: safetensors from a public hub loaded by a training job on a runner with a key", model: loadedByTraining({ source: "public-hub", format: "safetensors" }) },
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
    {
      name: "a hub pickle loaded by a fine-tuning job: the job's runner and its key are where the code runs",
      model: loadedByTraining({ source: "public-hub", format: "pickle" }),
      findings: [
        {
          anchors: ["local-llm"],
          // likelihood: 2, +2 public hub = 4; impact: 4, +1 code on load can read ci-key (present in ci-runner, where
          // fine-tune runs) = 5; 20, critical
          severity: "critical",
          summary: /when it is loaded by fine-tune on ci-runner\./,
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.match(finding.evidence.find((e) => e.element === "fine-tune")?.note ?? "", /loads local-llm's weights \(flow download\)/);
            assert.ok(finding.evidence.some((e) => e.element === "ci-runner"));
            assert.ok(finding.evidence.some((e) => e.element === "ci-key"));
          },
        },
      ],
    },
    {
      name: "the same, with a verified sandbox on the job: a control where it is loaded counts",
      model: loadedByTraining({ source: "public-hub", format: "pickle" }, { controls: [{ id: "isolated-load", type: "sandbox", covers: ["fine-tune"], verified: true }] }),
      findings: [
        {
          anchors: ["local-llm"],
          // inherent 4 x 5 = 20 as above; sandbox (verified) takes 2 off impact: residual 4 x 3 = 12, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.residual.score, 12);
            assert.deepEqual(finding.controls.map((c) => c.control), ["isolated-load"]);
          },
        },
      ],
    },
    {
      name: "a model's answers to a backend and its file pushed to a code host load nothing there",
      model: spec(model({ source: "public-hub", format: "pickle" }), {
        services: [
          { id: "backend", type: "api", exposure: "internal" },
          { id: "repo", type: "code-host", exposure: "internal" },
        ],
        identities: [
          { id: "backend-sa", type: "service-account", credentials: [{ id: "backend-key", type: "api-key", lifetime: "static", storage: "env-var", presentIn: ["backend", "repo"] }] },
        ],
        flows: [
          { id: "answers", from: "local-llm", to: "backend", channel: "output" },
          { id: "push", from: "local-llm", to: "repo", channel: "file" },
        ],
      }),
      findings: [
        {
          anchors: ["local-llm"],
          // likelihood: 2, +2 public hub = 4; impact 4, no secret counted: the backend gets answers and the code host
          // keeps the file without running it; 16, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.deepEqual(finding.evidence.map((e) => e.element), ["local-llm"]);
          },
        },
      ],
    },
    {
      name: "an internal checkpoint its host serves and a batch job also loads, with a key of its own",
      model: spec(model({ source: "internal", format: "pytorch" }, { runsOn: "gpu-box" }), {
        services: [{ id: "gpu-box", type: "inference-server", exposure: "internal" }],
        pipelines: [{ id: "batch-score", type: "batch" }],
        identities: [{ id: "batch-sa", type: "service-account", credentials: [{ id: "batch-key", type: "api-key", lifetime: "static", storage: "env-var", presentIn: ["batch-score"] }] }],
        flows: [{ id: "weights-to-batch", from: "local-llm", to: "batch-score", channel: "file" }],
      }),
      findings: [
        {
          anchors: ["local-llm"],
          // likelihood: 2 (internal); impact: 4, +1 code on load can read batch-key (in batch-score; gpu-box holds
          // none) = 5; 10, medium
          severity: "medium",
          summary: /loaded on gpu-box and by batch-score\./,
          check: (finding) => {
            assert.equal(finding.inherent.score, 10);
            assert.ok(finding.evidence.some((e) => e.element === "batch-key" && /present in batch-score/.test(e.note)));
          },
        },
      ],
    },
  ],
});
