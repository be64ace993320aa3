import assert from "node:assert/strict";
import { decisionAboutPeopleWithoutOversight } from "../../../src/rules/governance/decision-about-people-without-oversight.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";
import type { ModelSpec } from "../rule-tester.js";

/** A ranking model that decides which applicants are rejected; tests set the decision and the approvals on it. */
const ranker = (decision: Record<string, unknown> = {}, controls: Record<string, unknown>[] = [], model: Record<string, unknown> = {}): ModelSpec => ({
  models: [{ id: "ranker", provider: "In-house", hosting: "self-hosted", task: "classification", decision: { what: "which applicants are rejected", stakes: "high", aboutPeople: true, ...decision }, ...model }],
  controls,
});
const review = (extra: Record<string, unknown> = {}) => ({ id: "rejection-review", type: "human-approval", covers: ["ranker"], verified: true, ...extra });
const highRisk: ModelSpec = { system: { id: "test-system", name: "Test system", owner: "team@example.com", euAiActRisk: "high" } };

ruleTester(decisionAboutPeopleWithoutOversight, {
  valid: [
    { name: "a recruiter approves each rejection before it is sent", model: ranker({}, [review()]) },
    { name: "a partial review (some tenants only) is still a person holding the decision", model: ranker({}, [review({ status: "partial" })]) },
    {
      name: "the review is written on the service the model runs on",
      model: spec(ranker({}, [review({ covers: ["scoring-service"] })], { runsOn: "scoring-service" }), { services: [{ id: "scoring-service", type: "api" }] }),
    },
    { name: "near miss: the decision is not about people", model: ranker({ what: "which invoices are duplicates", aboutPeople: false }) },
    { name: "near miss: low stakes (which FAQ answer is shown first)", model: ranker({ stakes: "low" }) },
    { name: "an agent whose decision about people a person approves action by action (supervised)", model: spec(internalAgent("agent", { autonomy: "supervised", decision: { what: "which claims are paid", stakes: "high", aboutPeople: true } })) },
  ],
  invalid: [
    {
      name: "rejections go out unless someone steps in within 48 hours (an opt-out review)",
      model: spec(ranker({}, [review({ unanswered: "proceeds", condition: "candidates under the tenant threshold" })]), highRisk),
      findings: [
        {
          anchors: ["ranker"],
          // Likelihood 3. Impact 3 +1 (stakes high) +1 (EU AI Act high-risk) = 5. 15, high.
          severity: "high",
          summary: /^ranker decides which applicants are rejected, a decision about people, and its only review lets a decision go ahead when nobody answers in time\.$/,
          check: (finding) => {
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact, finding.residual.score], [3, 5, 15]);
            assert.match(finding.evidence.find((e) => e.element === "rejection-review")!.note, /unanswered: proceeds.*no oversight/);
          },
        },
      ],
    },
    {
      name: "near miss: the review is only planned; a way to contest decisions afterwards lowers the impact",
      model: ranker({ stakes: "medium" }, [review({ status: "planned" }), { id: "appeals", type: "human-review-path", covers: ["ranker"], verified: true }]),
      findings: [
        {
          anchors: ["ranker"],
          // Likelihood 3, impact 3 (stakes medium; not declared high-risk): 9. The appeals path takes 1 off impact: 3 x 2 = 6, medium.
          severity: "medium",
          summary: /no person reviews a decision before it takes effect\.$/,
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [9, 6]);
            assert.match(finding.evidence.find((e) => e.element === "rejection-review")!.note, /planned/);
          },
        },
      ],
    },
    {
      name: "an autonomous agent that decides claims about people, with no approval",
      model: internalAgent("agent", { decision: { what: "which claims are refused", stakes: "high", aboutPeople: true } }),
      // Likelihood 3. Impact 3 +1 (stakes high) = 4. 12, high.
      findings: [{ anchors: ["agent"], severity: "high", check: (finding) => assert.match(finding.evidence[0]!.note, /autonomy not stated/) }],
    },
  ],
});
