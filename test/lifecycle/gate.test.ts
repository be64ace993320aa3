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

function finding(id: string, severity: Finding["severity"], status: Finding["status"] = "open", overdue = false, score = 10): Finding {
  return { id, severity, status, overdue, statusReason: status, title: id, residual: { severity, score } } as unknown as Finding;
}

/** The same finding as another status and residual, as a later version of the model scores it. */
const scored = (id: string, severity: Finding["severity"], score: number, status: Finding["status"] = "open", statusReason: string = status) =>
  ({ ...finding(id, severity, status, false, score), statusReason }) as Finding;

const result = (...findings: Finding[]) => ({ findings }) as unknown as AnalysisResult;
const fresh: Staleness = { stale: false, reasons: [], notes: [], nextDue: "2027-01-01", daysOverdue: 0, changedSinceReview: false, historyUnknown: null, commits: [], uncommitted: [] };
const review = { date: "2026-09-30", by: "appsec@example.com" };
const delta: ModelDiff = { classification: "delta", reasons: [], changes: [], counts: { added: 0, removed: 0, changed: 1 } };
const material: ModelDiff = { classification: "material", reasons: [{ code: "capability", element: "t", message: "tool 't' added" }], changes: [], counts: { added: 1, removed: 0, changed: 0 } };

function gate(overrides: Omit<Partial<GateInput>, "policy"> & { policy?: Partial<GatePolicy> } = {}) {
  const { policy, ...rest } = overrides;
  const verdict = runGate({ result: result(), staleness: fresh, lastReview: review, today: "2026-11-22", ...rest, policy: { ...DEFAULT_POLICY, ...policy } });
  return { passed: verdict.passed, ...Object.fromEntries(verdict.results.map((r) => [r.check, r])) } as { passed: boolean } & Record<string, { outcome: string; reason: string; findings?: string[]; why?: Record<string, string> }>;
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
  it("with a baseline counts findings settled there and unsettled now, saying what they were and why they are open", () => {
    const before = result(finding("A@x", "critical", "accepted"), finding("M@x", "high", "mitigated"), finding("K@x", "critical", "accepted"), finding("L@x", "medium", "accepted"));
    const now = result(
      scored("A@x", "critical", 10, "open", "recorded as open"),
      scored("M@x", "high", 10, "open", "marked mitigated by control 'waf', which is no longer in the model"),
      finding("K@x", "critical", "accepted"),
      scored("L@x", "medium", 10, "open", "recorded as open"),
    );
    const verdict = gate({ result: now, baseline: { result: before, diff: delta, lastReview: review } });
    assert.equal(verdict.passed, false);
    // K is still accepted; L is open again but below the fail severity.
    assert.deepEqual(verdict.findings?.findings, ["A@x", "M@x"]);
    assert.equal(verdict.findings?.reason, "2 unmitigated findings at or above high new or worse than at the baseline (2 no longer settled)");
    assert.deepEqual(verdict.findings?.why, {
      "A@x": "accepted at the baseline, open now: recorded as open",
      "M@x": "mitigated at the baseline, open now: marked mitigated by control 'waf', which is no longer in the model",
    });
    // A false positive at the baseline, mitigating now: mitigating is not settled, so it counts.
    assert.deepEqual(gate({ result: result(finding("A@x", "high", "mitigating")), baseline: { result: result(finding("A@x", "high", "false-positive")), diff: delta, lastReview: review } }).findings?.findings, ["A@x"]);
  });

  it("with a baseline counts findings re-scored up to or within the fail severities, not those rising below it, falling or unchanged", () => {
    const before = result(
      finding("UP@x", "medium", "open", false, 10),
      finding("HIGHER@x", "high", "open", false, 15),
      finding("LOW@x", "low", "open", false, 5),
      finding("DOWN@x", "critical", "open", false, 20),
      finding("SAME@x", "high", "open", false, 12),
      finding("BAND@x", "critical", "open", false, 20),
      finding("DONE@x", "medium", "open", false, 10),
    );
    const now = result(
      finding("UP@x", "high", "open", false, 15),
      finding("HIGHER@x", "critical", "mitigating", false, 20),
      finding("LOW@x", "medium", "open", false, 10),
      finding("DOWN@x", "high", "open", false, 16),
      finding("SAME@x", "high", "open", false, 12),
      finding("BAND@x", "critical", "open", false, 25),
      finding("DONE@x", "high", "mitigated", false, 15),
    );
    const verdict = gate({ result: now, baseline: { result: before, diff: delta, lastReview: review } });
    assert.deepEqual(verdict.findings?.findings, ["UP@x", "HIGHER@x"]);
    assert.equal(verdict.findings?.reason, "2 unmitigated findings at or above high new or worse than at the baseline (2 re-scored upward)");
    assert.deepEqual(verdict.findings?.why, { "UP@x": "re-scored medium → high (residual 10 → 15)", "HIGHER@x": "re-scored high → critical (residual 15 → 20)" });
    // With a critical fail severity only the rise into critical counts.
    assert.deepEqual(gate({ result: now, baseline: { result: before, diff: delta, lastReview: review }, policy: { failOn: { severity: "critical" } } }).findings?.findings, ["HIGHER@x"]);
    // Nothing changed: nothing counts.
    const same = gate({ result: before, baseline: { result: before, diff: delta, lastReview: review }, policy: { failOn: { severity: "low" } } });
    assert.equal(same.findings?.outcome, "pass");
    assert.equal(same.findings?.reason, "no unmitigated findings at or above low new or worse than at the baseline");
  });

  it("with a baseline names every cause of a finding and counts new, unsettled and re-scored findings together", () => {
    const before = result(finding("A@x", "medium", "accepted", false, 10), finding("B@x", "high", "open", false, 12));
    const now = result(finding("N@x", "critical", "open", false, 20), scored("A@x", "high", 15, "open", "recorded as open"), finding("B@x", "critical", "open", false, 20));
    const verdict = gate({ result: now, baseline: { result: before, diff: delta, lastReview: review } });
    assert.deepEqual(verdict.findings?.findings, ["N@x", "A@x", "B@x"]);
    assert.equal(verdict.findings?.reason, "3 unmitigated findings at or above high new or worse than at the baseline (1 new, 1 no longer settled, 2 re-scored upward)");
    assert.deepEqual(verdict.findings?.why, { "N@x": "new", "A@x": "accepted at the baseline, open now: recorded as open; re-scored medium → high (residual 10 → 15)", "B@x": "re-scored high → critical (residual 12 → 20)" });
  });

  it("against a baseline without a usable model counts every finding as new and says why", () => {
    const now = result(finding("A@x", "critical"), finding("B@x", "low"));
    const verdict = gate({ result: now, baseline: { result: result(), diff: material, lastReview: undefined, absent: "missing" } });
    assert.deepEqual(verdict.findings?.findings, ["A@x"]);
    assert.equal(verdict.findings?.reason, "1 new unmitigated finding at or above high (no model at the baseline: every finding is new)");
    const invalid = gate({ result: now, baseline: { result: result(), diff: material, lastReview: undefined, absent: "invalid" } });
    assert.equal(invalid.findings?.reason, "1 new unmitigated finding at or above high (the baseline's model is invalid: every finding is new)");
    // The whole model is new: its review must be recorded in the change.
    assert.equal(gate({ lastReview: undefined, baseline: { result: result(), diff: material, lastReview: undefined, absent: "missing" } })["material-change-review"]?.outcome, "fail");
    assert.match(gate({ lastReview: undefined, baseline: { result: result(), diff: material, lastReview: undefined, absent: "missing" } })["material-change-review"]?.reason ?? "", /^the model is new \(none at the baseline\) and records no review/);
    assert.equal(gate({ baseline: { result: result(), diff: material, lastReview: undefined, absent: "missing" } })["material-change-review"]?.outcome, "pass");
    // Whatever the diff against the empty model says: a delta there still leaves the whole model unreviewed.
    assert.equal(gate({ lastReview: undefined, baseline: { result: result(), diff: delta, lastReview: undefined, absent: "missing" } })["material-change-review"]?.outcome, "fail");
  });

  it("counts a review as recorded only for a later date, another reviewer or another commit", () => {
    const base = { ...review, commit: "8c41f07", notes: "first look" };
    const check = (lastReview: GateInput["lastReview"], before: GateInput["lastReview"]) => gate({ lastReview, baseline: { result: result(), diff: material, lastReview: before } })["material-change-review"]!;
    const withBaseline = (lastReview: GateInput["lastReview"]) => check(lastReview, base);
    // Editing only the notes, or dropping the reviewer or the commit, is not a new review.
    assert.equal(withBaseline({ ...base, notes: "second look" }).outcome, "fail");
    assert.match(withBaseline({ ...base, notes: "second look" }).reason, /; review\.lastReview was edited, but names no later date, other reviewer or other commit than the baseline's$/);
    assert.equal(withBaseline({ date: base.date }).outcome, "fail");
    // A date moved back is not a new review, whatever else changed.
    const back = withBaseline({ ...base, date: "2026-09-01", by: "someone@example.com" });
    assert.equal(back.outcome, "fail");
    assert.match(back.reason, /; review\.lastReview\.date 2026-09-01 is before the baseline's 2026-09-30$/);
    // A later date, another reviewer on the same day, or another reviewed commit is.
    assert.equal(withBaseline({ ...base, date: "2026-10-01" }).outcome, "pass");
    assert.equal(withBaseline({ ...base, by: "second@example.com" }).outcome, "pass");
    assert.equal(withBaseline({ ...base, commit: "1234abc" }).outcome, "pass");
    assert.equal(withBaseline({ ...base, commit: "1234abc" }).reason, "material change, review recorded (2026-09-30 by appsec@example.com)");
    // A review dated after the analysis date (2026-11-22 here) is not a review that happened.
    const future = withBaseline({ ...base, date: "2099-01-01" });
    assert.equal(future.outcome, "fail");
    assert.match(future.reason, /; review\.lastReview\.date 2099-01-01 is after the analysis date 2026-11-22$/);
    // Without a review at the baseline, any review up to the analysis date is a new one.
    assert.equal(check({ date: "2099-01-01" }, undefined).outcome, "fail");
    assert.equal(check({ date: "2026-11-22" }, undefined).outcome, "pass");
  });

  it("says when git could not tell whether the model changed since its review: a warning, or nothing when off", () => {
    const unknown: Staleness = { ...fresh, changedSinceReview: null, historyUnknown: "the repository at /r is a shallow clone", notes: ["could not tell from git whether the model changed since the review: the repository at /r is a shallow clone"] };
    assert.deepEqual(gate({ staleness: unknown }).stale, {
      check: "stale",
      outcome: "warn",
      reason: "could not tell from git whether the model changed since the review: the repository at /r is a shallow clone",
    });
    // Not knowing is a warning even where staleness fails: the model may well be up to date.
    assert.equal(gate({ staleness: unknown, policy: { stale: "fail" } }).stale?.outcome, "warn");
    assert.equal(gate({ staleness: unknown, policy: { stale: "fail" } }).passed, true);
    assert.equal(gate({ staleness: unknown, policy: { stale: "off" } }).stale?.outcome, "pass");
    // Stale by the cadence as well: the failure keeps the note.
    const overdue = { ...unknown, stale: true, reasons: ["last review 2026-06-01 is 174 days old"] };
    assert.deepEqual(gate({ staleness: overdue, policy: { stale: "fail" } }).stale, {
      check: "stale",
      outcome: "fail",
      reason: "model is stale: last review 2026-06-01 is 174 days old; and could not tell from git whether the model changed since the review: the repository at /r is a shallow clone",
    });
  });
});
