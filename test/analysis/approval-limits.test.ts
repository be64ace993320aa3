// Self-approval (four eyes): an approver who also asks the gated agent for actions may approve
// their own request, which halves the approval; `separateFromRequester: true` says the tool stops it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { analyze, buildContext, type Finding } from "../../src/analysis/analyze.js";
import { destructiveChanges } from "../../src/rules/excessive-agency/destructive-changes.js";
import { publicChat } from "../rules/building-blocks.js";
import { findingsOf, loadSpec, spec, TODAY, type ModelSpec } from "../rules/rule-tester.js";

/**
 * Ops bot: public users chat with it through a widget, and its update tool writes the orders store.
 * On-call engineers ask it for changes through a chat app; auditors talk to nobody; a reseller
 * (partner) is only named, unless a test adds its flow. The approval gates the update tool. An
 * insider adversary is modelled: self-approval matters against a requester who means harm.
 */
const opsBot = (approval: Record<string, unknown>, ...extra: ModelSpec[]): ModelSpec =>
  spec(
    publicChat("agent", { name: "Ops bot", tools: ["update"] }),
    {
      clients: [{ id: "console", type: "chat-app", handles: ["plain-text"] }],
      datastores: [{ id: "orders", type: "relational", holds: ["orders-data"] }],
      data: [{ id: "orders-data", classification: "confidential" }],
      tools: [{ id: "update", capabilities: [{ action: "write", on: ["orders"] }] }],
      actors: [
        { id: "oncall", type: "employee", name: "On-call engineers" },
        { id: "auditors", type: "employee", name: "Auditors" },
        { id: "reseller", type: "partner", name: "Reseller" },
      ],
      flows: [
        { id: "oncall-to-console", from: "oncall", to: "console", channel: "api" },
        { id: "console-to-agent", from: "console", to: "agent", channel: "api" },
      ],
      controls: [{ id: "approval", type: "human-approval", covers: ["update"], verified: true, ...approval }],
      adversaries: [{ id: "insider", type: "insider", capability: "medium" }],
    },
    ...extra,
  );

/**
 * Ops bot with no public widget: the on-call engineers, whom a highly capable insider adversary covers, are
 * its only untrusted entry, so a finding's attacker is the requester who approves.
 */
const insiderBot = (approval: Record<string, unknown>): ModelSpec => ({
  models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-1", pinned: true }],
  agents: [{ id: "agent", name: "Ops bot", models: ["llm"], tools: ["update"] }],
  clients: [{ id: "console", type: "chat-app", handles: ["plain-text"] }],
  datastores: [{ id: "orders", type: "relational", holds: ["orders-data"] }],
  data: [{ id: "orders-data", classification: "confidential" }],
  tools: [{ id: "update", capabilities: [{ action: "write", on: ["orders"] }] }],
  actors: [{ id: "oncall", type: "employee", name: "On-call engineers" }],
  flows: [
    { id: "oncall-to-console", from: "oncall", to: "console", channel: "api" },
    { id: "console-to-agent", from: "console", to: "agent", channel: "api" },
  ],
  controls: [{ id: "approval", type: "human-approval", covers: ["update"], verified: true, ...approval }],
  adversaries: [{ id: "insider", type: "insider", capability: "high" }],
});

/** The reseller also chats with Ops bot, through the public widget. */
const resellerChats: ModelSpec = { flows: [{ id: "reseller-to-widget", from: "reseller", to: "widget", channel: "api" }] };

const limitOf = (model: ModelSpec) => buildContext(loadSpec(model), TODAY).approvalLimits.get("approval");

const SELF_APPROVAL = "approvers include On-call engineers, who also ask Ops bot for the actions it gates: nothing stops them approving their own request";

/**
 * TW-AGY-001 on the update tool. Inherent, by hand (docs/scoring.md): likelihood 4 (rule default)
 * +1 (entry public-user, anyone on the internet; the insider adversary is of medium capability: 0; three-node path: 0) = 5;
 * impact 3 (rule default; orders-data confidential: 0; write only, nothing irreversible: 0) = 3;
 * 5x3 = 15, high. The rule's human-approval mitigation takes `by: 2` off likelihood, times the
 * approval's strength (implemented and verified, no condition: 1) times the limit's factor.
 */
function destructive(model: ModelSpec): Finding {
  const finding = findingsOf(destructiveChanges, model).find((f) => f.id === "TW-AGY-001@agent+update");
  assert.ok(finding, "TW-AGY-001 fires on the update tool");
  assert.deepEqual(finding.inherent, { likelihood: 5, impact: 3, score: 15, severity: "high" });
  return finding;
}

describe("approval limits: approvers who also request (four eyes)", () => {
  it("halves an approval whose approver also asks the gated agent against that requester, and says so in the finding's residual reason", () => {
    assert.deepEqual(limitOf(opsBot({ approvers: ["oncall"] })), { factor: 0.5, why: SELF_APPROVAL, bypassedBy: [], selfApproval: { approvers: ["oncall"], otherwise: undefined } });
    // The on-call engineers are the attacker: likelihood 4 (rule default) -2 (entry On-call engineers, employees) +1 (high
    // capability insider) = 3; impact 3: 9. The approval: by 2 x 1 x 0.5 = 1, residual 2x3 = 6, medium.
    const finding = findingsOf(destructiveChanges, insiderBot({ approvers: ["oncall"] })).find((f) => f.id === "TW-AGY-001@agent+update");
    assert.deepEqual([finding?.inherent.score, finding?.residual.likelihood, finding?.residual.score], [9, 2, 6]);
    assert.equal(finding!.controls.find((c) => c.control === "approval")?.by, 1);
    assert.equal(finding!.reasons[2], `Residual 2x3: approval (human-approval, implemented, verified; ${SELF_APPROVAL}) lowers likelihood by 1.`);
  });

  it("halves it against content only such approvers write (the channel where they mention the agent), not against content others write too", () => {
    // Finance mention Ops bot in their channel and approve its updates; the finding's way in is the channel.
    const channel = (writers: string[]): ModelSpec => ({
      ...insiderBot({ approvers: ["finance"] }),
      actors: [
        { id: "finance", type: "employee", name: "Finance" },
        { id: "reseller", type: "partner", name: "Reseller" },
      ],
      sources: [{ id: "finance-channel", type: "chat", writableBy: writers }],
      flows: [{ id: "mentions", from: "finance-channel", to: "agent", channel: "event" }],
    });
    const approvalBy = (model: ModelSpec) => {
      const finding = findingsOf(destructiveChanges, model).find((f) => f.id === "TW-AGY-001@agent+update");
      assert.equal(finding?.path?.[0]?.element, "finance-channel");
      return finding!.controls.find((c) => c.control === "approval")?.by;
    };
    // Only Finance write there: 2 x 1 x 0.5 = 1. The reseller writes there too, and is the likelier attacker: 2 in full.
    assert.equal(approvalBy(channel(["finance"])), 1);
    assert.equal(approvalBy(channel(["finance", "reseller"])), 2);
  });

  it("leaves the approval whole against an attacker who is not the requester: the approver checks the steered agent in good faith", () => {
    // The public user is the likeliest attacker on Ops bot: by 2 x 1 = 2, residual likelihood 5 - 2 = 3, 3x3 = 9, medium.
    const finding = destructive(opsBot({ approvers: ["oncall"] }));
    assert.deepEqual(finding.residual, { likelihood: 3, impact: 3, score: 9, severity: "medium" });
    assert.equal(finding.reasons[2], "Residual 3x3: approval (human-approval, implemented, verified) lowers likelihood by 2.");
  });

  it("leaves the approval whole when the approver who asks is trusted (no insider adversary): they asked in good faith, and their look is a real check on a steered agent", () => {
    const trusted = { ...opsBot({ approvers: ["oncall"] }), adversaries: [] };
    assert.equal(limitOf(trusted), undefined);
    // by 2 x 1 = 2: residual likelihood 5 - 2 = 3, 3x3 = 9, medium.
    assert.deepEqual(destructive(trusted).residual, { likelihood: 3, impact: 3, score: 9, severity: "medium" });
  });

  it("leaves the approval whole when the tool enforces four eyes (separateFromRequester: true)", () => {
    assert.equal(limitOf(opsBot({ approvers: ["oncall"], separateFromRequester: true })), undefined);
    // by 2 x 1 = 2: residual likelihood 5 - 2 = 3, 3x3 = 9, medium.
    const finding = destructive(opsBot({ approvers: ["oncall"], separateFromRequester: true }));
    assert.deepEqual(finding.residual, { likelihood: 3, impact: 3, score: 9, severity: "medium" });
    assert.equal(finding.reasons[2], "Residual 3x3: approval (human-approval, implemented, verified) lowers likelihood by 2.");
    // false says what leaving it out says.
    assert.deepEqual(limitOf(opsBot({ approvers: ["oncall"], separateFromRequester: false })), limitOf(opsBot({ approvers: ["oncall"] })));
  });

  it("does not fire for approvers who do not ask the gated agent, or when no approvers are named", () => {
    // Auditors have no flow at all.
    assert.equal(limitOf(opsBot({ approvers: ["auditors"] })), undefined);
    assert.deepEqual(destructive(opsBot({ approvers: ["auditors"] })).residual, { likelihood: 3, impact: 3, score: 9, severity: "medium" });
    // No approvers: who approves is unknown, so nothing is assumed, even though on-call engineers ask.
    assert.equal(limitOf(opsBot({})), undefined);
    assert.equal(limitOf(opsBot({ approvers: [] })), undefined);
  });

  it("does not fire for an approver who asks a different agent, one the approval does not gate", () => {
    const reportBot: ModelSpec = {
      agents: [{ id: "report-bot", name: "Report bot", models: ["llm"] }],
      clients: [{ id: "reports-ui", type: "web-page", handles: ["plain-text"] }],
      flows: [
        { id: "auditors-to-reports", from: "auditors", to: "reports-ui", channel: "api" },
        { id: "reports-to-bot", from: "reports-ui", to: "report-bot", channel: "api" },
      ],
    };
    assert.equal(limitOf(opsBot({ approvers: ["auditors"] }, reportBot)), undefined);
    // The same approval made to cover Report bot too gates it, and the auditors ask it.
    assert.equal(limitOf(opsBot({ approvers: ["auditors"], covers: ["update", "report-bot"] }, reportBot))?.why, "approvers include Auditors, who also ask Report bot for the actions it gates: nothing stops them approving their own request");
  });

  it("gates an agent through the agent itself, its tool, or the tool's host or identity", () => {
    const hosted: ModelSpec = {
      services: [{ id: "runner", type: "runtime" }],
      identities: [{ id: "ops-sa", type: "service-account", permissions: [{ resource: "orders", actions: ["write"] }] }],
    };
    const placed = (model: ModelSpec) => {
      const tool = (model.tools as { id: string }[]).find((t) => t.id === "update")!;
      Object.assign(tool, { runsOn: "runner", runsAs: "ops-sa" });
      return model;
    };
    for (const covers of [["agent"], ["update"], ["runner"], ["ops-sa"]]) {
      assert.equal(limitOf(placed(opsBot({ approvers: ["oncall"], covers }, hosted)))?.factor, 0.5, covers.join());
    }
    // A resource the tool acts on is not counted as gating the agent (approval-limits.ts says why).
    assert.equal(limitOf(opsBot({ approvers: ["oncall"], covers: ["orders"] })), undefined);
  });

  it("counts actors who reach the agent through clients and services only, as TW-PRV-001 does", () => {
    const throughService: ModelSpec = {
      actors: [{ id: "finance", type: "employee", name: "Finance" }],
      services: [{ id: "gateway", type: "gateway" }],
      flows: [
        { id: "finance-to-gateway", from: "finance", to: "gateway", channel: "api" },
        { id: "gateway-to-agent", from: "gateway", to: "agent", channel: "api" },
      ],
    };
    assert.equal(limitOf(opsBot({ approvers: ["finance"] }, throughService))?.factor, 0.5);
    // Asking another agent that then instructs Ops bot is not asking Ops bot directly.
    const throughAgent: ModelSpec = {
      actors: [{ id: "finance", type: "employee", name: "Finance" }],
      agents: [{ id: "planner", models: ["llm"] }],
      flows: [
        { id: "finance-to-planner", from: "finance", to: "planner", channel: "api" },
        { id: "planner-to-agent", from: "planner", to: "agent", channel: "message" },
      ],
    };
    assert.equal(limitOf(opsBot({ approvers: ["finance"] }, throughAgent)), undefined);
  });

  it("counts those who write in a chat the agent listens to (a channel where people mention it), not in other sources it reads", () => {
    const channel = (type: string): ModelSpec => ({
      actors: [{ id: "finance", type: "employee", name: "Finance" }],
      sources: [{ id: "finance-channel", type, writableBy: ["finance"] }],
      flows: [{ id: "channel-to-agent", from: "finance-channel", to: "agent", channel: "event" }],
    });
    assert.equal(limitOf(opsBot({ approvers: ["finance"] }, channel("chat")))?.factor, 0.5);
    // Documents the agent reads are content, not requests: their writers do not ask the agent for actions.
    assert.equal(limitOf(opsBot({ approvers: ["finance"] }, channel("documents"))), undefined);
  });

  it("multiplies with the outsider halving (0.25), names both, and gives way to a steered router (0)", () => {
    // The reseller approves and chats with Ops bot: outside the organisation and a requester.
    const both = limitOf(opsBot({ approvers: ["reseller"] }, resellerChats));
    const outside = { factor: 0.5, why: "approvers include Reseller (partner), outside the organisation", bypassedBy: [] };
    assert.deepEqual(both, {
      factor: 0.25,
      // One sentence about the reseller, not "approvers include" twice.
      why: "approvers include Reseller (partner), outside the organisation, and they also ask Ops bot for the actions it gates: nothing stops them approving their own request",
      bypassedBy: [],
      // Against anyone but the reseller, only the outsider halving holds.
      selfApproval: { approvers: ["reseller"], otherwise: outside },
    });
    // The public user is the finding's attacker, not the reseller: by 2 x 1 x 0.5 = 1, residual likelihood 5 - 1 = 4, 4x3 = 12, high.
    assert.deepEqual(destructive(opsBot({ approvers: ["reseller"] }, resellerChats)).residual, { likelihood: 4, impact: 3, score: 12, severity: "high" });
    // An outsider who does not ask: 0.5 only (by 1, residual 4x3 = 12), the existing wording unchanged.
    assert.deepEqual(limitOf(opsBot({ approvers: ["reseller"] })), { factor: 0.5, why: "approvers include Reseller (partner), outside the organisation", bypassedBy: [] });
    // An outsider and a different requester: 0.25 as well, a clause for each.
    assert.deepEqual(limitOf(opsBot({ approvers: ["oncall", "reseller"] })), {
      factor: 0.25,
      why: `approvers include Reseller (partner), outside the organisation; ${SELF_APPROVAL}`,
      bypassedBy: [],
      selfApproval: { approvers: ["oncall"], otherwise: { factor: 0.5, why: "approvers include Reseller (partner), outside the organisation", bypassedBy: [] } },
    });
    // Routed by the agent public users steer: nothing is left, whoever approves. Residual equals inherent.
    const steered = opsBot({ approvers: ["oncall"], routedBy: ["agent"] });
    assert.equal(limitOf(steered)?.factor, 0);
    assert.deepEqual(destructive(steered).residual, { likelihood: 5, impact: 3, score: 15, severity: "high" });
  });

  it("does not halve as outsiders the customers who confirm payments made in their own name (a delegated tool); the self-approval halving stays against them", () => {
    /** Shoppers ask a shop agent that pays through `pay`; a merchant's agent sends it offers; the approval gates pay. */
    const shop = (payExtra: Record<string, unknown>, approvers: string[], covers = ["pay"]): ModelSpec => ({
      actors: [
        { id: "shoppers", type: "customer", name: "Shoppers", authenticated: true },
        { id: "reseller", type: "partner", name: "Reseller" },
      ],
      clients: [{ id: "app", type: "mobile-app", handles: ["plain-text"] }],
      models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-1", pinned: true }],
      agents: [
        { id: "agent", name: "Shop agent", models: ["llm"], tools: ["pay"] },
        { id: "merchant-agent", thirdParty: true },
      ],
      services: [{ id: "payments", type: "api" }],
      tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["payments"] }], ...payExtra }],
      flows: [
        { id: "ask", from: "shoppers", to: "app", channel: "api" },
        { id: "app-to-agent", from: "app", to: "agent", channel: "api" },
        { id: "offers", from: "merchant-agent", to: "agent", channel: "message" },
      ],
      controls: [{ id: "approval", type: "human-approval", covers, approvers, verified: true }],
    });
    const selfOnly = "approvers include Shoppers, who also ask Shop agent for the actions it gates: nothing stops them approving their own request";
    // Their own money: only the self-approval halving, which holds against them alone (nothing is left against anyone else).
    assert.deepEqual(limitOf(shop({ delegated: true }, ["shoppers"])), { factor: 0.5, why: selfOnly, bypassedBy: [], selfApproval: { approvers: ["shoppers"], otherwise: undefined } });
    // The same when the approval covers the agent, all of whose tools act in the asker's name.
    assert.equal(limitOf(shop({ delegated: true }, ["shoppers"], ["agent"]))?.factor, 0.5);
    // Paid as the shop's own service identity, the payment is not theirs to consent to: outside the organisation as well (0.25).
    assert.equal(limitOf(shop({}, ["shoppers"]))?.factor, 0.25);
    // A partner approving beside them does not ask the agent: still an outsider's look, halved.
    assert.deepEqual(limitOf(shop({ delegated: true }, ["shoppers", "reseller"]))?.selfApproval?.otherwise, { factor: 0.5, why: "approvers include Reseller (partner), outside the organisation", bypassedBy: [] });
  });

  it("names approvers who ask the same agents in one clause", () => {
    const alsoSupervisors: ModelSpec = {
      actors: [{ id: "supervisors", type: "employee", name: "Supervisors" }],
      flows: [{ id: "supervisors-to-console", from: "supervisors", to: "console", channel: "api" }],
    };
    assert.equal(
      limitOf(opsBot({ approvers: ["oncall", "supervisors"] }, alsoSupervisors))?.why,
      "approvers include On-call engineers and Supervisors, who also ask Ops bot for the actions it gates: nothing stops them approving their own request",
    );
  });

  it("setting separateFromRequester never raises a residual score (property)", () => {
    const approval = fc.record(
      {
        covers: fc.uniqueArray(fc.constantFrom("agent", "update", "orders", "widget"), { minLength: 1, maxLength: 3 }),
        status: fc.constantFrom("implemented", "partial", "planned"),
        verified: fc.boolean(),
        condition: fc.constant("the change touches more than one order"),
        routedBy: fc.constant(["agent"]),
        approvers: fc.uniqueArray(fc.constantFrom("oncall", "auditors", "reseller", "public-user"), { maxLength: 3 }),
      },
      { requiredKeys: ["covers", "status", "verified"] },
    );
    fc.assert(
      fc.property(approval, fc.boolean(), (control, chats) => {
        const model = (separate: boolean | undefined) => opsBot({ ...control, ...(separate === undefined ? {} : { separateFromRequester: separate }) }, ...(chats ? [resellerChats] : []));
        const without = analyze(loadSpec(model(undefined)), { today: TODAY }).findings;
        const withSeparate = new Map(analyze(loadSpec(model(true)), { today: TODAY }).findings.map((f) => [f.id, f]));
        for (const finding of without) {
          const later = withSeparate.get(finding.id);
          assert.ok(later, `${finding.id} still found`);
          assert.ok(later.residual.score <= finding.residual.score, `${finding.id} rose with separateFromRequester`);
          assert.ok(later.residual.likelihood <= finding.residual.likelihood && later.residual.impact <= finding.residual.impact, finding.id);
        }
      }),
      { numRuns: 40 },
    );
  });
});
