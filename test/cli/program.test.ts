// The program as a whole: help names every command though only the one run is loaded,
// a misspelt command gets a suggestion, and shared options parse the same way everywhere.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "./harness.js";

const COMMANDS = ["validate", "analyze", "rules", "diff", "plan", "decide", "status", "check", "history", "report", "diagram", "init"];

describe("threatwright", () => {
  it("--help lists every command, in order", async () => {
    const { code, out } = await runCli(["--help"]);
    assert.equal(code, 0);
    const listed = [...out.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]).filter((name) => name !== "help");
    assert.deepEqual(listed, COMMANDS);
  });

  it("a misspelt command is a usage error with a suggestion", async () => {
    const { code, err } = await runCli(["anlyze", "examples/support-assistant"]);
    assert.equal(code, 2);
    assert.match(err, /unknown command 'anlyze'/);
    assert.match(err, /Did you mean analyze\?/);
  });

  it("a command's own help works when only that command is loaded", async () => {
    const { code, out } = await runCli(["check", "--help"]);
    assert.equal(code, 0);
    assert.match(out, /Usage: threatwright check/);
    assert.match(out, /--baseline/);
  });

  for (const command of ["analyze", "status", "check", "report", "diagram"]) {
    it(`${command} --date refuses a day that does not exist`, async () => {
      const { code, err } = await runCli([command, "examples/support-assistant", "--date", "2026-02-30"]);
      assert.equal(code, 2);
      assert.match(err, /argument '2026-02-30' is invalid\. expected a date written YYYY-MM-DD/);
    });
  }
});
