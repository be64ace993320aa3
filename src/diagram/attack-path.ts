// One attack path drawn on its own: the attacker, then each step's element in order,
// joined by arrows that say what happens there and which MITRE ATLAS technique it is,
// with the elements inside their trust boundaries. Pure, like buildDiagram.
import type { AnalysisResult, AttackPath } from "../analysis/analyze.js";
import { techniqueName } from "../catalog/frameworks.js";
import type { SystemGraph } from "../graph/graph.js";
import { COMPONENT_KINDS } from "../model/vocabulary.js";
import type { Diagram, DiagramEdge, DiagramNode, DiagramNodeKind } from "./diagram.js";
import { analysisMarks, clustersFor, DiagramOptionError, PATH_ONLY_KINDS, selectionHint } from "./diagram.js";
import type { PathStep } from "../rules/rule.js";

/** The start node: "~" cannot occur in a model ID. */
export const ATTACKER_NODE = "attacker~";

const DRAWABLE = new Set<string>([...COMPONENT_KINDS, ...PATH_ONLY_KINDS]);

/** A step on an arrow: "AML.T0086 Exfiltration via AI Agent Tool Invocation: what happens there". */
export function stepLabel(step: PathStep): string {
  return `${step.technique} ${techniqueName(step.technique)}: ${step.action}`;
}

/** How a step's element is drawn: its own kind, or a data note for anything without a shape. */
export function stepKind(graph: SystemGraph, element: string): DiagramNodeKind {
  const found = graph.node(element);
  return (found && DRAWABLE.has(found.kind) ? found.kind : "data") as DiagramNodeKind;
}

/** The attack path a selector names: its rank (1 is the worst) or its finding's ID; `workflow` names the scope in the hint. */
export function selectAttackPath(analysis: AnalysisResult, selector: string, workflow?: string): AttackPath {
  const paths = analysis.attackPaths;
  const found = /^\d+$/.test(selector) ? paths.find((p) => p.rank === Number(selector)) : paths.find((p) => p.finding === selector);
  if (found) return found;
  const findingIds = analysis.findings.map((f) => f.id);
  return fail(`no attack path '${selector}'`, selectionHint("attack path", paths.length, paths[0]?.finding, { selector, findingIds, ...(workflow !== undefined ? { workflow } : {}) }));
}

function fail(message: string, hint: string): never {
  throw new DiagramOptionError(message, hint);
}

export function buildPathDiagram(graph: SystemGraph, analysis: AnalysisResult, selector: string, workflow?: string): Diagram {
  const path = selectAttackPath(analysis, selector, workflow);
  const marksOf = analysisMarks(analysis);

  const nodes: DiagramNode[] = [{ id: ATTACKER_NODE, label: "Attacker", kind: "actor", untrusted: true, injectable: false }];
  const seen = new Set<string>();
  for (const step of path.steps) {
    if (seen.has(step.element)) continue;
    seen.add(step.element);
    const kind = stepKind(graph, step.element);
    const boundary = graph.boundaryOf(step.element);
    nodes.push({ id: step.element, label: graph.nameOf(step.element), kind, ...(boundary !== undefined ? { boundary } : {}), ...marksOf(step.element) });
  }

  const edges: DiagramEdge[] = path.steps.map((step, index) => ({
    id: `step~${index + 1}`,
    from: index === 0 ? ATTACKER_NODE : path.steps[index - 1]!.element,
    to: step.element,
    label: `${index + 1}. ${stepLabel(step)}`,
    relation: "step",
  }));

  return {
    title: `Attack path ${path.rank} (${path.severity}, ${path.score}): ${path.title}`,
    nodes,
    edges,
    // The boundaries the steps sit in, and the boundaries around those.
    clusters: clustersFor(graph.model, nodes),
  };
}
