import assert from "node:assert/strict";
import { noHumanReviewPath } from "../../../src/rules/governance/no-human-review-path.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const refunds = {
  services: [{ id: "payments", type: "api" }],
  tools: [
    { id: "refund", capabilities: [{ action: "spend", on: ["payments"] }] },
    { id: "order-status", capabilities: [{ action: "read", on: ["payments"] }] },
  ],
};
const reviewPath = (status: string) => ({
  controls: [{ id: "escalate", type: "human-review-path", covers: ["agent"], status, evidence: [{ type: "doc", ref: "support/escalation.md" }] }],
});

ruleTester(noHumanReviewPath, {
  valid: [
    { name: "customers can escalate to a person", model: spec(publicChat("agent", { tools: ["refund"] }), refunds, reviewPath("implemented")) },
    { name: "only employees use the agent", model: spec(internalAgent("agent", { tools: ["refund"] }), refunds) },
    { name: "customers only reach it through tickets", model: spec(internalAgent("agent", { tools: ["refund"] }), customerTickets("agent"), refunds) },
    { name: "the public agent only reads", model: spec(publicChat("agent", { tools: ["order-status"] }), refunds) },
  ],
  invalid: [
    {
      name: "an autonomous public agent refunds, with a review path only planned",
      model: spec(publicChat("agent", { tools: ["refund", "order-status"] }), refunds, reviewPath("planned")),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 2 + 1 (autonomous) = 3, impact 3: 9, medium.
          severity: "medium",
          summary: /public-user deal directly with agent, which can spend through refund/,
          check: (finding) => assert.deepEqual(finding.missingControls, ["human-review-path"]),
        },
      ],
    },
    {
      name: "a supervised agent",
      model: spec(publicChat("agent", { tools: ["refund"], autonomy: "supervised" }), refunds),
      // Likelihood 2 - 1 (a person approves each action) = 1, impact 3: 3, low.
      findings: [{ anchors: ["agent"], severity: "low", check: (finding) => assert.equal(finding.inherent.score, 3) }],
    },
  ],
});
