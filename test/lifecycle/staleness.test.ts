import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChangedCommit, ChangesSinceReview } from "../../src/lifecycle/staleness.js";
import { assessStaleness, isAfterReviewDay, sameModelUnderReview } from "../../src/lifecycle/staleness.js";
import type { Review } from "../../src/model/schema.js";

const review = (date: string, extra: Partial<NonNullable<Review["lastReview"]>> = {}, cadence = "P90D"): Review => ({
  owner: "appsec@example.com",
  cadence,
  lastReview: { date, by: "appsec@example.com", ...extra },
});

const commit = (hash: string, subject: string, modelUnchanged = false): ChangedCommit => ({ hash, date: "2026-10-15T10:00:00Z", subject, files: ["threatwright.yaml"], modelUnchanged });

const noChanges: ChangesSinceReview = { known: true, since: "date", commits: [], uncommitted: [] };

const text = (s: string) => Buffer.from(s, "utf8");

describe("staleness by cadence", () => {
  it("is up to date within the cadence: 2026-10-01 + P90D is due 2026-12-30", () => {
    const s = assessStaleness({ review: review("2026-10-01"), today: "2026-11-22", changesSinceReview: noChanges });
    assert.equal(s.stale, false);
    assert.deepEqual(s.reasons, []);
    assert.equal(s.nextDue, "2026-12-30");
    assert.equal(s.daysOverdue, 0);
    assert.equal(s.changedSinceReview, false);
    assert.equal(s.historyUnknown, null);
  });

  it("is stale when the review is dated after today, and says so; the day itself is not in the future", () => {
    const s = assessStaleness({ review: review("2099-01-01"), today: "2026-11-22", changesSinceReview: noChanges });
    assert.equal(s.stale, true);
    assert.deepEqual(s.reasons, ["last review is dated 2099-01-01, after today (2026-11-22): a review cannot be recorded ahead of time; correct review.lastReview.date"]);
    assert.equal(s.daysOverdue, 0);
    assert.equal(s.changedSinceReview, false);
    const tomorrow = assessStaleness({ review: review("2026-11-23"), today: "2026-11-22", changesSinceReview: noChanges });
    assert.equal(tomorrow.stale, true);
    assert.equal(assessStaleness({ review: review("2026-11-22"), today: "2026-11-22", changesSinceReview: noChanges }).stale, false);
  });

  it("is stale past the cadence: 2026-06-01 is 174 days old on 2026-11-22, due 2026-08-30, 84 days overdue", () => {
    const s = assessStaleness({ review: review("2026-06-01"), today: "2026-11-22", changesSinceReview: noChanges });
    assert.equal(s.stale, true);
    assert.equal(s.nextDue, "2026-08-30");
    assert.equal(s.daysOverdue, 84);
    assert.deepEqual(s.reasons, ["last review 2026-06-01 is 174 days old; cadence is P90D (due 2026-08-30, 84 days overdue)"]);
  });

  it("is not stale on the due date itself, and is one day overdue the day after", () => {
    const due = assessStaleness({ review: review("2026-06-01"), today: "2026-08-30", changesSinceReview: noChanges });
    assert.equal(due.stale, false);
    assert.equal(due.daysOverdue, 0);
    assert.deepEqual(due.notes, ["review due today (2026-08-30)"]);
    const late = assessStaleness({ review: review("2026-06-01"), today: "2026-08-31", changesSinceReview: noChanges });
    assert.equal(late.stale, true);
    assert.equal(late.daysOverdue, 1);
    assert.match(late.reasons[0]!, /is 91 days old; cadence is P90D \(due 2026-08-30, 1 day overdue\)$/);
  });

  it("keeps a month end within its month: 2026-08-31 + P6M is due 2027-02-28", () => {
    const s = assessStaleness({ review: review("2026-08-31", {}, "P6M"), today: "2027-03-01", changesSinceReview: noChanges });
    assert.equal(s.nextDue, "2027-02-28");
    assert.equal(s.daysOverdue, 1);
  });

  it("is stale without a review policy or without a recorded review", () => {
    const none = assessStaleness({ review: undefined, today: "2026-11-22" });
    assert.equal(none.stale, true);
    assert.match(none.reasons[0]!, /^no review policy/);
    assert.equal(none.nextDue, null);
    const never = assessStaleness({ review: { owner: "appsec@example.com", cadence: "P90D" }, today: "2026-11-22" });
    assert.equal(never.stale, true);
    assert.deepEqual(never.reasons, ["no review recorded (appsec@example.com reviews every P90D)"]);
    assert.equal(never.nextDue, null);
  });
});

describe("staleness by changes since the review", () => {
  it("names the commits after the reviewed commit", () => {
    const changes: ChangesSinceReview = { known: true, since: "commit", commits: [commit("0123456789abcdef", "Add refund tool")], uncommitted: [] };
    const s = assessStaleness({ review: review("2026-10-01", { commit: "abc1234def" }), today: "2026-11-22", changesSinceReview: changes });
    assert.equal(s.stale, true);
    assert.equal(s.changedSinceReview, true);
    assert.deepEqual(s.reasons, ["1 commit changed the model since the reviewed commit abc1234 (review on 2026-10-01): 0123456 'Add refund tool'"]);
  });

  it("names the commits after the review day when no commit is recorded, five at most", () => {
    const commits = ["a", "b", "c", "d", "e", "f", "g"].map((c, i) => commit(`${c}${i}00000000`, `Change ${c}`));
    const s = assessStaleness({ review: review("2026-10-01"), today: "2026-11-22", changesSinceReview: { known: true, since: "date", commits, uncommitted: [] } });
    assert.deepEqual(s.reasons, ["7 commits changed the model since the review on 2026-10-01: a000000 'Change a', b100000 'Change b', c200000 'Change c', d300000 'Change d', e400000 'Change e' and 2 more"]);
  });

  it("counts uncommitted changes to the model files", () => {
    const changes: ChangesSinceReview = { known: true, since: "date", commits: [], uncommitted: [{ file: "tm/agents.yaml", state: "modified", modelUnchanged: false }, { file: "tm/new.yaml", state: "untracked", modelUnchanged: false }] };
    const s = assessStaleness({ review: review("2026-10-01"), today: "2026-11-22", changesSinceReview: changes });
    assert.deepEqual(s.reasons, ["uncommitted changes to 2 model files: tm/agents.yaml (modified), tm/new.yaml (untracked)"]);
  });

  it("does not count commits that left the model under review unchanged (decisions, the review record)", () => {
    const changes: ChangesSinceReview = { known: true, since: "date", commits: [commit("feedbeef00", "Accept the exfiltration risk", true)], uncommitted: [{ file: "tm/threatwright.yaml", state: "modified", modelUnchanged: true }] };
    const s = assessStaleness({ review: review("2026-10-01"), today: "2026-11-22", changesSinceReview: changes });
    assert.equal(s.stale, false);
    assert.equal(s.changedSinceReview, false);
    assert.deepEqual(s.commits, []);
    assert.match(s.notes[0]!, /^1 commit since the review changed only the review record, decisions, comments or layout \(not counted\): feedbee 'Accept the exfiltration risk'$/);
    assert.match(s.notes[1]!, /tm\/threatwright\.yaml/);
  });

  it("says when git could not tell, and judges by the cadence alone", () => {
    const s = assessStaleness({ review: review("2026-10-01"), today: "2026-11-22", changesSinceReview: { known: false, reason: "/x is not inside a git repository" } });
    assert.equal(s.stale, false);
    assert.equal(s.changedSinceReview, null);
    assert.equal(s.historyUnknown, "/x is not inside a git repository");
    assert.deepEqual(s.notes, ["could not tell from git whether the model changed since the review: /x is not inside a git repository"]);
  });

  it("says when git does not know the reviewed commit, and counts from the review day", () => {
    const s = assessStaleness({ review: review("2026-10-01", { commit: "8c41f07" }), today: "2026-11-22", changesSinceReview: { ...noChanges, unknownCommit: "8c41f07" } });
    assert.equal(s.stale, false);
    assert.match(s.notes[0]!, /^git does not know the reviewed commit '8c41f07'.*counted from the end of the review day \(2026-10-01\)/);
    const odd = assessStaleness({ review: review("2026-10-01", { commit: "not a hash; $(x)" }), today: "2026-11-22", changesSinceReview: { ...noChanges, unknownCommit: "not a hash; $(x)" } });
    assert.doesNotMatch(odd.notes[0]!, /\$\(x\)/, "arbitrary text is not echoed");
  });
});

describe("isAfterReviewDay", () => {
  it("counts from the end of the review day in UTC", () => {
    assert.equal(isAfterReviewDay("2026-10-01T23:59:59Z", "2026-10-01"), false);
    assert.equal(isAfterReviewDay("2026-10-02T00:00:00Z", "2026-10-01"), true);
    assert.equal(isAfterReviewDay("2026-10-02T01:00:00+02:00", "2026-10-01"), false, "23:00 UTC on the review day");
    assert.equal(isAfterReviewDay("2026-10-01T20:00:00-05:00", "2026-10-01"), true, "01:00 UTC the day after");
    assert.equal(isAfterReviewDay("2026-09-30T12:00:00Z", "2026-10-01"), false);
  });
});

describe("sameModelUnderReview", () => {
  const root = "threatwright: 1\nsystem:\n  id: s\n  name: S\n  owner: t@example.com\nreview:\n  owner: a@example.com\n  cadence: P90D\n";

  it("sets aside the review record, decisions, comments and layout", () => {
    const recorded = `${root}  lastReview:\n    date: 2026-10-01\n    commit: abc1234\n`;
    assert.equal(sameModelUnderReview("threatwright.yaml", text(root), text(recorded)), true, "recording a review");
    const decisions = "decisions:\n  - finding: TW-EXFIL-001@a\n    status: accepted\n    owner: a@example.com\n";
    assert.equal(sameModelUnderReview("decisions.yaml", text(decisions), text(decisions.replace("accepted", "mitigating"))), true, "a file that holds only decisions");
    assert.equal(sameModelUnderReview("decisions.yaml", undefined, text(decisions)), true, "a new decisions-only file");
    assert.equal(sameModelUnderReview("threatwright.yaml", text(root), text(`# reviewed by appsec\n${root}`)), true, "a comment");
  });

  it("counts any other change, and text that does not parse", () => {
    assert.equal(sameModelUnderReview("threatwright.yaml", text(root), text(root.replace("name: S", "name: T"))), false);
    assert.equal(sameModelUnderReview("agents.yaml", undefined, text("agents:\n  - id: a\n")), false, "a new file with elements");
    assert.equal(sameModelUnderReview("agents.yaml", text("agents:\n  - id: a\n"), undefined), false, "a deleted file");
    assert.equal(sameModelUnderReview("threatwright.yaml", text(root), text(`${root}: [`)), false);
    assert.equal(sameModelUnderReview("threatwright.yaml", text(root), text(`${root}include: [decisions.yaml]\n`)), false, "the include list changed");
  });
});
