import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { memoryFiles } from "../../src/model/files.js";
import { terminalText } from "../../src/report/terminal-text.js";
import { RULES } from "../../src/rules/index.js";
import { runCli } from "./harness.js";

const cli = (args: string[]) => runCli(args);

describe("threatwright analyze", () => {
  it("prints a terminal report: summary, top attack paths, findings by severity", async () => {
    const { code, out } = await cli(["analyze", "examples/support-assistant"]);
    assert.equal(code, 0);
    assert.match(out, /^Threatwright analysis of Customer support assistant \(2026-11-22\)\n/);
    assert.match(out, /\nWhat to do first: 'threatwright plan' measures which controls bring the worst findings down first\n/);
    assert.match(out, /\nTop attack paths\n {2}1\. \[critical/);
    assert.ok(out.indexOf("CRITICAL (") < out.indexOf("HIGH ("), "most severe group first");
    assert.match(out, / {4}at examples\/support-assistant\/[a-z-]+\.yaml:\d+:\d+\n/);
  });

  it("points to the plan only while some finding is still to act on", async () => {
    const root = "threatwright: 1\nsystem: { id: s, name: Empty, owner: a@example.com }\n";
    const open = await runCli(["analyze", "m"], { files: memoryFiles({ "m/threatwright.yaml": root }) });
    assert.match(open.out, /\nWhat to do first: 'threatwright plan' measures/);
    const decided = memoryFiles({ "m/threatwright.yaml": `${root}decisions:\n  - { finding: TW-GOV-002@s, status: accepted, owner: a@example.com, justification: first review booked, expires: 2027-01-31 }\n` });
    assert.doesNotMatch((await runCli(["analyze", "m"], { files: decided })).out, /What to do first/);
  });

  it("lists where the attack paths lead, worst goal first, after the top paths (text and Markdown)", async () => {
    // The invoice agents' 14 paths end at 9 goals; the payment tool's gathers 5 (test/analysis/attack-trees.test.ts).
    const text = (await cli(["analyze", "examples/invoice-agents"])).out;
    assert.match(
      text,
      /\nAttack goals \(9; 'threatwright diagram --tree N' draws every path to one\)\n {2}1\. \[critical 25\] Exfiltration via AI Agent Tool Invocation at send-remittance-advice: 1 path\n {2}2\. \[critical 20\] External Harms: Financial Harm at create-payment: 5 paths\n(?: {2}\d\. .*\n){3} {2}… 4 more\n\nCRITICAL/,
    );
    const markdown = (await cli(["analyze", "examples/invoice-agents", "--format", "markdown"])).out;
    assert.match(markdown, /### Attack goals\n\nWhere the 14 attack paths lead; `threatwright diagram --tree N` draws every path to one goal\.\n\n1\. Exfiltration via AI Agent Tool Invocation at send-remittance-advice \(critical, 25\): 1 path\n2\. External Harms: Financial Harm at create-payment \(critical, 20\): 5 paths\n/);
    // No path, no goal section; within a workflow, the hint names it, as the ranks are the workflow's.
    const none = (await cli(["analyze", "examples/invoice-agents", "--workflow", "model-fine-tuning"])).out;
    assert.doesNotMatch(none, /Attack goals/);
    const intake = (await cli(["analyze", "examples/invoice-agents", "--workflow", "invoice-intake"])).out;
    assert.match(intake, /\nAttack goals \(9; 'threatwright diagram --tree N --workflow invoice-intake' draws every path to one\)\n/);
  });

  it("gives versioned JSON whose findings are sorted by severity and identical on every run", async () => {
    const first = await cli(["analyze", "examples/invoice-agents", "--format", "json"]);
    const second = await cli(["analyze", "examples/invoice-agents", "--format", "json"]);
    assert.equal(first.out, second.out);
    const report = JSON.parse(first.out);
    assert.equal(report.schemaVersion, "1.2");
    assert.equal(report.tool.name, "threatwright");
    const order = ["critical", "high", "medium", "low", "info"];
    const ranks: number[] = report.findings.map((f: { severity: string }) => order.indexOf(f.severity));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
    assert.equal(report.summary.findings, report.findings.length);
  });

  it("filters by minimum severity and by workflow", async () => {
    const all = JSON.parse((await cli(["analyze", "examples/invoice-agents", "--format", "json"])).out);
    const high = JSON.parse((await cli(["analyze", "examples/invoice-agents", "--format", "json", "--min-severity", "high"])).out);
    assert.ok(high.findings.length > 0 && high.findings.length < all.findings.length);
    assert.ok(high.findings.every((f: { severity: string }) => f.severity === "high" || f.severity === "critical"));
    const training = JSON.parse((await cli(["analyze", "examples/invoice-agents", "--format", "json", "--workflow", "model-fine-tuning"])).out);
    assert.ok(training.findings.length > 0 && training.findings.length < all.findings.length);
    assert.ok(training.findings.every((f: { workflows: string[] }) => f.workflows.includes("model-fine-tuning")));
  });

  it("counts decisions over the findings a filter keeps, as the header's finding count does", async () => {
    // support-assistant records no decisions: every finding in view is undecided, and none other.
    const critical = await cli(["analyze", "examples/support-assistant", "--min-severity", "critical"]);
    const count = Number(/\n(\d+) findings: /.exec(critical.out)![1]);
    assert.ok(count > 0 && count < 26);
    assert.match(critical.out, new RegExp(`\nDecisions: ${count} undecided, 0 reopened, 0 overdue, `));
    const json = JSON.parse((await cli(["analyze", "examples/support-assistant", "--min-severity", "critical", "--format", "json"])).out);
    assert.equal(json.decisions.summary.undecided, json.findings.length);
    assert.equal(json.decisions.summary.byStatus.open, json.findings.length);
  });

  it("writes SARIF 2.1.0 with each result at the anchoring element's line", async () => {
    const { code, out } = await cli(["analyze", "examples/coding-agent", "--format", "sarif"]);
    assert.equal(code, 0);
    const sarif = JSON.parse(out);
    assert.equal(sarif.version, "2.1.0");
    const run = sarif.runs[0];
    assert.ok(run.results.length > 0);
    for (const result of run.results) {
      assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
      assert.ok(result.partialFingerprints.threatwrightFindingId.startsWith(`${result.ruleId}@`));
    }
    const shell = run.results.find((r: { partialFingerprints: { threatwrightFindingId: string } }) => r.partialFingerprints.threatwrightFindingId === "TW-RCE-001@pr-agent+run-shell");
    const location = shell.locations[0].physicalLocation;
    assert.match(location.artifactLocation.uri, /^examples\/coding-agent\/.+\.yaml$/);
    const line = readFileSync(location.artifactLocation.uri, "utf8").split("\n")[location.region.startLine - 1]!;
    assert.match(line, /id: pr-agent\b/, "the result points at the agent's definition");
  });

  it("gives a finding's attack path as a SARIF code flow, each step at its element's declaration, and its evidence as related locations", async () => {
    const sarif = JSON.parse((await cli(["analyze", "examples/coding-agent", "--format", "sarif"])).out);
    type Loc = { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } }; message: { text: string } };
    const results: { partialFingerprints: { threatwrightFindingId: string }; codeFlows?: { threadFlows: { locations: { location: Loc; executionOrder: number }[] }[] }[]; relatedLocations?: (Loc & { id: number })[] }[] = sarif.runs[0].results;
    const declared = (place: Loc) => readFileSync(place.physicalLocation!.artifactLocation.uri, "utf8").split("\n")[place.physicalLocation!.region.startLine - 1]!;
    // TW-RCE-001@pr-agent+run-shell: rules file → agent steered → agent writes the commands → shell (its path in analyze --format json).
    const shell = results.find((r) => r.partialFingerprints.threatwrightFindingId === "TW-RCE-001@pr-agent+run-shell")!;
    const steps = shell.codeFlows![0]!.threadFlows[0]!.locations;
    assert.deepEqual(steps.map((s) => s.executionOrder), steps.map((_, i) => i + 1));
    assert.deepEqual(steps.map((s) => /^\d+\. ([\w-]+):/.exec(s.location.message.text)?.[1]), ["agents-md", "pr-agent", "pr-agent", "run-shell"]);
    for (const s of steps) assert.match(declared(s.location), new RegExp(`id: ${/^\d+\. ([\w-]+):/.exec(s.location.message.text)![1]}\\b`), s.location.message.text);
    assert.match(steps[3]!.location.message.text, /^4\. run-shell: calls Shell to run attacker-chosen commands \(AML\.T0050 Command and Scripting Interpreter\)$/);
    // Evidence: each item at its element, numbered from 0.
    const related = shell.relatedLocations!;
    assert.ok(related.length > 0);
    related.forEach((item, i) => {
      assert.equal(item.id, i);
      assert.match(declared(item), new RegExp(`id: ${item.message.text.split(":")[0]}\\b`));
    });
    // A finding without a path has no code flow.
    assert.ok(results.some((r) => r.partialFingerprints.threatwrightFindingId.startsWith("TW-GOV-001@") && r.codeFlows === undefined));
  });

  it("writes a Markdown summary for pull requests", async () => {
    const { out } = await cli(["analyze", "examples/coding-agent", "--format", "markdown"]);
    assert.match(out, /^## Threatwright: PR coding agent in CI\n/);
    assert.match(out, /\| Severity \| Finding \| Summary \| Status \| Residual \|/);
    assert.match(out, /\| open \| \d/);
  });

  it("keeps the terminal safe from model text: no control character, each step on one line", async () => {
    // The hostile fixture's agent name holds a newline.
    const { code, out } = await runCli(["analyze", "test/fixtures/hostile-model", "--date", "2026-11-22"]);
    assert.equal(code, 0);
    // Line feeds end lines; no other control character and no direction override is left.
    assert.doesNotMatch(out.replaceAll("\n", ""), /[\p{Cc}\u202a-\u202e]/u);
    assert.match(out, /^ {5}2\) triage\.agent: Triage agent second line \{\{hexagon\}\} \(round\) \[square\] reads the text and follows the injected instructions {2}\[AML\.T0051\.001 Indirect\]$/m);
  });

  it("groups findings by root cause when asked, in text and Markdown", async () => {
    const text = await cli(["analyze", "examples/coding-agent", "--group-by", "cause"]);
    assert.equal(text.code, 0);
    assert.match(text.out, /\nCAUSE: \[critical 23\.75\] untrusted text steers pr-agent \(it enters at [^)]*\): 26 findings \(/);
    assert.doesNotMatch(text.out, /\nCRITICAL \(/);
    const markdown = await cli(["analyze", "examples/coding-agent", "--group-by", "cause", "--format", "markdown"]);
    assert.match(markdown.out, /\n#### Cause: untrusted text steers pr-agent /);
  });

  it("refuses an unknown workflow, format, grouping or date with exit 2", async () => {
    assert.equal((await cli(["analyze", "examples/coding-agent", "--group-by", "rule"])).code, 2);
    assert.equal((await cli(["analyze", "examples/coding-agent", "--workflow", "nope"])).code, 2);
    assert.equal((await cli(["analyze", "examples/coding-agent", "--format", "pdf"])).code, 2);
    assert.equal((await cli(["analyze", "examples/coding-agent", "--date", "22/11/2026"])).code, 2);
  });
});

describe("threatwright rules", () => {
  it("lists the catalogue, filtered by framework or item", async () => {
    const all = await cli(["rules"]);
    assert.equal(all.code, 0);
    assert.match(all.out, new RegExp(`\\n${RULES.length} rules; `));
    const llm01 = JSON.parse((await cli(["rules", "--maps-to", "LLM01:2025", "--format", "json"])).out).map((r: { id: string }) => r.id);
    assert.ok(llm01.includes("TW-PI-002") && !llm01.includes("TW-NHI-011"));
    const nhi = await cli(["rules", "--framework", "owasp-nhi"]);
    assert.match(nhi.out, /TW-NHI-001 .*NHI5:2025 Overprivileged NHI/);
    assert.equal((await cli(["rules", "--framework", "nope"])).code, 2);
  });

  it("--maps-to takes in sub-items: a technique its sub-techniques, an OWASP item without its edition", async () => {
    const ids = async (item: string) => JSON.parse((await cli(["rules", "--maps-to", item, "--format", "json"])).out).map((r: { id: string }) => r.id) as string[];
    const parent = await ids("AML.T0051");
    const indirect = await ids("AML.T0051.001");
    // TW-PI-002 maps only the sub-technique .001, so it is in both lists.
    assert.ok(indirect.includes("TW-PI-002") && parent.includes("TW-PI-002"));
    assert.ok(indirect.every((id) => parent.includes(id)) && parent.length > indirect.length);
    assert.deepEqual(await ids("llm01"), await ids("LLM01:2025"));
    // A prefix that is not a whole item takes in nothing: LLM0 is no item.
    const bad = await cli(["rules", "--maps-to", "LLM1"]);
    assert.equal(bad.code, 2);
    assert.equal(bad.err, "no framework item 'LLM1'\n  hint: did you mean 'LLM01'? IDs are written as the frameworks write them, such as LLM01:2025, ASI06, NHI4:2025, AML.T0051 or Art. 15\n");
  });
});

describe("terminal text", () => {
  it("turns line breaks into spaces and other controls and direction overrides into '?'", () => {
    assert.equal(terminalText("a\r\nb\nc\rd"), "a b c d");
    assert.equal(terminalText("bell\u0007 esc\u001b[31m red \u202eevil\u2069"), "bell? esc?[31m red ?evil?");
    assert.equal(terminalText("Support staff 👩‍💻 (O'Reilly)"), "Support staff 👩‍💻 (O'Reilly)");
  });
});
