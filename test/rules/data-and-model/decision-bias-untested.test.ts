import assert from "node:assert/strict";
import { decisionBiasUntested } from "../../../src/rules/data-and-model/decision-bias-untested.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec, type ModelSpec } from "../rule-tester.js";

const rejects = (stakes: string, aboutPeople = true) => ({ what: "which applications are rejected", stakes, aboutPeople });

/** A ranker fine-tuned on a hiring history (labels as given) that decides with `decision`. */
function ranker(decision: Record<string, unknown> | undefined, labels?: string, extra: ModelSpec = {}): ModelSpec {
  return spec(
    {
      models: [{ id: "ranker", provider: "Us", hosting: "self-hosted", task: "classification", fineTunedOn: ["history"], ...(decision ? { decision } : {}) }],
      datasets: [{ id: "history", provenance: "internal", ...(labels ? { labels } : {}) }],
    },
    extra,
  );
}

const control = (type: string, covers: string, status = "implemented") => ({ controls: [{ id: `${type}-on-${covers}`, type, covers: [covers], status, verified: true }] });

ruleTester(decisionBiasUntested, {
  valid: [
    { name: "a model that declares no decision", model: ranker(undefined, "past-decisions") },
    { name: "a decision that is not about people (fraud scores of payments)", model: ranker(rejects("high", false), "past-decisions") },
    { name: "a decision about people whose stakes are low", model: ranker(rejects("low"), "past-decisions") },
  ],
  invalid: [
    {
      name: "a ranker trained on past hiring decisions rejects applicants",
      model: ranker(rejects("high"), "past-decisions"),
      findings: [
        {
          anchors: ["ranker"],
          // Likelihood 3 + 1 (labels are past decisions) = 4; impact 3 + 1 (stakes high) = 4: 16, high.
          severity: "high",
          summary: /ranker decides which applications are rejected, a decision about people, learnt from past human decisions/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.match(finding.reasons[0]!, /\+1 it learns from past human decisions \(history\)/);
            assert.deepEqual(finding.missingControls, ["fairness-testing", "human-review-path"]);
          },
        },
      ],
    },
    {
      name: "annotated labels, medium stakes, in an EU AI Act high-risk system",
      model: spec(ranker(rejects("medium"), "annotation"), { system: { id: "s", name: "S", owner: "a@example.com", euAiActRisk: "high" } }),
      findings: [
        {
          anchors: ["ranker"],
          // Likelihood 3; impact 3 + 1 (high-risk system) = 4: 12.
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.match(finding.reasons[1]!, /\+1 a high-risk system under the EU AI Act must examine its data for bias \(Art\. 10\)/);
          },
        },
      ],
    },
    {
      name: "a fairness test on the training data counts; a red-team exercise on the model does not",
      model: ranker(rejects("high"), "past-decisions", spec(control("fairness-testing", "history"), { controls: [{ id: "red-team", type: "red-teaming", covers: ["ranker"], status: "implemented", verified: true }] })),
      findings: [
        {
          anchors: ["ranker"],
          // 4 - 2 (verified fairness test) = 2: residual 2x4 = 8.
          check: (finding) => {
            assert.equal(finding.residual.score, 8);
            assert.deepEqual(finding.controls.map((c) => c.control), ["fairness-testing-on-history"]);
          },
        },
      ],
    },
    {
      name: "trained through a pipeline: a fairness test in the pipeline counts",
      model: spec(
        {
          models: [{ id: "ranker", provider: "Us", hosting: "self-hosted", task: "classification", decision: rejects("high") }],
          datasets: [{ id: "history", provenance: "internal", labels: "past-decisions" }],
          pipelines: [{ id: "train", type: "training" }],
          flows: [
            { id: "history-in", from: "history", to: "train", channel: "training" },
            { id: "train-out", from: "train", to: "ranker", channel: "training" },
          ],
        },
        control("fairness-testing", "train"),
      ),
      findings: [
        {
          anchors: ["ranker"],
          // Likelihood 3 + 1 (past decisions, through the pipeline) = 4; impact 4: 16. The verified test takes 2 off: 2x4 = 8.
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.residual.score, 8);
            assert.equal(finding.evidence.find((e) => e.element === "history")?.note, "training data labelled by past decisions (through train)");
          },
        },
      ],
    },
    {
      name: "an agent that decides about people with a general-purpose LLM",
      model: internalAgent("screener", { decision: rejects("medium"), autonomy: "autonomous" }),
      findings: [{ anchors: ["screener"], severity: "medium", summary: /screener decides which applications are rejected, a decision about people; without comparing/ }],
    },
  ],
});
