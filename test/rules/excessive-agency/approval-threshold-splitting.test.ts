import assert from "node:assert/strict";
import { approvalThresholdSplitting } from "../../../src/rules/excessive-agency/approval-threshold-splitting.js";
import { customerTickets, internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A payment tool with an approval above 10,000 EUR; tests change the tool's limit and add controls. */
const payments = (limit?: Record<string, unknown>, controls: Record<string, unknown>[] = []) => ({
  services: [{ id: "bank", type: "api" }],
  tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["bank"], ...(limit ? { limit } : {}) }] }],
  controls: [{ id: "approval", type: "human-approval", covers: ["pay"], threshold: { amount: 10000, currency: "EUR" }, verified: true }, ...controls],
});
const ticketAgent = () => spec(internalAgent("agent", { tools: ["read-tickets", "pay"] }), customerTickets("agent"));

ruleTester(approvalThresholdSplitting, {
  valid: [
    {
      name: "near miss: a spend-limit control caps the agent's total per day",
      model: spec(ticketAgent(), payments(undefined, [{ id: "daily-cap", type: "spend-limit", covers: ["agent"], threshold: { amount: 20000, currency: "EUR", per: "day" } }])),
    },
    { name: "the tool itself caps the total per month", model: spec(ticketAgent(), payments({ amount: 30000, currency: "EUR", per: "month" })) },
    { name: "no untrusted input reaches the agent", model: spec(internalAgent("agent", { tools: ["pay"] }), payments()) },
    {
      name: "every payment needs approval (no threshold)",
      model: spec(ticketAgent(), { services: [{ id: "bank", type: "api" }], tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] }], controls: [{ id: "approval", type: "human-approval", covers: ["pay"] }] }),
    },
  ],
  invalid: [
    {
      name: "approval above 10,000 EUR with no total limit, on a tool ticket text can steer",
      model: spec(ticketAgent(), payments({ amount: 9000, currency: "EUR", per: "action" })),
      findings: [
        {
          anchors: ["pay", "approval"],
          // Likelihood 3 +0 (customer-written tickets, exposure 4); impact 4. 3 x 4 = 12: high.
          severity: "high",
          summary: /payments under 10000 EUR .* without approval .* nothing limits how many/i,
          check: (finding) => assert.equal(finding.inherent.score, 12),
        },
      ],
    },
    {
      name: "a planned daily cap does not close the gap; a verified rate limit lowers impact",
      model: spec(
        ticketAgent(),
        payments(undefined, [
          { id: "daily-cap", type: "spend-limit", covers: ["pay"], status: "planned", threshold: { amount: 20000, currency: "EUR", per: "day" } },
          { id: "throttle", type: "rate-limit", covers: ["pay"], verified: true },
        ]),
      ),
      findings: [
        {
          anchors: ["pay", "approval"],
          // Inherent 3 x 4 = 12; the verified rate limit takes 1 off impact: 3 x 3 = 9, medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.residual.score, 9),
        },
      ],
    },
  ],
});
