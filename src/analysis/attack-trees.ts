// Attack trees: the ranked attack paths grouped by what the attacker achieves in the
// end (the goal: the last step's element and MITRE ATLAS technique), with the paths
// merged from the goal backwards, so that each fork shows alternative ways (OR) to
// reach the same step and the leaves are where the attacker starts. Pure: built from
// the analysis result alone, in a fixed order, so the same analysis gives the same trees.
//
// Rules word the same move differently ("recalls the entry and acts on it", "recalls
// the entry in a later task and follows it"), so steps before the last are the same
// step when element and technique agree, and the node keeps the worst path's words.
// Last steps must also agree in words: splitting payments under an approval threshold
// and paying out once are different ways to the same goal.
import { techniqueFullName } from "../catalog/frameworks.js";
import type { AttackPath } from "./analyze.js";
import type { Severity } from "./scoring.js";
import type { PathStep } from "../rules/rule.js";

export interface AttackTreeNode {
  step: PathStep;
  /** Findings whose attack paths pass through this node, worst first. */
  findings: string[];
  /** The worst of those paths. */
  severity: Severity;
  score: number;
  /** The steps that can come just before this one: alternatives, any one suffices. None at an entry point. */
  before: AttackTreeNode[];
}

export interface AttackTree {
  /** 1 is the tree whose worst path is the worst. */
  rank: number;
  goal: {
    /** The element where the harm happens. */
    element: string;
    /** The ATLAS technique of the last step. */
    technique: string;
  };
  severity: Severity;
  score: number;
  /** Findings whose paths end at the goal, worst first. */
  findings: string[];
  /** Last steps (more than one where paths end at the goal with different actions), worst first. */
  last: AttackTreeNode[];
  /**
   * Nodes in the tree once each path is merged, in the order of `findings`: the first k paths
   * alone make a tree of nodeCounts[k - 1] nodes (the worst paths, as drawn when the whole is too large).
   */
  nodeCounts: number[];
}

/**
 * Groups attack paths by goal and merges their steps from the goal backwards. Paths
 * come ranked (worst first), so taking them in order puts every tree's, and every
 * node's, worst path first; ties keep the analysis's order.
 */
export function attackTrees(paths: readonly AttackPath[]): AttackTree[] {
  const trees = new Map<string, AttackTree>();
  for (const path of paths) {
    const last = path.steps[path.steps.length - 1];
    if (!last) continue;
    const key = `${last.element}\u0000${last.technique}`;
    let tree = trees.get(key);
    if (!tree) {
      tree = { rank: trees.size + 1, goal: { element: last.element, technique: last.technique }, severity: path.severity, score: path.score, findings: [], last: [], nodeCounts: [] };
      trees.set(key, tree);
    }
    tree.findings.push(path.finding);
    let nodes = tree.nodeCounts[tree.nodeCounts.length - 1] ?? 0;
    let siblings = tree.last;
    for (let index = path.steps.length - 1; index >= 0; index--) {
      const step = path.steps[index]!;
      const last = index === path.steps.length - 1;
      let node = siblings.find((n) => n.step.element === step.element && n.step.technique === step.technique && (!last || n.step.action === step.action));
      if (!node) {
        node = { step, findings: [], severity: path.severity, score: path.score, before: [] };
        siblings.push(node);
        nodes++;
      }
      // A path that visits a step twice (an agent steered again later) still counts once per node.
      if (node.findings[node.findings.length - 1] !== path.finding) node.findings.push(path.finding);
      siblings = node.before;
    }
    tree.nodeCounts.push(nodes);
  }
  return [...trees.values()];
}

/** Goals the text and Markdown reports list after the top paths: enough to see where the paths lead. */
export const GOALS_LISTED = 5;

/** The command that draws tree N, as reports suggest it: with the workflow whose findings the trees were ranked among. */
export function drawTreeCommand(workflow?: string): string {
  return `threatwright diagram --tree N${workflow !== undefined ? ` --workflow ${workflow}` : ""}`;
}

/** The goal in words: the technique of the last step (a sub-technique with its parent's name) and where it lands. */
export function goalText(tree: AttackTree, nameOf: (id: string) => string): string {
  return `${techniqueFullName(tree.goal.technique)} at ${nameOf(tree.goal.element)}`;
}
