// Root causes: findings grouped by the weakness they follow from. The support assistant's
// groups were checked by hand against its model: the agent reads tickets customers and
// website visitors write (support-tickets) and chats with visitors (web-visitors); the
// OpenAI key openai-api-key is a credential of the identity llm-provider-key.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AnalysisResult } from "../../src/analysis/analyze.js";
import { causeOf, rootCauses } from "../../src/analysis/root-causes.js";
import { scopeResult } from "../../src/analysis/scope.js";
import { SEVERITY_RANK } from "../../src/analysis/scoring.js";
import { buildGraph } from "../../src/graph/graph.js";
import { markdownReport } from "../../src/report/markdown.js";
import { textReport } from "../../src/report/text.js";
import { analysed } from "../diagram/helpers.js";
import { backendCredential, internalAgent } from "../rules/building-blocks.js";
import { loadSpec, spec } from "../rules/rule-tester.js";

const support = analysed("examples/support-assistant").analysis;
const causeOfFinding = (result: AnalysisResult, id: string) => result.findings.find((f) => f.id === id)?.cause;
const step = (element: string, technique: string) => ({ element, technique, action: `${element} ${technique}` });

describe("root causes", () => {
  it("puts the findings an injection into the support agent leads to under one cause, with the entries its text comes in by", () => {
    const steered = support.causes.find((c) => c.id === "steered-agent:support-agent");
    assert.ok(steered);
    for (const id of ["TW-EXF-001@support-agent+send-customer-email", "TW-PI-001@support-agent", "TW-PI-002@support-agent", "TW-AGY-002@support-agent+issue-refund", "TW-RAG-001@help-vector-store"]) {
      assert.ok(steered.findings.includes(id), `${id} follows from the injection`);
    }
    assert.deepEqual(steered.entries, ["support-tickets", "web-visitors"]);
    // Retrieval that ignores the asker's permissions needs nobody to steer the agent.
    assert.equal(causeOfFinding(support, "TW-EXF-005@help-vector-store+support-agent"), "element:help-vector-store");
  });

  it("groups a credential's findings with its identity's", () => {
    assert.equal(causeOfFinding(support, "TW-NHI-002@openai-api-key"), "identity:llm-provider-key");
    assert.equal(causeOfFinding(support, "TW-NHI-006@llm-provider-key"), "identity:llm-provider-key");
    const identity = support.causes.find((c) => c.id === "identity:llm-provider-key")!;
    assert.equal(identity.kind, "identity");
    assert.equal(identity.entries, undefined);
  });

  it("partitions the findings: each in one cause, worst first, causes in the order of their worst finding", () => {
    const listed = support.causes.flatMap((c) => c.findings);
    assert.deepEqual([...listed].sort(), support.findings.map((f) => f.id).sort());
    const position = new Map(support.findings.map((f, i) => [f.id, i]));
    for (const cause of support.causes) {
      const order = cause.findings.map((id) => position.get(id)!);
      assert.deepEqual(order, [...order].sort((a, b) => a - b));
      const worst = support.findings[order[0]!]!;
      assert.equal(cause.severity, worst.severity);
      assert.equal(cause.score, worst.residual.score);
      assert.equal(Object.values(cause.bySeverity).reduce((a, b) => a + b, 0), cause.findings.length);
      for (const id of cause.findings) assert.equal(causeOfFinding(support, id), cause.id);
    }
    const firsts = support.causes.map((c) => position.get(c.findings[0]!)!);
    assert.deepEqual(firsts, [...firsts].sort((a, b) => a - b));
  });

  it("takes the last agent that takes in the attacker's instructions, not an agent the path only gathers from", () => {
    const graph = buildGraph(loadSpec(spec(internalAgent("orchestrator"), { agents: [{ id: "extractor", models: ["llm"] }], actors: [{ id: "applicant", type: "public" }] })));
    // The orchestrator is steered, then gathers data the extractor holds: the orchestrator is the cause.
    const gathers = [step("applicant", "AML.T0051.000"), step("orchestrator", "AML.T0051.000"), step("extractor", "AML.T0085.001"), step("queue", "AML.T0077")];
    assert.equal(causeOf(graph, ["orchestrator", "queue"], gathers), "steered-agent:orchestrator");
    // Instructions passed on to the extractor, or recalled by it from memory, steer it last.
    const passedOn = [step("applicant", "AML.T0051.000"), step("orchestrator", "AML.T0051.001"), step("extractor", "AML.T0051.001"), step("shell", "AML.T0053")];
    assert.equal(causeOf(graph, ["orchestrator", "extractor"], passedOn), "steered-agent:extractor");
    const recalled = [step("applicant", "AML.T0051.000"), step("orchestrator", "AML.T0051.001"), step("memory", "AML.T0080.000"), step("extractor", "AML.T0080.000")];
    assert.equal(causeOf(graph, ["memory"], recalled), "steered-agent:extractor");
    // An agent where the path starts is where the attacker is, not a victim.
    assert.equal(causeOf(graph, ["extractor"], [step("orchestrator", "AML.T0051.000"), step("extractor", "AML.T0085.001")]), "element:extractor");
    // A prompt-injection technique on an element that is no agent (a model behind it) does not count.
    assert.equal(causeOf(graph, ["orchestrator"], [step("applicant", "AML.T0051.000"), step("queue", "AML.T0051.001")]), "element:orchestrator");
  });

  it("without a steered agent, falls back to the identity of a credential anchor, then to the first anchor", () => {
    const graph = buildGraph(loadSpec(spec(internalAgent("agent"), backendCredential())));
    const identity = graph.model.identities[0]!;
    const credential = identity.credentials![0]!;
    assert.equal(causeOf(graph, [credential.id, "agent"], undefined), `identity:${identity.id}`);
    assert.equal(causeOf(graph, [identity.id], undefined), `identity:${identity.id}`);
    assert.equal(causeOf(graph, ["agent", credential.id], undefined), "element:agent");
  });

  it("counts within a scope: causes lose the findings filtered out and vanish when none is left", () => {
    const high = scopeResult(support, { minSeverity: "high" });
    assert.deepEqual(high.causes.flatMap((c) => c.findings).sort(), high.findings.map((f) => f.id).sort());
    for (const cause of high.causes) assert.ok(SEVERITY_RANK[cause.severity] >= SEVERITY_RANK.high);
    assert.ok(!high.causes.some((c) => c.id === "element:support-assistant"), "the low governance finding is filtered out, so is its cause");
    assert.deepEqual(high.causes.find((c) => c.id === "steered-agent:support-agent")?.entries, ["support-tickets", "web-visitors"]);
    // Grouping again gives the same as the scope did.
    assert.deepEqual(rootCauses(high.findings, (agent) => high.causes.find((c) => c.element === agent)?.entries ?? []), high.causes);
  });
});

describe("root causes in the reports", () => {
  it("text: lists the causes shared by more than one finding, and names the cause at each finding that shares it", () => {
    const text = textReport(support);
    const section = text.slice(text.indexOf("\nRoot causes"), text.indexOf("\nTop attack paths"));
    const shared = support.causes.filter((c) => c.findings.length > 1);
    assert.equal(section.match(/\n {2}- \[/g)?.length, shared.length);
    assert.match(section, /\n {2}- \[critical 25\] untrusted text steers support-agent \(it enters at support-tickets, web-visitors\): 8 findings \(3 critical, 3 high, 2 medium\)\n/);
    assert.match(section, /\n {2}5 other findings each have a cause of their own\n/);
    assert.match(text, /\n {2}TW-PI-001@support-agent .*\n(?: {4}.*\n)*? {4}cause: untrusted text steers support-agent \(it enters at support-tickets, web-visitors\), shared with 7 other findings\n/);
    // A finding alone in its cause says nothing about it.
    const alone = support.causes.find((c) => c.findings.length === 1)!.findings[0]!;
    const block = text.slice(text.indexOf(`\n  ${alone} `), text.indexOf("\n\n", text.indexOf(`\n  ${alone} `) + 1));
    assert.doesNotMatch(block, /cause:/);
  });

  it("text --group-by cause: every finding once, under its cause's heading", () => {
    const text = textReport(support, { groupBy: "cause" });
    const headings = [...text.matchAll(/\nCAUSE: (.*)\n/g)];
    assert.equal(headings.length, support.causes.length);
    assert.doesNotMatch(text, /\nCRITICAL \(/);
    for (const cause of support.causes) {
      const from = text.indexOf(`\nCAUSE: [${cause.severity} ${cause.score}]`);
      for (const id of cause.findings) {
        assert.equal(text.split(`\n  ${id}  `).length, 2, `${id} listed once`);
        assert.ok(text.indexOf(`\n  ${id}  `) > from, `${id} comes after its cause's heading`);
      }
    }
  });

  it("Markdown: a table of the shared causes, and one findings table per cause when grouped so", () => {
    const shared = support.causes.filter((c) => c.findings.length > 1);
    const markdown = markdownReport(support);
    assert.match(markdown, /### Root causes\n\nThe 28 findings follow from 10 weaknesses\. 5 findings each have a cause of their own\.\n\n\| Cause \| Findings \| Worst \|\n/);
    assert.match(markdown, /\n\| untrusted text steers support-agent \\\(it enters at support-tickets, web-visitors\\\) \| 8 \(3 critical, 3 high, 2 medium\) \| critical, 25 \|\n/);
    const table = markdown.slice(markdown.indexOf("| Cause |"), markdown.indexOf("### Top attack paths"));
    assert.equal(table.trim().split("\n").length, 2 + shared.length);
    const grouped = markdownReport(support, { groupBy: "cause" });
    assert.equal(grouped.match(/\n#### Cause: /g)?.length, support.causes.length);
  });
});

describe("root causes in the reports of a large model", () => {
  it("list the first 10 shared causes and count the rest (text and Markdown)", () => {
    const shared = support.causes.find((c) => c.findings.length > 1)!;
    // Twelve shared causes, made from one: only their number and words matter here.
    const causes = Array.from({ length: 12 }, (_, i) => ({ ...shared, id: `element:part-${i}`, kind: "element" as const, element: `part-${i}` }));
    const many = { ...support, causes };
    const text = textReport(many);
    assert.equal(text.match(/\n {2}- \[.*how part-\d+ is set up/g)?.length, 10);
    assert.match(text, /\n {2}… 2 more shared causes\n/);
    const markdown = markdownReport(many);
    assert.equal(markdown.match(/\n\| how part-\d+ is set up \|/g)?.length, 10);
    assert.match(markdown, /\n…and 2 more shared causes\.\n/);
  });
});

describe("root causes of the coding agent (docs/scoring.md quotes them)", () => {
  const coding = analysed("examples/coding-agent").analysis;
  it("has 26 of its 41 findings follow from untrusted text steering the PR agent, two from the bot identity and its token, and two from the web-fetch MCP server", () => {
    // The other 15 have no attack path: the unpinned MCP server, the identity and key rules, data to the provider, governance.
    assert.equal(coding.findings.length, 41);
    assert.equal(coding.causes.find((c) => c.id === "steered-agent:pr-agent")?.findings.length, 26);
    assert.deepEqual(coding.causes.find((c) => c.id === "identity:code-host-bot")?.findings.map((id) => id.replace(/@.*/, "")).sort(), ["TW-NHI-006", "TW-NHI-009"]);
    // The bot's token in a community server's process is that server's weakness, with the server's own findings, worst first.
    assert.deepEqual(coding.causes.find((c) => c.id === "element:web-fetch-mcp")?.findings, ["TW-MCP-002@web-fetch-mcp", "TW-NHI-008@agent-gh-pat+web-fetch-mcp"]);
    assert.deepEqual(coding.causes.find((c) => c.id === "element:github-mcp")?.findings, ["TW-NHI-008@agent-gh-pat+github-mcp"]);
  });
});
