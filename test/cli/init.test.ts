// `threatwright init FOLDER`, run in-process in a temporary folder: it writes a
// commented starter model that validates, and never overwrites a file.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "./harness.js";

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
    assert.match(text, /\n {4}date: 2026-11-22\n/, "the last review is dated with the CLI's clock");

    const validate = await cli(["validate", dir]);
    assert.equal(validate.code, 0, validate.err);
    assert.match(validate.out, /: valid model 'My assistant' \(\d+ components, \d+ flows, 1 identity, 1 control, 1 workflow\) in 1 file\n$/);
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

  it("exits 2 when the folder cannot be created because a file is in the way", async () => {
    const blocker = folder("blocker");
    writeFileSync(blocker, "not a folder\n");
    const { code, out, err } = await cli(["init", blocker]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.match(err, new RegExp(`^${path.join(blocker, "threatwright.yaml").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot write \\(E[A-Z]+\\)\n$`));
    assert.equal(readFileSync(blocker, "utf8"), "not a folder\n");
  });
});
