// git-history against real repositories made with the git command line.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { commitsTouching, filesAtRevisions, findRepositoryRoot, readChangesSinceReview, resolveCommit, uncommittedChanges } from "../../src/lifecycle/git-history.js";
import type { TempRepo } from "./helpers-git.js";
import { commitFiles, makeRepo } from "./helpers-git.js";

const ROOT_FILE = "threatwright: 1\nsystem:\n  id: s\n  name: S\n  owner: team@example.com\nreview:\n  owner: appsec@example.com\n  cadence: P90D\ninclude: [agents.yaml, decisions.yaml]\n";
const AGENTS = "agents:\n  - id: helper\n    models: [llm]\n";
const DECISIONS = "decisions:\n  - finding: TW-EXFIL-001@helper\n    status: accepted\n    owner: appsec@example.com\n";

const repos: TempRepo[] = [];
const folders: string[] = [];
after(() => {
  for (const repo of repos) repo.remove();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function repo(): TempRepo {
  const made = makeRepo();
  repos.push(made);
  return made;
}

/** A model in tm/ committed on the given day; returns the repository, the model files and the commit. */
function modelRepo(day = "2026-09-30") {
  const r = repo();
  const first = commitFiles(r, { "tm/threatwright.yaml": ROOT_FILE, "tm/agents.yaml": AGENTS, "tm/decisions.yaml": DECISIONS }, "Model the system", day);
  const files = ["threatwright.yaml", "agents.yaml", "decisions.yaml"].map((f) => path.join(r.root, "tm", f));
  return { r, files, first };
}

function known(changes: ReturnType<typeof readChangesSinceReview>) {
  assert.ok(changes.known, changes.known ? "" : changes.reason);
  return changes;
}

describe("findRepositoryRoot", () => {
  it("finds the top of the repository from a folder inside it", () => {
    const { r } = modelRepo();
    assert.deepEqual(findRepositoryRoot(path.join(r.root, "tm")), { root: realpathSync(r.root) });
  });

  it("says when a folder is in no repository", () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "tw-nogit-"));
    folders.push(folder);
    const lookup = findRepositoryRoot(folder);
    assert.ok("unknown" in lookup);
    assert.match(lookup.unknown, /is not inside a git repository/);
  });
});

describe("commitsTouching and resolveCommit", () => {
  it("lists the commits that touched the files, newest first, with their files and committer dates", () => {
    const { r, first } = modelRepo();
    commitFiles(r, { "README.md": "hello\n" }, "Unrelated", "2026-10-05");
    const second = commitFiles(r, { "tm/agents.yaml": `${AGENTS}    tools: [refund]\n`, "tm/file with space.yaml": "agents: []\n" }, "Add refund tool", "2026-10-10T09:30:00+02:00");
    const all = commitsTouching(r.root, ["tm/threatwright.yaml", "tm/agents.yaml", "tm/file with space.yaml"]);
    assert.deepEqual(all.map((c) => c.subject), ["Add refund tool", "Model the system"]);
    assert.deepEqual(all[0], { hash: second, date: "2026-10-10T09:30:00+02:00", subject: "Add refund tool", files: ["tm/agents.yaml", "tm/file with space.yaml"] });
    assert.deepEqual(all[1]!.files, ["tm/agents.yaml", "tm/threatwright.yaml"]);
    assert.deepEqual(commitsTouching(r.root, ["tm/agents.yaml"], first).map((c) => c.hash), [second]);
  });

  it("resolves short hashes and refuses unknown commits and option-like text", () => {
    const { r, first } = modelRepo();
    assert.equal(resolveCommit(r.root, first.slice(0, 7)), first);
    assert.equal(resolveCommit(r.root, "deadbee"), undefined);
    assert.equal(resolveCommit(r.root, "--output=/tmp/x"), undefined);
  });

  it("reads files at revisions in one go, undefined where a file did not exist", () => {
    const { r, first } = modelRepo();
    const [missing, agents, odd, before, root] = filesAtRevisions(r.root, [[first, "tm/nope.yaml"], [first, "tm/agents.yaml"], [first, "tm/a 1 2"], [`${first}^`, "tm/agents.yaml"], [first, "tm/threatwright.yaml"]]);
    assert.equal(missing, undefined);
    assert.equal(Buffer.from(agents!).toString("utf8"), AGENTS);
    assert.equal(odd, undefined, "a missing name that looks like a header is not read as one");
    assert.equal(before, undefined, "the first commit has no parent");
    assert.equal(Buffer.from(root!).toString("utf8"), ROOT_FILE);
  });
});

describe("uncommittedChanges", () => {
  it("reports modified, untracked, ignored and deleted model files, relative to the root", () => {
    const { r } = modelRepo();
    commitFiles(r, { ".gitignore": "tm/local.yaml\n" }, "Ignore local overrides", "2026-10-01");
    writeFileSync(path.join(r.root, "tm/local.yaml"), "tools: []\n");
    writeFileSync(path.join(r.root, "tm/agents.yaml"), `${AGENTS}    tools: [x]\n`);
    writeFileSync(path.join(r.root, "tm/new.yaml"), "tools: []\n");
    rmSync(path.join(r.root, "tm/decisions.yaml"));
    writeFileSync(path.join(r.root, "other.txt"), "not the model\n");
    const changes = uncommittedChanges(r.root, ["tm/threatwright.yaml", "tm/agents.yaml", "tm/new.yaml", "tm/decisions.yaml", "tm/local.yaml"]);
    assert.deepEqual(changes.sort((a, b) => a.path.localeCompare(b.path)), [
      { path: "tm/agents.yaml", state: "modified" },
      { path: "tm/decisions.yaml", state: "deleted" },
      { path: "tm/local.yaml", state: "ignored" },
      { path: "tm/new.yaml", state: "untracked" },
    ]);
  });
});

describe("uncommittedChanges in an ignored directory", () => {
  it("names each model file in a directory git ignores, not the directory", () => {
    const { r } = modelRepo();
    commitFiles(r, { ".gitignore": "drafts/\n" }, "Ignore drafts", "2026-10-01");
    mkdirSync(path.join(r.root, "drafts/tm"), { recursive: true });
    writeFileSync(path.join(r.root, "drafts/tm/threatwright.yaml"), ROOT_FILE);
    writeFileSync(path.join(r.root, "drafts/tm/other.yaml"), "tools: []\n");
    assert.deepEqual(uncommittedChanges(r.root, ["drafts/tm/threatwright.yaml"]), [{ path: "drafts/tm/threatwright.yaml", state: "ignored" }]);
    // So the model, never committed, counts as changed since its review (it read as unchanged).
    const draft = path.join(r.root, "drafts/tm/threatwright.yaml");
    assert.deepEqual(known(readChangesSinceReview([draft], { date: "2026-10-01" })).uncommitted, [{ file: draft, state: "ignored", modelUnchanged: false }]);
  });
});

describe("readChangesSinceReview", () => {
  it("counts the commits after the reviewed commit, and not the one recording the review or decisions", () => {
    const { r, files, first } = modelRepo();
    commitFiles(r, { "tm/threatwright.yaml": `${ROOT_FILE.replace("cadence: P90D\n", `cadence: P90D\n  lastReview:\n    date: 2026-10-01\n    commit: ${first.slice(0, 7)}\n`)}` }, "Record the review", "2026-10-02");
    commitFiles(r, { "tm/decisions.yaml": DECISIONS.replace("accepted", "mitigating") }, "Mitigate instead", "2026-10-03");
    const change = commitFiles(r, { "tm/agents.yaml": `${AGENTS}    tools: [refund]\n` }, "Add refund tool", "2026-10-04");
    const changes = known(readChangesSinceReview(files, { date: "2026-10-01", commit: first.slice(0, 7) }));
    assert.equal(changes.since, "commit");
    assert.equal(changes.unknownCommit, undefined);
    assert.deepEqual(
      changes.commits.map((c) => [c.subject, c.modelUnchanged]),
      [["Add refund tool", false], ["Mitigate instead", true], ["Record the review", true]],
    );
    assert.equal(changes.commits[0]!.hash, change);
    assert.deepEqual(changes.commits[0]!.files, [files[1]], "files named as the caller named them");
    assert.deepEqual(changes.uncommitted, []);
  });

  it("without a recorded commit, counts commits made after the end of the review day (UTC)", () => {
    const { r, files } = modelRepo("2026-09-30");
    commitFiles(r, { "tm/agents.yaml": `${AGENTS}    tools: [a]\n` }, "Late on the review day", "2026-10-01T23:30:00Z");
    commitFiles(r, { "tm/agents.yaml": `${AGENTS}    tools: [b]\n` }, "Just after midnight in Berlin", "2026-10-02T01:30:00+02:00");
    commitFiles(r, { "tm/agents.yaml": `${AGENTS}    tools: [c]\n` }, "The next day", "2026-10-02T08:00:00Z");
    const changes = known(readChangesSinceReview(files, { date: "2026-10-01" }));
    assert.equal(changes.since, "date");
    assert.deepEqual(changes.commits.map((c) => c.subject), ["The next day"]);
  });

  it("falls back to the review day when git does not know the reviewed commit", () => {
    const { r, files } = modelRepo("2026-09-30");
    commitFiles(r, { "tm/agents.yaml": `${AGENTS}    tools: [c]\n` }, "Later change", "2026-10-20");
    const changes = known(readChangesSinceReview(files, { date: "2026-10-01", commit: "8c41f07" }));
    assert.equal(changes.since, "date");
    assert.equal(changes.unknownCommit, "8c41f07");
    assert.deepEqual(changes.commits.map((c) => c.subject), ["Later change"]);
  });

  it("reports uncommitted changes, setting aside an edit of the review record", () => {
    const { files } = modelRepo();
    writeFileSync(files[0]!, ROOT_FILE.replace("cadence: P90D\n", "cadence: P90D\n  lastReview:\n    date: 2026-10-01\n"));
    writeFileSync(files[1]!, `${AGENTS}    tools: [refund]\n`);
    const changes = known(readChangesSinceReview(files, { date: "2026-10-01" }));
    assert.deepEqual(changes.uncommitted.sort((a, b) => a.file.localeCompare(b.file)), [
      { file: files[1], state: "modified", modelUnchanged: false },
      { file: files[0], state: "modified", modelUnchanged: true },
    ]);
  });

  it("sees a model never committed as untracked", () => {
    const r = repo();
    mkdirSync(path.join(r.root, "tm"));
    const file = path.join(r.root, "tm", "threatwright.yaml");
    writeFileSync(file, ROOT_FILE);
    const changes = known(readChangesSinceReview([file], { date: "2026-10-01" }));
    assert.deepEqual(changes.commits, []);
    assert.deepEqual(changes.uncommitted, [{ file, state: "untracked", modelUnchanged: false }]);
  });

  it("says the history is unknown when a model file lies outside the repository (a link out of it), instead of leaving it unchecked", () => {
    const { r } = modelRepo("2026-09-30");
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), "tw-elsewhere-"));
    folders.push(elsewhere);
    writeFileSync(path.join(elsewhere, "agents.yaml"), AGENTS);
    const linked = path.join(r.root, "tm", "linked.yaml");
    symlinkSync(path.join(elsewhere, "agents.yaml"), linked);
    const changes = readChangesSinceReview([path.join(r.root, "tm", "threatwright.yaml"), linked], { date: "2026-10-01" });
    assert.deepEqual(changes, { known: false, reason: `${linked} is outside the repository at ${realpathSync(r.root)}` });
  });

  it("says the history is unknown outside a repository, and in a shallow clone without the reviewed commit", () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "tw-nogit-"));
    folders.push(folder);
    writeFileSync(path.join(folder, "threatwright.yaml"), ROOT_FILE);
    const outside = readChangesSinceReview([path.join(folder, "threatwright.yaml")], { date: "2026-10-01" });
    assert.equal(outside.known, false);
    assert.match(outside.known ? "" : outside.reason, /is not inside a git repository/);

    const { r, first } = modelRepo("2026-09-30");
    commitFiles(r, { "tm/agents.yaml": `${AGENTS}    tools: [c]\n` }, "Later change", "2026-10-20");
    const clone = mkdtempSync(path.join(os.tmpdir(), "tw-shallow-"));
    folders.push(clone);
    execFileSync("git", ["clone", "--quiet", "--depth", "1", `file://${r.root}`, clone], { stdio: "ignore" });
    const cloned = ["threatwright.yaml", "agents.yaml", "decisions.yaml"].map((f) => path.join(clone, "tm", f));
    const shallow = readChangesSinceReview(cloned, { date: "2026-10-01", commit: first });
    assert.equal(shallow.known, false);
    assert.match(shallow.known ? "" : shallow.reason, /shallow clone without the reviewed commit; fetch the full history/);
  });
});
