import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AnalysisResult, Finding } from "../../src/analysis/analyze.js";
import type { Score } from "../../src/analysis/scoring.js";
import { EXPIRY_WARNING_DAYS, isFindingId, reviewDecisions } from "../../src/lifecycle/decisions.js";
import { daysBetween } from "../../src/model/dates.js";
import type { FindingStatus } from "../../src/lifecycle/decisions.js";
import type { ThreatModel } from "../../src/model/model.js";
import { emptyModel } from "../../src/model/model.js";
import type { Control, Decision } from "../../src/model/schema.js";

const TODAY = "2026-11-22";
const EXFIL = "TW-EXF-001@support-agent+send-email";

const score = (value: number): Score => ({ likelihood: value / 5, impact: 5, score: value, severity: "high" });

/** A finding as the analysis gives it, with only what the review reads filled in. */
function finding(id: string, extra: Partial<Finding> = {}): Finding {
  return {
    id,
    ruleId: id.slice(0, id.indexOf("@")),
    title: "t",
    category: "exfiltration",
    summary: "s",
    severity: "high",
    inherent: score(20),
    residual: score(20),
    reasons: [],
    anchors: id.slice(id.indexOf("@") + 1).split("+"),
    evidence: [],
    controls: [],
    missingControls: [],
    mappings: {} as Finding["mappings"],
    workflows: [],
    cause: `element:${id.slice(id.indexOf("@") + 1).split("+")[0]}`,
    status: "open",
    statusReason: "",
    overdue: false,
    ...extra,
  };
}

function result(findings: Finding[]): AnalysisResult {
  return {
    schemaVersion: "1.0",
    system: { id: "shop", name: "Shop" },
    date: TODAY,
    summary: { findings: findings.length, bySeverity: { info: 0, low: 0, medium: 0, high: findings.length, critical: 0 }, injectableAgents: [], untrustedEntryPoints: [] },
    findings,
    decisions: { orphans: [], expiringSoon: [], summary: { byStatus: { open: 0, mitigating: 0, mitigated: 0, accepted: 0, transferred: 0, "false-positive": 0 }, undecided: 0, reopened: 0, expired: 0, overdue: 0, orphans: 0, expiringSoon: 0 } },
    attackPaths: [],
    causes: [],
    truncated: [],
  };
}

function model(decisions: Decision[], controls: Partial<Control>[] = [], extra: Partial<ThreatModel> = {}): ThreatModel {
  return {
    ...emptyModel({ system: { id: "shop", name: "Shop", owner: "team@example.com" } as ThreatModel["system"] }),
    decisions,
    controls: controls.map((c) => ({ type: "output-validation", covers: [], ...c }) as Control),
    ...extra,
  };
}

/** The review of one finding with one decision. */
function reviewOne(decision: Omit<Decision, "finding"> | undefined, options: { finding?: Partial<Finding>; controls?: Partial<Control>[]; model?: Partial<ThreatModel> } = {}): FindingStatus {
  const decisions = decision ? [{ finding: EXFIL, ...decision }] : [];
  const review = reviewDecisions(result([finding(EXFIL, options.finding)]), model(decisions, options.controls, options.model), TODAY);
  return review.findings[0]!;
}

describe("reviewDecisions: status of each finding", () => {
  it("counts a finding without a decision as open", () => {
    const status = reviewOne(undefined);
    assert.deepEqual(status, { finding: EXFIL, status: "open", reason: "no decision recorded", overdue: false });
  });

  it("keeps a recorded open, mitigating or false-positive status, with the decision", () => {
    assert.equal(reviewOne({ status: "open" }).status, "open");
    assert.equal(reviewOne({ status: "open" }).recorded, "open");
    assert.equal(reviewOne({ status: "open" }).reason, "recorded as open");
    const mitigating = reviewOne({ status: "mitigating", due: "2026-12-31" });
    assert.equal(mitigating.status, "mitigating");
    assert.equal(mitigating.reason, "mitigation in progress, due 2026-12-31");
    assert.equal(mitigating.decision?.due, "2026-12-31");
    const falsePositive = reviewOne({ status: "false-positive", justification: "the tool only sends to our own domain" });
    assert.equal(falsePositive.status, "false-positive");
    assert.equal(falsePositive.reason, "marked a false positive");
    assert.equal(falsePositive.reopened, undefined);
  });

  describe("acceptances and transfers", () => {
    it("reopens an acceptance whose expiry date is before today", () => {
      const status = reviewOne({ status: "accepted", justification: "j", expires: "2026-11-21" });
      assert.equal(status.status, "open");
      assert.equal(status.recorded, "accepted");
      assert.equal(status.reopened, "acceptance-expired");
      assert.equal(status.reason, "acceptance expired on 2026-11-21");
    });

    it("reopens a lapsed transfer, saying so", () => {
      const status = reviewOne({ status: "transferred", expires: "2025-01-01" });
      assert.equal(status.status, "open");
      assert.equal(status.reason, "transfer expired on 2025-01-01");
    });

    it("keeps an acceptance that expires today or later, or that has no expiry", () => {
      assert.equal(reviewOne({ status: "accepted", expires: TODAY }).status, "accepted");
      assert.equal(reviewOne({ status: "accepted", expires: TODAY }).reason, "accepted until 2026-11-22");
      assert.equal(reviewOne({ status: "transferred", expires: "2027-06-30" }).status, "transferred");
      const forever = reviewOne({ status: "accepted" });
      assert.equal(forever.status, "accepted");
      assert.equal(forever.reason, "accepted with no expiry date");
    });

    it("lists acceptances expiring within 30 days, soonest first, and not the others", () => {
      const ids = ["TW-A-001@a", "TW-A-001@b", "TW-A-001@c", "TW-A-001@d", "TW-A-001@e", "TW-A-001@f"];
      const decisions: Decision[] = [
        { finding: ids[0]!, status: "accepted", expires: "2026-12-22" }, // 30 days: listed
        { finding: ids[1]!, status: "accepted", expires: "2026-12-23" }, // 31 days: not
        { finding: ids[2]!, status: "transferred", expires: TODAY }, // 0 days: listed
        { finding: ids[3]!, status: "accepted", expires: "2026-11-21" }, // expired: reopened, not listed
        { finding: ids[4]!, status: "mitigating", expires: "2026-11-30" }, // not an acceptance
        { finding: ids[5]!, status: "accepted", expires: "2026-12-01" }, // 9 days
      ];
      const review = reviewDecisions(result(ids.map((id) => finding(id))), model(decisions), TODAY);
      assert.deepEqual(review.expiringSoon, [
        { finding: ids[2], status: "transferred", expires: TODAY, daysLeft: 0 },
        { finding: ids[5], status: "accepted", expires: "2026-12-01", daysLeft: 9 },
        { finding: ids[0], status: "accepted", expires: "2026-12-22", daysLeft: EXPIRY_WARNING_DAYS },
      ]);
    });
  });

  describe("mitigated findings", () => {
    const covering: Partial<Control> = { id: "email-allow-list", type: "egress-allowlist", covers: ["send-email"] };

    it("stays mitigated while a named control covers an anchor", () => {
      const status = reviewOne({ status: "mitigated", controls: ["email-allow-list"] }, { controls: [covering] });
      assert.equal(status.status, "mitigated");
      assert.equal(status.reason, "mitigated by email-allow-list");
      assert.equal(status.reopened, undefined);
    });

    it("stays mitigated while a named control covers an element of the evidence or the path, or the host an anchor runs on", () => {
      const onEvidence = { id: "c", covers: ["orders-db"] };
      assert.equal(reviewOne({ status: "mitigated", controls: ["c"] }, { controls: [onEvidence], finding: { evidence: [{ element: "orders-db", note: "n" }] } }).status, "mitigated");
      const onPath = { id: "c", covers: ["mailbox"] };
      assert.equal(reviewOne({ status: "mitigated", controls: ["c"] }, { controls: [onPath], finding: { path: [{ element: "mailbox", action: "a", technique: "AML.T0051" }] } }).status, "mitigated");
      const onHost = { id: "c", covers: ["backend"] };
      const tools = [{ id: "send-email", runsOn: "backend" }] as unknown as ThreatModel["tools"];
      assert.equal(reviewOne({ status: "mitigated", controls: ["c"] }, { controls: [onHost], model: { tools } }).status, "mitigated");
    });

    it("stays mitigated while the scoring applied the named control", () => {
      const applied = { id: "c", covers: ["somewhere-else"] };
      const controls = [{ control: "c", type: "output-validation" as const, reduces: "likelihood" as const, by: 1, note: "n" }];
      assert.equal(reviewOne({ status: "mitigated", controls: ["c"] }, { controls: [applied], finding: { controls } }).status, "mitigated");
    });

    it("reopens when a named control is no longer in the model", () => {
      const status = reviewOne({ status: "mitigated", controls: ["email-allow-list", "gone"] }, { controls: [covering] });
      assert.equal(status.status, "open");
      assert.equal(status.recorded, "mitigated");
      assert.equal(status.reopened, "control-missing");
      assert.equal(status.reason, "marked mitigated by control 'gone', which is no longer in the model");
    });

    it("reopens when a named control no longer covers any element of the finding", () => {
      const moved = { id: "email-allow-list", covers: ["other-tool"] };
      const status = reviewOne({ status: "mitigated", controls: ["email-allow-list"] }, { controls: [moved], finding: { evidence: [{ element: "orders-db", note: "n" }] } });
      assert.equal(status.status, "open");
      assert.equal(status.reopened, "control-not-covering");
      assert.equal(status.reason, "marked mitigated by control 'email-allow-list', which no longer covers any element of this finding");
    });

    it("reopens when it names no control and no control lowers the score, but not when one does", () => {
      const bare = reviewOne({ status: "mitigated" });
      assert.equal(bare.status, "open");
      assert.equal(bare.reopened, "no-reducing-control");
      assert.equal(bare.reason, "marked mitigated, but the decision names no control and no control in the model lowers its score (residual equals inherent, 20)");
      const lowered = reviewOne({ status: "mitigated" }, { finding: { residual: score(8) } });
      assert.equal(lowered.status, "mitigated");
      assert.equal(lowered.reason, "mitigated: controls in place lower its score from 20 to 8");
    });
  });

  describe("due dates", () => {
    it("flags a finding past its due date while it is open or being mitigated, with the days", () => {
      const mitigating = reviewOne({ status: "mitigating", due: "2026-11-01" });
      assert.equal(mitigating.overdue, true);
      assert.equal(mitigating.daysOverdue, 21);
      assert.equal(reviewOne({ status: "open", due: "2026-11-21" }).daysOverdue, 1);
    });

    it("does not flag a finding due today or later", () => {
      assert.equal(reviewOne({ status: "mitigating", due: TODAY }).overdue, false);
      assert.equal(reviewOne({ status: "mitigating", due: TODAY }).daysOverdue, undefined);
      assert.equal(reviewOne({ status: "open", due: "2027-01-01" }).overdue, false);
    });

    it("does not flag settled findings: mitigated, accepted, transferred or false positive", () => {
      const covering = { id: "c", covers: ["send-email"] };
      assert.equal(reviewOne({ status: "mitigated", controls: ["c"], due: "2026-01-01" }, { controls: [covering] }).overdue, false);
      assert.equal(reviewOne({ status: "accepted", expires: "2027-01-01", due: "2026-01-01" }).overdue, false);
      assert.equal(reviewOne({ status: "transferred", due: "2026-01-01" }).overdue, false);
      assert.equal(reviewOne({ status: "false-positive", due: "2026-01-01" }).overdue, false);
    });

    it("flags a reopened finding that is past due: its effective status is open", () => {
      const expired = reviewOne({ status: "accepted", expires: "2026-10-31", due: "2026-10-01" });
      assert.equal(expired.status, "open");
      assert.equal(expired.overdue, true);
      assert.equal(expired.daysOverdue, 52);
    });
  });
});

describe("reviewDecisions: orphan decisions", () => {
  const current = [finding(EXFIL), finding("TW-EXF-001@support-agent+send-sms"), finding("TW-PI-001@support-agent")];

  it("reports a decision whose finding the analysis no longer raises, in model order, with a did-you-mean of the same rule", () => {
    const decisions: Decision[] = [
      { finding: "TW-EXF-001@support-agent+send-emails", status: "accepted", expires: "2027-01-01" },
      { finding: EXFIL, status: "open" },
      { finding: "TW-EXF-001@old-agent+webhook", status: "mitigating" },
      { finding: "TW-NHI-006@api-key", status: "false-positive" },
      { finding: "free text, not an ID", status: "open" },
    ];
    const review = reviewDecisions(result(current), model(decisions), TODAY);
    assert.deepEqual(
      review.orphans.map((o) => [o.finding, o.suggestion, o.hint]),
      [
        ["TW-EXF-001@support-agent+send-emails", EXFIL, `did you mean '${EXFIL}'? an element it names may have been renamed`],
        ["TW-EXF-001@old-agent+webhook", undefined, `rule TW-EXF-001 now raises ${EXFIL}, TW-EXF-001@support-agent+send-sms; move the decision to the finding it is about, or remove it`],
        ["TW-NHI-006@api-key", undefined, "rule TW-NHI-006 raises no finding in this model any more; remove the decision, or keep it as a record"],
        ["free text, not an ID", undefined, "not a finding ID: finding IDs are written RULE@element, such as TW-EXF-001@support-agent+send-customer-email"],
      ],
    );
    assert.equal(review.orphans[0]!.decision.status, "accepted");
  });

  it("does not offer a finding of another rule", () => {
    const review = reviewDecisions(result(current), model([{ finding: "TW-PI-002@support-agent", status: "open" }]), TODAY);
    assert.equal(review.orphans[0]!.suggestion, undefined);
  });

  it("reports no orphans when every decision has its finding", () => {
    const review = reviewDecisions(result(current), model([{ finding: EXFIL, status: "open" }]), TODAY);
    assert.deepEqual(review.orphans, []);
  });
});

describe("reviewDecisions: summary", () => {
  it("counts findings by effective status and the flags", () => {
    const ids = ["TW-A-001@a", "TW-A-001@b", "TW-A-001@c", "TW-A-001@d", "TW-A-001@e"];
    const decisions: Decision[] = [
      { finding: ids[0]!, status: "accepted", expires: "2026-11-01" }, // expired: open
      { finding: ids[1]!, status: "mitigating", due: "2026-11-01" }, // overdue
      { finding: ids[2]!, status: "accepted", expires: "2026-12-01" }, // expiring soon
      { finding: ids[3]!, status: "mitigated" }, // no control: open
      { finding: "TW-A-001@gone", status: "open" }, // orphan
    ];
    const review = reviewDecisions(result(ids.map((id) => finding(id))), model(decisions), TODAY);
    assert.deepEqual(review.summary, {
      byStatus: { open: 3, mitigating: 1, mitigated: 0, accepted: 1, transferred: 0, "false-positive": 0 },
      undecided: 1,
      reopened: 2,
      expired: 1,
      overdue: 1,
      orphans: 1,
      expiringSoon: 1,
    });
    assert.equal(review.date, TODAY);
    assert.deepEqual(review.findings.map((f) => f.finding), ids, "in the analysis's order");
  });

  it("gives the same review for the same input", () => {
    const decisions: Decision[] = [{ finding: EXFIL, status: "accepted", expires: "2026-12-01" }];
    assert.deepEqual(reviewDecisions(result([finding(EXFIL)]), model(decisions), TODAY), reviewDecisions(result([finding(EXFIL)]), model(decisions), TODAY));
  });
});

describe("helpers", () => {
  it("counts days between dates across months and leap days", () => {
    assert.equal(daysBetween("2024-02-28", "2024-03-01"), 2);
    assert.equal(daysBetween("2026-11-22", "2026-12-22"), 30);
    assert.equal(daysBetween("2026-11-22", "2026-11-01"), -21);
  });

  it("tells finding IDs from other text", () => {
    assert.ok(isFindingId("TW-EXF-001@support-agent+send-customer-email"));
    assert.ok(isFindingId("TW-PI-001@support-agent"));
    assert.ok(!isFindingId("TW-PI-001"));
    assert.ok(!isFindingId("TW-PI-001@"));
    assert.ok(!isFindingId("TW-PI-001@a+"));
    assert.ok(!isFindingId("sk-live abc@def"));
  });
});
