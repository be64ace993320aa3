import assert from "node:assert/strict";
import { approverManipulation } from "../../../src/rules/multi-agent/approver-manipulation.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const payments = (control: Record<string, unknown> = {}) => ({
  services: [{ id: "bank", type: "api" }],
  tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] }],
  controls: [{ id: "approval", type: "human-approval", covers: ["pay"], threshold: { amount: 10000, currency: "EUR" }, ...control }],
});

ruleTester(approverManipulation, {
  valid: [
    { name: "near miss: no untrusted text reaches the agent whose payments are approved", model: spec(internalAgent("agent", { tools: ["pay"] }), payments()) },
    { name: "the approval is only planned", model: spec(internalAgent("agent", { tools: ["read-tickets", "pay"] }), customerTickets("agent"), payments({ status: "planned" })) },
    { name: "the approval covers the agent, not a tool", model: spec(publicChat("agent", { tools: ["pay"] }), payments({ covers: ["agent"] })) },
  ],
  invalid: [
    {
      name: "approvers of payments see what a ticket-reading agent prepared",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "pay"] }), customerTickets("agent"), payments()),
      findings: [
        {
          anchors: ["approval", "pay"],
          // Likelihood 2 +0 (tickets: exposure 4); impact 3 +1 (the approved action spends) = 4. 2 x 4 = 8: medium.
          severity: "medium",
          summary: /People approving pay above 10000 EUR \(approval\) judge what agent prepared/,
          check: (finding) => assert.equal(finding.inherent.score, 8),
        },
      ],
    },
    {
      name: "approved posts of a public chat agent; verified output validation lowers the residual",
      model: spec(publicChat("agent", { tools: ["post"] }), {
        sources: [{ id: "forum", type: "comments" }],
        tools: [{ id: "post", capabilities: [{ action: "publish", on: ["forum"] }] }],
        controls: [
          { id: "approve-posts", type: "human-approval", covers: ["post"], verified: true },
          { id: "check-posts", type: "output-validation", covers: ["post"], verified: true },
        ],
      }),
      findings: [
        {
          anchors: ["approve-posts", "post"],
          // Likelihood 2 +1 (public entry) = 3; impact 3 (publishing): inherent 9, medium. Residual (3 - 1) x 3 = 6: medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 6);
          },
        },
      ],
    },
  ],
});
