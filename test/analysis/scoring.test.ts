import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { analyze } from "../../src/analysis/analyze.js";
import { isControlShortfall } from "../../src/analysis/risk-total.js";
import { controlStrength, SEVERITY_SCALE_TEXT, severityOf } from "../../src/analysis/scoring.js";
import { CONTROL_STATUS, CONTROL_TYPES } from "../../src/model/vocabulary.js";
import { customerTickets, mcpServer, publicChat } from "../rules/building-blocks.js";
import { loadSpec, spec, TODAY } from "../rules/rule-tester.js";

describe("severity matrix", () => {
  it("maps likelihood x impact to the documented bands", () => {
    assert.equal(severityOf(25), "critical");
    assert.equal(severityOf(20), "critical");
    assert.equal(severityOf(16), "high");
    assert.equal(severityOf(12), "high");
    assert.equal(severityOf(9), "medium");
    assert.equal(severityOf(6), "medium");
    assert.equal(severityOf(4), "low");
    assert.equal(severityOf(3), "low");
    assert.equal(severityOf(2), "info");
    // Fractional residual scores sit on the band below a floor they do not reach.
    assert.equal(severityOf(19.99), "high");
    assert.equal(severityOf(2.5), "info");
  });

  it("words the matrix as the bands it applies (legends and schema descriptions use this)", () => {
    assert.equal(SEVERITY_SCALE_TEXT, "20 and above critical, 12 high, 6 medium, 3 low, below that info");
  });

  it("weighs controls by status, verification and threshold", () => {
    const base = { id: "c", type: "human-approval" as const, covers: ["x"] };
    assert.equal(controlStrength({ ...base, verified: true }), 1);
    assert.equal(controlStrength({ ...base }), 0.5);
    assert.equal(controlStrength({ ...base, status: "partial", verified: true }), 0.5);
    assert.equal(controlStrength({ ...base, status: "planned", verified: true }), 0);
    assert.equal(controlStrength({ ...base, verified: true, threshold: { amount: 10000, currency: "EUR" } }), 0.5);
    // An opt-out review (silence lets the action through) applies only to what someone looks at in time: a condition.
    assert.equal(controlStrength({ ...base, verified: true, unanswered: "proceeds" }), 0.5);
    assert.equal(controlStrength({ ...base, verified: true, unanswered: "waits" }), 1);
  });

  it("does not halve a spend limit for its threshold: that is the cap, which holds for every payment, not a condition", () => {
    const cap = { id: "c", type: "spend-limit" as const, covers: ["x"], verified: true };
    assert.equal(controlStrength({ ...cap, threshold: { amount: 50, currency: "EUR", per: "action" } }), 1);
    assert.equal(controlStrength({ ...cap, threshold: { amount: 500, currency: "USD", per: "month" } }), 1);
    assert.equal(controlStrength({ ...cap, verified: false, threshold: { amount: 500, currency: "USD", per: "month" } }), 0.5);
  });
});

// A system with injection, private data, a way out, spending and code execution, so most rules have something to say.
const system = spec(publicChat("agent", { tools: ["read-tickets", "lookup", "email", "refund", "shell"] }), customerTickets("agent"), {
  datastores: [{ id: "orders", type: "relational", holds: ["orders-data"] }],
  services: [{ id: "runner", type: "runtime" }, { id: "payments", type: "api" }],
  data: [{ id: "orders-data", classification: "restricted", flags: ["payment"] }],
  tools: [
    { id: "lookup", runsAs: "sa", capabilities: [{ action: "read", on: ["orders"] }] },
    { id: "email", capabilities: [{ action: "send", destination: "any" }] },
    { id: "refund", capabilities: [{ action: "spend", on: ["payments"] }] },
    { id: "shell", runsOn: "runner", capabilities: [{ action: "execute", on: ["runner"] }] },
  ],
  identities: [
    {
      id: "sa",
      type: "service-account",
      owner: "team",
      permissions: [{ resource: "orders", actions: ["read", "write", "delete"] }],
      credentials: [{ id: "sa-key", type: "api-key", lifetime: "static", storage: "env-var", presentIn: ["runner"] }],
    },
  ],
});
const elements = ["agent", "widget", "read-tickets", "lookup", "email", "refund", "shell", "orders", "tickets", "runner", "sa", "sa-key", "llm"];

const control = (id: string) =>
  fc.record(
    {
      id: fc.constant(id),
      type: fc.constantFrom(...CONTROL_TYPES),
      covers: fc.uniqueArray(fc.constantFrom(...elements, "widget-to-agent", "tickets-to-agent"), { minLength: 1, maxLength: 3 }),
      status: fc.constantFrom(...CONTROL_STATUS),
      verified: fc.boolean(),
      evidence: fc.constant([{ type: "config", ref: "controls.yaml" }]),
      // Approval thresholds and spend caps, on each payment or on a total per period.
      threshold: fc.record({ amount: fc.constantFrom(50, 10000), currency: fc.constant("EUR"), per: fc.constantFrom("action", "day") }),
    },
    { requiredKeys: ["id", "type", "covers", "status", "verified", "evidence"] },
  );

describe("residual risk", () => {
  it("never rises when a control is added (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 3 }).chain((ids) => fc.tuple(fc.tuple(...ids.map((_, i) => control(`c${i}`))), control("added"))), ([existing, added]) => {
        const before = analyze(loadSpec(spec(system, { controls: existing })), { today: TODAY });
        const after = analyze(loadSpec(spec(system, { controls: [...existing, added] })), { today: TODAY });
        const afterById = new Map(after.findings.map((f) => [f.id, f]));
        for (const finding of before.findings) {
          const later = afterById.get(finding.id);
          if (!later) continue; // absence rules stop firing once their control exists
          assert.ok(later.residual.likelihood <= finding.residual.likelihood && later.residual.impact <= finding.residual.impact, `${finding.id} rose after adding ${added.type}`);
          assert.deepEqual(later.inherent, finding.inherent, `${finding.id}: controls must not change inherent risk`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("is the same byte for byte on every run of the same model", () => {
    const model = loadSpec(system);
    assert.equal(JSON.stringify(analyze(model, { today: TODAY })), JSON.stringify(analyze(model, { today: TODAY })));
  });
});

describe("conditional and routed approvals", () => {
  it("halves an approval that applies to some actions only, once however many conditions it names", () => {
    const base = { id: "c", type: "human-approval" as const, covers: ["x"], verified: true };
    assert.equal(controlStrength({ ...base, condition: "risk score 0.7 or more" }), 0.5);
    assert.equal(controlStrength({ ...base, routedBy: ["triage"] }), 0.5);
    assert.equal(controlStrength({ ...base, condition: "risk score 0.7 or more", routedBy: ["triage"], threshold: { amount: 1, currency: "EUR" } }), 0.5);
    // An empty router list routes nothing: no condition.
    assert.equal(controlStrength({ ...base, routedBy: [] }), 1);
    // The approval's limit multiplies what is left.
    assert.equal(controlStrength({ ...base, routedBy: ["triage"] }, { factor: 0.5, why: "", bypassedBy: [] }), 0.25);
    assert.equal(controlStrength({ ...base }, { factor: 0, why: "", bypassedBy: [] }), 0);
  });

  // A public chat agent that updates orders; an internal triage agent; an approval on the update tool.
  const gated = (approval: Record<string, unknown>) =>
    spec(publicChat("agent", { tools: ["update"] }), {
      datastores: [{ id: "orders", type: "relational", holds: ["orders-data"] }],
      data: [{ id: "orders-data", classification: "confidential" }],
      tools: [{ id: "update", capabilities: [{ action: "write", on: ["orders"] }] }],
      agents: [{ id: "triage", models: ["llm"] }],
      actors: [
        { id: "reseller", type: "partner" },
        { id: "supervisors", type: "employee" },
      ],
      controls: [{ id: "approval", type: "human-approval", covers: ["update"], verified: true, ...approval }],
    });
  const applied = (model: ReturnType<typeof spec>) =>
    new Map(
      analyze(loadSpec(model), { today: TODAY })
        .findings.filter((f) => f.anchors.includes("update"))
        .map((f) => [f.id, f]),
    );

  it("an approval routed by an agent nobody untrusted reaches counts half; routed by the agent it gates, nothing", () => {
    const plain = applied(gated({}));
    const trusted = applied(gated({ routedBy: ["triage"] }));
    const steered = applied(gated({ routedBy: ["agent"] }));
    const lowered = [...plain.values()].filter((f) => f.controls.some((c) => c.control === "approval" && c.by > 0));
    assert.ok(lowered.length > 0, "the unrouted approval lowers some finding about the gated tool");
    for (const finding of lowered) {
      const full = finding.controls.find((c) => c.control === "approval")!.by;
      const half = trusted.get(finding.id)!.controls.find((c) => c.control === "approval")!;
      assert.equal(half.by, Math.round((full / 2) * 100) / 100, finding.id);
      assert.match(half.note, /only on what triage routes to it/);
      const none = steered.get(finding.id)!;
      assert.ok(!none.controls.some((c) => c.control === "approval"), `${finding.id}: a bypassed approval is not applied`);
      assert.ok(none.missingControls.includes("human-approval"));
      assert.match(none.reasons[2]!, /Not counted: approval \(human-approval\) is routed by agent \(reads text from public-user\): the attacker can keep an action from reaching the approver/);
      assert.ok(none.residual.score >= finding.residual.score);
    }
  });

  it("an approval partners may give counts half; one employees give, in full", () => {
    const plain = applied(gated({}));
    const employees = applied(gated({ approvers: ["supervisors"] }));
    const partners = applied(gated({ approvers: ["supervisors", "reseller"] }));
    const lowered = [...plain.values()].filter((f) => f.controls.some((c) => c.control === "approval" && c.by > 0));
    assert.ok(lowered.length > 0);
    for (const finding of lowered) {
      const full = finding.controls.find((c) => c.control === "approval")!.by;
      assert.equal(employees.get(finding.id)!.controls.find((c) => c.control === "approval")!.by, full);
      const halved = partners.get(finding.id)!.controls.find((c) => c.control === "approval")!;
      assert.equal(halved.by, Math.round((full / 2) * 100) / 100);
      assert.match(halved.note, /approvers include reseller \(partner\), outside the organisation/);
    }
  });

  it("words a condition in the reason", () => {
    const conditioned = applied(gated({ condition: "the order is over 500 EUR" }));
    assert.ok([...conditioned.values()].some((f) => f.controls.some((c) => /only when the order is over 500 EUR/.test(c.note))));
  });

  it("says an opt-out review lets through what nobody answers in time", () => {
    const optOut = applied(gated({ unanswered: "proceeds" }));
    assert.ok([...optOut.values()].some((f) => f.controls.some((c) => /and what nobody answers in time goes ahead/.test(c.note))));
  });
});

describe("an approval across tools", () => {
  // A public chat agent whose tools each take one action on a confidential store; `gated` lists what one verified approval covers.
  const agentWith = (tools: readonly { id: string; action: string }[], gated: readonly string[], extra: Record<string, unknown> = {}) =>
    spec(publicChat("agent", { tools: tools.map((t) => t.id), ...extra }), {
      datastores: [{ id: "orders", type: "relational", holds: ["orders-data"] }],
      data: [{ id: "orders-data", classification: "confidential" }],
      tools: tools.map((t) => ({ id: t.id, capabilities: [{ action: t.action, on: ["orders"] }] })),
      ...(gated.length > 0 ? { controls: [{ id: "approval", type: "human-approval", covers: gated, verified: true }] } : {}),
    });
  const findings = (model: ReturnType<typeof spec>) => new Map(analyze(loadSpec(model), { today: TODAY }).findings.map((f) => [f.id, f]));
  // Without the findings about how the approval itself falls short (TW-HUM-001): gating more raises what rides on it.
  const gatedHarm = (model: ReturnType<typeof spec>) => new Map([...findings(model)].filter(([, f]) => !isControlShortfall(f)));
  const refundAndEmail = [
    { id: "refund", action: "spend" },
    { id: "email", action: "send" },
  ];

  it("adding a gated tool beside an ungated one lowers nothing, and says why the approval does not count (scribe review P3)", () => {
    const before = findings(agentWith([{ id: "write-queue", action: "write" }], []));
    const after = findings(agentWith([{ id: "write-queue", action: "write" }, { id: "write-records", action: "write" }], ["write-records"]));
    const pi = after.get("TW-PI-001@agent")!;
    assert.ok(before.get("TW-PI-001@agent") && pi, "TW-PI-001 fires on both sides");
    for (const [id, finding] of before) if (after.has(id)) assert.ok(after.get(id)!.residual.score >= finding.residual.score, `${id} fell`);
    // The old rule took half the gate (0.5 of its 1 step) off every finding with both tools in scope.
    assert.ok(!pi.controls.some((c) => c.control === "approval"));
    assert.ok(pi.missingControls.includes("human-approval"));
    assert.match(pi.reasons[2]!, /Not counted: approval \(human-approval\) gates write-records but leaves write-queue ungated, and a steered agent takes the tool gated least/);
  });

  it("counts the weakest gate: nothing while a tool is open, the lesser gate when every tool has one", () => {
    const refundGated = findings(agentWith(refundAndEmail, ["refund"])).get("TW-PI-001@agent")!;
    assert.equal(refundGated.residual.score, refundGated.inherent.score);
    assert.match(refundGated.reasons[2]!, /Not counted: approval \(human-approval\) gates refund but leaves email ungated/);
    // Both gated, the email tool by an unverified approval (half of 1 step): 0.5 comes off, in that gate's words.
    const both = spec(agentWith(refundAndEmail, ["refund"]), { controls: [{ id: "email-review", type: "human-approval", covers: ["email"] }] });
    const pi = findings(both).get("TW-PI-001@agent")!;
    assert.equal(pi.residual.likelihood, pi.inherent.likelihood - 0.5);
    assert.match(pi.reasons[2]!, /email-review \(human-approval, implemented, not verified\) lowers likelihood by 0.5/);
  });

  it("an approval on some of what a tool acts on does not gate the tool: it counts where every resource it acts on has one (SOC review P7)", () => {
    // One delete tool on two stores; the approval covers one store, then both (the second by an unverified approval).
    const twoStores = (gated: readonly string[]) =>
      spec(publicChat("agent", { tools: ["purge"] }), {
        datastores: [
          { id: "servers", type: "relational", holds: ["orders-data"] },
          { id: "workstations", type: "relational", holds: ["orders-data"] },
        ],
        data: [{ id: "orders-data", classification: "confidential" }],
        tools: [{ id: "purge", capabilities: [{ action: "delete", on: ["servers", "workstations"] }] }],
        controls: gated.map((on) => ({ id: `approval-${on}`, type: "human-approval", covers: [on], verified: on === "servers" })),
      });
    const purge = (gated: readonly string[]) => findings(twoStores(gated)).get("TW-AGY-001@agent+purge")!;
    const open = purge([]);
    const half = purge(["servers"]);
    assert.equal(half.residual.score, open.residual.score);
    assert.match(half.reasons[2]!, /Not counted: approval-servers \(human-approval\) gates purge on servers but not on workstations, which a steered agent picks\.$/);
    // Both stores gated: the weaker gate (unverified, half of 2 steps) counts.
    const both = purge(["servers", "workstations"]);
    assert.equal(both.residual.likelihood, both.inherent.likelihood - 1);
    assert.match(both.reasons[2]!, /approval-workstations \(human-approval, implemented, not verified\) lowers likelihood by 1/);
  });

  it("an approval on the agent gates the tools of its MCP servers too", () => {
    const model = spec(agentWith([{ id: "refund", action: "spend" }], ["agent"], { mcpServers: ["shop-mcp"] }), mcpServer("shop-mcp", "first-party"), {
      tools: [{ id: "delete-order", server: "shop-mcp", capabilities: [{ action: "delete", on: ["orders"] }] }],
    });
    const pi = findings(model).get("TW-PI-001@agent")!;
    // Both tools sit behind the approval on the agent: its full step. Counting only the agent's own
    // tools list left delete-order open, and the approval counted nothing.
    assert.equal(pi.residual.likelihood, pi.inherent.likelihood - 1);
    assert.match(pi.reasons[2]!, /approval \(human-approval, implemented, verified\) lowers likelihood by 1/);
  });

  it("never rises as tools are gated, never falls as tools are added (property)", () => {
    const actions = ["write", "delete", "execute", "send", "publish", "spend", "admin"];
    const tool = (i: number) => fc.record({ id: fc.constant(`t${i}`), action: fc.constantFrom(...actions), gated: fc.boolean() });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => tool(i))), tool(n))), ([tools, added]) => {
        const gatedIds = tools.filter((t) => t.gated).map((t) => t.id);
        const base = gatedHarm(agentWith(tools, gatedIds));
        // Gating one more tool never raises a finding.
        const open = tools.find((t) => !t.gated);
        if (open) for (const [id, f] of gatedHarm(agentWith(tools, [...gatedIds, open.id]))) if (base.has(id)) assert.ok(f.residual.score <= base.get(id)!.residual.score, `${id} rose when ${open.id} was gated`);
        // Adding a tool, gated or not, never lowers one.
        for (const [id, f] of gatedHarm(agentWith([...tools, added], added.gated ? [...gatedIds, added.id] : gatedIds))) if (base.has(id)) assert.ok(f.residual.score >= base.get(id)!.residual.score, `${id} fell when ${added.id} (${added.action}) was added`);
      }),
      { numRuns: 40 },
    );
  });
});
