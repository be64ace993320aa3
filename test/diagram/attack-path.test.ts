// One attack path drawn on its own. Expected steps are those of the support assistant's
// top path (ticket text → ingestion → vector store → agent → order lookup → email), as
// test/examples/expected.test.ts asserts them; boundaries are read off the example YAML.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ATTACKER_NODE, buildPathDiagram, selectAttackPath } from "../../src/diagram/attack-path.js";
import { scopeResult } from "../../src/analysis/scope.js";
import { DiagramOptionError } from "../../src/diagram/diagram.js";
import { toDot } from "../../src/diagram/dot.js";
import { toMermaid } from "../../src/diagram/mermaid.js";
import { svgFromDot } from "../../src/diagram/svg.js";
import { runCli } from "../cli/harness.js";
import { analysed, HOSTILE } from "./helpers.js";

const SUPPORT = "examples/support-assistant";
const TOP = "TW-EXF-001@support-agent+send-customer-email";

describe("attack-path diagram", () => {
  const { graph, analysis } = analysed(SUPPORT);

  it("draws the attacker, then each step's element once, in order, joined by numbered steps with their ATLAS technique", () => {
    const diagram = buildPathDiagram(graph, analysis, "1");
    assert.deepEqual(
      diagram.nodes.map((n) => [n.id, n.kind]),
      [
        [ATTACKER_NODE, "actor"],
        ["support-tickets", "source"],
        ["nightly-embedding", "pipeline"],
        ["help-vector-store", "datastore"],
        ["support-agent", "agent"],
        ["lookup-order", "tool"],
        ["send-customer-email", "tool"],
      ],
    );
    assert.deepEqual(
      diagram.edges.map((e) => [e.from, e.to, e.relation]),
      [
        [ATTACKER_NODE, "support-tickets", "step"],
        ["support-tickets", "nightly-embedding", "step"],
        ["nightly-embedding", "help-vector-store", "step"],
        ["help-vector-store", "support-agent", "step"],
        ["support-agent", "lookup-order", "step"],
        ["lookup-order", "send-customer-email", "step"],
      ],
    );
    assert.equal(diagram.edges[0]!.label, "1. AML.T0051.001 Indirect: attacker plants instructions in Support tickets (writable by Customers, Website visitors)");
    assert.match(diagram.edges[5]!.label, /^6\. AML\.T0086 /);
    // Support tickets live in the helpdesk vendor's boundary; the rest in the production account.
    assert.deepEqual(diagram.clusters.map((c) => c.id), ["helpdesk-vendor", "support-prod"]);
    assert.equal(diagram.nodes.find((n) => n.id === "support-tickets")!.untrusted, true);
    assert.equal(diagram.nodes.find((n) => n.id === "support-agent")!.injectable, true);
    assert.match(diagram.title, /^Attack path 1 \(critical, 25\): /);
  });

  it("is chosen by rank or by finding ID, the same path either way", () => {
    assert.equal(selectAttackPath(analysis, "1").finding, TOP);
    assert.deepEqual(buildPathDiagram(graph, analysis, TOP), buildPathDiagram(graph, analysis, "1"));
  });

  it("names the ranks and an example ID when the path does not exist", () => {
    for (const selector of ["0", "13", "TW-EXF-001@nothing"]) {
      assert.throws(
        () => selectAttackPath(analysis, selector),
        (error: unknown) =>
          error instanceof DiagramOptionError &&
          error.message === `no attack path '${selector}'` &&
          error.hint === `this model has 11 attack paths: give a rank from 1 to 11, or a finding ID such as ${TOP} ('threatwright analyze' lists them)`,
      );
    }
  });

  it("counts the paths of the workflow drawn, not the model's, when scoped to one", () => {
    const scoped = scopeResult(analysis, { workflow: "knowledge-ingestion" });
    const count = scoped.attackPaths.length;
    assert.ok(count > 0 && count < analysis.attackPaths.length);
    assert.throws(
      () => buildPathDiagram(graph, scoped, String(count + 1), "knowledge-ingestion"),
      (error: unknown) => error instanceof DiagramOptionError && error.hint.startsWith(`the workflow 'knowledge-ingestion' has ${count} attack path${count === 1 ? "" : "s"}: give a rank from 1 to ${count}, `),
    );
  });

  it("draws credentials and identities a path reaches (coding agent: the PAT on the runner)", async () => {
    const coding = analysed("examples/coding-agent");
    const path = coding.analysis.attackPaths.find((p) => p.steps.some((s) => s.element === "agent-gh-pat"))!;
    const diagram = buildPathDiagram(coding.graph, coding.analysis, String(path.rank));
    assert.equal(diagram.nodes.find((n) => n.id === "agent-gh-pat")!.kind, "credential");
    assert.equal(diagram.nodes.find((n) => n.id === "code-host-bot")!.kind, "identity");
    // Graphviz lays the DOT out: the shapes for the new kinds are ones it knows.
    const svg = await svgFromDot(toDot(diagram));
    assert.match(svg, /<g id="n-agent-gh-pat" class="node kind-credential/);
  });

  it("keeps hostile names inert in DOT and Mermaid", async () => {
    const hostile = analysed(HOSTILE);
    assert.ok(hostile.analysis.attackPaths.length > 0);
    const diagram = buildPathDiagram(hostile.graph, hostile.analysis, "1");
    const svg = await svgFromDot(toDot(diagram));
    assert.doesNotMatch(svg, /<script|<img|onerror=/i);
    // Markup and call syntax come out as Mermaid entity codes (#lt; #40;), never as themselves.
    assert.doesNotMatch(toMermaid(diagram), /<script|<img|<svg|alert\(/i);
  });

  it("CLI: --path draws it, ranked within --workflow when given; a missing path is a usage error", async () => {
    const ok = await runCli(["diagram", SUPPORT, "--path", "1", "--format", "mermaid", "--date", "2026-11-22"]);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.out.split("\n").filter((line) => line.includes(" ==>|")).length, 6);
    const missing = await runCli(["diagram", SUPPORT, "--path", "99", "--format", "dot", "--date", "2026-11-22"]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^error: no attack path '99'\n {2}hint: this model has 11 attack paths/);
    // The knowledge-ingestion workflow holds 5 of the 11 paths (analyze --workflow ranks them so; TW-EXF-005, answers from other customers' tickets, is its third); its path 2 is the hidden-instructions one.
    const scoped = await runCli(["diagram", SUPPORT, "--path", "2", "--workflow", "knowledge-ingestion", "--format", "dot", "--date", "2026-11-22"]);
    assert.equal(scoped.code, 0, scoped.err);
    assert.match(scoped.out, /label="Attack path 2 \(high, 19\): Hidden instructions in attachments and rich content"/);
    const beyond = await runCli(["diagram", SUPPORT, "--path", "6", "--workflow", "knowledge-ingestion", "--format", "dot"]);
    assert.equal(beyond.code, 2);
    assert.match(beyond.err, /the workflow 'knowledge-ingestion' has 5 attack paths/);
    const unknown = await runCli(["diagram", SUPPORT, "--path", "1", "--workflow", "nope"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /^error: unknown workflow 'nope'\n {2}hint: workflows in this model: /);
  });
});
