import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { memoryFiles } from "../../src/model/files.js";
import { runCli } from "./harness.js";

describe("threatwright plan", () => {
  it("prints each control to add with what it lowers and the YAML to write", async () => {
    const { code, out, err } = await runCli(["plan", "examples/support-assistant", "--steps", "2"]);
    assert.equal(code, 0, err);
    assert.match(out, /^Remediation plan for Customer support assistant \(2026-11-22\)\n\nStill to act on: 28 findings \(5 critical, 11 high, 9 medium, 3 low\), residual risk 358\.75\.\n/);
    assert.match(out, /\nWith the 2 controls below in place: .*residual risk 292\.25, 66\.5 less\.\n/);
    assert.match(out, /\n1\. Add egress-allowlist on Support agent \(support-agent\): residual 358\.75 -> 323\.75 \(-35\)\n {3}lowers 4 findings: TW-EXF-001@support-agent\+send-customer-email critical 25 -> high 15;/);
    // The YAML block is what the team pastes under controls: it parses to the proposed control.
    const block = out.split("add to the model's controls:\n")[1]!.split("\n\n")[0]!;
    assert.deepEqual(parse(block.replace(/^ {5}/gm, "")), [
      { id: "egress-allowlist-support-agent", type: "egress-allowlist", covers: ["support-agent"], status: "implemented", verified: true, evidence: [{ type: "doc", ref: "where the control can be seen working" }] },
    ]);
    assert.match(out, /\nEach control is counted as implemented and verified, with evidence;/);
  });

  it("names the fields to change when it finishes a control the model has", async () => {
    const { out } = await runCli(["plan", "examples/coding-agent", "--steps", "1"]);
    assert.match(out, /\n1\. Complete fine-grained-token \(least-privilege on .* \(code-host-bot\); now planned, not verified\): residual 613 -> /);
    assert.match(out, /\n {3}set on fine-grained-token:\n {5}status: implemented\n {5}verified: true\n/);
  });

  it("gives versioned JSON and Markdown with the same steps", async () => {
    const json = JSON.parse((await runCli(["plan", "examples/invoice-agents", "--format", "json", "--steps", "3"])).out);
    assert.equal(json.schemaVersion, "1.0");
    assert.equal(json.tool.name, "threatwright");
    assert.equal(json.steps.length, 3);
    assert.equal(json.start.residual, 428);
    const markdown = (await runCli(["plan", "examples/invoice-agents", "--format", "markdown", "--steps", "3"])).out;
    assert.match(markdown, /^## Threatwright remediation plan: Back-office invoice agents\n/);
    for (const step of json.steps) assert.ok(markdown.includes(`| ${step.rank} | `) && markdown.includes(`${step.residual.before} → ${step.residual.after}`), `step ${step.rank} in the table`);
    assert.match(markdown, /\n```yaml\n- id: /);
  });

  it("marks the spend cap's amount as the team's to choose", async () => {
    const { out } = await runCli(["plan", "examples/invoice-agents", "--steps", "5"]);
    assert.match(out, /\n {9}amount: 0 # the most it may spend per day: yours to choose\n {9}currency: EUR\n {9}per: day\n/);
  });

  it("refuses bad options and unknown workflows with exit 2, and an invalid model with exit 1", async () => {
    assert.equal((await runCli(["plan", "examples/coding-agent", "--steps", "0"])).code, 2);
    assert.equal((await runCli(["plan", "examples/coding-agent", "--candidates", "many"])).code, 2);
    assert.equal((await runCli(["plan", "examples/coding-agent", "--workflow", "nope"])).code, 2);
    const files = memoryFiles({ "m/threatwright.yaml": "threatwright: 1\nsystem: { id: s, name: S, owner: a@example.com }\nagents:\n  - id: a\n    models: [missing]\n" });
    const invalid = await runCli(["plan", "m"], { files });
    assert.equal(invalid.code, 1);
    assert.match(invalid.err, /m\/threatwright\.yaml:5:\d+: error/);
  });
});
