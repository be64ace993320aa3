// The command as a real process: it must end by itself, with its exit code, on every path.
// In-process tests cannot see a handle (a worker thread, a timer) that keeps Node running.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
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

  it("output piped into a reader that stops early (| head): the rest is dropped, no EPIPE trace, the command's own exit code", async () => {
    // The report of an example is far larger than a pipe's buffer, so writes go on after the reader has gone.
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/dev.ts"), "report", example, "--out", "-"], { cwd: root });
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const first = await new Promise<string>((resolve) => child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString())));
    child.stdout.destroy();
    const timer = setTimeout(() => child.kill("SIGKILL"), HUNG_AFTER_MS);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
    clearTimeout(timer);
    assert.match(first, /^<!DOCTYPE html>/);
    assert.equal(signal, null);
    assert.equal(code, 0, err);
    assert.doesNotMatch(err, /EPIPE|at \S+ \(/);
  });
});
