// The history figures on hand-worked series: every expected number below is worked out from the
// definitions in docs/cli.md ("threatwright history"), not copied from a run.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Snapshot, SnapshotFinding } from "../../src/lifecycle/figures.js";
import { computeFigures, isoWeek } from "../../src/lifecycle/figures.js";

const finding = (id: string, severity: SnapshotFinding["severity"], status: SnapshotFinding["status"], anchors: string[], overdue = false): SnapshotFinding => ({ id, severity, status, overdue, anchors });
const snap = (commit: string, date: string, findings: SnapshotFinding[], extra: Partial<Snapshot> = {}): Snapshot => ({ commit, date, subject: commit, findings, expired: 0, components: ["agent", "tool", "store"], ...extra });

describe("history figures", () => {
  it("a finding mitigated ten days after it appeared: MTTM 10, closure 1/1", () => {
    const points = computeFigures([
      snap("c1", "2026-10-01", []),
      snap("c2", "2026-10-05", [finding("A@agent", "high", "open", ["agent"])]),
      snap("c3", "2026-10-15", [finding("A@agent", "high", "mitigated", ["agent"])]),
    ]);
    assert.deepEqual(points.map((p) => p.meanTimeToMitigate), [
      { mitigated: 0, days: null },
      { mitigated: 0, days: null },
      { mitigated: 1, days: 10 },
    ]);
    assert.deepEqual(points.map((p) => p.closure), [
      { seen: 0, closed: 0, rate: null },
      { seen: 1, closed: 0, rate: 0 },
      { seen: 1, closed: 1, rate: 1 },
    ]);
    assert.deepEqual(points.map((p) => [p.findings.total, p.findings.open, p.findings.openBySeverity.high, p.findings.bySeverity.high]), [
      [0, 0, 0, 0],
      [1, 1, 1, 1],
      [1, 0, 0, 1],
    ]);
  });

  it("a finding that disappears counts as closed; the mean is over first closures only", () => {
    const points = computeFigures([
      snap("c1", "2026-10-01", [finding("A@agent", "high", "open", ["agent"]), finding("B@tool", "low", "open", ["tool"])]),
      // B gone after 4 days.
      snap("c2", "2026-10-05", [finding("A@agent", "high", "open", ["agent"])]),
      // A mitigated after 20 days; C appears.
      snap("c3", "2026-10-21", [finding("A@agent", "high", "mitigated", ["agent"]), finding("C@store", "medium", "open", ["store"])]),
      // B is back (a reverted change): open again, but its first closure still counts.
      snap("c4", "2026-10-22", [finding("A@agent", "high", "mitigated", ["agent"]), finding("B@tool", "low", "open", ["tool"]), finding("C@store", "medium", "open", ["store"])]),
    ]);
    // MTTM: c2 (4)/1 = 4; c3 (4 + 20)/2 = 12; c4 unchanged 12.
    assert.deepEqual(points.map((p) => p.meanTimeToMitigate.days), [null, 4, 12, 12]);
    // Closure: c1 0/2; c2 B gone 1/2; c3 A mitigated, B gone, C open 2/3; c4 only A 1/3.
    assert.deepEqual(points.map((p) => [p.closure.closed, p.closure.seen]), [[0, 2], [1, 2], [2, 3], [1, 3]]);
    assert.equal(points[3]!.closure.rate, 1 / 3);
  });

  it("an acceptance that expires is counted, and its component is no longer covered", () => {
    const points = computeFigures([
      snap("c1", "2026-10-01", [finding("A@agent+tool", "high", "accepted", ["agent", "tool"]), finding("B@tool", "low", "mitigating", ["tool"], true)]),
      // The acceptance of A lapsed: reopened, so open again.
      snap("c2", "2026-11-02", [finding("A@agent+tool", "high", "open", ["agent", "tool"]), finding("B@tool", "low", "mitigating", ["tool"], true)], { expired: 1 }),
    ]);
    assert.deepEqual(points.map((p) => p.expiredAcceptances), [0, 1]);
    assert.deepEqual(points.map((p) => p.overdue), [1, 1]);
    // Mitigating is not settled: it is open; accepted is not.
    assert.deepEqual(points.map((p) => p.findings.open), [1, 2]);
    // c1: agent (A accepted) and tool (A accepted, B mitigating) both decided: 2/2; store has no finding.
    // c2: A open again, so neither agent nor tool is covered: 0/2.
    assert.deepEqual(points.map((p) => p.coverage), [
      { components: 3, withFindings: 2, covered: 2, rate: 1 },
      { components: 3, withFindings: 2, covered: 0, rate: 0 },
    ]);
  });

  it("coverage: anchors that are not components (identities, the system) are left out; no finding, no rate", () => {
    const [point] = computeFigures([
      snap("c1", "2026-10-01", [finding("N@orders-sa", "high", "open", ["orders-sa"]), finding("X@agent+store", "medium", "false-positive", ["agent", "store"]), finding("Y@store", "low", "open", ["store"])]),
    ]);
    // agent: only X (decided) → covered; store: X decided, Y open → not covered; tool: no finding.
    assert.deepEqual(point!.coverage, { components: 3, withFindings: 2, covered: 1, rate: 0.5 });
    const [empty] = computeFigures([snap("c1", "2026-10-01", [])]);
    assert.deepEqual(empty!.coverage, { components: 3, withFindings: 0, covered: 0, rate: null });
  });

  it("by week: the last commit of each ISO week stands for it, with the week's commit count", () => {
    const series = [
      snap("mon", "2026-09-28", [finding("A@agent", "high", "open", ["agent"])]),
      snap("sun", "2026-10-04", [finding("A@agent", "high", "open", ["agent"])]),
      snap("next", "2026-10-05", [finding("A@agent", "high", "mitigated", ["agent"])]),
    ];
    const weeks = computeFigures(series, "week");
    assert.deepEqual(weeks.map((w) => [w.week, w.commit, w.commits]), [["2026-W40", "sun", 2], ["2026-W41", "next", 1]]);
    assert.equal(weeks[1]!.meanTimeToMitigate.days, 7);
  });

  it("ISO weeks at year ends", () => {
    assert.equal(isoWeek("2026-01-01"), "2026-W01"); // a Thursday
    assert.equal(isoWeek("2027-01-01"), "2026-W53"); // a Friday: still 2026's last week
    assert.equal(isoWeek("2024-12-30"), "2025-W01"); // a Monday in 2025's first week
    assert.equal(isoWeek("2026-10-04"), "2026-W40");
  });
});
