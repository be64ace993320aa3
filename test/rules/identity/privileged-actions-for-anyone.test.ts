import assert from "node:assert/strict";
import { privilegedActionsForAnyone } from "../../../src/rules/identity/privileged-actions-for-anyone.js";
import { customerTickets, internalAgent, linkedSpeaker, publicChat, recordedVisit } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A refund tool that spends through the payments API as the payments service account. */
const refunds = (toolExtra: Record<string, unknown> = {}) => ({
  services: [{ id: "payments", type: "api" }],
  tools: [{ id: "refund", runsAs: "payments-sa", capabilities: [{ action: "spend", on: ["payments"] }], ...toolExtra }],
  identities: [{ id: "payments-sa", type: "service-account", permissions: [{ resource: "payments", actions: ["spend"] }] }],
});

/** Signed-in customers talk to the agent through an app; a tool updates their orders as the orders account. */
const signedInCustomers = (agentExtra: Record<string, unknown> = {}) =>
  spec({
    actors: [{ id: "customers", type: "customer", authenticated: true }],
    clients: [{ id: "app", type: "mobile-app", handles: ["plain-text"] }],
    models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
    agents: [{ id: "agent", models: ["llm"], tools: ["update-order"], ...agentExtra }],
    datastores: [{ id: "orders", type: "relational" }],
    tools: [{ id: "update-order", runsAs: "orders-sa", capabilities: [{ action: "write", on: ["orders"] }] }],
    identities: [{ id: "orders-sa", type: "service-account", permissions: [{ resource: "orders", actions: ["write"] }] }],
    flows: [
      { id: "customers-to-app", from: "customers", to: "app", channel: "api" },
      { id: "app-to-agent", from: "app", to: "agent", channel: "api" },
    ],
  });

ruleTester(privilegedActionsForAnyone, {
  valid: [
    {
      name: "the router hands the worker a task it wrote, not the visitor's chat: the refund is the router's request, not the visitor's",
      model: spec(publicChat("router"), refunds(), {
        agents: [{ id: "worker", models: ["llm"], tools: ["refund"] }],
        data: [{ id: "refund-task", classification: "internal" }],
        flows: [{ id: "route", from: "router", to: "worker", channel: "message", data: ["refund-task"] }],
      }),
    },
    {
      name: "the refund tool calls with the customer's own delegated token (on-behalf-of), not as the payments account",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds({ delegated: true })),
    },
    { name: "near miss: the refund tool acts as nobody the model names", model: spec(publicChat("agent", { tools: ["refund"] }), { ...refunds(), tools: [{ id: "refund", capabilities: [{ action: "spend", on: ["payments"] }] }] }) },
    {
      name: "reading and sending are other rules' (TW-PRV-001, TW-OUT-002)",
      model: spec(publicChat("agent", { tools: ["lookup", "email"] }), {
        datastores: [{ id: "orders", type: "relational" }],
        tools: [
          { id: "lookup", runsAs: "orders-sa", capabilities: [{ action: "read", on: ["orders"] }] },
          { id: "email", runsAs: "orders-sa", capabilities: [{ action: "send", destination: "any" }] },
        ],
        identities: [{ id: "orders-sa", type: "service-account" }],
      }),
    },
    { name: "only employees ask, and no insider is among the adversaries", model: spec(internalAgent("agent", { tools: ["refund"] }), refunds()) },
    { name: "patients speak in a visit clinicians record, as content: they ask for no refunds", model: spec(recordedVisit({ tools: ["refund"] }), refunds()) },
    {
      name: "customers only write tickets the agent reads later: nobody asks it directly",
      model: spec(internalAgent("agent", { tools: ["refund", "read-tickets"] }), customerTickets("agent"), refunds()),
    },
  ],
  invalid: [
    {
      name: "a router passes the visitor's chat on to the worker that refunds: the worker acts for whoever asked the router",
      model: spec(publicChat("router"), refunds(), {
        agents: [{ id: "worker", models: ["llm"], tools: ["refund"] }],
        flows: [{ id: "route", from: "router", to: "worker", channel: "message", data: ["chat"] }],
      }),
      findings: [
        {
          anchors: ["worker"],
          // As asked directly: 3 + 1 (public) + 1 (not signed in) = 5, impact 3 + 1 (spend) = 4: 20, critical.
          severity: "critical",
          summary: /^worker is reached by public-user through router, which passes the request on, and its tool refund acts/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.evidence[0]!.note.endsWith("asks worker through router, which passes the request on"), true);
            assert.match(finding.path![0]!.action, /^public-user asks worker \(through router, which passes the request on\) to act/);
          },
        },
      ],
    },
    {
      name: "visitors ask the worker through the router while customers ask it directly: the summary names both ways",
      model: spec(publicChat("router"), refunds(), {
        actors: [{ id: "customers", type: "customer", authenticated: true }],
        clients: [{ id: "app", type: "mobile-app", handles: ["plain-text"] }],
        agents: [{ id: "worker", models: ["llm"], tools: ["refund"] }],
        flows: [
          { id: "route", from: "router", to: "worker", channel: "message", data: ["chat"] },
          { id: "customers-app", from: "customers", to: "app", channel: "api" },
          { id: "app-worker", from: "app", to: "worker", channel: "api" },
        ],
      }),
      findings: [
        {
          anchors: ["worker"],
          severity: "critical",
          // Most dangerous first: the visitors (public) come before the customers.
          summary: /^worker is reached by public-user through router, which passes the request on and directly by customers, and its tool refund acts/,
          check: (finding) =>
            assert.deepEqual(finding.evidence.slice(0, 2).map((e) => e.note.split("; ")[1]), ["asks worker through router, which passes the request on", "asks worker directly"]),
        },
      ],
    },
    {
      name: "anyone on the internet, not signed in, can have the agent refund",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds()),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 3 + 1 (public: anyone outside can ask) + 1 (not signed in) = 5. Impact 3 + 1 (spend) = 4. 20: critical.
          severity: "critical",
          summary: /agent is reached directly by public-user, and its tool refund acts with a service identity's rights, whoever asks: spend on payments as payments-sa\./,
          check: (finding) => {
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact, finding.inherent.score], [5, 4, 20]);
            assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0053", "AML.T0053", "AML.T0048"]);
            assert.ok(finding.evidence.some((e) => e.element === "refund" && e.note === "can spend on payments as payments-sa, with nothing in the model checking that the requester may"));
          },
        },
      ],
    },
    {
      name: "signed-in customers and a tool that only writes",
      model: signedInCustomers(),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 3 + 1 (customers are outside the organisation); signed in: no +1. Impact 3 (write is not among the damaging actions). 12: high.
          severity: "high",
          check: (finding) => assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact], [4, 3]),
        },
      ],
    },
    {
      name: "bystanders ask a linked speaker in the account holders' session: the authorisation check checks the holders, does not count against them, and the evidence names it",
      model: spec(linkedSpeaker({ tools: ["refund"] }), refunds(), {
        controls: [{ id: "owner-check", type: "authorization", covers: ["refund"], status: "implemented", verified: true, evidence: [{ type: "test", ref: "refund.test.ts" }] }],
      }),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 3 + 1 (public) + 1 (no sign-in of their own) = 5, impact 4 (spend), and nothing off: 20, critical (12 if the check counted).
          severity: "critical",
          check: (finding) => {
            assert.deepEqual([finding.residual.likelihood, finding.residual.impact], [5, 4]);
            assert.ok(finding.evidence.some((e) => e.element === "refund" && e.note === "can spend on payments as payments-sa, with owner-check checking that the requester may"));
            assert.match(finding.reasons[2]!, /Not counted: owner-check \(authorization\) checks account-holders, who started the session bystanders speak in/);
          },
        },
      ],
    },
    {
      name: "a verified authorisation check in the tool takes 2 off the likelihood",
      model: spec(publicChat("agent", { tools: ["refund"] }), refunds(), {
        controls: [{ id: "owner-check", type: "authorization", covers: ["refund"], status: "implemented", verified: true, evidence: [{ type: "test", ref: "refund.test.ts" }] }],
      }),
      findings: [
        {
          anchors: ["agent"],
          // 5 - 2 = 3, x 4 = 12: high.
          severity: "high",
          check: (finding) => {
            assert.deepEqual([finding.residual.likelihood, finding.residual.impact, finding.residual.score], [3, 4, 12]);
            assert.ok(!finding.missingControls.includes("authorization"));
            assert.ok(finding.evidence.some((e) => e.element === "refund" && e.note === "can spend on payments as payments-sa, with owner-check checking that the requester may"));
          },
        },
      ],
    },
    {
      // The writing tool comes first in ID order, so naming the first tool instead of the worst would say "write on orders".
      name: "one finding for all the agent's acting tools, naming the worst",
      model: spec(publicChat("agent", { tools: ["amend-order", "refund"] }), refunds(), {
        datastores: [{ id: "orders", type: "relational" }],
        tools: [{ id: "amend-order", runsAs: "payments-sa", capabilities: [{ action: "write", on: ["orders"] }] }],
      }),
      findings: [{ anchors: ["agent"], summary: /its tools amend-order and refund act with a service identity's rights, whoever asks: spend on payments as payments-sa\./ }],
    },
  ],
});
