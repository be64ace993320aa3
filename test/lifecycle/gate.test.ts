// The gate's verdict from hand-made analysis results: each check alone, its policy levels, and
// how a baseline narrows the findings check to what is new.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AnalysisResult, Finding } from "../../src/analysis/analyze.js";
import type { GateInput } from "../../src/lifecycle/gate.js";
import { runGate } from "../../src/lifecycle/gate.js";
import type { ModelDiff } from "../../src/lifecycle/model-diff.js";
import type { GatePolicy } from "../../src/lifecycle/policy.js";
import { DEFAULT_POLICY, GatePolicy as PolicySchema } from "../../src/lifecycle/policy.js";
import type { Staleness } from "../../src/lifecycle/staleness.js";

function finding(id: string, severity: Finding["severity"], status: Finding["status"] = "open", overdue = false): Finding {
  return { id, severity, status, overdue, statusReason: status, title: id, residual: { severity, score: 10 } } as unknown as Finding;
}

const result = (...findings: Finding[]) => ({ findings }) as unknown as AnalysisResult;
const fresh: Staleness = { stale: false, reasons: [], notes: [], nextDue: "2027-01-01", daysOverdue: 0, changedSinceReview: false, commits: [], uncommitted: [] };
const review = { date: "2026-09-30", by: "appsec@example.com" };
const material: ModelDiff = { classification: "material", reasons: [{ code: "capability", element: "t", message: "tool 't' added" }], changes: [], counts: { added: 1, removed: 0, changed: 0 } };

function gate(overrides: Omit<Partial<GateInput>, "policy"> & { policy?: Partial<GatePolicy> } = {}) {
  const { policy, ...rest } = overrides;
  const verdict = runGate({ result: result(), staleness: fresh, lastReview: review, ...rest, policy: { ...DEFAULT_POLICY, ...policy } });
  return { passed: verdict.passed, ...Object.fromEntries(verdict.results.map((r) => [r.check, r])) } as { passed: boolean } & Record<string, { outcome: string; reason: string; findings?: string[] }>;
}

describe("gate policy", () => {
  it("has the documented defaults", () => {
    assert.deepEqual(DEFAULT_POLICY, { failOn: { severity: "high" }, expiredAcceptances: "fail", overdue: "warn", stale: "warn", materialChangeNeedsReview: "fail" });
    assert.deepEqual(PolicySchema.parse({ overdue: "fail" }), { ...DEFAULT_POLICY, overdue: "fail" });
    assert.equal(PolicySchema.safeParse({ stale: "maybe" }).success, false);
    assert.equal(PolicySchema.safeParse({ failOn: { severity: "high", extra: 1 } }).success, false);
  });
});

describe("runGate", () => {
  it("passes an empty result with every check", () => {
    const verdict = gate();
    assert.equal(verdict.passed, true);
    for (const check of ["findings", "expired-acceptances", "overdue", "stale", "material-change-review"]) assert.equal(verdict[check]?.outcome, "pass", check);
  });

  it("fails on unmitigated findings at or above the severity, not on settled or lower ones", () => {
    const r = result(finding("A@x", "critical"), finding("B@x", "high", "mitigating"), finding("C@x", "high", "accepted"), finding("D@x", "medium"), finding("E@x", "high", "mitigated"));
    const verdict = gate({ result: r });
    assert.equal(verdict.passed, false);
    assert.deepEqual(verdict.findings?.findings, ["A@x", "B@x"]);
    assert.equal(verdict.findings?.reason, "2 unmitigated findings at or above high");
    assert.deepEqual(gate({ result: r, policy: { failOn: { severity: "medium" } } }).findings?.findings, ["A@x", "B@x", "D@x"]);
    assert.equal(gate({ result: r, policy: { failOn: { severity: "critical" } } }).findings?.findings?.length, 1);
  });

  it("with a baseline counts only findings the baseline does not have", () => {
    const r = result(finding("A@x", "critical"), finding("N@y", "high"));
    const verdict = gate({ result: r, baseline: { result: result(finding("A@x", "critical")), diff: { ...material, classification: "delta", reasons: [] }, lastReview: review } });
    assert.deepEqual(verdict.findings?.findings, ["N@y"]);
    assert.equal(verdict.findings?.reason, "1 new unmitigated finding at or above high");
    assert.equal(gate({ result: result(finding("A@x", "critical")), baseline: { result: r, diff: material, lastReview: undefined } }).findings?.outcome, "pass");
  });

  it("fails on expired acceptances by default, warns or ignores them as the policy says", () => {
    const r = result({ ...finding("A@x", "low"), reopened: "acceptance-expired" }, { ...finding("B@x", "low"), reopened: "control-missing" });
    assert.deepEqual(gate({ result: r })["expired-acceptances"], { check: "expired-acceptances", outcome: "fail", reason: "1 acceptance expired: the findings are open again", findings: ["A@x"] });
    assert.equal(gate({ result: r, policy: { expiredAcceptances: "warn" } }).passed, true);
    assert.equal(gate({ result: r, policy: { expiredAcceptances: "off" } })["expired-acceptances"]?.outcome, "pass");
  });

  it("warns on overdue findings by default and fails when told to", () => {
    const r = result(finding("A@x", "low", "open", true));
    const verdict = gate({ result: r });
    assert.equal(verdict.passed, true);
    assert.equal(verdict.overdue?.outcome, "warn");
    assert.deepEqual(verdict.overdue?.findings, ["A@x"]);
    assert.equal(gate({ result: r, policy: { overdue: "fail" } }).passed, false);
  });

  it("warns on a stale model by default, with the staleness reasons", () => {
    const stale = { ...fresh, stale: true, reasons: ["no review recorded"] };
    assert.deepEqual(gate({ staleness: stale }).stale, { check: "stale", outcome: "warn", reason: "model is stale: no review recorded" });
    assert.equal(gate({ staleness: stale, policy: { stale: "fail" } }).passed, false);
  });

  it("fails a material change unless the change records a review", () => {
    assert.equal(gate()["material-change-review"]?.reason, "not checked: needs --baseline");
    const unreviewed = gate({ baseline: { result: result(), diff: material, lastReview: { ...review } } });
    assert.equal(unreviewed.passed, false);
    assert.match(unreviewed["material-change-review"]?.reason ?? "", /^material change without a recorded review \(tool 't' added\)/);
    const reviewed = gate({ lastReview: { date: "2026-11-20", by: "appsec@example.com" }, baseline: { result: result(), diff: material, lastReview: review } });
    assert.equal(reviewed["material-change-review"]?.outcome, "pass");
    // Removing the review record is not recording one.
    assert.equal(gate({ lastReview: undefined, baseline: { result: result(), diff: material, lastReview: review } })["material-change-review"]?.outcome, "fail");
    assert.equal(gate({ baseline: { result: result(), diff: { ...material, classification: "delta", reasons: [] }, lastReview: review } }).passed, true);
    assert.equal(gate({ policy: { materialChangeNeedsReview: "warn" }, baseline: { result: result(), diff: material, lastReview: review } })["material-change-review"]?.outcome, "warn");
  });
});
