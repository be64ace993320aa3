// `threatwright validate PATH`, run in-process: exit codes (0 valid, 1 invalid
// model, 2 usage or I/O error), the text report on stderr and the JSON report.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { formatDiagnostic } from "../../src/model/diagnostics.js";
import type { ModelFiles } from "../../src/model/files.js";
import { diskFiles, memoryFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";
import { fixture } from "../model/helpers.js";
import { runCli } from "./harness.js";
import { openTo, runUnprivileged } from "./unprivileged.js";

const cli = (args: string[], files: ModelFiles = diskFiles) => runCli(args, { files });

describe("threatwright validate: a valid model", () => {
  it("exits 0 and summarises the model, given its folder", async () => {
    const { code, out, err } = await cli(["validate", fixture("valid")]);
    assert.equal(code, 0);
    assert.equal(out, `${fixture("valid", "threatwright.yaml")}: valid model 'Shop assistant' (5 components, 1 flow, 0 identities, 0 controls, 0 workflows) in 1 file\n`);
    assert.equal(err, "");
  });

  it("exits 0 given the root file, and counts included files", async () => {
    const { code, out } = await cli(["validate", fixture("valid-includes", "threatwright.yaml")]);
    assert.equal(code, 0);
    assert.equal(out, `${fixture("valid-includes", "threatwright.yaml")}: valid model 'Shop assistant' (5 components, 1 flow, 0 identities, 0 controls, 0 workflows) in 5 files\n`);
  });

  it("prints {valid: true, diagnostics: []} with --format json", async () => {
    const { code, out, err } = await cli(["validate", fixture("valid"), "--format", "json"]);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), { valid: true, diagnostics: [] });
    assert.equal(err, "");
  });
});

describe("threatwright validate: an invalid model", () => {
  it("exits 1 and prints each error as file:line:col, code, message and hint, then a count", async () => {
    const file = fixture("unknown-key", "threatwright.yaml");
    const { code, out, err } = await cli(["validate", fixture("unknown-key")]);
    assert.equal(code, 1);
    assert.equal(out, "");
    assert.equal(
      err,
      [
        `${file}:6:3: error unknown-key: unknown key 'favouriteColour' in system`,
        "  hint: allowed keys: id, name, description, owner, repository, euAiActRisk, materialLoss",
        `${file}:10:5: error unknown-key: unknown key 'descripton' in agents[0]`,
        "  hint: did you mean 'description'?",
        `${file}:15:1: error unknown-key: unknown key 'agentz' in the top level`,
        "  hint: did you mean 'agents'?",
        "",
        "3 errors in 1 file",
        "",
      ].join("\n"),
    );
  });

  it("says '1 error' for one, and counts the files the errors are in", async () => {
    const one = await cli(["validate", fixture("include-cycle")]);
    assert.equal(one.code, 1);
    assert.match(one.err, /\n\n1 error in 1 file\n$/);
    assert.ok(one.err.startsWith(`${fixture("include-cycle", "b.yaml")}:1:11: error include-cycle: `), one.err);

    const files = memoryFiles({
      "m/threatwright.yaml": "threatwright: 1\nsystem:\n  id: shop\n  name: Shop\n  owner: o\ninclude: [part.yaml]\ncolour: red\n",
      "m/part.yaml": "actors:\n  - id: a\n    type: somebody\n",
    });
    const two = await cli(["validate", "m"], files);
    assert.equal(two.code, 1);
    assert.equal(
      two.err,
      [
        "m/part.yaml:3:11: error invalid-value: actors[0].type is not one of the allowed values",
        "  hint: allowed: public, customer, partner, contractor, employee, admin",
        "m/threatwright.yaml:7:1: error unknown-key: unknown key 'colour' in the top level",
        "  hint: allowed keys: threatwright, system, review, include, actors, models, agents, tools, mcpServers, datastores, sources, services, clients, pipelines, prompts, datasets, data, flows, boundaries, identities, controls, decisions, adversaries, workflows",
        "",
        "2 errors in 2 files",
        "",
      ].join("\n"),
    );
  });

  it("prints the diagnostics as JSON on stdout with --format json, and exits 1", async () => {
    const { code, out, err } = await cli(["validate", fixture("several-errors"), "--format", "json"]);
    assert.equal(code, 1);
    assert.equal(err, "");
    const report = JSON.parse(out) as { valid: boolean; diagnostics: unknown[] };
    assert.equal(report.valid, false);
    const expected = loadModel(fixture("several-errors"), diskFiles);
    assert.equal(expected.ok, false);
    assert.deepEqual(report.diagnostics, expected.diagnostics);
    assert.deepEqual(
      report.diagnostics.map((d) => {
        const { line, col, code: c } = d as { line: number; col: number; code: string };
        return `${line}:${col} ${c}`;
      }),
      ["8:14 unresolved-reference", "9:15 invalid-value", "13:14 invalid-value", "14:5 unknown-key", "17:19 invalid-value"],
    );
  });

  it("exits 1, not 2, for hostile input such as an alias bomb", async () => {
    const { code, err } = await cli(["validate", fixture("alias-bomb")]);
    assert.equal(code, 1);
    assert.equal(
      err,
      `${fixture("alias-bomb", "threatwright.yaml")}:10:36: error alias-limit: aliases stand for more than 100000 nodes\n  hint: write the repeated content out, or use fewer nested aliases\n\n1 error in 1 file\n`,
    );
  });
});

describe("threatwright validate: usage and I/O errors exit 2", () => {
  it("exits 2 for a path that does not exist", async () => {
    const missing = fixture("no-such-model");
    const { code, out, err } = await cli(["validate", missing]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.equal(err, `${missing}:1:1: error io-error: no such file or folder\n  hint: give the model file or the folder that holds threatwright.yaml\n\n1 error in 1 file\n`);
  });

  it("exits 2 for a folder without threatwright.yaml", async () => {
    const folder = fixture("include-outside");
    const { code, err } = await cli(["validate", folder]);
    assert.equal(code, 2);
    assert.match(err, /: error io-error: folder has no threatwright.yaml\n {2}hint: run 'threatwright init' here/);
  });

  it("exits 2 and reports the JSON with --format json when the path does not exist", async () => {
    const { code, out } = await cli(["validate", fixture("no-such-model"), "--format", "json"]);
    assert.equal(code, 2);
    const report = JSON.parse(out) as { valid: boolean; diagnostics: { code: string }[] };
    assert.equal(report.valid, false);
    assert.deepEqual(
      report.diagnostics.map((d) => d.code),
      ["io-error"],
    );
  });

  it("exits 2 for an unknown format, naming the allowed ones", async () => {
    const { code, out, err } = await cli(["validate", fixture("valid"), "--format", "xml"]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.match(err, /'xml' is invalid/);
    assert.match(err, /text, json/);
  });

  it("exits 2 for an unknown option and for an unknown command", async () => {
    assert.equal((await cli(["validate", fixture("valid"), "--colour"])).code, 2);
    assert.equal((await cli(["validat", fixture("valid")])).code, 2);
  });

  it("exits 0 for --help", async () => {
    const { code, out } = await cli(["validate", "--help"]);
    assert.equal(code, 0);
    assert.match(out, /--format <format>/);
  });
});

const temp = mkdtempSync(path.join(os.tmpdir(), "threatwright-validate-"));
after(() => {
  if (existsSync(path.join(temp, "closed"))) chmodSync(path.join(temp, "closed"), 0o755);
  rmSync(temp, { recursive: true, force: true });
});

/** A folder under the temporary folder holding threatwright.yaml with `text`, or nothing. */
function modelFolder(name: string, text?: string): string {
  const dir = path.join(temp, name);
  mkdirSync(dir);
  if (text !== undefined) writeFileSync(path.join(dir, "threatwright.yaml"), text);
  return dir;
}

const ESC = "\u001b";
const MODEL = (name: string) => `threatwright: 1\nsystem:\n  id: s\n  name: ${JSON.stringify(name)}\n  owner: o\n`;

describe("threatwright validate: what cannot be read is said, not taken for a missing model", () => {
  it("exits 2 for a device, saying it is not a regular file (it used to be read, /dev/null as an empty model)", async () => {
    const { code, out, err } = await cli(["validate", "/dev/null"]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.match(err, /^\/dev\/null:1:1: error io-error: cannot read file \(not a regular file but a character device\)\n {2}hint: /);
  });

  it("exits 2 for a threatwright.yaml that is a link loop, saying so rather than that the folder has no model", async () => {
    const dir = modelFolder("loop");
    symlinkSync("threatwright.yaml", path.join(dir, "threatwright.yaml"));
    const { code, err } = await cli(["validate", dir]);
    assert.equal(code, 2);
    assert.match(err, /threatwright\.yaml:1:1: error io-error: cannot read file \(ELOOP: too many symbolic links, or a link that leads to itself\)\n {2}hint: /);
    assert.doesNotMatch(err, /folder has no/);
  });

  it("exits 2 for a threatwright.yaml that is a folder, saying so rather than suggesting init (which would refuse)", async () => {
    const dir = modelFolder("folder-named-model");
    mkdirSync(path.join(dir, "threatwright.yaml"));
    const { code, err } = await cli(["validate", dir]);
    assert.equal(code, 2);
    assert.equal(err, `${path.join(dir, "threatwright.yaml")}:1:1: error io-error: threatwright.yaml is a folder, not a model file\n  hint: rename or remove that folder, or point at the model file\n\n1 error in 1 file\n`);
  });

  it("exits 2 for a threatwright.yaml that links to nothing, saying so rather than suggesting init (which cannot write there)", async () => {
    const dir = modelFolder("dangling");
    symlinkSync("elsewhere.yaml", path.join(dir, "threatwright.yaml"));
    const { code, err } = await cli(["validate", dir]);
    assert.equal(code, 2);
    assert.match(err, /threatwright\.yaml:1:1: error io-error: cannot read file \(ENOENT: a symbolic link to a file that does not exist\)/);
    assert.doesNotMatch(err, /threatwright init/);
  });

  it("exits 2 for a folder the user may not enter, saying permission is denied rather than that it holds no model", async () => {
    // A real process: root reads everything, so as root it runs as 'nobody' (see unprivileged.ts).
    openTo(temp);
    const dir = modelFolder("closed", MODEL("Closed"));
    chmodSync(dir, 0o000);
    const { code, out, err } = await runUnprivileged(["validate", dir]);
    assert.equal(code, 2, err);
    assert.equal(out, "");
    assert.equal(err, `${path.join(dir, "threatwright.yaml")}:1:1: error io-error: cannot read file (EACCES: permission denied)\n  hint: check that you may read the file, and enter the folders on its path\n\n1 error in 1 file\n`);
  });
});

describe("threatwright validate: model text and file names reach the terminal cleaned", () => {
  const HOSTILE = "Evil\u001b[31mRED\u001b[0m\r\n::error file=x::pwned\u202Eevil";

  it("prints the system's name without escape sequences, line breaks or direction overrides", async () => {
    const dir = modelFolder("escape", MODEL(HOSTILE));
    const { code, out } = await cli(["validate", dir]);
    assert.equal(code, 0);
    assert.equal(out, `${path.join(dir, "threatwright.yaml")}: valid model 'Evil?[31mRED?[0m ::error file=x::pwned?evil' (0 components, 0 flows, 0 identities, 0 controls, 0 workflows) in 1 file\n`);
    assert.ok(![ESC, "\r", "\u202E", "\n::"].some((c) => out.includes(c)), out);
  });

  it("quotes at most 200 characters of the name, ending a longer one with an ellipsis", async () => {
    const dir = modelFolder("long-name", MODEL("x".repeat(500)));
    const { code, out } = await cli(["validate", dir]);
    assert.equal(code, 0);
    assert.match(out, new RegExp(`: valid model '${"x".repeat(199)}…' \\(`));
  });

  it("cleans a file name in the diagnostics, and the file it prints for a valid model", async () => {
    const dir = modelFolder("evil\u001b[2J\nname");
    writeFileSync(path.join(dir, "threatwright.yaml"), `${MODEL("Shop")}colour: red\n`);
    const invalid = await cli(["validate", dir]);
    assert.equal(invalid.code, 1);
    assert.ok(invalid.err.startsWith(`${temp}/evil?[2J name/threatwright.yaml:6:1: error unknown-key: `), invalid.err);
    assert.ok(!invalid.err.includes(ESC), invalid.err);

    writeFileSync(path.join(dir, "threatwright.yaml"), MODEL("Shop"));
    const valid = await cli(["validate", dir]);
    assert.equal(valid.code, 0);
    assert.equal(valid.out, `${temp}/evil?[2J name/threatwright.yaml: valid model 'Shop' (0 components, 0 flows, 0 identities, 0 controls, 0 workflows) in 1 file\n`);
  });

  it("keeps the JSON as loaded: JSON escapes control characters itself", async () => {
    const dir = modelFolder("evil\u001bjson");
    writeFileSync(path.join(dir, "threatwright.yaml"), `${MODEL("Shop")}colour: red\n`);
    const { code, out } = await cli(["validate", dir, "--format", "json"]);
    assert.equal(code, 1);
    assert.ok(out.includes("evil\\u001bjson"), out);
  });
});

describe("formatDiagnostic", () => {
  it("cleans the file, message and hint of controls, line breaks and direction overrides", () => {
    const text = formatDiagnostic({ file: "a\u001b[31m.yaml", line: 2, col: 3, severity: "error", code: "io-error", message: "bad\r\n::error::x", hint: "see\u202Eb\u0007" });
    assert.equal(text, "a?[31m.yaml:2:3: error io-error: bad ::error::x\n  hint: see?b?");
  });

  it("leaves a plain diagnostic as it was", () => {
    assert.equal(formatDiagnostic({ file: "m/threatwright.yaml", line: 1, col: 1, severity: "warning", code: "secret-value", message: "m", hint: "h" }), "m/threatwright.yaml:1:1: warning secret-value: m\n  hint: h");
  });
});
