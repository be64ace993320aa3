import assert from "node:assert/strict";
import { trainingDataPoisoning } from "../../../src/rules/data-and-model/training-data-poisoning.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const tunedOn = (dataset: string) => ({ models: [{ id: "tuned", provider: "Team", hosting: "self-hosted", fineTunedOn: [dataset] }] });

/** A dataset feeding a pipeline of the given type. */
function pipelineFrom(dataset: Record<string, unknown>, type: string) {
  return {
    datasets: [dataset],
    pipelines: [{ id: "job", type }],
    flows: [
      { id: "ds-to-job", from: dataset.id, to: "job", channel: "training" },
      { id: "job-to-model", from: "job", to: "llm", channel: "training" },
    ],
  };
}

ruleTester(trainingDataPoisoning, {
  valid: [
    {
      name: "near miss: an internal dataset only employees write (no insider adversary)",
      model: spec(internalAgent(), tunedOn("ds"), { datasets: [{ id: "ds", provenance: "internal", writableBy: ["staff"] }] }),
    },
    {
      name: "a scraped dataset used only for evaluation",
      model: spec(internalAgent(), pipelineFrom({ id: "ds", provenance: "scraped" }, "evaluation")),
    },
    {
      name: "a public-writable dataset nothing is trained on",
      model: spec(internalAgent(), { actors: [{ id: "anyone", type: "public" }], datasets: [{ id: "ds", provenance: "internal", writableBy: ["anyone"] }] }),
    },
  ],
  invalid: [
    {
      name: "anyone on the internet can add records to a fine-tuning set",
      model: spec(internalAgent(), tunedOn("ds"), { actors: [{ id: "anyone", type: "public" }], datasets: [{ id: "ds", provenance: "internal", writableBy: ["anyone"] }] }),
      findings: [
        {
          anchors: ["ds"],
          // likelihood: default 3, +1 entry written by a public actor (exposure 5) = 4; impact: default 4; 16, high
          severity: "high",
          summary: /anyone can shape its records/,
          check: (finding) => assert.equal(finding.inherent.score, 16),
        },
      ],
    },
    {
      name: "a scraped dataset flows into a training pipeline",
      model: spec(internalAgent(), pipelineFrom({ id: "ds", provenance: "scraped" }, "training")),
      findings: [
        {
          anchors: ["ds"],
          // likelihood: 3, +1 scraped provenance = 4; impact 4; 16, high
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 4);
            assert.ok(finding.evidence.some((e) => e.element === "job"));
            assert.ok(finding.evidence.some((e) => e.element === "llm"));
          },
        },
      ],
    },
    {
      name: "partners write the records and a verified input filter on the pipeline screens them",
      model: spec(internalAgent(), pipelineFrom({ id: "ds", provenance: "customer", writableBy: ["supplier"] }, "fine-tuning"), {
        actors: [{ id: "supplier", type: "partner" }],
        controls: [{ id: "screening", type: "input-filtering", covers: ["job"], verified: true }],
      }),
      findings: [
        {
          anchors: ["ds"],
          // likelihood: 3, -1 entry written by a partner (exposure 3) = 2; impact 4: inherent 8, medium.
          // input-filtering (verified) takes 1 off likelihood: residual 1 x 4 = 4, low
          severity: "low",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.equal(finding.residual.score, 4);
            assert.deepEqual(finding.controls.map((c) => c.control), ["screening"]);
          },
        },
      ],
    },
    {
      name: "insiders count when an insider adversary is modelled",
      model: spec(internalAgent(), tunedOn("ds"), {
        datasets: [{ id: "ds", provenance: "internal", writableBy: ["staff"] }],
        adversaries: [{ id: "rogue", type: "insider", capability: "medium" }],
      }),
      // likelihood: 3, -2 employee entry (exposure 2), medium adversary 0 = 1; impact 4: 4, low
      findings: [{ anchors: ["ds"], severity: "low" }],
    },
  ],
});
