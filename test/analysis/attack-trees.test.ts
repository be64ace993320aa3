// Attack trees: paths grouped by goal and merged from the goal backwards. The small cases
// are built by hand; the invoice example's payment tree was read off its five paths
// (test/examples/expected.test.ts asserts the paths themselves).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { AttackPath } from "../../src/analysis/analyze.js";
import type { AttackTree, AttackTreeNode } from "../../src/analysis/attack-trees.js";
import { attackTrees } from "../../src/analysis/attack-trees.js";
import type { Severity } from "../../src/analysis/scoring.js";
import { analysed } from "../diagram/helpers.js";

/** How many nodes a tree has, counted by walking it (independently of the counts the tree keeps). */
function treeSize(tree: AttackTree): number {
  const walk = (nodes: readonly AttackTreeNode[]): number => nodes.reduce((n, node) => n + 1 + walk(node.before), 0);
  return walk(tree.last);
}

const step = (element: string, technique: string, action = `${element} ${technique}`) => ({ element, technique, action });
const path = (finding: string, score: number, severity: Severity, steps: ReturnType<typeof step>[], rank = 0): AttackPath => ({ finding, rank, severity, score, title: finding, steps });
/** The tree as nested [element, technique, findings, before] for comparing. */
const shape = (nodes: readonly AttackTreeNode[]): unknown[] => nodes.map((n) => [n.step.element, n.step.technique, n.findings, shape(n.before)]);

describe("attack trees", () => {
  it("groups paths by the last step's element and technique, in the order of their worst path", () => {
    const trees = attackTrees([
      path("A", 25, "critical", [step("web", "T1"), step("agent", "T2"), step("email", "T9")]),
      path("B", 20, "critical", [step("web", "T1"), step("agent", "T2"), step("shell", "T5")]),
      path("C", 12, "high", [step("tickets", "T1"), step("agent", "T2"), step("email", "T9")]),
      path("D", 10, "medium", [step("web", "T1"), step("agent", "T2"), step("email", "T8")]),
    ]);
    assert.deepEqual(
      trees.map((t) => [t.rank, t.goal.element, t.goal.technique, t.severity, t.score, t.findings]),
      [
        [1, "email", "T9", "critical", 25, ["A", "C"]],
        [2, "shell", "T5", "critical", 20, ["B"]],
        [3, "email", "T8", "medium", 10, ["D"]],
      ],
    );
  });

  it("merges shared steps from the goal back, and forks where the ways in differ", () => {
    const [tree] = attackTrees([
      path("A", 25, "critical", [step("web", "T1"), step("agent", "T2"), step("email", "T9")]),
      path("C", 12, "high", [step("tickets", "T1"), step("store", "T3"), step("agent", "T2"), step("email", "T9")]),
    ]);
    assert.deepEqual(shape(tree!.last), [
      ["email", "T9", ["A", "C"], [["agent", "T2", ["A", "C"], [["web", "T1", ["A"], []], ["store", "T3", ["C"], [["tickets", "T1", ["C"], []]]]]]]],
    ]);
    // Each node is as bad as its worst path.
    const agent = tree!.last[0]!.before[0]!;
    assert.equal(agent.severity, "critical");
    assert.equal(agent.before[1]!.severity, "high");
    assert.equal(treeSize(tree!), 5);
  });

  it("treats steps before the last as one when element and technique agree, whatever their words", () => {
    const [tree] = attackTrees([
      path("A", 25, "critical", [step("mail", "T1", "plants text"), step("agent", "T2", "reads the text and follows it"), step("pay", "T9", "pays out")]),
      path("B", 20, "critical", [step("mail", "T1", "plants text"), step("agent", "T2", "is told by another agent and acts"), step("pay", "T9", "pays out")]),
    ]);
    assert.deepEqual(shape(tree!.last), [["pay", "T9", ["A", "B"], [["agent", "T2", ["A", "B"], [["mail", "T1", ["A", "B"], []]]]]]]);
    assert.equal(tree!.last[0]!.before[0]!.step.action, "reads the text and follows it", "the worst path's words");
  });

  it("keeps last steps apart when their words differ: different ways to the same goal", () => {
    const [tree] = attackTrees([
      path("split", 20, "critical", [step("mail", "T1"), step("pay", "T9", "pays several times under the threshold")]),
      path("once", 16, "high", [step("mail", "T1"), step("pay", "T9", "pays out")]),
    ]);
    assert.equal(tree!.last.length, 2);
    assert.deepEqual(tree!.last.map((n) => [n.step.action, n.findings]), [["pays several times under the threshold", ["split"]], ["pays out", ["once"]]]);
  });

  it("counts a path once at a node it passes twice", () => {
    const [tree] = attackTrees([path("A", 9, "medium", [step("agent", "T2"), step("agent", "T2"), step("tool", "T5")])]);
    assert.deepEqual(shape(tree!.last), [["tool", "T5", ["A"], [["agent", "T2", ["A"], [["agent", "T2", ["A"], []]]]]]]);
  });

  it("makes no tree of no path, and skips a path without steps", () => {
    assert.deepEqual(attackTrees([]), []);
    assert.deepEqual(attackTrees([path("A", 9, "medium", [])]), []);
  });

  it("keeps every path, whole, in its goal's tree (property)", () => {
    const anyStep = fc.record({ element: fc.constantFrom("a", "b", "c", "d"), technique: fc.constantFrom("T1", "T2", "T3"), action: fc.constantFrom("x", "y") });
    const anyPaths = fc.array(fc.array(anyStep, { minLength: 1, maxLength: 6 }), { maxLength: 12 });
    fc.assert(
      fc.property(anyPaths, (stepLists) => {
        const paths = stepLists.map((steps, index) => path(`F${index}`, 25 - index, "high", steps));
        const trees = attackTrees(paths);
        assert.equal(trees.reduce((n, t) => n + t.findings.length, 0), paths.length);
        for (const p of paths) {
          const last = p.steps[p.steps.length - 1]!;
          const tree = trees.find((t) => t.goal.element === last.element && t.goal.technique === last.technique) as AttackTree;
          assert.ok(tree.findings.includes(p.finding));
          // Walk from the goal back along the path: every step is a node this path passes.
          let siblings = tree.last;
          for (let i = p.steps.length - 1; i >= 0; i--) {
            const s = p.steps[i]!;
            const node = siblings.find((n) => n.step.element === s.element && n.step.technique === s.technique && n.findings.includes(p.finding) && (i < p.steps.length - 1 || n.step.action === s.action));
            assert.ok(node, `${p.finding} step ${i}`);
            siblings = node.before;
          }
        }
        // The counts kept while merging: the first k paths of a tree alone make nodeCounts[k - 1] nodes.
        for (const tree of trees) {
          assert.equal(tree.nodeCounts.length, tree.findings.length);
          tree.findings.forEach((_, k) => {
            const prefix = attackTrees(paths.filter((p) => tree.findings.slice(0, k + 1).includes(p.finding)));
            assert.equal(tree.nodeCounts[k], treeSize(prefix[0]!), `${tree.goal.element} after ${k + 1} paths`);
          });
        }
        // No node without a path, and never more nodes than steps.
        const walk = (nodes: readonly AttackTreeNode[]): number => nodes.reduce((n, node) => (assert.ok(node.findings.length > 0), n + 1 + walk(node.before)), 0);
        assert.ok(trees.reduce((n, t) => n + walk(t.last), 0) <= paths.reduce((n, p) => n + p.steps.length, 0));
      }),
      { seed: 20261122, numRuns: 300 },
    );
  });

  it("on the invoice agents, joins the five ways to make the payment tool pay out", () => {
    const { analysis } = analysed("examples/invoice-agents");
    const tree = attackTrees(analysis.attackPaths).find((t) => t.goal.element === "create-payment")!;
    assert.equal(tree.goal.technique, "AML.T0048.000");
    assert.deepEqual(tree.findings, [
      "TW-AGY-003@create-payment+high-value-payment-approval",
      "TW-MEM-001@agent-memory",
      "TW-MEM-002@agent-memory+payment-agent",
      // Both at 16: the payment approval gates create-payment but not the remittance advice beside it, so
      // takes nothing off the steered payment agent (TW-A2A-002); ties go by ID.
      "TW-A2A-002@intake-agent+payment-agent",
      "TW-AGY-002@payment-agent+create-payment",
    ]);
    // Splitting under the approval threshold is its own last step; the other four pay out once.
    assert.deepEqual(
      tree.last.map((n) => n.findings.length),
      [1, 4],
    );
    assert.match(tree.last[0]!.step.action, /under 10000 EUR/);
    // Those four: through the shared memory (two memory rules), or the intake agent steering the payment agent directly.
    const payOut = tree.last[1]!;
    assert.deepEqual(
      payOut.before.map((n) => [n.step.element, n.step.technique, n.findings]),
      [
        ["payment-agent", "AML.T0080.000", ["TW-MEM-001@agent-memory", "TW-MEM-002@agent-memory+payment-agent"]],
        ["payment-agent", "AML.T0051.001", ["TW-A2A-002@intake-agent+payment-agent", "TW-AGY-002@payment-agent+create-payment"]],
      ],
    );
    // Every way starts in the shared AP mailbox.
    const leaves: string[] = [];
    const collect = (nodes: readonly AttackTreeNode[]) => nodes.forEach((n) => (n.before.length ? collect(n.before) : leaves.push(n.step.element)));
    collect(tree.last);
    assert.deepEqual([...new Set(leaves)], ["ap-mailbox"]);
    // Splitting 5 steps; paying out 1, then memory 5 (agent, memory, intake agent, mailbox tool, mailbox) and direct 4.
    assert.equal(treeSize(tree), 15);
  });
});
