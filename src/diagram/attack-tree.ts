// One attack tree drawn on its own: the attacker's goal at the top, then the last step
// of every path that reaches it, then the steps before those, down to the entry points
// where the attacker starts. Each arrow leads to the step before and says what happens
// there and which MITRE ATLAS technique it is; a step with several arrows out can be
// reached in any of those ways (OR). Pure, like buildDiagram.
import type { AnalysisResult } from "../analysis/analyze.js";
import type { AttackTree, AttackTreeNode } from "../analysis/attack-trees.js";
import { attackTrees, goalText } from "../analysis/attack-trees.js";
import { techniqueFullName } from "../catalog/frameworks.js";
import type { SystemGraph } from "../graph/graph.js";
import { stepKind, stepLabel } from "./attack-path.js";
import type { Diagram, DiagramEdge, DiagramNode } from "./diagram.js";
import { analysisMarks, DEFAULT_MAX_NODES, DiagramOptionError, selectionHint } from "./diagram.js";

/** The goal node: "~" cannot occur in a model ID. */
export const GOAL_NODE = "goal~";

/** The attack tree a selector names: its rank (1 is the worst), or the ID of a finding whose path it holds. */
export function selectAttackTree(trees: readonly AttackTree[], selector: string, context: { findingIds: readonly string[]; workflow?: string } = { findingIds: [] }): AttackTree {
  const found = /^\d+$/.test(selector) ? trees.find((t) => t.rank === Number(selector)) : trees.find((t) => t.findings.includes(selector));
  if (found) return found;
  throw new DiagramOptionError(`no attack tree '${selector}'`, selectionHint("attack tree", trees.length, trees[0]?.findings[0], { selector, ...context }));
}

export function buildTreeDiagram(graph: SystemGraph, analysis: AnalysisResult, selector: string, maxNodes = DEFAULT_MAX_NODES, workflow?: string): Diagram {
  const whole = selectAttackTree(attackTrees(analysis.attackPaths), selector, { findingIds: analysis.findings.map((f) => f.id), ...(workflow !== undefined ? { workflow } : {}) });
  const marksOf = analysisMarks(analysis);

  // A tree too large to read is drawn from its worst paths only, as many as fit (at least one).
  // The first k paths make a tree of nodeCounts[k - 1] nodes, so the count is read off, not rebuilt for each k.
  let tree = whole;
  const sizes = whole.nodeCounts;
  if (sizes[sizes.length - 1]! + 1 > maxNodes) {
    const inTree = new Set(whole.findings);
    const ranked = analysis.attackPaths.filter((p) => inTree.has(p.finding));
    let count = 1;
    while (count < sizes.length && sizes[count]! + 1 <= maxNodes) count++;
    tree = { ...attackTrees(ranked.slice(0, count))[0]!, rank: whole.rank };
  }

  const goal = goalText(tree, (id) => graph.nameOf(id));
  const nodes: DiagramNode[] = [
    // The goal names the technique; the node below it names where it lands.
    { id: GOAL_NODE, label: techniqueFullName(tree.goal.technique), kind: "goal", subtype: tree.goal.technique, untrusted: false, injectable: false, severity: whole.severity },
  ];
  const edges: DiagramEdge[] = [];
  let counter = 0;
  const add = (node: AttackTreeNode, parent: string) => {
    const id = `step~${++counter}`;
    const kind = stepKind(graph, node.step.element);
    const { untrusted, injectable } = marksOf(node.step.element);
    // The band is the worst path through this step, which is what the tree ranks by.
    nodes.push({ id, label: graph.nameOf(node.step.element), kind, untrusted, injectable, severity: node.severity });
    edges.push({ id: `to~${id}`, from: parent, to: id, label: stepLabel(node.step), relation: "step" });
    for (const before of node.before) add(before, id);
  };
  for (const last of tree.last) add(last, GOAL_NODE);

  const paths = whole.findings.length;
  return {
    // The count first: a long goal is what gets cut when the renderer shortens the title.
    title: `Attack tree ${whole.rank} (${paths} path${paths === 1 ? "" : "s"}, ${whole.severity}, ${whole.score}): ${goal}`,
    nodes,
    edges,
    clusters: [],
    direction: "TB",
    ...(tree !== whole
      ? { omitted: `the ${tree.findings.length} worst of its ${paths} paths are drawn, to stay within ${maxNodes} nodes (--max-nodes); draw the others one at a time with --path` }
      : {}),
  };
}
