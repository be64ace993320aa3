import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Finding } from "../../src/analysis/analyze.js";
import { isControlShortfall } from "../../src/analysis/risk-total.js";
import { buildGraph } from "../../src/graph/graph.js";
import { candidates, EVIDENCE_PLACEHOLDER } from "../../src/planning/candidates.js";
import type { Rule } from "../../src/rules/rule.js";
import type { RemediationPlan } from "../../src/planning/plan.js";
import { planRemediation } from "../../src/planning/plan.js";
import { nothingToDo, planText } from "../../src/report/plan.js";
import { diskFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";
import type { ThreatModel } from "../../src/model/model.js";
import { exfiltrationPath } from "../../src/rules/exfiltration/exfiltration-path.js";
import { publicChat } from "../rules/building-blocks.js";
import { loadSpec, spec } from "../rules/rule-tester.js";
import type { ModelSpec } from "../rules/rule-tester.js";

const today = "2026-11-22";

/** A public chat agent that reads orders and can email anyone: TW-EXF-001 at 5x5 (+1 public entry, +1 payment data is restricted). */
const leakyAgent = (extra: ModelSpec = {}) =>
  spec(
    publicChat("agent", { tools: ["lookup", "email"] }),
    {
      datastores: [{ id: "orders", type: "relational", holds: ["orders-data"] }],
      data: [{ id: "orders-data", classification: "confidential", flags: ["personal", "payment"] }],
      tools: [
        { id: "lookup", capabilities: [{ action: "read", on: ["orders"] }] },
        { id: "email", capabilities: [{ action: "send", destination: "any" }] },
      ],
    },
    extra,
  );

const exfiltrationOnly = (model: ModelSpec, options: { steps?: number; candidates?: number; workflow?: string } = {}) =>
  planRemediation(loadSpec(model), { today, rules: [exfiltrationPath], ...options });

const example = (name: string): ThreatModel => {
  const loaded = loadModel(`examples/${name}`, diskFiles);
  assert.ok(loaded.ok);
  return loaded.loaded.model;
};

/** What every plan must hold: each step lowers the total, the steps chain, and each step's total is its findings' changes. */
function assertConsistent(plan: RemediationPlan): void {
  let total = plan.start.residual;
  for (const step of plan.steps) {
    assert.equal(step.residual.before, total, `step ${step.rank} starts where the last ended`);
    assert.ok(step.residual.delta < 0, `step ${step.rank} lowers the residual risk`);
    // A control's own shortfalls (TW-HUM-001 for a new approval) are listed but not summed (residualTotal).
    const counted = (f: { ruleId: string }) => !isControlShortfall(f);
    const changes =
      step.lowered.filter(counted).reduce((s, f) => s + f.delta, 0) +
      step.raised.filter(counted).reduce((s, f) => s + f.delta, 0) +
      step.added.filter(counted).reduce((s, f) => s + f.residual, 0) -
      step.resolved.filter(counted).reduce((s, f) => s + f.residual, 0);
    assert.equal(Math.round(changes * 100) / 100, step.residual.delta, `step ${step.rank}: the findings it changes add up to its delta`);
    total = step.residual.after;
  }
  assert.equal(plan.end.residual, total);
}

describe("remediation plan", () => {
  it("takes the control that lowers the most first, each measured with the ones before it in place, and stops when nothing helps", () => {
    // TW-EXF-001 at 5x5 = 25. Egress allowlist and approval each take 2 off likelihood (25 -> 15, a
    // gain of 10), both on the email tool that sends (placement.ts); the allowlist comes first on the
    // tie by key (add egress-allowlist email < add human-approval email). With it in place, the
    // approval takes likelihood from 3 to 1 (15 -> 5).
    // At likelihood 1 only impact can move: data minimisation takes 1 off (5x5 -> 1x4). Content
    // isolation and output validation work on likelihood, already 1: nothing is left, so 3 steps of 5.
    const plan = exfiltrationOnly(leakyAgent());
    assert.deepEqual(plan.start, { residual: 25, findings: 1, bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 1 } });
    assert.deepEqual(
      plan.steps.map((s) => [s.kind, s.control.type, s.control.covers, s.residual]),
      [
        ["add", "egress-allowlist", ["email"], { before: 25, after: 15, delta: -10 }],
        ["add", "human-approval", ["email"], { before: 15, after: 5, delta: -10 }],
        ["add", "data-minimisation", ["agent"], { before: 5, after: 4, delta: -1 }],
      ],
    );
    assert.deepEqual(plan.steps[0]!.lowered, [{ id: "TW-EXF-001@agent+email", ruleId: "TW-EXF-001", title: exfiltrationPath.title, before: { residual: 25, severity: "critical" }, after: { residual: 15, severity: "high" }, delta: -10 }]);
    assert.deepEqual(plan.end, { residual: 4, findings: 1, bySeverity: { info: 0, low: 1, medium: 0, high: 0, critical: 0 } });
    assertConsistent(plan);
  });

  it("brings the worst findings down first: a critical's fix comes before a control that takes more points off high ones", () => {
    // The leaky agent's TW-EXF-001 is 5x5 = 25 (critical). Three agents that read customer tickets and internal
    // notes and share one mailer each have TW-EXF-001 at 4x4 = 16 (high: rule defaults; a customer entry and
    // confidential data add nothing). An egress allowlist takes 2 off likelihood: on the mailer 3 x (16 -> 8) = -24,
    // on the leaky agent's email tool 25 -> 15 = -10. By points alone the mailer would come first; the plan
    // takes the critical below critical first, then the three highs.
    const ticketReaders = ["b1", "b2", "b3"];
    const plan = exfiltrationOnly(
      leakyAgent({
        actors: [{ id: "customer", type: "customer" }],
        sources: [{ id: "tickets", type: "tickets", writableBy: ["customer"], holds: ["ticket-text"] }],
        datastores: [{ id: "notes", type: "relational", holds: ["notes-data"] }],
        data: [
          { id: "ticket-text", classification: "confidential", flags: ["personal"] },
          { id: "notes-data", classification: "confidential" },
        ],
        tools: [
          { id: "read-tickets", capabilities: [{ action: "read", on: ["tickets"] }] },
          { id: "read-notes", capabilities: [{ action: "read", on: ["notes"] }] },
          { id: "mailer", capabilities: [{ action: "send", destination: "any" }] },
        ],
        agents: ticketReaders.map((id) => ({ id, models: ["llm"], tools: ["read-tickets", "read-notes", "mailer"] })),
        flows: ticketReaders.map((id) => ({ id: `tickets-to-${id}`, from: "tickets", to: id, channel: "retrieval", data: ["ticket-text"] })),
      }),
      { steps: 2 },
    );
    assert.deepEqual(plan.start.bySeverity, { info: 0, low: 0, medium: 0, high: 3, critical: 1 });
    assert.deepEqual(
      plan.steps.map((s) => [s.control.type, s.control.covers, s.residual.delta, s.bringsBelow]),
      [
        ["egress-allowlist", ["email"], -10, { severity: "critical", findings: 1 }],
        ["egress-allowlist", ["mailer"], -24, { severity: "high", findings: 3 }],
      ],
    );
    assert.match(planText(plan, (id) => id), /\n1\. Add egress-allowlist on email: residual 73 -> 63 \(-10\); 1 finding no longer critical\n/);
    assert.match(planText(plan, (id) => id), /\n2\. Add egress-allowlist on mailer: residual 63 -> 39 \(-24\); 3 findings no longer high or worse\n/);
    assertConsistent(plan);
  });

  it("writes an element without a name once, and a named one with its ID", () => {
    const plan = exfiltrationOnly(leakyAgent(), { steps: 1 });
    assert.match(planText(plan, (id) => id), /\n1\. Add egress-allowlist on email: residual 25 -> 15 \(-10\); 1 finding no longer critical\n/);
    assert.match(planText(plan, (id) => (id === "email" ? "Order mail" : id)), /\n1\. Add egress-allowlist on Order mail \(email\): /);
  });

  it("proposes a control as the model would hold it: implemented, verified, with evidence to fill in, under an ID not taken", () => {
    const plan = exfiltrationOnly(leakyAgent({ services: [{ id: "egress-allowlist-email", type: "api" }] }), { steps: 1 });
    assert.deepEqual(plan.steps[0]!.control, { id: "egress-allowlist-email-2", type: "egress-allowlist", covers: ["email"], status: "implemented", verified: true, evidence: [EVIDENCE_PLACEHOLDER] });
    assert.deepEqual(plan.steps[0]!.fillIn, ["evidence"]);
  });

  it("puts an approval on the tool that acts, not on the agent: a person approves the email, not every answer", () => {
    const plan = exfiltrationOnly(leakyAgent(), { steps: 2 });
    const approval = plan.steps.find((s) => s.control.type === "human-approval");
    assert.deepEqual(approval?.control.covers, ["email"]);
  });

  it("puts least privilege on the identity an agent acts as, pinning on its MCP servers and models, output encoding where its output is rendered; with nowhere to move, on the agent", () => {
    // One open finding anchored at the agent that misses each type; a stand-in rule whose mitigations take 1 step off impact.
    const types = ["least-privilege", "pinned-artifacts", "content-isolation", "output-encoding"] as const;
    const rule = { id: "TW-TEST-001", mitigations: types.map((control) => ({ control, reduces: "impact", by: 1, how: "test" })) } as unknown as Rule;
    const finding = { id: "TW-TEST-001@agent", ruleId: rule.id, anchors: ["agent"], missingControls: [...types], controls: [], status: "open", residual: { likelihood: 4, impact: 4, score: 16, severity: "high" } } as unknown as Finding;
    const placed = (model: ModelSpec) => candidates(buildGraph(loadSpec(model)), [finding], [rule]).map((c) => `${c.control.type} ${c.control.covers.join(",")}`).sort();
    const withIdentity = leakyAgent({
      identities: [{ id: "agent-sa", type: "service-account" }],
      mcpServers: [{ id: "docs-mcp", transport: "stdio", publisher: "someone", publisherTrust: "community" }],
    });
    (withIdentity.agents as Record<string, unknown>[])[0]!.runsAs = "agent-sa";
    (withIdentity.agents as Record<string, unknown>[])[0]!.mcpServers = ["docs-mcp"];
    // Output encoding goes to the widget the agent's output is rendered in (the flow agent-to-widget, channel output).
    assert.deepEqual(placed(withIdentity), ["content-isolation agent", "least-privilege agent-sa", "output-encoding widget", "pinned-artifacts docs-mcp", "pinned-artifacts llm"]);
    assert.deepEqual(placed(leakyAgent()), ["content-isolation agent", "least-privilege agent", "output-encoding widget", "pinned-artifacts llm"]);
  });

  it("finishes a planned control before adding a new one that takes off as much", () => {
    const plan = exfiltrationOnly(leakyAgent({ controls: [{ id: "mail-allowlist", type: "egress-allowlist", covers: ["email"], status: "planned" }] }), { steps: 1 });
    const [step] = plan.steps;
    assert.equal(step?.kind, "complete");
    assert.deepEqual(step?.was, { id: "mail-allowlist", type: "egress-allowlist", covers: ["email"], status: "planned" });
    assert.deepEqual(step?.control, { id: "mail-allowlist", type: "egress-allowlist", covers: ["email"], status: "implemented", verified: true, evidence: [EVIDENCE_PLACEHOLDER] });
    assert.deepEqual(step?.residual, { before: 25, after: 15, delta: -10 });
  });

  it("finishes an opt-out approval by making it wait for an answer", () => {
    const optOut = { id: "mail-approval", type: "human-approval", covers: ["email"], unanswered: "proceeds", verified: true, evidence: [{ type: "doc", ref: "mail-review.md" }] };
    const plan = exfiltrationOnly(leakyAgent({ controls: [optOut] }), { steps: 5 });
    const step = plan.steps.find((s) => s.kind === "complete");
    assert.deepEqual(step?.control, { ...optOut, status: "implemented", unanswered: "waits" });
    assert.ok(step!.residual.delta < 0, "holding the mail until someone answers lowers the exfiltration finding");
  });

  it("weighs only findings still to act on: an accepted risk is left alone", () => {
    const accepted = leakyAgent({ decisions: [{ finding: "TW-EXF-001@agent+email", status: "accepted", owner: "cto@example.com", justification: "Outbound mail is logged and reviewed daily", expires: "2027-06-01" }] });
    const plan = exfiltrationOnly(accepted);
    assert.deepEqual(plan.start, { residual: 0, findings: 0, bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 } });
    assert.deepEqual(plan.steps, []);
    assert.equal(plan.settled, 1);
    assert.equal(nothingToDo(plan), "Nothing left to act on: the one finding is decided (accepted, transferred, mitigated or dismissed).");
    assert.equal(nothingToDo(exfiltrationOnly(publicChat("agent"))), "Nothing to act on: there is no finding.");
  });

  it("plans for one workflow's findings only when asked", () => {
    const model = leakyAgent({ services: [{ id: "billing", type: "api" }], workflows: [{ id: "support-chat", components: ["agent"] }, { id: "invoicing", components: ["billing"] }] });
    assert.equal(exfiltrationOnly(model, { workflow: "support-chat" }).start.findings, 1);
    const none = exfiltrationOnly(model, { workflow: "invoicing" });
    assert.equal(none.start.findings, 0);
    assert.deepEqual(none.steps, []);
  });

  it("counts what a control brings with it: an approval shows approvers text an attacker shaped (TW-HUM-001)", () => {
    const plan = planRemediation(loadSpec(leakyAgent()), { today, steps: 10 });
    const approval = plan.steps.find((s) => s.control.type === "human-approval");
    assert.ok(approval, "an approval on the email tool is among the steps");
    assert.deepEqual(approval.added.map((f) => f.ruleId), ["TW-HUM-001"]);
    assert.ok(approval.lowered.some((f) => f.id === "TW-EXF-001@agent+email"));
    assertConsistent(plan);
    // The evidence the proposal carries keeps TW-GOV-005 (control without evidence) away.
    assert.ok(plan.steps.every((s) => !s.added.some((f) => f.ruleId === "TW-GOV-005")));
  });

  it("says when it measured fewer candidates than it had", () => {
    const plan = exfiltrationOnly(leakyAgent(), { candidates: 1, steps: 1 });
    assert.equal(plan.analyses, 2);
    assert.match(plan.truncated[0]!, /^step 1: measured 1 of \d+ candidate controls, the most promising by estimate$/);
    assert.deepEqual(exfiltrationOnly(leakyAgent()).truncated, []);
  });

  it("on the support assistant, starts with data minimisation on the agent: one impact step off what sits in its context", () => {
    // By hand from the findings' reasons (docs/scoring.md): data-minimisation takes impact off where the agent is in
    // scope. EXF-001 5x5 -> 5x4 (-5); PRV-001 5x4 -> 5x3 (-5); DAT-009 2x4 -> 2x2 (its rule takes 2: -4); EXF-005
    // 3.75x5 -> 3.75x4 (-3.75); EXF-003 3x4 -> 3x3 (-3). 20.75 off 348.75. No least privilege on the agent's own role:
    // its tools run as identities of their own, so that role bounds nothing a steered agent does.
    const plan = planRemediation(example("support-assistant"), { today });
    const [step] = plan.steps;
    assert.deepEqual([step?.control.type, step?.control.covers, step?.residual], ["data-minimisation", ["support-agent"], { before: 348.75, after: 328, delta: -20.75 }]);
    assert.deepEqual(
      step?.lowered.map((f) => [f.id, f.before.residual, f.after.residual]),
      [
        ["TW-EXF-001@support-agent+send-customer-email", 25, 20],
        ["TW-PRV-001@support-agent+lookup-order", 20, 15],
        ["TW-DAT-009@support-agent+chat-llm", 8, 4],
        ["TW-EXF-005@help-vector-store+support-agent", 18.75, 15],
        ["TW-EXF-003@conversation-analytics", 12, 9],
      ],
    );
    assert.ok(!plan.steps.some((s) => s.control.type === "least-privilege" && s.control.covers.includes("support-backend-role")));
    // The planned image CSP on the widget, completed, closes the zero-click image leak and nothing else.
    const csp = plan.steps.find((s) => s.control.id === "widget-image-csp");
    assert.deepEqual([csp?.kind, csp?.control.type, csp?.lowered.map((f) => f.id)], ["complete", "egress-allowlist", ["TW-EXF-002@support-agent+chat-widget"]]);
  });

  it("gives the same plan every time, and every example's plan is consistent", () => {
    for (const name of ["support-assistant", "coding-agent", "invoice-agents"]) {
      const model = example(name);
      const plan = planRemediation(model, { today });
      assert.deepEqual(planRemediation(model, { today }), plan, name);
      assert.equal(plan.steps.length, 5, `${name}: five controls help`);
      assertConsistent(plan);
    }
  });
});
