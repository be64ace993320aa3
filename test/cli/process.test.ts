// The command as a real process: it must end by itself, with its exit code, on every path.
// In-process tests cannot see a handle (a worker thread, a timer) that keeps Node running.
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const example = path.join(root, "examples/support-assistant");
/** Far above a run's second or two; a process still running then is hung. */
const HUNG_AFTER_MS = 30_000;

function run(args: string[]): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", path.join(root, "scripts/dev.ts"), ...args], { cwd: root, timeout: HUNG_AFTER_MS, killSignal: "SIGKILL", maxBuffer: 1 << 26 }, (error, out, err) => {
      const failure = error as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
      resolve({ code: failure ? (typeof failure.code === "number" ? failure.code : null) : 0, signal: failure?.signal ?? null, out, err });
    });
  });
}

/** Runs the command with its standard input read from `stdin`, an open file descriptor. */
async function runWithInput(args: string[], stdin: number): Promise<{ code: number | null; signal: string | null; err: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/dev.ts"), ...args], { cwd: root, stdio: [stdin, "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), HUNG_AFTER_MS);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
  clearTimeout(timer);
  return { code, signal, err };
}

describe("the command ends by itself", () => {
  // Each of these starts Graphviz on a worker thread before it finds the mistake.
  const early: [string, string[], RegExp][] = [
    ["diagram of a missing folder", ["diagram", "/nonexistent-model"], /no such file or folder/],
    ["diagram with an unknown tree", ["diagram", example, "--tree", "999"], /no attack tree '999'/],
    ["diagram with an unknown workflow", ["diagram", example, "--workflow", "nope"], /unknown workflow 'nope'/],
    ["report of a missing folder", ["report", "/nonexistent-model"], /no such file or folder/],
    ["report into a missing folder", ["report", example, "--out", "/nonexistent-folder/r.html"], /cannot write the report/],
  ];
  for (const [name, args, message] of early) {
    it(`${name}: exit 2 at once`, async () => {
      const result = await run(args);
      assert.equal(result.signal, null, `still running after ${HUNG_AFTER_MS} ms: killed`);
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, message);
    });
  }

  it("a diagram drawn on the worker: exit 0 with the SVG", async () => {
    const result = await run(["diagram", example]);
    assert.equal(result.signal, null);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /^<svg[\s\S]*<\/svg>\n?$/);
  });

  /** Runs the command with its output going to a reader that has already gone (`| head -c 0`). */
  async function readerGone(args: string[]): Promise<{ code: number | null; signal: string | null; err: string }> {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/dev.ts"), ...args], { cwd: root });
    // Closed before the first write: every write the command makes meets EPIPE.
    child.stdout.destroy();
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), HUNG_AFTER_MS);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
    clearTimeout(timer);
    return { code, signal, err };
  }

  it("output to a reader that has gone (| head): dropped, no EPIPE trace, and the command's own exit code, 0 for a report", async () => {
    const { code, signal, err } = await readerGone(["report", example, "--out", "-"]);
    assert.equal(signal, null);
    assert.equal(code, 0, err);
    assert.doesNotMatch(err, /EPIPE|at \S+ \(/);
  });

  it("output to a reader that has gone: a failing gate still exits 1, so a pipeline still fails the job", async () => {
    const { code, signal, err } = await readerGone(["check", path.join(root, "examples/invoice-agents"), "--format", "sarif", "--date", "2026-11-22"]);
    assert.equal(signal, null);
    assert.equal(code, 1, err);
    assert.doesNotMatch(err, /EPIPE|at \S+ \(/);
  });
});

describe("a model path that is no regular file: refused at once, not read", () => {
  // A named pipe (FIFO) or a device never ends a read the way a file does: reading one waited
  // for ever for a writer, or for input on the terminal.
  const temp = mkdtempSync(path.join(os.tmpdir(), "threatwright-fifo-"));
  after(() => rmSync(temp, { recursive: true, force: true }));
  const ROOT = "threatwright: 1\nsystem: {id: s, name: S, owner: o}\n";

  /** A folder under the temporary folder, with the files `make` puts there. */
  function model(name: string, make: (dir: string) => void): string {
    const dir = path.join(temp, name);
    mkdirSync(dir);
    make(dir);
    return dir;
  }
  const mkfifo = (file: string) => execFileSync("mkfifo", [file]);

  const cases: [string, () => string, RegExp][] = [
    [
      "an included file that is a FIFO",
      () =>
        model("include", (dir) => {
          writeFileSync(path.join(dir, "threatwright.yaml"), `${ROOT}include: [a.yaml]\n`);
          mkfifo(path.join(dir, "a.yaml"));
        }),
      /a\.yaml:1:1: error io-error: cannot read file \(not a regular file but a named pipe \(FIFO\)\)/,
    ],
    ["a root file that is a FIFO", () => model("root", (dir) => mkfifo(path.join(dir, "threatwright.yaml"))), /threatwright\.yaml:1:1: error io-error: cannot read file \(not a regular file but a named pipe \(FIFO\)\)/],
  ];
  for (const [name, make, message] of cases) {
    it(`${name}: exit 2 with an io-error`, async () => {
      const result = await run(["validate", make()]);
      assert.equal(result.signal, null, `still running after ${HUNG_AFTER_MS} ms: killed`);
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, message);
      assert.doesNotMatch(result.err, /at \S+ \(/);
    });
  }

  it("a root file that links to /dev/stdin, standard input being a pipe nobody writes to: exit 2 with an io-error", async () => {
    const dir = model("stdin", (d) => symlinkSync("/dev/stdin", path.join(d, "threatwright.yaml")));
    // Standard input as a terminal would be: open, and silent. Holding the pipe open for writing
    // (read and write, so opening it does not wait) keeps a read of it waiting for ever.
    const pipe = path.join(temp, "stdin-pipe");
    mkfifo(pipe);
    const fd = openSync(pipe, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      const result = await runWithInput(["validate", dir], fd);
      assert.equal(result.signal, null, `still running after ${HUNG_AFTER_MS} ms: killed`);
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, /threatwright\.yaml:1:1: error io-error: cannot read file \(not a regular file but a named pipe \(FIFO\)\)/);
    } finally {
      closeSync(fd);
    }
  });
});
