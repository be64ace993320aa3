import assert from "node:assert/strict";
import { sensitiveTrainingData } from "../../../src/rules/data-and-model/sensitive-training-data.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A vendor-hosted model fine-tuned on a dataset; the dataset's data is supplied per test. */
function tuned(dataset: Record<string, unknown>, data: Record<string, unknown>[]) {
  return {
    models: [{ id: "tuned", provider: "Vendor", hosting: "hosted-api", version: "ft-2026-01", pinned: true, fineTunedOn: [dataset.id] }],
    datasets: [dataset],
    data,
  };
}

const cards = { id: "card-data", classification: "confidential", flags: ["payment"] }; // payment flag: restricted (4)
const notes = { id: "case-notes", classification: "confidential" }; // confidential (3)
const manuals = { id: "manuals", classification: "internal" }; // internal (2)

ruleTester(sensitiveTrainingData, {
  valid: [
    {
      name: "near miss: the fine-tuning data is only internal",
      model: spec(publicChat("agent", { models: ["tuned"] }), tuned({ id: "ds", provenance: "internal", holds: ["manuals"] }, [manuals])),
    },
    {
      name: "a classifier fine-tuned on card data answers with labels and scores, which repeat no record (TW-DAT-003's)",
      model: (() => {
        const set = tuned({ id: "ds", provenance: "internal", holds: ["card-data"] }, [cards]);
        return spec(publicChat("agent", { models: ["tuned"] }), { ...set, models: [{ ...set.models[0], task: "classification" }] });
      })(),
    },
    {
      name: "a sensitive dataset that the model is not trained on (an evaluation set)",
      model: spec(publicChat("agent"), { datasets: [{ id: "eval-set", provenance: "internal", holds: ["card-data"] }], data: [cards] }),
    },
    {
      name: "a sensitive dataset flows through an embedding pipeline, not a training one",
      model: spec(publicChat("agent"), {
        datasets: [{ id: "ds", provenance: "internal", holds: ["card-data"] }],
        data: [cards],
        pipelines: [{ id: "embed", type: "embedding-ingestion" }],
        flows: [
          { id: "ds-to-embed", from: "ds", to: "embed", channel: "ingestion" },
          { id: "embed-to-llm", from: "embed", to: "llm", channel: "api" },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: "a public chat agent uses a model fine-tuned on payment data",
      model: spec(publicChat("agent", { models: ["tuned"] }), tuned({ id: "ds", provenance: "internal", holds: ["card-data", "manuals"] }, [cards, manuals])),
      findings: [
        {
          anchors: ["tuned", "ds"],
          // likelihood: default 2, +1 public users choose input through the agent, +1 they read the answers directly = 4
          // impact: default 3, +1 restricted (payment flag) = 4; 4 x 4 = 16, high
          severity: "high",
          summary: /card-data/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.ok(!finding.evidence.some((e) => e.element === "manuals"), "only sensitive data is cited");
          },
        },
      ],
    },
    {
      // What the agent keeps out of its own context is not what the model learnt (knowledge review P9).
      name: "data minimisation in the agent that queries the model does not count; on the training data it does",
      model: spec(publicChat("agent", { models: ["tuned"] }), tuned({ id: "ds", provenance: "internal", holds: ["card-data"] }, [cards]), {
        controls: [
          { id: "trim-context", type: "data-minimisation", covers: ["agent"], verified: true },
          { id: "scrub-training", type: "data-minimisation", covers: ["ds"], verified: false },
        ],
      }),
      findings: [
        {
          anchors: ["tuned", "ds"],
          // Inherent 4 x 4 = 16; only the unverified scrub on the dataset counts, half of 2: 4 x 3 = 12.
          check: (finding) => {
            assert.equal(finding.residual.score, 12);
            assert.deepEqual(finding.controls.map((c) => c.control), ["scrub-training"]);
          },
        },
      ],
    },
    {
      name: "internal use only: employees query a model fine-tuned on confidential notes",
      model: spec(internalAgent("agent", { models: ["tuned"] }), tuned({ id: "ds", provenance: "internal", holds: ["case-notes"] }, [notes])),
      // likelihood 2 (nobody untrusted), impact 3 (confidential): 6, medium
      findings: [{ anchors: ["tuned", "ds"], severity: "medium", check: (f) => assert.equal(f.inherent.score, 6) }],
    },
    {
      name: "outsiders who write the training set do not count as querying the model (their text reaches the agent only through the weights)",
      model: spec(internalAgent("agent", { models: ["tuned"] }), {
        actors: [{ id: "anyone", type: "public" }],
        models: [{ id: "tuned", provider: "Team", hosting: "self-hosted" }],
        datasets: [{ id: "ds", provenance: "internal", holds: ["case-notes"], writableBy: ["anyone"] }],
        data: [notes],
        pipelines: [{ id: "ft", type: "fine-tuning" }],
        flows: [
          { id: "ds-to-ft", from: "ds", to: "ft", channel: "training" },
          { id: "ft-to-model", from: "ft", to: "tuned", channel: "training" },
          { id: "model-to-agent", from: "tuned", to: "agent", channel: "api" },
        ],
      }),
      // likelihood 2 (no untrusted query), impact 3 (confidential): 6, medium
      findings: [{ anchors: ["tuned", "ds"], severity: "medium", check: (f) => assert.equal(f.inherent.likelihood, 2) }],
    },
    {
      name: "a verified differential-privacy control lowers the residual, the finding stays",
      model: spec(publicChat("agent", { models: ["tuned"] }), tuned({ id: "ds", provenance: "internal", holds: ["card-data"] }, [cards]), {
        controls: [{ id: "dp", type: "differential-privacy", covers: ["tuned"], verified: true }],
      }),
      findings: [
        {
          anchors: ["tuned", "ds"],
          check: (finding) => {
            // inherent 4 x 4 as above; differential-privacy, implemented and verified, takes the full 2 off likelihood: 2 x 4 = 8, medium
            assert.equal(finding.residual.likelihood, 2);
            assert.equal(finding.residual.impact, 4);
            assert.equal(finding.severity, "medium");
            assert.ok(finding.missingControls.includes("data-minimisation"));
          },
        },
      ],
    },
    {
      name: "trained through a fine-tuning pipeline (no fineTunedOn), with a high-capability adversary",
      model: spec(internalAgent("agent", { models: ["tuned"] }), {
        actors: [{ id: "partner-co", type: "partner" }],
        flows: [{ id: "partner-to-agent", from: "partner-co", to: "agent", channel: "api" }],
        models: [{ id: "tuned", provider: "Team", hosting: "self-hosted" }],
        datasets: [{ id: "ds", provenance: "internal" }],
        data: [notes],
        pipelines: [{ id: "ft", type: "fine-tuning" }],
        adversaries: [{ id: "apt", type: "state", capability: "high" }],
      }, {
        flows: [
          { id: "ds-to-ft", from: "ds", to: "ft", channel: "training", data: ["case-notes"] },
          { id: "ft-to-model", from: "ft", to: "tuned", channel: "training" },
        ],
      }),
      findings: [
        {
          anchors: ["tuned", "ds"],
          // likelihood: 2, +1 the partner talks to the agent that uses the model, +1 directly, +1 high-capability adversary = 5
          // impact: 3 (confidential, carried on the training flow); 15, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 5);
            assert.equal(finding.inherent.impact, 3);
            assert.ok(finding.evidence.some((e) => e.element === "ft"));
          },
        },
      ],
    },
  ],
});
