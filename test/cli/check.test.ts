// threatwright check, the CI gate, on real git history: a copy of the support-assistant example
// is committed on main (on its review day, 2026-09-30), then a feature branch changes it one
// commit at a time and is checked against main. Expected results are worked out from the model
// and the rules' documented scores (see test/lifecycle/diff.test.ts), not copied from a run.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { CheckReport } from "../../src/cli/commands/check.js";
import type { TempRepo } from "../lifecycle/helpers-git.js";
import { commitFiles, exampleFiles, editFile, makeRepo } from "../lifecycle/helpers-git.js";
import { runCli } from "./harness.js";

const cli = (cwd: string, args: string[]) => runCli(args, { cwd, today: "2026-10-02" });

const edit = editFile;

const ROOT = "threatmodel/threatwright.yaml";
const COMPONENTS = "threatmodel/components.yaml";
const CONTROLS = "threatmodel/controls.yaml";
const NEW_FINDING = "TW-AGY-001@support-agent+cancel-order";
const CHECKS = ["findings", "expired-acceptances", "overdue", "stale", "material-change-review"];

describe("threatwright check on a git history", () => {
  let repo: TempRepo;
  let scratch: string;
  let model: string;
  let relaxed: string;
  let files: Record<string, string>;

  const check = async (...args: string[]) => {
    const run = await cli(repo.root, ["check", model, ...args, "--format", "json"]);
    const report = JSON.parse(run.out) as CheckReport;
    const outcomes = Object.fromEntries(report.checks.map((c) => [c.check, c.outcome]));
    return { ...run, report, outcomes, byCheck: Object.fromEntries(report.checks.map((c) => [c.check, c])) };
  };

  before(() => {
    repo = makeRepo();
    scratch = mkdtempSync(path.join(os.tmpdir(), "tw-policy-"));
    model = path.join(repo.root, "threatmodel");
    // For steps that isolate the findings checks: a material change only warns.
    relaxed = path.join(scratch, "relaxed.yaml");
    writeFileSync(relaxed, "# only warn about unreviewed material changes\nmaterialChangeNeedsReview: warn\n");
    files = exampleFiles("support-assistant");
    commitFiles(repo, files, "Support assistant threat model", "2026-09-30");
    repo.git("checkout", "--quiet", "-b", "feature");
  });

  after(() => {
    repo.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("(e) defaults, no baseline, unchanged example: fails on its 15 open critical and high findings only", async () => {
    // On 2026-10-02 the example has 27 findings, none decided; 4 critical + 11 high are open (among them
    // TW-EXF-005, visitors' answers built from other customers' tickets, residual 18.75, and TW-PRV-002,
    // refunds for anyone who asks, 15), so the findings check fails. (The refunds key, rotated 2026-05-02
    // every P180D, is due on 2026-10-29: its TW-NHI-002, high, appears only after that, as on the
    // 28-finding analysis of 2026-11-22.)
    // No decisions: nothing expired or overdue. Committed on the review day, due 2026-12-29: not stale.
    const { code, report, outcomes, byCheck } = await check("--date", "2026-10-02");
    assert.equal(code, 1);
    assert.equal(report.passed, false);
    assert.equal(report.baseline, null);
    assert.equal(report.policy.file, null);
    assert.deepEqual(outcomes, { findings: "fail", "expired-acceptances": "pass", overdue: "pass", stale: "pass", "material-change-review": "pass" });
    assert.equal(byCheck.findings?.reason, "15 unmitigated findings at or above high");
    assert.equal(byCheck.findings?.findings?.[0], "TW-EXF-001@support-agent+send-customer-email");
    assert.equal(byCheck["material-change-review"]?.reason, "not checked: needs --baseline");
  });

  it("passes against its own baseline: nothing new, no change", async () => {
    const { code, outcomes, report } = await check("--baseline", "main", "--date", "2026-10-02");
    assert.equal(code, 0);
    assert.equal(report.baseline?.classification, "unchanged");
    assert.deepEqual(Object.values(outcomes), CHECKS.map(() => "pass"));
  });

  it("(a) a new tool raises a new critical finding: fails naming it", async () => {
    // The support agent gets a tool that writes to the orders database: TW-AGY-001 on it, 4 x 5 = 20 critical.
    files = edit(files, COMPONENTS, "tools: [lookup-order, issue-refund, send-customer-email]", "tools: [lookup-order, issue-refund, send-customer-email, cancel-order]");
    files = edit(
      files,
      COMPONENTS,
      "\ndatastores:",
      "  - id: cancel-order\n    name: Cancel order\n    owner: orders-team@example.com\n    boundary: support-prod\n    runsOn: chat-backend\n    runsAs: orders-service-account\n    capabilities:\n      - action: write\n        on: [orders-db]\n\ndatastores:",
    );
    commitFiles(repo, files, "Agent can cancel orders", "2026-10-01");

    const { code, report, outcomes, byCheck } = await check("--baseline", "main", "--date", "2026-10-02");
    assert.equal(code, 1);
    assert.equal(report.baseline?.classification, "material");
    // The 15 open findings main already had do not count; the new one does.
    assert.deepEqual(byCheck.findings?.findings, [NEW_FINDING]);
    assert.equal(byCheck.findings?.reason, "1 new unmitigated finding at or above high");
    // Committed after the review day: the model changed since its review, a warning by default.
    assert.deepEqual(outcomes, { findings: "fail", "expired-acceptances": "pass", overdue: "pass", stale: "warn", "material-change-review": "fail" });

    const text = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02"]);
    assert.equal(text.code, 1);
    assert.match(text.out, /\n {2}FAIL findings: 1 new unmitigated finding at or above high\n {9}- \[critical 20\] TW-AGY-001@support-agent\+cancel-order {2}Injectable agent can change or delete important data \(open\): new\n/);
    assert.match(text.out, /\nFAILED \(2 failed, 1 warning\)\n$/);

    // The same baseline written REV:PATH.
    assert.deepEqual((await check("--baseline", "main:threatmodel/", "--date", "2026-10-02")).outcomes, outcomes);
  });

  it("(a) Markdown names the failing finding; SARIF marks it new against the baseline", async () => {
    const md = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02", "--format", "markdown"]);
    assert.equal(md.code, 1);
    assert.match(md.out, /^## Threatwright check: Customer support assistant\n\n\*\*FAIL\*\*: 2 failed, 1 warning\n/);
    assert.match(md.out, /\n\| findings \| \*\*fail\*\* \| 1 new unmitigated finding at or above high \|\n/);
    assert.match(md.out, /### Failing findings\n\n\| Severity \| Finding \| Status \| Residual \| Against the baseline \|\n\|---\|---\|---\|---:\|---\|\n\| critical \| `TW-AGY-001@support-agent\+cancel-order` Injectable agent can change or delete important data \| open: no decision recorded \| 20 \| new \|\n/);

    const sarif = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02", "--format", "sarif"]);
    assert.equal(sarif.code, 1);
    const results = (JSON.parse(sarif.out) as { runs: { results: { partialFingerprints: { threatwrightFindingId: string }; baselineState: string }[] }[] }).runs[0]!.results;
    const state = new Map(results.map((r) => [r.partialFingerprints.threatwrightFindingId, r.baselineState]));
    assert.equal(state.get(NEW_FINDING), "new");
    assert.equal(state.get("TW-EXF-001@support-agent+send-customer-email"), "unchanged");
    assert.deepEqual([...state.values()].filter((s) => s === "new"), ["new"]);
  });

  it("(b) accepting the finding until 2026-12-31 passes (unreviewed material change only warns here)", async () => {
    files = { ...files, [ROOT]: `${files[ROOT]}\ndecisions:\n  - finding: ${NEW_FINDING}\n    status: accepted\n    owner: appsec@example.com\n    justification: Cancelling is undone within 24 hours\n    expires: 2026-12-31\n` };
    commitFiles(repo, files, "Accept cancel-order risk", "2026-10-02");
    const relaxedRun = await check("--baseline", "main", "--policy", relaxed, "--date", "2026-10-03");
    assert.equal(relaxedRun.code, 0);
    assert.equal(relaxedRun.report.policy.file, relaxed);
    assert.deepEqual(relaxedRun.outcomes, { findings: "pass", "expired-acceptances": "pass", overdue: "pass", stale: "warn", "material-change-review": "warn" });
  });

  it("(d) a material change without a recorded review fails, and passes once review.lastReview is updated in the change", async () => {
    const unreviewed = await check("--baseline", "main", "--date", "2026-10-03");
    assert.equal(unreviewed.code, 1);
    assert.deepEqual(unreviewed.outcomes, { findings: "pass", "expired-acceptances": "pass", overdue: "pass", stale: "warn", "material-change-review": "fail" });
    assert.match(unreviewed.byCheck["material-change-review"]?.reason ?? "", /^material change without a recorded review \(agent 'support-agent' gained tools 'cancel-order'; tool 'cancel-order' added/);

    files = edit(files, ROOT, "    date: 2026-09-30\n    by: appsec@example.com\n    commit: 8c41f07\n", "    date: 2026-10-03\n    by: appsec@example.com\n");
    commitFiles(repo, files, "Review of cancel-order", "2026-10-03");
    const reviewed = await check("--baseline", "main", "--date", "2026-10-03");
    assert.equal(reviewed.code, 0);
    // Reviewed on the day of the last change: not stale any more either.
    assert.deepEqual(Object.values(reviewed.outcomes), CHECKS.map(() => "pass"));
    assert.equal(reviewed.byCheck["material-change-review"]?.reason, "material change, review recorded (2026-10-03 by appsec@example.com)");
  });

  it("(c) past the acceptance's expiry, fails on the expired acceptance", async () => {
    const { code, outcomes, byCheck } = await check("--baseline", "main", "--date", "2027-01-01");
    assert.equal(code, 1);
    assert.deepEqual(byCheck["expired-acceptances"]?.findings, [NEW_FINDING]);
    // Reopened, the finding is open and new again, so the findings check fails on it as well.
    assert.deepEqual(byCheck.findings?.findings, [NEW_FINDING]);
    // 2026-10-03 + P90D = 2027-01-01: due today, not yet overdue.
    assert.deepEqual(outcomes, { findings: "fail", "expired-acceptances": "fail", overdue: "pass", stale: "pass", "material-change-review": "pass" });
  });

  it("reads threatwright-policy.yaml next to the model", async () => {
    const file = path.join(model, "threatwright-policy.yaml");
    writeFileSync(file, "expiredAcceptances: warn\nfailOn:\n  severity: critical\n");
    try {
      const { code, outcomes, report } = await check("--baseline", "main", "--date", "2027-01-01");
      assert.equal(report.policy.file, file);
      assert.equal(code, 1); // the reopened finding is critical
      assert.equal(outcomes["expired-acceptances"], "warn");
    } finally {
      rmSync(file);
    }
  });

  it("an invalid policy file exits 2 with file:line:col", async () => {
    const file = path.join(scratch, "bad.yaml");
    writeFileSync(file, "# policy\nfailOn:\n  severity: severe\nstale: fial\n");
    const { code, out, err } = await cli(repo.root, ["check", model, "--policy", file]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.match(err, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:3:13: error invalid-value: failOn\\.severity is not one of the allowed values\n`));
    assert.match(err, /:4:8: error invalid-value: stale is not one of the allowed values\n {2}hint: did you mean 'fail'\?/);
    const missing = await cli(repo.root, ["check", model, "--policy", path.join(scratch, "none.yaml")]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /none\.yaml:1:1: error io-error: no such policy file/);
  });

  it("an unknown baseline revision exits 2", async () => {
    const { code, err } = await cli(repo.root, ["check", model, "--baseline", "no-such-branch"]);
    assert.equal(code, 2);
    assert.match(err, /^error: baseline: unknown revision 'no-such-branch'\n/);
  });
});

describe("threatwright check's terminal text", () => {
  it("keeps escape sequences in model text out of it", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "tw-check-hostile-"));
    try {
      const files = editFile(exampleFiles("support-assistant", ""), "/threatwright.yaml", "name: Customer support assistant", 'name: "Support\\e[2J\\e]0;x\\a assistant"');
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder, path.basename(name)), text);
      const { code, out, err } = await cli(folder, ["check", folder]);
      assert.equal(code, 1, err);
      assert.match(out, /^Threatwright check of Support\?\[2J\?\]0;x\? assistant \(2026-10-02\)\n/);
      assert.doesNotMatch(out.replaceAll("\n", ""), /\p{Cc}/u);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

/** The chat-rate-limit control of the support-assistant example: the only control on three medium findings. */
const RATE_LIMIT = /\n {2}- id: chat-rate-limit\n(?: {4}.*\n)+?(?= {2}- id: )/;
const PRV = "TW-PRV-001@support-agent+lookup-order";
const REFUNDS = "TW-AGY-002@support-agent+issue-refund";
const ACCEPT_PRV = `\ndecisions:\n  - finding: ${PRV}\n    status: accepted\n    owner: appsec@example.com\n    justification: Order lookups are rate limited\n  - finding: ${REFUNDS}\n    status: accepted\n    owner: appsec@example.com\n    justification: Refunds are capped at 50 EUR\n`;

describe("threatwright check against a baseline the change made worse", () => {
  let repo: TempRepo;
  let model: string;

  before(() => {
    repo = makeRepo();
    model = path.join(repo.root, "threatmodel");
    const files = exampleFiles("support-assistant");
    const main: Record<string, string> = { ...files, [ROOT]: `${files[ROOT]}${ACCEPT_PRV}` };
    commitFiles(repo, main, "Support assistant threat model, order lookup risk accepted", "2026-09-30");
    repo.git("checkout", "--quiet", "-b", "feature");
    const controls = main[CONTROLS] ?? "";
    assert.match(controls, RATE_LIMIT);
    commitFiles(repo, { ...edit(main, ROOT, "    status: accepted\n    owner: appsec@example.com\n    justification: Order lookups are rate limited\n", "    status: open\n    owner: appsec@example.com\n"), [CONTROLS]: controls.replace(RATE_LIMIT, "\n") }, "Drop the chat rate limit; reopen the order lookup risk", "2026-10-01");
  });

  after(() => repo.remove());

  it("fails on the findings re-scored up to high and the accepted finding now open, saying which and why", async () => {
    // Without chat-rate-limit, four findings it alone lowered go back to their inherent scores (docs/scoring.md):
    // TW-OUT-002 10 -> 15, TW-GOV-006 9 -> 12, TW-INF-002 6 -> 12, TW-INF-003 9 -> 12, all medium -> high; TW-PRV-002 (refunds
    // for anyone who asks) 5x3 = 15 -> 5x4 = 20, high -> critical. TW-AGY-002, which it
    // lowered with the refund cap, rises too, but is accepted on both sides: a settled finding does not count.
    // TW-PRV-001 (critical 20) was accepted on main and is open now. Most severe first, then by residual, then by ID.
    const run = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02", "--format", "json"]);
    assert.equal(run.code, 1);
    const report = JSON.parse(run.out) as CheckReport;
    const findings = report.checks.find((c) => c.check === "findings")!;
    assert.equal(findings.outcome, "fail");
    assert.deepEqual(findings.findings, [PRV, "TW-PRV-002@support-agent", "TW-OUT-002@support-agent+email-api", "TW-GOV-006@support-agent", "TW-INF-002@support-agent", "TW-INF-003@support-agent+chat-llm"]);
    assert.equal(findings.reason, "6 unmitigated findings at or above high new or worse than at the baseline (1 no longer settled, 5 re-scored upward)");
    assert.deepEqual(findings.why, {
      [PRV]: "accepted at the baseline, open now: recorded as open",
      "TW-PRV-002@support-agent": "re-scored high → critical (residual 15 → 20)",
      "TW-OUT-002@support-agent+email-api": "re-scored medium → high (residual 10 → 15)",
      "TW-GOV-006@support-agent": "re-scored medium → high (residual 9 → 12)",
      "TW-INF-002@support-agent": "re-scored medium → high (residual 6 → 12)",
      "TW-INF-003@support-agent+chat-llm": "re-scored medium → high (residual 9 → 12)",
    });
    // Removing a control is a delta (no trust boundary, entry point, identity or capability changed).
    assert.equal(report.baseline?.classification, "delta");

    const text = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02"]);
    assert.equal(text.code, 1);
    assert.match(text.out, /^Threatwright check of Customer support assistant \(2026-10-02\) against main \(delta change\)\n/);
    assert.match(text.out, /\n {2}FAIL findings: 6 unmitigated findings at or above high new or worse than at the baseline \(1 no longer settled, 5 re-scored upward\)\n {9}- \[critical 20\] TW-PRV-001@support-agent\+lookup-order {2}[^\n]+ \(open\): accepted at the baseline, open now: recorded as open\n {9}- \[critical 20\] TW-PRV-002@support-agent {2}[^\n]+ \(open\): re-scored high → critical \(residual 15 → 20\)\n {9}- \[high 15\] TW-OUT-002@support-agent\+email-api {2}[^\n]+ \(open\): re-scored medium → high \(residual 10 → 15\)\n/);

    const md = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02", "--format", "markdown"]);
    // Of the six failing findings, PRV-001, PRV-002, GOV-006, INF-002 and INF-003 have no attack path: how the
    // agent is set up. OUT-002's path has the agent steered.
    assert.match(md.out, /### Failing findings\n\nBy root cause: how support-agent is set up \\\(5\\\), untrusted text steers support-agent \\\(1\\\)\.\n\n\| Severity \| Finding \| Status \| Residual \| Against the baseline \|\n\|---\|---\|---\|---:\|---\|\n\| critical \| `TW-PRV-001@support-agent\+lookup-order` [^\n]+ \| open: recorded as open \| 20 \| accepted at the baseline, open now: recorded as open \|\n\| critical \| `TW-PRV-002@support-agent` [^\n]+ \| 20 \| re-scored high → critical \\\(residual 15 → 20\\\) \|\n\| high \| `TW-OUT-002@support-agent\+email-api` [^\n]+ \| 15 \| re-scored medium → high \\\(residual 10 → 15\\\) \|\n/);

    // SARIF: a re-scored finding is "updated"; one whose residual stayed (reopened, still 20) "unchanged"; none is new.
    const sarif = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02", "--format", "sarif"]);
    const results = (JSON.parse(sarif.out) as { runs: { results: { partialFingerprints: { threatwrightFindingId: string }; baselineState: string }[] }[] }).runs[0]!.results;
    const state = new Map(results.map((r) => [r.partialFingerprints.threatwrightFindingId, r.baselineState]));
    assert.equal(state.get("TW-OUT-002@support-agent+email-api"), "updated");
    assert.equal(state.get(PRV), "unchanged");
    assert.equal([...state.values()].filter((s) => s === "new").length, 0);
  });

  it("passes when nothing got worse: a finding unchanged from the baseline does not count", async () => {
    const run = await cli(repo.root, ["check", model, "--baseline", "feature", "--date", "2026-10-02", "--format", "json"]);
    const report = JSON.parse(run.out) as CheckReport;
    assert.equal(report.checks.find((c) => c.check === "findings")?.outcome, "pass");
    assert.equal(report.checks.find((c) => c.check === "findings")?.reason, "no unmitigated findings at or above high new or worse than at the baseline");
    const text = await cli(repo.root, ["check", model, "--baseline", "feature", "--date", "2026-10-02"]);
    assert.match(text.out, /^Threatwright check of Customer support assistant \(2026-10-02\) against feature \(no change to the model\)\n/);
    const md = await cli(repo.root, ["check", model, "--baseline", "feature", "--date", "2026-10-02", "--format", "markdown"]);
    assert.match(md.out, /\nAnalysed on 2026-10-02 against `feature` \(no change to the model\)\.\n/);
  });
});

describe("threatwright check: what counts as a recorded review", () => {
  let repo: TempRepo;
  let model: string;
  let files: Record<string, string>;

  before(() => {
    repo = makeRepo();
    model = path.join(repo.root, "threatmodel");
    files = exampleFiles("support-assistant");
    commitFiles(repo, files, "Support assistant threat model", "2026-09-30");
    repo.git("checkout", "--quiet", "-b", "feature");
    // A material change: the support agent gets the cancel-order tool of the history above.
    files = edit(files, COMPONENTS, "tools: [lookup-order, issue-refund, send-customer-email]", "tools: [lookup-order, issue-refund, send-customer-email, cancel-order]");
    files = edit(files, COMPONENTS, "\ndatastores:", "  - id: cancel-order\n    name: Cancel order\n    owner: orders-team@example.com\n    boundary: support-prod\n    runsOn: chat-backend\n    runsAs: orders-service-account\n    capabilities:\n      - action: write\n        on: [orders-db]\n\ndatastores:");
  });

  after(() => repo.remove());

  const review = async (from: string, to: string) => {
    commitFiles(repo, edit(files, ROOT, from, to), "Change the review record", "2026-10-01");
    const run = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-03", "--format", "json"]);
    return (JSON.parse(run.out) as CheckReport).checks;
  };

  it("is not an edit of the notes alone, nor a date moved back", async () => {
    const notes = await review("      Reviewed after the refund tool went live.", "      Reviewed again after the refund tool went live.");
    const material = notes.find((c) => c.check === "material-change-review")!;
    assert.equal(material.outcome, "fail");
    assert.match(material.reason, /^material change without a recorded review \(.*; review\.lastReview was edited, but names no later date, other reviewer or other commit than the baseline's$/);
    const back = await review("    date: 2026-09-30\n", "    date: 2026-09-01\n");
    assert.match(back.find((c) => c.check === "material-change-review")!.reason, /; review\.lastReview\.date 2026-09-01 is before the baseline's 2026-09-30$/);
  });

  it("is not a review dated after the analysis date, which also leaves the model stale", async () => {
    const checks = await review("    date: 2026-09-30\n", "    date: 2099-01-01\n");
    const material = checks.find((c) => c.check === "material-change-review")!;
    assert.equal(material.outcome, "fail");
    assert.match(material.reason, /; review\.lastReview\.date 2099-01-01 is after the analysis date 2026-10-03$/);
    const stale = checks.find((c) => c.check === "stale")!;
    assert.equal(stale.outcome, "warn");
    assert.match(stale.reason, /^model is stale: last review is dated 2099-01-01, after today \(2026-10-03\)/);
  });

  it("is a later date", async () => {
    const checks = await review("    date: 2026-09-30\n", "    date: 2026-10-02\n");
    assert.equal(checks.find((c) => c.check === "material-change-review")?.reason, "material change, review recorded (2026-10-02 by appsec@example.com)");
  });
});

describe("threatwright check in a shallow clone", () => {
  it("warns that git could not tell whether the model changed since its review", async () => {
    const repo = makeRepo();
    const clone = mkdtempSync(path.join(os.tmpdir(), "tw-shallow-"));
    try {
      const files = exampleFiles("support-assistant");
      commitFiles(repo, files, "Support assistant threat model", "2026-09-30");
      commitFiles(repo, edit(files, COMPONENTS, "tools: [lookup-order, issue-refund, send-customer-email]", "tools: [lookup-order, send-customer-email]"), "The agent stops refunding", "2026-10-01");
      // As actions/checkout does by default: one commit.
      repo.git("clone", "--quiet", "--depth", "1", `file://${repo.root}`, path.join(clone, "work"));
      const model = path.join(clone, "work", "threatmodel");
      const run = await cli(clone, ["check", model, "--date", "2026-10-02", "--format", "json"]);
      const stale = (JSON.parse(run.out) as CheckReport).checks.find((c) => c.check === "stale")!;
      assert.equal(stale.outcome, "warn");
      assert.match(stale.reason, /^could not tell from git whether the model changed since the review: the repository at .* is a shallow clone without the reviewed commit; fetch the full history/);
      const text = await cli(clone, ["check", model, "--date", "2026-10-02"]);
      assert.match(text.out, /\n {2}WARN stale: could not tell from git whether the model changed since the review: /);
    } finally {
      repo.remove();
      rmSync(clone, { recursive: true, force: true });
    }
  });
});

describe("threatwright check against a baseline without a usable model", () => {
  let repo: TempRepo;
  let model: string;
  const files = exampleFiles("support-assistant");

  before(() => {
    repo = makeRepo();
    model = path.join(repo.root, "threatmodel");
    commitFiles(repo, { "README.md": "# Support assistant\n" }, "Start", "2026-09-01");
  });

  after(() => repo.remove());

  it("the pull request that adds the model gates against an empty baseline, with a note", async () => {
    repo.git("checkout", "--quiet", "-b", "add-model", "main");
    commitFiles(repo, files, "Threat model", "2026-09-30");
    for (const baseline of ["main", "main:threatmodel/", "main:threatmodel/threatwright.yaml"]) {
      const run = await cli(repo.root, ["check", model, "--baseline", baseline, "--date", "2026-10-02", "--format", "json"]);
      // The 15 open critical and high findings of the example on 2026-10-02 (see (e) above), all new.
      assert.equal(run.code, 1, `${baseline}: ${run.err}`);
      const report = JSON.parse(run.out) as CheckReport;
      assert.equal(report.baseline?.model, "missing");
      assert.equal(report.baseline?.findings, 0);
      const findings = report.checks.find((c) => c.check === "findings")!;
      assert.equal(findings.reason, "15 new unmitigated findings at or above high (no model at the baseline: every finding is new)");
      assert.equal(Object.values(findings.why ?? {}).filter((w) => w === "new").length, 15);
      // A new model is reviewed in the change that adds it: the example records its review.
      assert.equal(report.checks.find((c) => c.check === "material-change-review")?.outcome, "pass");
      const at = baseline === "main" ? "main:threatmodel/threatwright.yaml" : baseline.replace(/\/$/, "");
      assert.equal(report.baseline?.note, `no model at ${at}: compared with an empty baseline, so every finding is new`);
      assert.match(run.err, /^note: baseline: no model at main:threatmodel/);
    }
    const text = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02"]);
    assert.match(text.out, /^Threatwright check of Customer support assistant \(2026-10-02\) against main \(no model there: everything is new\)\n {2}note: no model at main:threatmodel\/threatwright\.yaml: compared with an empty baseline, so every finding is new\n/);
    const md = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02", "--format", "markdown"]);
    assert.match(md.out, /\nAnalysed on 2026-10-02 against `main` \(no model there: everything is new\)\.\n\n> Note: no model at main:threatmodel\/threatwright\.yaml: compared with an empty baseline, so every finding is new\n/);
  });

  it("the pull request that fixes a model invalid on main since it was added gates against an empty baseline, with a warning", async () => {
    repo.git("checkout", "--quiet", "main");
    const broken = edit(files, ROOT, "cadence: P90D", "cadence: 90 days");
    commitFiles(repo, broken, "Threat model (with a typo)", "2026-09-30");
    repo.git("checkout", "--quiet", "-b", "fix-model");
    commitFiles(repo, files, "Fix the cadence", "2026-09-30");
    // The one problem is the cadence value: line of "  cadence:" in the root file, column after "  cadence: ".
    const line = (broken[ROOT] ?? "").split("\n").findIndex((l) => l.startsWith("  cadence: 90 days")) + 1;
    assert.ok(line > 0);
    const run = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02", "--format", "json"]);
    assert.equal(run.code, 1, run.err);
    const report = JSON.parse(run.out) as CheckReport;
    assert.equal(report.baseline?.model, "invalid");
    assert.equal(report.baseline?.fallback, null);
    const warning = `the model at main:threatmodel/threatwright.yaml is invalid (1 problem), and so is every earlier version on main: compared with an empty baseline, so every finding is new; the first problem: main:threatmodel/threatwright.yaml:${line}:12: review.cadence: `;
    assert.ok(report.baseline?.note?.startsWith(warning), report.baseline?.note ?? "no note");
    assert.ok(run.err.startsWith(`warning: baseline: ${warning}`), run.err);
    assert.equal(report.checks.find((c) => c.check === "findings")?.reason, "15 new unmitigated findings at or above high (the baseline's model is invalid: every finding is new)");
    const text = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02"]);
    assert.match(text.out, /^Threatwright check of Customer support assistant \(2026-10-02\) against main \(invalid there: everything is new\)\n {2}WARN baseline: the model at main:threatmodel\/threatwright\.yaml is invalid \(1 problem\)/);
    assert.match(text.out, /\nFAILED \(1 failed, 1 warning\)\n$/);
  });

  it("the pull request that fixes a model broken on main gates against its last valid version there, with a warning", async () => {
    const broken = makeRepo();
    try {
      const good = commitFiles(broken, files, "Threat model", "2026-09-30");
      commitFiles(broken, edit(files, ROOT, "cadence: P90D", "cadence: 90 days"), "Review every 90 days", "2026-10-01");
      broken.git("checkout", "--quiet", "-b", "fix");
      commitFiles(broken, files, "Fix the cadence", "2026-10-01");
      const model = path.join(broken.root, "threatmodel");
      const run = await cli(broken.root, ["check", model, "--baseline", "main", "--date", "2026-10-02", "--format", "json"]);
      // Against the model as it was before it broke, the fix changes nothing: every check passes.
      assert.equal(run.code, 0, run.err);
      const report = JSON.parse(run.out) as CheckReport;
      assert.equal(report.baseline?.model, "invalid");
      assert.equal(report.baseline?.fallback, good);
      assert.equal(report.baseline?.classification, "unchanged");
      assert.equal(report.baseline?.findings, 27);
      assert.deepEqual(report.checks.map((c) => c.outcome), CHECKS.map(() => "pass"));
      assert.match(report.baseline?.note ?? "", new RegExp(`^the model at main:threatmodel/threatwright\\.yaml is invalid \\(1 problem\\): compared with its last valid version on main, ${good.slice(0, 7)} 'Threat model' \\(2026-09-30\\); the first problem: main:threatmodel/threatwright\\.yaml:\\d+:12: review\\.cadence: `));
      // The same warning on stderr, whatever the format.
      assert.equal(run.err, `warning: baseline: ${report.baseline?.note}\n`);
      const text = await cli(broken.root, ["check", model, "--baseline", "main", "--date", "2026-10-02"]);
      assert.match(text.out, new RegExp(`^Threatwright check of Customer support assistant \\(2026-10-02\\) against main \\(invalid there: no change to the model since its last valid version, ${good.slice(0, 7)}\\)\n {2}WARN baseline: the model at main:`));
      assert.match(text.out, /\nPASSED \(1 warning\)\n$/);
    } finally {
      broken.remove();
    }
  });

  it("an unknown revision, or a model outside any repository, stays a setup error", async () => {
    assert.equal((await cli(repo.root, ["check", model, "--baseline", "no-such-branch"])).code, 2);
    const folder = mkdtempSync(path.join(os.tmpdir(), "tw-check-nogit-"));
    try {
      for (const [name, text] of Object.entries(exampleFiles("support-assistant", ""))) writeFileSync(path.join(folder, path.basename(name)), text);
      const { code, out, err } = await cli(folder, ["check", folder, "--baseline", "main"]);
      assert.equal(code, 2);
      assert.equal(out, "");
      assert.equal(err, "error: baseline: not in a git repository\n  hint: --baseline reads the baseline model from git: check a model inside a git repository, or leave --baseline out\n");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("threatwright check of a model in another repository", () => {
  it("reads REV:PATH from the repository that holds the model, not the current folder's", async () => {
    const here = makeRepo();
    const there = makeRepo();
    try {
      commitFiles(here, { "README.md": "# unrelated\n" }, "Unrelated", "2026-09-01");
      commitFiles(there, exampleFiles("support-assistant"), "Support assistant threat model", "2026-09-30");
      const model = path.join(there.root, "threatmodel");
      const run = await cli(here.root, ["check", model, "--baseline", "main:threatmodel", "--date", "2026-10-02", "--format", "json"]);
      assert.equal(run.code, 0, run.err);
      const report = JSON.parse(run.out) as CheckReport;
      assert.equal(report.baseline?.model, "found");
      assert.equal(report.baseline?.classification, "unchanged");
      assert.equal(report.baseline?.findings, 27);
      // ./ and ../ are relative to the current folder, here another repository: outside the model's.
      const relative = await cli(here.root, ["check", model, "--baseline", "main:./threatmodel"]);
      assert.equal(relative.code, 2);
      assert.match(relative.err, /^error: baseline: '\.\/threatmodel' is outside the repository that holds the model/);
    } finally {
      here.remove();
      there.remove();
    }
  });
});
