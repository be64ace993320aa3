// threatwright status, in process, on the support-assistant example committed to real temporary repositories.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import type { TempRepo } from "../lifecycle/helpers-git.js";
import { commitFiles, exampleFiles, makeRepo } from "../lifecycle/helpers-git.js";
import { runCli } from "./harness.js";

const cli = (args: string[]) => runCli(args);

const cleanup: (() => void)[] = [];
after(() => cleanup.forEach((remove) => remove()));

/** The example committed on its review day (2026-09-30, cadence P90D: due 2026-12-29); its recorded commit 8c41f07 is not in the repository. */
function exampleRepo(): { repo: TempRepo; model: string; first: string } {
  const repo = makeRepo();
  cleanup.push(repo.remove);
  const first = commitFiles(repo, exampleFiles("support-assistant"), "Model the support assistant", "2026-09-30");
  return { repo, model: path.join(repo.root, "threatmodel"), first };
}

function edit(repo: TempRepo, file: string, change: (text: string) => string): Record<string, string> {
  const relative = `threatmodel/${file}`;
  return { [relative]: change(readFileSync(path.join(repo.root, relative), "utf8")) };
}

describe("threatwright status", () => {
  it("says up to date within the cadence when nothing changed after the review day", async () => {
    const { model } = exampleRepo();
    const { code, out } = await cli(["status", model]);
    assert.equal(code, 0);
    assert.match(out, /^Threatwright status of Customer support assistant \(2026-11-22\)\n/);
    assert.match(out, /\n {2}system {8}Customer support assistant \(support-assistant\)\n/);
    assert.match(out, /\n {2}owner {9}support-engineering@example\.com\n/);
    assert.match(out, /\n {2}review owner {2}appsec@example\.com\n/);
    assert.match(out, /\n {2}cadence {7}P90D\n/);
    assert.match(out, /\n {2}last review {3}2026-09-30 by appsec@example\.com at commit 8c41f07\n/);
    assert.match(out, /\n {2}next due {6}2026-12-29\n/);
    assert.match(out, /\nup to date\n/);
    assert.match(out, /git does not know the reviewed commit '8c41f07'/);
  });

  it("says STALE and names the commit that changed the model after the review", async () => {
    const { repo, model } = exampleRepo();
    commitFiles(repo, edit(repo, "threatwright.yaml", (t) => t.replace("name: Customer support assistant", "name: Customer support assistant v2")), "Rename the system", "2026-10-15");
    const { code, out } = await cli(["status", model]);
    assert.equal(code, 0, "stale is not an error: the CI gate decides");
    assert.match(out, /\nSTALE\n {2}- 1 commit changed the model since the review on 2026-09-30: [0-9a-f]{7} 'Rename the system'\n/);
  });

  it("counts from the recorded commit, and not the commit that records the review", async () => {
    const { repo, model, first } = exampleRepo();
    commitFiles(repo, edit(repo, "threatwright.yaml", (t) => t.replace("commit: 8c41f07", `commit: "${first.slice(0, 7)}"`)), "Record the review", "2026-10-02");
    const quiet = await cli(["status", model, "--format", "json"]);
    const report = JSON.parse(quiet.out);
    assert.equal(report.stale, false);
    assert.equal(report.history.since, "commit");
    assert.equal(report.history.commits[0].modelUnchanged, true);

    commitFiles(repo, edit(repo, "components.yaml", (t) => `${t}\n# reviewed tools below\n`), "Comment only", "2026-10-03");
    commitFiles(repo, edit(repo, "flows.yaml", (t) => t.replace(/\n$/, "") + "\n\n"), "Whitespace only", "2026-10-04");
    assert.equal(JSON.parse((await cli(["status", model, "--format", "json"])).out).stale, false);

    writeFileSync(path.join(model, "identities.yaml"), readFileSync(path.join(model, "identities.yaml"), "utf8").replace("support-assistant", "support-assistant-2"));
    const dirty = await cli(["status", model]);
    assert.match(dirty.out, /\nSTALE\n {2}- uncommitted changes to 1 model file: .*identities\.yaml \(modified\)\n/);
  });

  it("says STALE when overdue, with the days", async () => {
    const { model } = exampleRepo();
    const { code, out } = await cli(["status", model, "--date", "2027-01-10"]);
    assert.equal(code, 0);
    assert.match(out, /\n {2}next due {6}2026-12-29 \(12 days overdue\)\n/);
    assert.match(out, /\nSTALE\n {2}- last review 2026-09-30 is 102 days old; cadence is P90D \(due 2026-12-29, 12 days overdue\)\n/);
  });

  it("prints JSON with the same data", async () => {
    const { repo, model } = exampleRepo();
    const change = commitFiles(repo, edit(repo, "components.yaml", (t) => t.replace(/description: [^\n]*/, "description: Changed")), "Change a description", "2026-10-20T10:00:00Z");
    const { code, out } = await cli(["status", model, "--format", "json", "--date", "2026-12-01"]);
    assert.equal(code, 0);
    const report = JSON.parse(out);
    assert.equal(report.schemaVersion, "1.0");
    assert.equal(report.date, "2026-12-01");
    assert.deepEqual(report.system, { id: "support-assistant", name: "Customer support assistant", owner: "support-engineering@example.com" });
    assert.equal(report.review.owner, "appsec@example.com");
    assert.equal(report.review.cadence, "P90D");
    assert.equal(report.review.lastReview.date, "2026-09-30");
    assert.equal(report.nextDue, "2026-12-29");
    assert.equal(report.daysOverdue, 0);
    assert.equal(report.stale, true);
    assert.equal(report.changedSinceReview, true);
    assert.equal(report.reasons.length, 1);
    assert.equal(report.history.known, true);
    assert.equal(report.history.since, "date");
    assert.equal(report.history.unknownCommit, "8c41f07");
    assert.deepEqual(report.history.commits, [{ hash: change, date: "2026-10-20T10:00:00+00:00", subject: "Change a description", files: [path.join(model, "components.yaml")], modelUnchanged: false }]);
    assert.deepEqual(report.history.uncommitted, []);
  });

  it("says STALE when the recorded review is dated after today", async () => {
    const { repo, model } = exampleRepo();
    commitFiles(repo, edit(repo, "threatwright.yaml", (t) => t.replace("    date: 2026-09-30\n", "    date: 2099-01-01\n")), "Review in the future", "2026-10-02");
    const { code, out } = await cli(["status", model]);
    assert.equal(code, 0);
    assert.match(out, /\n {2}last review {3}2099-01-01 by appsec@example\.com at commit 8c41f07\n/);
    assert.match(out, /\nSTALE\n {2}- last review is dated 2099-01-01, after today \(2026-11-22\): a review cannot be recorded ahead of time; correct review\.lastReview\.date\n/);
    const report = JSON.parse((await cli(["status", model, "--format", "json"])).out);
    assert.equal(report.stale, true);
    assert.equal(report.daysOverdue, 0);
  });

  it("says it cannot tell from git outside a repository, and judges by the cadence", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "tw-status-nogit-"));
    cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
    for (const [file, content] of Object.entries(exampleFiles("support-assistant", "."))) writeFileSync(path.join(folder, file), content);
    const { code, out } = await cli(["status", folder]);
    assert.equal(code, 0);
    assert.match(out, /\nup to date\n/);
    assert.match(out, /could not tell from git whether the model changed since the review: .* is not inside a git repository/);
    assert.equal(JSON.parse((await cli(["status", folder, "--format", "json"])).out).changedSinceReview, null);
  });

  it("says STALE when no review is recorded or there is no review policy", async () => {
    const { repo, model } = exampleRepo();
    commitFiles(repo, edit(repo, "threatwright.yaml", (t) => t.replace(/\n {2}lastReview:\n(?: {4}.*\n| {6}.*\n)+/, "\n")), "Drop the review record", "2026-10-01");
    const never = await cli(["status", model]);
    assert.match(never.out, /\n {2}last review {3}none recorded\n/);
    assert.match(never.out, /\nSTALE\n {2}- no review recorded \(appsec@example\.com reviews every P90D\)\n/);
    commitFiles(repo, edit(repo, "threatwright.yaml", (t) => t.replace(/\nreview:\n(?: {2}.*\n)+/, "\n")), "Drop the review policy", "2026-10-02");
    const none = await cli(["status", model, "--format", "json"]);
    const report = JSON.parse(none.out);
    assert.equal(report.review, null);
    assert.equal(report.stale, true);
    assert.match(report.reasons[0], /^no review policy/);
  });

  it("exits 1 for an invalid model and 2 for wrong usage", async () => {
    const { repo, model } = exampleRepo();
    writeFileSync(path.join(model, "threatwright.yaml"), readFileSync(path.join(model, "threatwright.yaml"), "utf8").replace("cadence: P90D", "cadence: 90 days"));
    const invalid = await cli(["status", model]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.err, /threatwright\.yaml:\d+:\d+: error/);
    assert.equal((await cli(["status", model, "--format", "xml"])).code, 2);
    assert.equal((await cli(["status", model, "--date", "1 Dec 2026"])).code, 2);
    assert.equal((await cli(["status", path.join(repo.root, "nowhere")])).code, 2);
  });

  it("keeps escape sequences and direction overrides in names and commit subjects out of the terminal", async () => {
    const { repo, model } = exampleRepo();
    const hostile = "Evil\u001b[2J\u001b]0;title\u0007 \u202eassistant";
    commitFiles(repo, edit(repo, "threatwright.yaml", (text) => text.replace("name: Customer support assistant", `name: "${hostile.replaceAll("\u001b", "\\e").replaceAll("\u0007", "\\a").replaceAll("\u202e", "\\u202e")}"`)), `Rename\u001b[31m the system`, "2026-10-02");
    const { code, out } = await cli(["status", model]);
    assert.equal(code, 0);
    assert.match(out, /^Threatwright status of Evil\?\[2J\?\]0;title\? \?assistant \(2026-11-22\)\n/);
    assert.match(out, /'Rename\?\[31m the system'/);
    assert.doesNotMatch(out.replaceAll("\n", ""), /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
  });
});
