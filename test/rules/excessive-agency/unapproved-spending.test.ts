import assert from "node:assert/strict";
import { unapprovedSpending } from "../../../src/rules/excessive-agency/unapproved-spending.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A refund tool on the payment provider, with an optional limit. */
const refunds = (limit?: Record<string, unknown>) => ({
  services: [{ id: "payments-api", type: "api" }],
  tools: [{ id: "refund", capabilities: [{ action: "spend", on: ["payments-api"], ...(limit ? { limit } : {}) }] }],
});

ruleTester(unapprovedSpending, {
  valid: [
    { name: "no untrusted input reaches the agent", model: spec(internalAgent("agent", { tools: ["refund"] }), refunds()) },
    {
      name: "near miss: the public chat agent's tool only reads",
      model: spec(publicChat("agent", { tools: ["refund"] }), { services: [{ id: "payments-api", type: "api" }], tools: [{ id: "refund", capabilities: [{ action: "read", on: ["payments-api"] }] }] }),
    },
    {
      name: "spending only reachable laterally, through the identity a shell tool runs as (a code-execution finding, not this one)",
      model: spec(publicChat("agent", { tools: ["shell"] }), {
        services: [{ id: "payments-api", type: "api" }],
        tools: [{ id: "shell", runsAs: "ops-sa", capabilities: [{ action: "execute" }] }],
        identities: [{ id: "ops-sa", type: "service-account", permissions: [{ resource: "payments-api", actions: ["spend"] }] }],
      }),
    },
  ],
  invalid: [
    {
      name: "anonymous public chat agent can refund without any limit",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds()),
      findings: [
        {
          anchors: ["agent", "refund"],
          // Likelihood 4 +1 (public entry) = 5; impact 4 (default, no limit). 5 x 4 = 20: critical.
          severity: "critical",
          summary: /with no limit in the model/,
          check: (finding) => assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0051.000", "AML.T0051.000", "AML.T0048.000"]),
        },
      ],
    },
    {
      name: "ticket text steers an agent whose refunds are capped per day",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "refund"] }), customerTickets("agent"), refunds({ amount: 50, currency: "EUR", per: "day" })),
      findings: [
        {
          anchors: ["agent", "refund"],
          // Likelihood 4 +0 (customer-written tickets, exposure 4); impact 4 -1 (total capped per day) = 3. 4 x 3 = 12: high.
          severity: "high",
          summary: /up to 50 EUR per day/,
          check: (finding) => assert.equal(finding.inherent.score, 12),
        },
      ],
    },
    {
      name: "a verified approval above a threshold counts half; a per-action cap still lowers impact",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds({ amount: 50, currency: "EUR", per: "action" }), {
        controls: [{ id: "approval", type: "human-approval", covers: ["refund"], threshold: { amount: 20, currency: "EUR" }, verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "refund"],
          // Inherent: likelihood 4 +1 (public) = 5; impact 4 -1 (each payment capped, not their number) = 3: 15, high.
          // Residual: human approval by 2 x 0.5 (applies only above a threshold) = 1: likelihood 4; 4 x 3 = 12, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.equal(finding.residual.likelihood, 4);
            assert.equal(finding.residual.score, 12);
          },
        },
      ],
    },
  ],
});
