// threatwright report: where the HTML goes, and the exit codes for bad models, unknown
// workflows and files that cannot be written.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "./harness.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SUPPORT = path.join(ROOT, "examples/support-assistant");
const scratch = mkdtempSync(path.join(tmpdir(), "tw-report-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("threatwright report", () => {
  it("writes threatwright-report.html in the working folder by default", async () => {
    const cwd = mkdtempSync(path.join(scratch, "default-"));
    const run = await runCli(["report", SUPPORT, "--date", "2026-11-22"], { cwd });
    assert.equal(run.code, 0, run.err);
    const html = readFileSync(path.join(cwd, "threatwright-report.html"), "utf8");
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en" data-ready="false">/);
    assert.match(run.out, /^wrote threatwright-report\.html \(28 findings, \d+ KiB\)\n$/);
    assert.equal(run.err, "");
  });

  it("writes the page to standard output with --out -, and nothing else", async () => {
    const run = await runCli(["report", SUPPORT, "--out", "-", "--date", "2026-11-22"]);
    assert.equal(run.code, 0, run.err);
    assert.ok(run.out.startsWith("<!DOCTYPE html>"));
    assert.ok(run.out.endsWith("</html>\n"));
    assert.equal(run.err, "");
  });

  it("gives the same bytes for the same model and date", async () => {
    const first = await runCli(["report", SUPPORT, "--out", "-", "--date", "2026-11-22"]);
    const second = await runCli(["report", SUPPORT, "--out", "-", "--date", "2026-11-22"]);
    assert.equal(first.out, second.out);
    const other = await runCli(["report", SUPPORT, "--out", "-", "--date", "2026-12-01"]);
    assert.notEqual(other.out, first.out, "the analysis date is part of the report");
    assert.match(other.out, /Analysis date 2026-12-01/);
  });

  it("limits the report to one workflow with --workflow", async () => {
    const all = await runCli(["analyze", SUPPORT, "--format", "json", "--date", "2026-11-22", "--workflow", "support-chat"]);
    const expected = (JSON.parse(all.out) as { summary: { findings: number } }).summary.findings;
    const run = await runCli(["report", SUPPORT, "--out", "-", "--date", "2026-11-22", "--workflow", "support-chat"]);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, new RegExp(`<p id="findings-count" aria-live="polite">${expected} of ${expected} findings</p>`));
    assert.match(run.out, /limited to workflow <code>support-chat<\/code>/);
  });

  it("exits 2 for an unknown workflow, naming the known ones", async () => {
    const run = await runCli(["report", SUPPORT, "--out", "-", "--workflow", "nope"]);
    assert.equal(run.code, 2);
    assert.match(run.err, /unknown workflow 'nope'/);
    assert.match(run.err, /hint: workflows in this model: .*support-chat/);
    assert.equal(run.out, "");
  });

  it("exits 2 when --out cannot be written, without a stack trace", async () => {
    const target = path.join(scratch, "missing-folder", "report.html");
    const run = await runCli(["report", SUPPORT, "--out", target, "--date", "2026-11-22"]);
    assert.equal(run.code, 2);
    assert.match(run.err, /cannot write the report \(ENOENT\)/);
    assert.match(run.err, /hint: /);
    assert.doesNotMatch(run.err, /\n\s+at /);
    const folder = mkdtempSync(path.join(scratch, "dir-"));
    const onFolder = await runCli(["report", SUPPORT, "--out", folder]);
    assert.equal(onFolder.code, 2);
    assert.match(onFolder.err, /cannot write the report \(EISDIR\)/);
  });

  it("exits 1 for an invalid model and writes nothing", async () => {
    const folder = mkdtempSync(path.join(scratch, "bad-"));
    writeFileSync(path.join(folder, "threatwright.yaml"), "threatwright: 1\nsystem: { id: x, name: X, owner: me }\nagents:\n  - id: a\n    models: [missing]\n");
    const run = await runCli(["report", folder, "--date", "2026-11-22"], { cwd: folder });
    assert.equal(run.code, 1);
    assert.match(run.err, /error/);
    assert.throws(() => readFileSync(path.join(folder, "threatwright-report.html")));
  });

  it("exits 2 for a model path that does not exist, and for a bad date", async () => {
    mkdirSync(path.join(scratch, "empty"), { recursive: true });
    const missing = await runCli(["report", path.join(scratch, "empty"), "--out", "-"]);
    assert.equal(missing.code, 2);
    const badDate = await runCli(["report", SUPPORT, "--out", "-", "--date", "22/11/2026"]);
    assert.equal(badDate.code, 2);
    assert.match(badDate.err, /YYYY-MM-DD/);
  });
});
