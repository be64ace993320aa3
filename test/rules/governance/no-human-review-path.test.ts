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
/** Members' own tasks, which an assistant closes and edits with each member's own token (delegated) unless `tool` says otherwise. */
const memberTasks = (tool: Record<string, unknown> = { delegated: true }) => ({
  datastores: [{ id: "tasks-db", type: "relational" }],
  tools: [{ id: "update-task", capabilities: [{ action: "write", on: ["tasks-db"] }], ...tool }],
});
const reviewPath = (status: string) => ({
  controls: [{ id: "escalate", type: "human-review-path", covers: ["agent"], status, evidence: [{ type: "doc", ref: "support/escalation.md" }] }],
});

ruleTester(noHumanReviewPath, {
  valid: [
    { name: "customers can escalate to a person", model: spec(publicChat("agent", { tools: ["refund"] }), refunds, reviewPath("implemented")) },
    { name: "only employees use the agent", model: spec(internalAgent("agent", { tools: ["refund"] }), refunds) },
    { name: "customers only reach it through tickets", model: spec(internalAgent("agent", { tools: ["refund"] }), customerTickets("agent"), refunds) },
    { name: "the public agent only reads", model: spec(publicChat("agent", { tools: ["order-status"] }), refunds) },
    // The assistant does what the member may do themselves, in their name: no decision about them to review.
    { name: "the assistant's only changing tool writes with the asker's own token (delegated)", model: spec(publicChat("agent", { tools: ["update-task"] }), memberTasks()) },
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
      name: "near miss: the same task tool runs as the service, beside a delegated one",
      model: spec(publicChat("agent", { tools: ["update-task", "refund", "close-task"] }), memberTasks({}), refunds, { tools: [{ id: "close-task", delegated: true, capabilities: [{ action: "delete", on: ["tasks-db"] }] }] }),
      // The delegated delete still counts: the member cannot bring back what the assistant deleted in their name.
      findings: [{ anchors: ["agent"], severity: "medium", summary: /which can delete, spend and write through close-task, refund and update-task, and no human/ }],
    },
    {
      name: "a supervised agent",
      model: spec(publicChat("agent", { tools: ["refund"], autonomy: "supervised" }), refunds),
      // Likelihood 2 - 1 (a person approves each action) = 1, impact 3: 3, low.
      findings: [{ anchors: ["agent"], severity: "low", check: (finding) => assert.equal(finding.inherent.score, 3) }],
    },
  ],
});
