// One attack tree drawn on its own. The invoice agents' payment tree (tree 2) holds five
// paths, read off the example: splitting under the approval threshold, two memory
// poisonings, and two direct steerings of the payment agent (test/analysis/attack-trees.test.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildTreeDiagram, GOAL_NODE, selectAttackTree } from "../../src/diagram/attack-tree.js";
import { attackTrees } from "../../src/analysis/attack-trees.js";
import { DiagramOptionError } from "../../src/diagram/diagram.js";
import { layoutDirection, toDot } from "../../src/diagram/dot.js";
import { toMermaid } from "../../src/diagram/mermaid.js";
import { svgFromDot, toSvg } from "../../src/diagram/svg.js";
import { runCli } from "../cli/harness.js";
import { analysed, HOSTILE } from "./helpers.js";

const INVOICE = "examples/invoice-agents";

describe("attack-tree diagram", () => {
  const { graph, analysis } = analysed(INVOICE);

  it("draws the goal, then every step back to the entry points, each arrow naming the step it leads to", () => {
    const diagram = buildTreeDiagram(graph, analysis, "2");
    assert.equal(diagram.title, "Attack tree 2 (5 paths, critical, 20): External Harms: Financial Harm at Book invoice and create payment");
    const goal = diagram.nodes[0]!;
    assert.deepEqual(goal, { id: GOAL_NODE, label: "External Harms: Financial Harm", kind: "goal", subtype: "AML.T0048.000", untrusted: false, injectable: false, severity: "critical" });
    // The goal and the tree's 15 steps; each step has exactly one arrow in, from the step after it.
    assert.equal(diagram.nodes.length, 16);
    assert.equal(diagram.edges.length, 15);
    for (const node of diagram.nodes.slice(1)) assert.equal(diagram.edges.filter((e) => e.to === node.id).length, 1, node.id);
    // Two last steps hang off the goal: splitting the payment, and paying out once.
    const fromGoal = diagram.edges.filter((e) => e.from === GOAL_NODE);
    assert.deepEqual(fromGoal.map((e) => e.label), [
      "AML.T0048.000 Financial Harm: calls Book invoice and create payment several times, each payment under 10000 EUR, so none waits for approval",
      "AML.T0048.000 Financial Harm: calls Book invoice and create payment to pay out from ERP",
    ]);
    // Every leaf is the shared AP mailbox, marked as the untrusted entry it is.
    const leaves = diagram.nodes.filter((n) => !diagram.edges.some((e) => e.from === n.id));
    assert.deepEqual([...new Set(leaves.map((n) => n.label))], ["Shared AP mailbox"]);
    assert.ok(leaves.every((n) => n.untrusted));
    assert.deepEqual(diagram.clusters, []);
    assert.equal(diagram.omitted, undefined);
  });

  it("colours each step by the worst path through it", () => {
    const diagram = buildTreeDiagram(graph, analysis, "2");
    // The direct steering is rated high (TW-AGY-002, TW-A2A-002); everything else here has a critical path.
    const severities = diagram.nodes.map((n) => n.severity);
    assert.equal(severities.filter((s) => s === "high").length, 4);
    assert.equal(severities.filter((s) => s === "critical").length, 12);
  });

  it("is chosen by rank or by the ID of any finding whose path it holds", () => {
    const trees = attackTrees(analysis.attackPaths);
    assert.equal(selectAttackTree(trees, "TW-MEM-001@agent-memory").rank, 2);
    assert.deepEqual(buildTreeDiagram(graph, analysis, "TW-A2A-002@intake-agent+payment-agent"), buildTreeDiagram(graph, analysis, "2"));
  });

  it("says a finding has no attack path rather than listing the ranks, when it is a finding without one", () => {
    assert.ok(analysis.findings.some((f) => f.id === "TW-NHI-007@ml-finetune-key"));
    assert.throws(
      () => buildTreeDiagram(graph, analysis, "TW-NHI-007@ml-finetune-key"),
      (error: unknown) =>
        error instanceof DiagramOptionError &&
        error.hint === "TW-NHI-007@ml-finetune-key has no attack path: its rule names a weakness, not steps an attacker takes; this model has 9 attack trees, such as TW-EXF-001@payment-agent+send-remittance-advice",
    );
  });

  it("names the ranks and an example ID when the tree does not exist", () => {
    for (const selector of ["0", "10", "TW-NHI-007@no-such-key"]) {
      assert.throws(
        () => buildTreeDiagram(graph, analysis, selector),
        (error: unknown) =>
          error instanceof DiagramOptionError &&
          error.message === `no attack tree '${selector}'` &&
          error.hint === "this model has 9 attack trees: give a rank from 1 to 9, or the ID of a finding with an attack path, such as TW-EXF-001@payment-agent+send-remittance-advice ('threatwright analyze' lists them)",
      );
    }
  });

  it("draws only the worst paths that fit under --max-nodes, and says so", () => {
    // Splitting alone takes the goal and 5 steps; the next path (memory poisoning) would add 6 more.
    const diagram = buildTreeDiagram(graph, analysis, "2", 8);
    assert.equal(diagram.nodes.length, 6);
    assert.match(diagram.title, /^Attack tree 2 \(5 paths, /);
    assert.equal(diagram.omitted, "the 1 worst of its 5 paths are drawn, to stay within 8 nodes (--max-nodes); draw the others one at a time with --path");
    assert.equal(buildTreeDiagram(graph, analysis, "2", 12).nodes.length, 12, "splitting and the memory path: 1 + 5 + 6");
  });

  it("lays out in Graphviz and in Mermaid from the goal down, with the key saying how to read it", async () => {
    const diagram = buildTreeDiagram(graph, analysis, "2");
    const svg = await svgFromDot(toDot(diagram));
    assert.match(svg, /<g id="n-goal~" class="node kind-goal sev-critical"/);
    assert.match(svg, /any one of them suffices \(OR\)/);
    const mermaid = toMermaid(diagram);
    assert.match(mermaid, /^flowchart TD\n/);
    assert.match(mermaid, /%% Attack tree: read from the goal down/);
  });

  it("is drawn from the goal down even when its shape would suit left to right", async () => {
    // Eight one-step ways to one goal: a broad, shallow tree, which the layout would otherwise turn sideways.
    const steps = Array.from({ length: 8 }, (_, i) => ({ element: "create-payment", action: `pays out, way ${i + 1}`, technique: "AML.T0048.000" }));
    const wide = { ...analysis, attackPaths: steps.map((step, i) => ({ finding: `F${i}`, rank: i + 1, severity: "high" as const, score: 16, title: "t", steps: [step] })) };
    const diagram = buildTreeDiagram(graph, wide, "1");
    assert.equal(layoutDirection({ ...diagram, direction: undefined }), "LR", "the shape alone would go sideways");
    assert.match(toDot(diagram), /rankdir="TB"/);
    assert.match(toMermaid(diagram), /^flowchart TD\n/);
    // Laid out top down, the goal sits over a row of eight steps: wider than tall (sideways, it would be a tall column).
    const [width, height] = /viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"/.exec(await toSvg(diagram))!.slice(1).map(Number);
    assert.ok(width! > height!, `${width} x ${height}`);
  });

  it("keeps hostile names inert in DOT and Mermaid", async () => {
    const hostile = analysed(HOSTILE);
    const diagram = buildTreeDiagram(hostile.graph, hostile.analysis, "1");
    assert.doesNotMatch(await svgFromDot(toDot(diagram)), /<script|<img|onerror=/i);
    assert.doesNotMatch(toMermaid(diagram), /<script|<img|<svg|alert\(/i);
  });

  it("CLI: --tree draws it, ranked within --workflow when given; a missing tree and --tree with --path are usage errors", async () => {
    const ok = await runCli(["diagram", INVOICE, "--tree", "2", "--format", "mermaid", "--date", "2026-11-22"]);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.out.split("\n").filter((line) => line.includes(" ==>|")).length, 15);
    const missing = await runCli(["diagram", INVOICE, "--tree", "99", "--format", "dot", "--date", "2026-11-22"]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^error: no attack tree '99'\n {2}hint: this model has 9 attack trees/);
    const both = await runCli(["diagram", INVOICE, "--tree", "1", "--path", "1"]);
    assert.equal(both.code, 2);
    assert.match(both.err, /^error: --path and --tree draw different things\n {2}hint: give one of them/);
    // The support assistant's refund tree holds 3 paths (tree 3, after the email exfiltration and the chat widget's
    // rendered images); of those only TW-PI-005 touches knowledge ingestion, whose 4 paths make 4 trees, the refund
    // one second (after the email exfiltration).
    const refund = await runCli(["diagram", "examples/support-assistant", "--tree", "3", "--format", "dot", "--date", "2026-11-22"]);
    assert.match(refund.out, /label="Attack tree 3 \(3 paths, critical, 23\.75\): External Harms: Financial Harm at Issue refund"/);
    const ingestion = await runCli(["diagram", "examples/support-assistant", "--tree", "2", "--workflow", "knowledge-ingestion", "--format", "dot", "--date", "2026-11-22"]);
    assert.equal(ingestion.code, 0, ingestion.err);
    assert.match(ingestion.out, /label="Attack tree 2 \(1 path, high, 19\): External Harms: Financial Harm at Issue refund"/);
    // No path touches fine-tuning.
    const tuning = await runCli(["diagram", INVOICE, "--tree", "1", "--workflow", "model-fine-tuning", "--format", "dot", "--date", "2026-11-22"]);
    assert.equal(tuning.code, 2);
    assert.match(tuning.err, /^error: no attack tree '1'\n {2}hint: the analysis found no attack path in the workflow 'model-fine-tuning', so there is no attack tree/);
    const small = await runCli(["diagram", INVOICE, "--tree", "2", "--max-nodes", "8", "--format", "dot", "--date", "2026-11-22"]);
    assert.equal(small.code, 0);
    assert.match(small.err, /^note: the 1 worst of its 5 paths are drawn/);
  });
});
