import assert from "node:assert/strict";
import { unapprovedSpending } from "../../../src/rules/excessive-agency/unapproved-spending.js";
import { customerTickets, internalAgent, linkedSpeaker, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A pay tool that pays with the asker's own token (delegated): whoever asks spends their own money. */
const ownPayments = {
  services: [{ id: "payments-api", type: "api" }],
  tools: [{ id: "pay", delegated: true, capabilities: [{ action: "spend", on: ["payments-api"] }] }],
};
/** A merchant's agent (another organisation's) sends the agent offers. */
const merchantOffers = { agents: [{ id: "merchant-agent", thirdParty: true }], flows: [{ id: "offers", from: "merchant-agent", to: "agent", channel: "message" }] };

/** A refund tool on the payment provider, with an optional limit. */
const refunds = (limit?: Record<string, unknown>) => ({
  services: [{ id: "payments-api", type: "api" }],
  tools: [{ id: "refund", capabilities: [{ action: "spend", on: ["payments-api"], ...(limit ? { limit } : {}) }] }],
});

/** The test system, counting a loss of 1,000 in the currency given as material. */
const materialLoss = (currency: string) => ({ id: "test-system", name: "Test system", owner: "team@example.com", materialLoss: { amount: 1000, currency } });

ruleTester(unapprovedSpending, {
  valid: [
    { name: "the askers pay with their own token (delegated) and nothing else reaches the agent: they spend their own money", model: spec(publicChat("agent", { tools: ["pay"] }), ownPayments) },
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
      name: "the askers pay with their own token, and a merchant's agent sends offers: the merchant is the attacker of their money",
      model: spec(publicChat("agent", { tools: ["pay"] }), ownPayments, merchantOffers),
      findings: [
        {
          anchors: ["agent", "pay"],
          // Likelihood 4 - 1 (another organisation's agent), impact 4: 12, high; told from the merchant, not the public user.
          severity: "high",
          summary: /^agent reads text from merchant-agent and can spend money through pay/,
          check: (finding) => assert.equal(finding.path?.[0]?.element, "merchant-agent"),
        },
      ],
    },
    {
      name: "bystanders ask a linked speaker in the account holders' session, and the tool pays with the session's token: they spend the holders' money",
      model: spec(linkedSpeaker({ tools: ["pay"] }), ownPayments),
      // Likelihood 4 + 1 (public entry) = 5, impact 4: 20, critical.
      findings: [{ anchors: ["agent", "pay"], severity: "critical", summary: /^agent reads text from bystanders/ }],
    },
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
      // A person approves each action: the same step a human-approval control gives, counted once (SOC review P11).
      name: "a supervised agent: a person approves each refund, likelihood one lower; with an approval control on the tool, that control is the person",
      model: spec(publicChat("agent", { tools: ["refund"], autonomy: "supervised" }), refunds()),
      findings: [
        {
          anchors: ["agent", "refund"],
          // Likelihood 4 + 1 (public) - 1 (supervised) = 4; impact 4: 16, high.
          severity: "high",
          check: (finding) => assert.match(finding.reasons[0]!, /-1 agent is supervised: a person approves each action/),
        },
      ],
    },
    {
      name: "a supervised agent whose refund tool an approval control gates: counted once, as the control",
      model: spec(publicChat("agent", { tools: ["refund"], autonomy: "supervised" }), refunds(), { controls: [{ id: "approve-refunds", type: "human-approval", covers: ["refund"], verified: true }] }),
      // Likelihood 5 (no autonomy step); the verified approval takes 2 off: 3 x 4 = 12.
      findings: [{ anchors: ["agent", "refund"], check: (finding) => assert.deepEqual([finding.inherent.likelihood, finding.residual.score], [5, 12]) }],
    },
    {
      // Were the step dropped for it, adding this approval would raise the residual 16 -> 18.
      name: "a supervised agent whose refund tool a partial, unverified approval gates: it takes less than the supervision's step, which stays",
      model: spec(publicChat("agent", { tools: ["refund"], autonomy: "supervised" }), refunds(), {
        controls: [{ id: "approve-refunds", type: "human-approval", covers: ["refund"], status: "partial", verified: false }],
      }),
      // Likelihood 4 + 1 - 1 (supervised) = 4; the approval takes 2 x 0.25 = 0.5 off: 3.5 x 4 = 14.
      findings: [{ anchors: ["agent", "refund"], check: (finding) => assert.deepEqual([finding.inherent.likelihood, finding.residual.score], [4, 14]) }],
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
    {
      name: "a spend-limit control that enforces the tool's own cap on each payment is not counted a second time",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds({ amount: 50, currency: "EUR", per: "action" }), {
        controls: [{ id: "refund-cap", type: "spend-limit", covers: ["refund"], threshold: { amount: 50, currency: "EUR", per: "action" }, verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "refund"],
          // Inherent: likelihood 4 +1 (public) = 5; impact 4 -1 (each payment capped, not their number) = 3: 15, high.
          // Residual: the control caps each payment, the same cap the impact counts; it caps no total, so nothing more comes off: 15, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.equal(finding.residual.score, 15);
            assert.deepEqual(finding.controls, []);
            assert.ok(finding.missingControls.includes("spend-limit"));
            assert.match(finding.reasons[2]!, /Not counted: refund-cap \(spend-limit\) caps each payment at 50 EUR, not the total per hour, day or month\.$/);
            assert.ok(!finding.reasons.join(" ").includes("only above"), "a cap is not a threshold an approval applies above");
          },
        },
      ],
    },
    {
      name: "a spend-limit control that caps the total per day counts in full; its threshold is the cap, not a condition",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds({ amount: 50, currency: "EUR", per: "action" }), {
        controls: [{ id: "daily-cap", type: "spend-limit", covers: ["refund"], threshold: { amount: 200, currency: "EUR", per: "day" }, verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "refund"],
          // Inherent 5 x 3 = 15. A verified, implemented cap on the total takes the full 2 off impact: 5 x 1 = 5, low.
          severity: "low",
          check: (finding) => {
            assert.equal(finding.residual.impact, 1);
            assert.equal(finding.residual.score, 5);
            assert.match(finding.reasons[2]!, /daily-cap \(spend-limit, implemented, verified, caps the total at 200 EUR per day\) lowers impact by 2/);
          },
        },
      ],
    },
    {
      name: "the tool caps each payment at 1,000,000 EUR, at or above the team's material loss of 1,000 EUR: the cap bounds nothing that matters",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds({ amount: 1000000, currency: "EUR", per: "action" }), { system: materialLoss("EUR") }),
      findings: [
        {
          anchors: ["agent", "refund"],
          // Likelihood 4 +1 (public) = 5; impact 4, no step off for the cap: 20, critical.
          severity: "critical",
          check: (finding) => {
            assert.equal(finding.inherent.impact, 4);
            assert.equal(finding.evidence.find((e) => e.element === "refund")?.note, "spend capability on payments-api; its limit of 1000000 EUR is at or above the 1000 EUR Test system counts as a material loss, so it is not counted");
          },
        },
      ],
    },
    {
      name: "a cap under the material loss counts as before",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds({ amount: 250, currency: "EUR", per: "action" }), { system: materialLoss("EUR") }),
      // Likelihood 5; impact 4 -1 (each payment capped at 250 EUR): 15, high.
      findings: [{ anchors: ["agent", "refund"], severity: "high", check: (finding) => assert.equal(finding.inherent.score, 15) }],
    },
    {
      name: "a material loss in another currency than the cap's cannot be compared with it: the cap counts",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds({ amount: 1000000, currency: "EUR", per: "action" }), { system: materialLoss("USD") }),
      findings: [{ anchors: ["agent", "refund"], severity: "high", check: (finding) => assert.equal(finding.inherent.score, 15) }],
    },
    {
      name: "the tool's own cap is at the material loss, so a tighter spend-limit control on each payment counts in its place",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds({ amount: 1000, currency: "EUR", per: "action" }), {
        system: materialLoss("EUR"),
        controls: [{ id: "user-cap", type: "spend-limit", covers: ["refund"], threshold: { amount: 250, currency: "EUR", per: "action" }, verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "refund"],
          // Inherent: likelihood 5, impact 4 (the 1,000 EUR cap is at the 1,000 EUR material loss: at or above it counts for nothing): 20, critical.
          // Residual: the 250 EUR control is the cap on each payment that counts, one step: 5 x 3 = 15, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.residual.score, 15);
            assert.match(finding.reasons[2]!, /user-cap \(spend-limit, implemented, verified, caps each payment at 250 EUR\) lowers impact by 1/);
          },
        },
      ],
    },
    {
      name: "a spend-limit control whose daily cap is above the material loss is not counted, and says why",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds(), {
        system: materialLoss("EUR"),
        controls: [{ id: "daily-cap", type: "spend-limit", covers: ["refund"], threshold: { amount: 5000, currency: "EUR", per: "day" }, verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "refund"],
          // Inherent 5 x 4 = 20; the cap takes nothing off: residual 20, critical.
          severity: "critical",
          check: (finding) => {
            assert.equal(finding.residual.score, 20);
            assert.match(finding.reasons[2]!, /Not counted: daily-cap \(spend-limit\) caps the total at 5000 EUR per day, at or above the 1000 EUR Test system counts as a material loss\.$/);
          },
        },
      ],
    },
    {
      name: "no limit on the tool: a spend-limit control that caps each payment counts once, as one step",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds(), {
        controls: [{ id: "refund-cap", type: "spend-limit", covers: ["refund"], threshold: { amount: 50, currency: "EUR", per: "action" }, verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "refund"],
          // Inherent: likelihood 5, impact 4 (the tool states no limit): 20, critical.
          // Residual: the only cap on each payment is the control: 1 step (verified, implemented) off impact: 5 x 3 = 15, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.residual.impact, 3);
            assert.match(finding.reasons[2]!, /refund-cap \(spend-limit, implemented, verified, caps each payment at 50 EUR\) lowers impact by 1/);
            // A cap on each payment is still no cap on the total: that stays missing.
            assert.ok(finding.missingControls.includes("spend-limit"));
          },
        },
      ],
    },
    {
      name: "a per-payment cap on the host the agent runs on counts as the one cap, as on the tool (the scorer counts hosts' controls)",
      model: spec(publicChat("agent", { tools: ["refund"], runsOn: "backend" }), refunds(), {
        services: [{ id: "backend", type: "runtime" }],
        controls: [{ id: "refund-cap", type: "spend-limit", covers: ["backend"], threshold: { amount: 50, currency: "EUR", per: "action" }, verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "refund"],
          // As with the cap on the tool above: 20 inherent, one step off impact: 5 x 3 = 15, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.residual.score, 15);
            assert.match(finding.reasons[2]!, /refund-cap \(spend-limit, implemented, verified, caps each payment at 50 EUR\) lowers impact by 1/);
          },
        },
      ],
    },
    {
      name: "content isolation on the tickets' only way in counts",
      model: spec(internalAgent("agent", { tools: ["refund"] }), customerTickets("agent"), refunds(), {
        controls: [{ id: "ticket-tags", type: "content-isolation", covers: ["tickets-to-agent"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "refund"],
          // Inherent: likelihood 4 (customer entry, +0), impact 4 (no limit): 16, high. The control is on the only way in: 3 x 4 = 12, high.
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.residual.score, 12);
            assert.deepEqual(finding.controls.map((c) => c.control), ["ticket-tags"]);
          },
        },
      ],
    },
  ],
});
