import assert from "node:assert/strict";
import { reviewOverdue } from "../../../src/rules/governance/review-overdue.js";
import { ruleTester, spec } from "../rule-tester.js";

// TODAY is 2026-11-22.
const review = (lastReview?: string) => ({ review: { owner: "appsec@example.com", cadence: "P90D", ...(lastReview ? { lastReview: { date: lastReview } } : {}) } });
const highRisk = { system: { id: "test-system", name: "Test system", owner: "team@example.com", euAiActRisk: "high" } };

ruleTester(reviewOverdue, {
  valid: [
    { name: "reviewed on 2026-10-01, due 2026-12-30", model: spec(review("2026-10-01")) },
    { name: "due today (2026-08-24 + P90D)", model: spec(review("2026-08-24")) },
    { name: "the same model analysed before the review fell due", model: spec(review("2026-08-01")), today: "2026-10-15" },
  ],
  invalid: [
    {
      name: "overdue: reviewed 2026-08-01, due 2026-10-30",
      model: spec(review("2026-08-01")),
      // Default 2 x 2 = 4, low: overdue by 23 days, less than a cadence.
      findings: [{ anchors: ["test-system"], severity: "low", summary: /due for review on 2026-10-30 .*23 days ago/ }],
    },
    {
      name: "no review policy at all",
      model: spec({}),
      // Likelihood 2 + 1 = 3, impact 2: 6, medium.
      findings: [{ anchors: ["test-system"], severity: "medium", summary: /no review policy/ }],
    },
    { name: "a policy but never reviewed", model: spec(review()), findings: [{ anchors: ["test-system"], summary: /never been reviewed/ }] },
    {
      name: "a high-risk system overdue by more than a cadence",
      model: spec(review("2026-01-01"), highRisk),
      findings: [
        {
          anchors: ["test-system"],
          // Likelihood 2 + 1 (due 2026-04-01, 235 days late > 90) = 3, impact 2 + 1 (high-risk under the EU AI Act) = 3: 9, medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.inherent.score, 9),
        },
      ],
    },
  ],
});
