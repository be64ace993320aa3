import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GitError, gitFiles, openGitModel, parseCatFileBatch, parseModelSpec } from "../../src/lifecycle/git-files.js";
import { diskFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";
import { LIMITS } from "../../src/model/parse.js";
import type { TempRepo } from "./helpers-git.js";
import { commitFiles, exampleFiles, makeRepo } from "./helpers-git.js";

const ROOT = "threatwright: 1\nsystem:\n  id: shop\n  name: Shop\n  owner: team@example.com\n";

function gitError(code: GitError["code"], message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof GitError, `expected a GitError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  };
}

describe("parseModelSpec", () => {
  it("reads REV:PATH as git does, and anything else as a working-tree path", () => {
    assert.deepEqual(parseModelSpec("main:threatmodel/"), { kind: "git", rev: "main", path: "threatmodel/" });
    assert.deepEqual(parseModelSpec("HEAD~1:examples/x"), { kind: "git", rev: "HEAD~1", path: "examples/x" });
    assert.deepEqual(parseModelSpec("v1.2:"), { kind: "git", rev: "v1.2", path: "" });
    assert.deepEqual(parseModelSpec("origin/main:a/b.yaml"), { kind: "git", rev: "origin/main", path: "a/b.yaml" });
    assert.deepEqual(parseModelSpec("threatmodel/"), { kind: "worktree", path: "threatmodel/" });
    assert.deepEqual(parseModelSpec("C:\\repo\\threatmodel"), { kind: "worktree", path: "C:\\repo\\threatmodel" });
  });

  it("refuses a missing revision and one git would take for an option", () => {
    assert.throws(() => parseModelSpec(":threatmodel/"), gitError("bad-spec", /no revision/));
    assert.throws(() => parseModelSpec("--output=x:threatmodel/"), gitError("bad-spec", /not a revision/));
    assert.throws(() => parseModelSpec("ma in:x"), gitError("bad-spec"));
  });
});

describe("gitFiles", () => {
  let repo: TempRepo;
  let first: string;
  let outside: string;

  before(() => {
    repo = makeRepo();
    first = commitFiles(repo, { ...exampleFiles("support-assistant"), "README.md": "not a model\n" }, "Support assistant model", "2026-09-30");
    // The second commit changes the model, and the working tree changes it again without a commit.
    const components = exampleFiles("support-assistant")["threatmodel/components.yaml"]!;
    commitFiles(repo, { "threatmodel/components.yaml": components.replace('version: "23"', 'version: "24"') }, "Prompt v24", "2026-10-15");
    writeFileSync(path.join(repo.root, "threatmodel/components.yaml"), components.replace('version: "23"', 'version: "25"'));
    outside = mkdtempSync(path.join(os.tmpdir(), "tw-not-git-"));
  });

  after(() => {
    repo.remove();
    rmSync(outside, { recursive: true, force: true });
  });

  const promptVersion = (files: ReturnType<typeof gitFiles>, target = "threatmodel") => {
    const result = loadModel(target, files);
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    return result.loaded.model.prompts.find((p) => p.id === "support-system-prompt")?.version;
  };

  it("loads the model as committed at a revision, includes and all, not the working tree", () => {
    const files = gitFiles(repo.root, "main");
    const result = loadModel("threatmodel/threatwright.yaml", files);
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    assert.deepEqual(result.loaded.files, ["threatmodel/threatwright.yaml", "threatmodel/components.yaml", "threatmodel/flows.yaml", "threatmodel/identities.yaml", "threatmodel/controls.yaml"]);
    assert.equal(result.loaded.model.prompts[0]?.version, "24");
    assert.equal(promptVersion(gitFiles(repo.root, "HEAD~1")), "23");
    assert.equal(promptVersion(gitFiles(repo.root, first)), "23");
    assert.equal(promptVersion(gitFiles(repo.root, first.slice(0, 10))), "23");
  });

  it("reads the model's own repository even when a git hook has pointed GIT_DIR elsewhere", () => {
    // Inside a hook git exports GIT_DIR; a stray one must not make the baseline come from another repository.
    const other = makeRepo();
    try {
      commitFiles(other, { "notes.txt": "another repository\n" }, "Other", "2026-09-30");
      process.env.GIT_DIR = path.join(other.root, ".git");
      assert.equal(promptVersion(gitFiles(repo.root, "HEAD~1")), "23");
    } finally {
      delete process.env.GIT_DIR;
      other.remove();
    }
  });

  it("gives the same model as the files on disk, with locations in repository-relative paths", () => {
    const fromGit = loadModel("threatmodel", gitFiles(repo.root, "HEAD~1"));
    const fromDisk = loadModel(path.resolve("examples/support-assistant"), diskFiles);
    assert.ok(fromGit.ok && fromDisk.ok);
    assert.deepEqual(fromGit.loaded.model, fromDisk.loaded.model);
    assert.deepEqual(fromGit.loaded.locations.get("support-agent"), { file: "threatmodel/components.yaml", line: 84, col: 9 });
  });

  it("answers kind, read and realpath like the disk does, for folders written with or without a slash", () => {
    const files = gitFiles(repo.root, "main");
    assert.equal(files.kind("threatmodel"), "folder");
    assert.equal(files.kind("threatmodel/"), "folder");
    assert.equal(files.kind("."), "folder");
    assert.equal(files.kind("threatmodel/flows.yaml"), "file");
    assert.equal(files.kind("threatmodel/nope.yaml"), "missing");
    assert.equal(files.kind("../threatmodel"), "missing");
    assert.equal(files.realpath("threatmodel/./flows.yaml"), "threatmodel/flows.yaml");
    assert.equal(files.realpath("."), ".");
    assert.match(Buffer.from(files.read("README.md")).toString("utf8"), /not a model/);
    assert.throws(() => files.read("threatmodel/nope.yaml"), { code: "ENOENT" });
    assert.equal(promptVersion(files, "threatmodel/"), "24");
  });

  it("lists only the model's folder when told to, and still finds a model file's includes", () => {
    const files = gitFiles(repo.root, "main", { under: "threatmodel/threatwright.yaml" });
    assert.equal(files.kind("README.md"), "missing");
    assert.equal(promptVersion(files, "threatmodel/threatwright.yaml"), "24");
  });

  it("refuses an unknown revision, a path missing at the revision and a folder outside any repository", () => {
    assert.throws(() => gitFiles(repo.root, "no-such-branch"), gitError("unknown-revision", /unknown revision 'no-such-branch'/));
    assert.throws(() => gitFiles(repo.root, "HEAD~5"), gitError("unknown-revision"));
    assert.throws(() => openGitModel(repo.root, { rev: "main", path: "models/" }), gitError("path-missing", /'models' does not exist at revision 'main'/));
    assert.throws(() => openGitModel(repo.root, { rev: "main", path: "../x" }), gitError("path-missing", /outside the repository/));
    assert.throws(() => openGitModel(outside, { rev: "main", path: "threatmodel" }), gitError("not-a-repository", /not in a git repository/));
  });

  it("reads paths from the repository's top folder, or from the current folder with ./", () => {
    const sub = path.join(repo.root, "threatmodel");
    const fromTop = openGitModel(sub, { rev: "main", path: "threatmodel/" });
    assert.equal(fromTop.target, "threatmodel");
    const fromHere = openGitModel(sub, { rev: "HEAD~1", path: "./" });
    assert.equal(fromHere.target, "threatmodel");
    assert.equal(promptVersion(fromHere.files, fromHere.target), "23");
    assert.equal(openGitModel(sub, { rev: "main", path: "../threatmodel/flows.yaml" }).target, "threatmodel/flows.yaml");
  });
});

describe("gitFiles at the edges", () => {
  let repo: TempRepo;
  before(() => {
    repo = makeRepo();
    commitFiles(
      repo,
      {
        "model/threatwright.yaml": `${ROOT}include: [parts/actors.yaml]\n`,
        "model/parts/actors.yaml": "actors:\n  - id: visitors\n    type: public\n",
        "escape/threatwright.yaml": `${ROOT}include: [../model/parts/actors.yaml]\n`,
        "secret.yaml": "actors:\n  - id: sneaky\n    type: public\n",
        "big/threatwright.yaml": `${ROOT}include: [huge.yaml]\n`,
        "big/huge.yaml": `# ${"x".repeat(LIMITS.fileBytes)}\n`,
        "many/threatwright.yaml": `${ROOT}include: [${Array.from({ length: 40 }, (_, i) => `part-${i}.yaml`).join(", ")}]\n`,
        ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`many/part-${i}.yaml`, `actors:\n  - id: actor-${i}\n    type: employee\n`])),
      },
      "Models at the edges",
    );
    // Symbolic links are committed as links: one inside the model's folder, one leading out of it.
    mkdirSync(path.join(repo.root, "linked"));
    writeFileSync(path.join(repo.root, "linked/threatwright.yaml"), `${ROOT}include: [inside.yaml, outside.yaml]\n`);
    symlinkSync("../model/parts/actors.yaml", path.join(repo.root, "linked/outside.yaml"));
    writeFileSync(path.join(repo.root, "linked/real.yaml"), "actors:\n  - id: staff\n    type: employee\n");
    symlinkSync("real.yaml", path.join(repo.root, "linked/inside.yaml"));
    symlinkSync("linked", path.join(repo.root, "alias"));
    commitFiles(repo, {}, "Links");
  });
  after(() => repo.remove());

  it("keeps includes inside the model's folder, as on disk", () => {
    const result = loadModel("escape", gitFiles(repo.root, "main"));
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.file, d.code]),
      [["escape/threatwright.yaml", "include-outside-root"]],
    );
  });

  it("follows symbolic links inside the folder and refuses those that lead out of it", () => {
    const result = loadModel("linked", gitFiles(repo.root, "main"));
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ["include-outside-root"],
    );
    const files = gitFiles(repo.root, "main");
    assert.equal(files.kind("linked/inside.yaml"), "file");
    assert.equal(files.realpath("linked/inside.yaml"), "linked/real.yaml");
    assert.equal(files.kind("alias"), "folder");
    assert.equal(files.realpath("alias/real.yaml"), "linked/real.yaml");
  });

  it("refuses a file over the size limit without reading it", () => {
    const result = loadModel("big", gitFiles(repo.root, "main"));
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.file, d.code]),
      [["big/huge.yaml", "file-too-large"]],
    );
  });

  it("reads a model of many files (in one batch)", () => {
    const result = loadModel("many", gitFiles(repo.root, "main", { under: "many" }));
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    assert.equal(result.loaded.model.actors.length, 40);
    assert.equal(result.loaded.files.length, 41);
  });
});

describe("parseCatFileBatch", () => {
  it("answers each line asked, in order: objects with their content, absent names as undefined", () => {
    const oid = (c: string) => c.repeat(40);
    // An empty blob, a name git does not know (with a space in it), a blob whose content holds a newline and a fake header.
    const tricky = `x: 1\n${oid("c")} tree 9\n`;
    const out = Buffer.from(`${oid("a")} blob 0\n\nmain:my model.yaml missing\n${oid("b")} blob ${tricky.length}\n${tricky}\n${oid("d")} tree 2\nab\n`);
    const answers = parseCatFileBatch(out, 4);
    assert.deepEqual(
      answers.map((a) => a && { type: a.type, content: a.content.toString() }),
      [{ type: "blob", content: "" }, undefined, { type: "blob", content: tricky }, { type: "tree", content: "ab" }],
    );
  });

  it("stops at a cut-off answer rather than reading past the output", () => {
    assert.deepEqual(parseCatFileBatch(Buffer.from(`${"a".repeat(40)} blob 5\nab`), 2).map((a) => a?.content.toString()), ["ab"]);
  });
});
