// `threatwright init FOLDER`, run in-process in a temporary folder: it writes a
// commented starter model that validates, and never overwrites a file.
import assert from "node:assert/strict";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "./harness.js";
import { openTo, runUnprivileged } from "./unprivileged.js";

const REPOSITORY = fileURLToPath(new URL("../../", import.meta.url));

const cli = (args: string[]) => runCli(args);

const temp = mkdtempSync(path.join(os.tmpdir(), "threatwright-init-"));
after(() => rmSync(temp, { recursive: true, force: true }));

/** A fresh folder under the temporary folder. */
function folder(name: string): string {
  return path.join(temp, name);
}

describe("threatwright init", () => {
  it("writes a commented starter model that validates", async () => {
    const dir = folder("new-project");
    mkdirSync(dir);
    const target = path.join(dir, "threatwright.yaml");
    const { code, out, err } = await cli(["init", dir]);
    assert.equal(code, 0);
    assert.equal(err, "");
    assert.equal(out, `wrote ${target}\nnext: edit it to describe your system, then run 'threatwright validate ${dir}'\n`);

    const text = readFileSync(target, "utf8");
    assert.match(text, /^# yaml-language-server: \$schema=\S+\n/);
    assert.ok(text.split("\n").filter((line) => line.trimStart().startsWith("#")).length >= 5, "the starter model is commented");

    const validate = await cli(["validate", dir]);
    assert.equal(validate.code, 0, validate.err);
    assert.match(validate.out, /: valid model 'My assistant' \(\d+ components, \d+ flows, 1 identity, 1 control, 1 workflow\) in 1 file\n$/);
  });

  it("records no review (none has happened), showing how to record one in a comment", async () => {
    const dir = folder("no-review");
    assert.equal((await cli(["init", dir])).code, 0);
    const text = readFileSync(path.join(dir, "threatwright.yaml"), "utf8");
    assert.doesNotMatch(text, /^\s*lastReview:/m, "no review is recorded");
    assert.doesNotMatch(text, /2026-11-22/, "nothing is dated with the day init ran");
    assert.match(text, /^ {2}# lastReview:\n {2}# {3}date: /m, "the commented example shows where the review goes");

    // The commented example, filled in and uncommented, is a valid review.
    const reviewed = text.replace(/^ {2}# (lastReview:)\n {2}# {3}date: \S+/m, "  $1\n    date: 2026-11-20");
    assert.notEqual(reviewed, text);
    writeFileSync(path.join(dir, "threatwright.yaml"), reviewed);
    const validate = await cli(["validate", dir]);
    assert.equal(validate.code, 0, validate.err);
    writeFileSync(path.join(dir, "threatwright.yaml"), text);

    const status = await cli(["status", dir, "--date", "2026-11-22"]);
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /\n {2}last review {3}none recorded\n/);
    assert.match(status.out, /\nSTALE\n {2}- no review recorded \(appsec@example.com reviews every P90D\)\n/);
    assert.doesNotMatch(status.out, /up to date/);

    const check = await cli(["check", dir, "--date", "2026-11-22"]);
    assert.match(check.out, /\n {2}WARN stale: model is stale: no review recorded/);
  });

  it("points the editor comment at the JSON Schema shipped with the package", async () => {
    const dir = folder("schema-comment");
    assert.equal((await cli(["init", dir])).code, 0);
    const text = readFileSync(path.join(dir, "threatwright.yaml"), "utf8");
    const schemaPath = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text)?.[1];
    assert.ok(schemaPath);
    assert.equal(path.resolve(dir, schemaPath), path.join(REPOSITORY, "schema", "threatwright.schema.json"));
  });

  it("creates the folder when it does not exist yet", async () => {
    const dir = path.join(folder("nested"), "a", "b");
    assert.equal((await cli(["init", dir])).code, 0);
    assert.ok(statSync(path.join(dir, "threatwright.yaml")).isFile());
  });

  it("refuses to overwrite an existing model: exit 2, file unchanged", async () => {
    const dir = folder("existing");
    mkdirSync(dir);
    const target = path.join(dir, "threatwright.yaml");
    const mine = "# my own model, not to be touched\nthreatwright: 1\n";
    writeFileSync(target, mine);
    const before = statSync(target).mtimeMs;

    const { code, out, err } = await cli(["init", dir]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.equal(err, `${target}: already exists; init does not overwrite a model\n  hint: edit it, or run init in another folder\n`);
    assert.equal(readFileSync(target, "utf8"), mine);
    assert.equal(statSync(target).mtimeMs, before);
  });

  it("refuses a second init in the same folder, keeping the first model", async () => {
    const dir = folder("twice");
    assert.equal((await cli(["init", dir])).code, 0);
    const first = readFileSync(path.join(dir, "threatwright.yaml"));
    assert.equal((await cli(["init", dir])).code, 2);
    assert.deepEqual(readFileSync(path.join(dir, "threatwright.yaml")), first);
  });

  it("exits 2 with a hint when the folder given is a file", async () => {
    const blocker = folder("blocker");
    writeFileSync(blocker, "not a folder\n");
    const { code, out, err } = await cli(["init", blocker]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.equal(err, `${blocker}: is a file, not a folder; init writes threatwright.yaml into a folder\n  hint: give init a folder (it is created if needed); to check a model file, run 'threatwright validate ${blocker}'\n`);
    assert.equal(readFileSync(blocker, "utf8"), "not a folder\n");
  });

  it("exits 2 with a hint when a file is in the way of the folder to create", async () => {
    const blocker = folder("blocker-on-path");
    writeFileSync(blocker, "not a folder\n");
    const dir = path.join(blocker, "sub");
    const { code, out, err } = await cli(["init", dir]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.equal(err, `${dir}: cannot create the folder: a part of the path is a file, not a folder\n  hint: give init a folder whose path runs through folders only\n`);
  });

  it("exits 2 with a hint when threatwright.yaml is a link to nothing, and leaves the link", async () => {
    const dir = folder("dangling");
    mkdirSync(dir);
    const target = path.join(dir, "threatwright.yaml");
    symlinkSync("models/main.yaml", target);
    const { code, out, err } = await cli(["init", dir]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.equal(err, `${target}: already exists, as a symbolic link to 'models/main.yaml', which does not exist; init does not overwrite it\n  hint: remove the link to start a new model here, or restore the file it points to\n`);
    assert.equal(readlinkSync(target), "models/main.yaml");
    assert.ok(!existsSync(path.join(dir, "models")));
  });

  it("exits 2 with a hint when threatwright.yaml is a folder", async () => {
    const dir = folder("folder-in-the-way");
    const target = path.join(dir, "threatwright.yaml");
    mkdirSync(target, { recursive: true });
    const { code, out, err } = await cli(["init", dir]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.equal(err, `${target}: is a folder, where the model file would go\n  hint: rename or remove that folder, or run init in another folder\n`);
    assert.ok(lstatSync(target).isDirectory());
  });

  it("exits 2 with a hint when the folder may not be written to", async () => {
    // A real process: root writes anywhere, so as root it runs as 'nobody' (see unprivileged.ts).
    openTo(temp);
    const dir = folder("read-only");
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    const { code, out, err } = await runUnprivileged(["init", dir]);
    assert.equal(code, 2, err);
    assert.equal(out, "");
    assert.equal(err, `${path.join(dir, "threatwright.yaml")}: cannot write: permission denied (EACCES)\n  hint: run init in a folder you may write to, or ask for write access to ${dir}\n`);
    assert.ok(!existsSync(path.join(dir, "threatwright.yaml")));
  });
});
