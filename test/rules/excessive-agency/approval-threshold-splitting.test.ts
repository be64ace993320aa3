import assert from "node:assert/strict";
import { approvalThresholdSplitting } from "../../../src/rules/excessive-agency/approval-threshold-splitting.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A payment tool with an approval above 10,000 EUR; tests change the tool's limit and add controls. */
const payments = (limit?: Record<string, unknown>, controls: Record<string, unknown>[] = []) => ({
  services: [{ id: "bank", type: "api" }],
  tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["bank"], ...(limit ? { limit } : {}) }] }],
  controls: [{ id: "approval", type: "human-approval", covers: ["pay"], threshold: { amount: 10000, currency: "EUR" }, verified: true }, ...controls],
});
const ticketAgent = () => spec(internalAgent("agent", { tools: ["read-tickets", "pay"] }), customerTickets("agent"));
/** Two agents pay: a public chat agent (the most exposed entry) and an intake agent that retrieves customer tickets; `controls` are added. */
const twoPayers = (controls: Record<string, unknown>[]) =>
  spec(publicChat("agent", { tools: ["pay"] }), customerTickets("intake"), payments({ amount: 9000, currency: "EUR", per: "action" }, controls), {
    agents: [{ id: "intake", models: ["llm"], tools: ["pay"] }],
  });
const chatFilter = { id: "chat-filter", type: "content-isolation", covers: ["widget-to-agent"], verified: true };
const ticketTags = { id: "ticket-tags", type: "content-isolation", covers: ["tickets-to-agent"], verified: true };

ruleTester(approvalThresholdSplitting, {
  valid: [
    {
      name: "a spend-limit control caps the agent's total per day at 2 times the threshold: at most two payments just under it fit",
      model: spec(ticketAgent(), payments(undefined, [{ id: "daily-cap", type: "spend-limit", covers: ["agent"], threshold: { amount: 20000, currency: "EUR", per: "day" } }])),
    },
    {
      name: "near miss: the tool itself caps the total per month at 29,999 EUR, just under 3 times the threshold",
      model: spec(ticketAgent(), payments({ amount: 29999, currency: "EUR", per: "month" })),
    },
    {
      name: "the tightest cap decides: a loose monthly cap on the tool, and a daily cap of 2.5 times the threshold on the agent",
      model: spec(ticketAgent(), payments({ amount: 500000, currency: "EUR", per: "month" }, [{ id: "daily-cap", type: "spend-limit", covers: ["agent"], threshold: { amount: 25000, currency: "EUR", per: "day" } }])),
    },
    {
      name: "a cap in another currency cannot be compared with the threshold: taken to close the gap, however large",
      model: spec(ticketAgent(), payments({ amount: 5000000, currency: "USD", per: "month" })),
    },
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
      name: "near miss: a cap per hour of 2 times the threshold leaves room for two more payments every hour",
      model: spec(ticketAgent(), payments({ amount: 20000, currency: "EUR", per: "hour" })),
      findings: [
        {
          anchors: ["pay", "approval"],
          // Likelihood 3; impact 4 -1 (the total is capped, if only per hour) = 3. 9: medium.
          summary: /the total is capped only at 20000 EUR per hour, 2 times the approval threshold/,
          check: (finding) => assert.equal(finding.inherent.score, 9),
        },
      ],
    },
    {
      name: "near miss: the tool caps the total per month at exactly 3 times the threshold, room for three payments just under it",
      model: spec(ticketAgent(), payments({ amount: 30000, currency: "EUR", per: "month" })),
      findings: [
        {
          anchors: ["pay", "approval"],
          // Likelihood 3 +0 (customers' tickets); impact 4 -1 (the total is capped) = 3. 3 x 3 = 9: medium.
          severity: "medium",
          summary: /without approval .* the total is capped only at 30000 EUR per month, 3 times the approval threshold/,
          check: (finding) => {
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact, finding.inherent.score], [3, 3, 9]);
            assert.match(finding.reasons[1]!, /-1 the total is capped at 30000 EUR per month, 3 times the approval threshold/);
            // The tool's cap is the one evidence line on the tool: no "no limit on the total" beside it.
            assert.deepEqual(
              finding.evidence.filter((e) => e.element === "pay").map((e) => e.note),
              ["caps the total at 30000 EUR per month, 3 times the approval threshold: it bounds the loss but leaves room to split"],
            );
          },
        },
      ],
    },
    {
      name: "the reviewers' case: a spend-limit control caps the total at 30 times the threshold, with a per-payment limit on the tool",
      model: spec(
        ticketAgent(),
        payments({ amount: 9000, currency: "EUR", per: "action" }, [{ id: "program-cap", type: "spend-limit", covers: ["pay"], threshold: { amount: 300000, currency: "EUR", per: "month" }, verified: true }]),
      ),
      findings: [
        {
          anchors: ["pay", "approval"],
          // Likelihood 3 +0; impact 4 -1 (capped at 300,000 EUR, 30 x 10,000) = 3: 9, medium. Spend limits are no mitigation of
          // this rule: the cap counts once, in the impact, and the residual stays 9.
          severity: "medium",
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [9, 9]);
            assert.match(finding.reasons[1]!, /-1 the total is capped at 300000 EUR per month, 30 times the approval threshold/);
            assert.match(finding.evidence.find((e) => e.element === "pay")?.note ?? "", /limited to 9000 EUR per action, not in total per period/);
            assert.match(finding.evidence.find((e) => e.element === "program-cap")?.note ?? "", /caps the total at 300000 EUR per month, 30 times/);
          },
        },
      ],
    },
    {
      name: "a cap far above the threshold (5,000,000 EUR a month) bounds nothing the splitting needs",
      model: spec(ticketAgent(), payments(undefined, [{ id: "program-cap", type: "spend-limit", covers: ["agent"], threshold: { amount: 5000000, currency: "EUR", per: "month" } }])),
      // Likelihood 3; impact 4 -1 = 3: 9, medium; the reason gives the amount, 500 times the threshold.
      findings: [
        {
          anchors: ["pay", "approval"],
          severity: "medium",
          check: (finding) => {
            assert.match(finding.reasons[1]!, /capped at 5000000 EUR per month, 500 times the approval threshold/);
            // The tool has no limit of its own, but the total is capped: no "no limit on the total" line.
            assert.deepEqual(finding.evidence.filter((e) => e.element === "pay"), []);
          },
        },
      ],
    },
    {
      name: "the same 5,000,000 EUR monthly cap in a system whose material loss is 100,000 EUR takes nothing off",
      model: spec(ticketAgent(), payments(undefined, [{ id: "program-cap", type: "spend-limit", covers: ["agent"], threshold: { amount: 5000000, currency: "EUR", per: "month" } }]), {
        system: { id: "test-system", name: "Test system", owner: "team@example.com", materialLoss: { amount: 100000, currency: "EUR" } },
      }),
      // Likelihood 3; impact 4, the cap not counted: 12, high.
      findings: [
        {
          anchors: ["pay", "approval"],
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.impact, 4);
            assert.equal(
              finding.evidence.find((e) => e.element === "program-cap")?.note,
              "caps the total at 5000000 EUR per month, 500 times the approval threshold: it is at or above the 100000 EUR Test system counts as a material loss, so it bounds nothing that matters, and leaves room to split",
            );
          },
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
    {
      name: "content isolation on the tickets only: the public chat reaches the other payer without it, so it does not count",
      model: twoPayers([ticketTags]),
      findings: [
        {
          anchors: ["pay", "approval"],
          // Likelihood 3 +1 (the public chat, exposure 5, is the most exposed entry) = 4; impact 4: 16, high. The tags are on
          // the tickets' way only; the chat reaches the agent, which pays through the same tool, without them: nothing off, 16.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.residual.score, 16);
            assert.deepEqual(finding.controls, []);
            assert.match(finding.evidence.find((e) => e.element === "ticket-tags")?.note ?? "", /part of the way in only: text from .*public-user.* reaches agent without passing it/);
          },
        },
      ],
    },
    {
      name: "content isolation on the public chat's own messages as well does not count either: a person's own words cannot be marked as data",
      model: twoPayers([chatFilter, ticketTags]),
      findings: [
        {
          anchors: ["pay", "approval"],
          // Inherent 16 as above. Both ways carry a verified control, but the chat user talks to the agent directly: the way stays open, 16.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.residual.score, 16);
            assert.deepEqual(finding.controls, []);
            assert.match(finding.evidence.find((e) => e.element === "chat-filter")?.note ?? "", /content-isolation does not count: public-user talk to agent themselves/);
          },
        },
      ],
    },
    {
      name: "content isolation on the only way in, customer tickets, counts",
      // On the tickets themselves: the agent also reads them through its tool, which the flow's tags would not cover.
      model: spec(ticketAgent(), payments({ amount: 9000, currency: "EUR", per: "action" }, [{ ...ticketTags, covers: ["tickets"] }])),
      findings: [
        {
          anchors: ["pay", "approval"],
          // Inherent 3 x 4 = 12 (customers' tickets +0); verified tags on the tickets' way: the full 1 off likelihood: 2 x 4 = 8, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.residual.score, 8);
            assert.deepEqual(finding.controls.map((c) => [c.control, c.by]), [["ticket-tags", 1]]);
          },
        },
      ],
    },
  ],
});
