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

  it("(e) defaults, no baseline, unchanged example: fails on its 14 open critical and high findings only", async () => {
    // On 2026-10-02 the example has 25 findings, none decided; 5 critical + 9 high are open, so the
    // findings check fails. (The refunds key, rotated 2026-05-02 every P180D, is due on 2026-10-29:
    // its TW-NHI-002, high, appears only after that, as on the 26-finding analysis of 2026-11-22.)
    // No decisions: nothing expired or overdue. Committed on the review day, due 2026-12-29: not stale.
    const { code, report, outcomes, byCheck } = await check("--date", "2026-10-02");
    assert.equal(code, 1);
    assert.equal(report.passed, false);
    assert.equal(report.baseline, null);
    assert.equal(report.policy.file, null);
    assert.deepEqual(outcomes, { findings: "fail", "expired-acceptances": "pass", overdue: "pass", stale: "pass", "material-change-review": "pass" });
    assert.equal(byCheck.findings?.reason, "14 unmitigated findings at or above high");
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
    assert.match(text.out, /\n {2}FAIL findings: 1 new unmitigated finding at or above high\n {9}- \[critical 20\] TW-AGY-001@support-agent\+cancel-order {2}Injectable agent can change or delete important data \(open\)\n/);
    assert.match(text.out, /\nFAILED \(2 failed, 1 warning\)\n$/);

    // The same baseline written REV:PATH.
    assert.deepEqual((await check("--baseline", "main:threatmodel/", "--date", "2026-10-02")).outcomes, outcomes);
  });

  it("(a) Markdown names the failing finding; SARIF marks it new against the baseline", async () => {
    const md = await cli(repo.root, ["check", model, "--baseline", "main", "--date", "2026-10-02", "--format", "markdown"]);
    assert.equal(md.code, 1);
    assert.match(md.out, /^## Threatwright check: Customer support assistant\n\n\*\*FAIL\*\*: 2 failed, 1 warning\n/);
    assert.match(md.out, /\n\| findings \| \*\*fail\*\* \| 1 new unmitigated finding at or above high \|\n/);
    assert.match(md.out, /### Failing findings\n\n\| Severity \| Finding \| Status \| Residual \|\n\|---\|---\|---\|---:\|\n\| critical \| `TW-AGY-001@support-agent\+cancel-order` Injectable agent can change or delete important data \| open: no decision recorded \| 20 \|\n/);

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
