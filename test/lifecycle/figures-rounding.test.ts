// The history's published figures: rates to 4 decimals and days to 1, rounded once from the exact
// ratio of the counts, halves away from zero. Expected values worked out by hand from the counts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Snapshot, SnapshotFinding } from "../../src/lifecycle/figures.js";
import { computeFigures, roundFigures } from "../../src/lifecycle/figures.js";

const finding = (id: string, status: SnapshotFinding["status"], anchors: string[] = []): SnapshotFinding => ({ id, severity: "high", status, overdue: false, anchors });
const snap = (commit: string, date: string, findings: SnapshotFinding[]): Snapshot => ({ commit, date, subject: commit, findings, expired: 0, components: ["agent", "tool", "store"] });
const ids = (n: number) => Array.from({ length: n }, (_, i) => `F${String(i).padStart(2, "0")}`);

describe("history figures, rounded", () => {
  it("rates to 4 decimals: 1/3 is 0.3333, 2/3 is 0.6667; the exact figures stay exact", () => {
    const exact = computeFigures([
      snap("c1", "2026-10-01", [finding("A", "open", ["agent"]), finding("B", "open", ["tool"]), finding("C", "open", ["store"])]),
      snap("c2", "2026-10-02", [finding("A", "mitigated", ["agent"]), finding("B", "open", ["tool"]), finding("C", "open", ["store"])]),
      snap("c3", "2026-10-03", [finding("A", "mitigated", ["agent"]), finding("B", "mitigated", ["tool"]), finding("C", "open", ["store"])]),
    ]);
    const rounded = exact.map(roundFigures);
    // Closure 0/3, 1/3, 2/3; coverage: the components whose finding is decided, of 3.
    assert.deepEqual(rounded.map((p) => p.closure.rate), [0, 0.3333, 0.6667]);
    assert.deepEqual(rounded.map((p) => p.coverage.rate), [0, 0.3333, 0.6667]);
    // MTTM: A after 1 day; then A 1 and B 2 days: 1.5.
    assert.deepEqual(rounded.map((p) => p.meanTimeToMitigate.days), [null, 1, 1.5]);
    // The counts are untouched; the input is not changed (the HTML report uses the exact figures).
    assert.deepEqual(rounded.map((p) => [p.closure.closed, p.closure.seen, p.coverage.covered, p.coverage.withFindings]), [[0, 3, 0, 3], [1, 3, 1, 3], [2, 3, 2, 3]]);
    assert.equal(exact[1]!.closure.rate, 1 / 3);
  });

  it("a rate exactly halfway rounds up: 1/32 = 0.03125 is 0.0313, and 7/160 = 0.04375 is 0.0438 (toFixed(4) on the float says 0.0437)", () => {
    const [point] = computeFigures([snap("c1", "2026-10-01", ids(32).map((id, i) => finding(id, i === 0 ? "mitigated" : "open")))]).map(roundFigures);
    assert.equal(point!.closure.rate, 0.0313);
    const [seven] = computeFigures([snap("c1", "2026-10-01", ids(160).map((id, i) => finding(id, i < 7 ? "mitigated" : "open")))]).map(roundFigures);
    assert.equal(seven!.closure.rate, 0.0438);
    // The one mitigated at first sight took 0 days.
    assert.equal(point!.meanTimeToMitigate.days, 0);
  });

  it("days to 1 decimal, from the day counts: 4/3 is 1.3, 3/20 = 0.15 is 0.2 (toFixed(1) on the float says 0.1)", () => {
    const thirds = computeFigures([
      snap("c1", "2026-10-01", [finding("A", "open"), finding("B", "open"), finding("C", "open")]),
      snap("c2", "2026-10-02", [finding("A", "mitigated"), finding("B", "mitigated"), finding("C", "open")]),
      snap("c3", "2026-10-03", [finding("A", "mitigated"), finding("B", "mitigated"), finding("C", "mitigated")]),
    ]).map(roundFigures);
    // c2: A and B after 1 day each: 1; c3: C after 2 days: (1 + 1 + 2) / 3 = 1.333...
    assert.deepEqual(thirds.map((p) => p.meanTimeToMitigate), [{ mitigated: 0, days: null }, { mitigated: 2, days: 1 }, { mitigated: 3, days: 1.3 }]);

    // 17 of 20 findings mitigated at first sight (0 days), the other 3 a day later: 3 / 20 days.
    const twenty = ids(20);
    const points = computeFigures([
      snap("c1", "2026-10-01", twenty.map((id, i) => finding(id, i < 17 ? "mitigated" : "open"))),
      snap("c2", "2026-10-02", twenty.map((id) => finding(id, "mitigated"))),
    ]).map(roundFigures);
    assert.deepEqual(points.map((p) => p.meanTimeToMitigate), [{ mitigated: 17, days: 0 }, { mitigated: 20, days: 0.2 }]);
    assert.deepEqual(points.map((p) => p.closure.rate), [0.85, 1]);
  });

  it("days can be negative when commit dates go back in time; halves round away from zero: -7/4 is -1.8", () => {
    const points = computeFigures([
      snap("c1", "2026-10-10", [finding("A", "open"), finding("B", "open"), finding("C", "open"), finding("D", "open")]),
      // Committed with a clock a day behind: A closes after -1 day.
      snap("c2", "2026-10-09", [finding("A", "mitigated"), finding("B", "open"), finding("C", "open"), finding("D", "open")]),
      // B, C and D after -2 days each: (-1 - 2 - 2 - 2) / 4 = -1.75.
      snap("c3", "2026-10-08", [finding("A", "mitigated"), finding("B", "mitigated"), finding("C", "mitigated"), finding("D", "mitigated")]),
    ]).map(roundFigures);
    assert.deepEqual(points.map((p) => p.meanTimeToMitigate.days), [null, -1, -1.8]);
  });
});
