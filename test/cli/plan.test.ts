import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { memoryFiles } from "../../src/model/files.js";
import { runCli } from "./harness.js";

describe("threatwright plan", () => {
  it("prints each control to add with what it lowers and the YAML to write", async () => {
    const { code, out, err } = await runCli(["plan", "examples/support-assistant", "--steps", "2"]);
    assert.equal(code, 0, err);
    assert.match(out, /^Remediation plan for Customer support assistant \(2026-11-22\)\n\nStill to act on: 28 findings \(4 critical, 12 high, 9 medium, 3 low\), residual risk 348\.75\.\n/);
    // The first step as test/planning/plan.test.ts checks it by hand (-20.75; TW-PRV-001 20 -> 15 leaves critical).
    // The second takes the other critical below: an egress allowlist on the email tool takes 2 off the likelihood of
    // TW-EXF-001 (5x4 = 20 after the first step -> 3x4 = 12) and 1 off the impact of TW-OUT-002 (5x2 = 10 -> 5x1 = 5),
    // -13. An approval on the same tool takes 2 off the same two (-8 and -4) but nothing off TW-PI-001,
    // whose agent has other acting tools left ungated: -12. Tenant isolation on the vector store takes more (-15) but
    // leaves both criticals critical.
    assert.match(out, /\nWith the 2 controls below in place: 28 findings \(2 critical, .*residual risk 315, 33\.75 less\.\n/);
    assert.match(out, /\n1\. Add data-minimisation on Support agent \(support-agent\): residual 348\.75 -> 328 \(-20\.75\); 1 finding no longer critical\n {3}lowers 5 findings: TW-EXF-001@support-agent\+send-customer-email critical 25 -> critical 20;/);
    assert.match(
      out,
      /\n2\. Add egress-allowlist on Send email to customer \(send-customer-email\): residual 328 -> 315 \(-13\); 1 finding no longer critical\n {3}lowers 2 findings: TW-EXF-001@support-agent\+send-customer-email critical 20 -> high 12; TW-OUT-002@support-agent\+email-api medium 10 -> low 5\n/,
    );
    // The YAML block is what the team pastes under controls: it parses to the proposed control.
    const block = out.split("add to the model's controls (then fill in evidence):\n")[1]!.split("\n\n")[0]!;
    assert.deepEqual(parse(block.replace(/^ {5}/gm, "")), [
      { id: "data-minimisation-support-agent", type: "data-minimisation", covers: ["support-agent"], status: "implemented", verified: true, evidence: [{ type: "doc", ref: "to fill in: where the control can be seen working" }] },
    ]);
    assert.match(out, /\nEach control is counted as implemented and verified, with evidence;/);
  });

  it("names the fields to change when it finishes a control the model has", async () => {
    // 618.5: the example's residual risk, with TW-EXF-001's approval counted where it gates the agent (first-time
    // contributors) rather than where the data comes from (branch protection on the repository), and the two
    // TW-NHI-008 findings counting the high-capability adversary that may come in through the MCP servers (+4 each);
    // 599.5 since the fetched web pages are one finding (TW-PI-003), not also TW-PI-005's 19; 597.5 since an approval
    // on the agent (first-time contributors) gates the tools of its MCP servers too: TW-GOV-006 and TW-MCP-003 -1 each.
    const { out } = await runCli(["plan", "examples/coding-agent", "--steps", "1"]);
    assert.match(out, /\n1\. Complete fine-grained-token \(least-privilege on .* \(code-host-bot\); now planned, not verified\): residual 597\.5 -> /);
    assert.match(out, /\n {3}set on fine-grained-token:\n {5}status: implemented\n {5}verified: true\n/);
  });

  it("gives versioned JSON and Markdown with the same steps", async () => {
    const json = JSON.parse((await runCli(["plan", "examples/invoice-agents", "--format", "json", "--steps", "3"])).out);
    assert.equal(json.schemaVersion, "1.2");
    // Each step says which severity it brings findings below, as its lowered findings show: step 1 takes three
    // criticals to high, step 2 two more (TW-EXF-001 and TW-MEM-002, whose agent's two acting tools are then both gated,
    // the weaker gate, the payment approval above 10,000 EUR, taking 0.5: 5x4 = 20 -> 4.5x4 = 18), step 3 none but two
    // highs to medium: least privilege on the agents' workload identity lowers TW-NHI-001 on it and TW-AGY-001 for
    // archive-invoice, which runs as it, but not TW-AGY-001 for read-ap-mailbox, which runs as mailbox-graph-app.
    assert.deepEqual(
      json.steps.map((s: { bringsBelow?: unknown }) => s.bringsBelow),
      [
        { severity: "critical", findings: 3 },
        { severity: "critical", findings: 2 },
        { severity: "high", findings: 2 },
      ],
    );
    for (const step of json.steps) {
      const left = (step.lowered as { before: { severity: string }; after: { severity: string } }[]).filter((f) => f.before.severity === step.bringsBelow.severity && f.after.severity !== f.before.severity);
      assert.equal(left.length, step.bringsBelow.findings, `step ${step.rank}`);
    }
    assert.equal(json.tool.name, "threatwright");
    assert.equal(json.steps.length, 3);
    // 431 in all, less the approval's own shortfalls, which are the payments' risk: splitting under its threshold (TW-AGY-003, 20) and approvers shown injected text (TW-HUM-001, 8).
    // (428 before the payment approval stopped counting against the payment agent's findings while its remittance tool is open: TW-A2A-002 14 -> 16, TW-MEM-002 19 -> 20.)
    assert.equal(json.start.residual, 403);
    const markdown = (await runCli(["plan", "examples/invoice-agents", "--format", "markdown", "--steps", "3"])).out;
    assert.match(markdown, /^## Threatwright remediation plan: Back-office invoice agents\n/);
    for (const step of json.steps) assert.ok(markdown.includes(`| ${step.rank} | `) && markdown.includes(`${step.residual.before} → ${step.residual.after}`), `step ${step.rank} in the table`);
    assert.match(markdown, /\n```yaml\n- id: /);
    // Markdown names every finding a step changes; the terminal names five and counts the rest.
    const lowers = (await runCli(["plan", "examples/coding-agent", "--format", "markdown", "--steps", "1"])).out.split("\n").find((line) => line.startsWith("- lowers "))!;
    const count = Number(/^- lowers (\d+) findings: /.exec(lowers)![1]);
    assert.ok(count > 5);
    assert.equal(lowers.match(/`TW-[A-Z]+-\d+@[^`]+`/g)?.length, count);
    assert.match((await runCli(["plan", "examples/coding-agent", "--steps", "1"])).out, new RegExp(`lowers ${count} findings: .*; and ${count - 5} more\n`));
  });

  it("leaves the spend cap's amount empty for the team to choose, so the pasted control does not validate until they do", async () => {
    // A daily cap on payments lowers TW-AGY-002's impact: step 12 of the invoice plan.
    const { out } = await runCli(["plan", "examples/invoice-agents", "--steps", "12"]);
    assert.match(out, /\n {3}add to the model's controls \(then fill in threshold\.amount and evidence\):\n {5}- id: spend-limit-create-payment\n/);
    assert.match(out, /\n {9}amount: null # to fill in: the most it may spend per day\n {9}currency: EUR\n {9}per: day\n/);
  });

  it("says when nothing is left to act on, and names the workflow it plans for", async () => {
    // An empty model's one finding (TW-GOV-002: no threat-model review recorded) needs a review, not a control.
    const root = "threatwright: 1\nsystem: { id: s, name: Empty, owner: a@example.com }\n";
    const empty = memoryFiles({ "m/threatwright.yaml": root });
    assert.match((await runCli(["plan", "m"], { files: empty })).out, /\nStill to act on: 1 finding \(1 medium\), residual risk 6\.\nNo control the plan can propose lowers the residual risk of the findings still to act on\.\n/);
    const accepted = memoryFiles({ "m/threatwright.yaml": `${root}decisions:\n  - { finding: TW-GOV-002@s, status: accepted, owner: a@example.com, justification: first review booked, expires: 2027-01-31 }\n` });
    assert.match((await runCli(["plan", "m"], { files: accepted })).out, /\nNothing left to act on: the one finding is decided \(accepted, transferred, mitigated or dismissed\)\.\n/);
    const scoped = await runCli(["plan", "examples/support-assistant", "--workflow", "support-chat", "--steps", "1", "--format", "json"]);
    assert.equal(JSON.parse(scoped.out).workflow, "support-chat");
    assert.match((await runCli(["plan", "examples/support-assistant", "--workflow", "support-chat", "--steps", "1"])).out, /^Remediation plan for Customer support assistant, workflow support-chat \(2026-11-22\)\n/);
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
