// threatwright history in shallow clones (git clone --depth N, what CI checkouts do by default):
// real clones of a real repository over file://, at several depths.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { HistoryReport } from "../../src/cli/commands/history.js";
import type { TempRepo } from "../lifecycle/helpers-git.js";
import { commitFiles, editFile, exampleFiles, makeRepo } from "../lifecycle/helpers-git.js";
import { runCli } from "./harness.js";

const CONTROLS = "threatmodel/controls.yaml";
const ROOT = "threatmodel/threatwright.yaml";

describe("threatwright history in a shallow clone", () => {
  let repo: TempRepo;
  /** Commit hashes, oldest first: the model, the decision that mitigates EXF-001, a note. */
  let model: string, decisions: string, notes: string;
  const folders: string[] = [];

  before(() => {
    repo = makeRepo();
    let files = exampleFiles("support-assistant");
    model = commitFiles(repo, files, "Threat model", "2026-10-01");
    files = editFile(files, CONTROLS, "\ncontrols:\n", "\ncontrols:\n  - id: recipient-allowlist\n    name: Recipient must be the order's email\n    type: egress-allowlist\n    covers: [send-customer-email]\n    status: implemented\n    evidence:\n      - type: test\n        ref: services/chat-backend/test/tools/email.test.ts#recipient\n    verified: true\n");
    files = { ...files, [ROOT]: `${files[ROOT]}\ndecisions:\n  - finding: TW-EXF-001@support-agent+send-customer-email\n    status: mitigated\n    controls: [recipient-allowlist]\n` };
    decisions = commitFiles(repo, files, "Decisions", "2026-10-03");
    notes = commitFiles(repo, { "threatmodel/notes.txt": "x\n" }, "Notes", "2026-10-06");
  });

  after(() => {
    repo.remove();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  /** A clone of the repository with the last `depth` commits only. */
  const clone = (depth: number): string => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "tw-shallow-"));
    folders.push(folder);
    const dest = path.join(folder, "clone");
    repo.git("clone", "--quiet", "--depth", String(depth), `file://${repo.root}`, dest);
    return dest;
  };

  const json = async (cwd: string, ...args: string[]) => {
    const { code, out, err } = await runCli(["history", "threatmodel", "--format", "json", ...args], { cwd });
    assert.equal(code, 0, err);
    return { r: JSON.parse(out) as HistoryReport, err };
  };

  it("depth 1: one commit, and the report says the history is cut there, with how to fetch the rest", async () => {
    const cwd = clone(1);
    const { r, err } = await json(cwd);
    // The figures are still made, from the one commit: EXF-001 is mitigated at first sight,
    // so 1 of 27 closed (0.037037...), in 0 days. That is what the note is about.
    assert.deepEqual(r.points.map((p) => p.commit), [notes]);
    assert.deepEqual([r.points[0]!.closure.rate, r.points[0]!.meanTimeToMitigate.days], [0.037, 0]);
    assert.deepEqual(r.shallow, { commit: notes, date: "2026-10-06" });
    assert.equal(r.schemaVersion, "1.1");
    assert.match(err, /^note: the repository is a shallow clone: the model's history is cut at [0-9a-f]{10} \(2026-10-06\)/);
    assert.match(err, /git fetch --unshallow/);
    assert.match(err, /fetch-depth: 0/);

    // The table and the CSV say it on stderr too; their standard output is unchanged.
    for (const format of ["table", "csv"]) {
      const run = await runCli(["history", "threatmodel", "--format", format], { cwd });
      assert.equal(run.code, 0);
      assert.equal(run.err, err, format);
      assert.doesNotMatch(run.out, /shallow/);
    }
  });

  it("depth 2: cut at the oldest commit fetched, unless --max-commits or --since leave it out", async () => {
    const cwd = clone(2);
    const { r } = await json(cwd);
    assert.deepEqual(r.points.map((p) => p.commit), [decisions, notes]);
    assert.deepEqual(r.shallow, { commit: decisions, date: "2026-10-03" });
    // The commits asked for are all there: nothing to say.
    for (const args of [["--max-commits", "1"], ["--since", "2026-10-04"]]) {
      const narrowed = await json(cwd, ...args);
      assert.deepEqual(narrowed.r.points.map((p) => p.commit), [notes]);
      assert.equal(narrowed.r.shallow, null);
      assert.equal(narrowed.err, "");
    }
  });

  it("a shallow clone deep enough to hold the first commit, and a full repository: no note", async () => {
    // git marks the root commit as a shallow boundary too, though it has no parent to miss.
    const deep = clone(3);
    assert.equal(repo.git("-C", deep, "rev-parse", "--is-shallow-repository"), "true");
    for (const cwd of [deep, repo.root]) {
      const { r, err } = await json(cwd);
      assert.deepEqual(r.points.map((p) => p.commit), [model, decisions, notes]);
      // EXF-001 mitigated 2 days after it appeared.
      assert.equal(r.points[2]!.meanTimeToMitigate.days, 2);
      assert.equal(r.shallow, null);
      assert.equal(err, "");
    }
  });
});
