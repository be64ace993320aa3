// The whole HTML report from a model and its analysis: the view model, the diagrams laid out by
// Graphviz (WebAssembly, deterministic) and the page. No files, no clock.
import type { AnalysisResult, Finding } from "../../analysis/analyze.js";
import { scopeResult } from "../../analysis/scope.js";
import { SEVERITY_RANK } from "../../analysis/scoring.js";
import type { Diagram } from "../../diagram/diagram.js";
import { buildDiagram } from "../../diagram/diagram.js";
import { toSvg } from "../../diagram/svg.js";
import type { Staleness } from "../../lifecycle/staleness.js";
import type { ThreatModel } from "../../model/model.js";
import { COMPONENT_LIST_KEYS } from "../../model/model.js";
import { CLIENT_SCRIPT, REPORT_STYLES } from "./assets.generated.js";
import { buildReportView } from "./data.js";
import type { RenderedDiagram } from "./page.js";
import { renderPage } from "./page.js";

/** Workflow diagrams drawn at most; a model with more workflows says which were left out. */
export const MAX_WORKFLOW_DIAGRAMS = 12;
/** Workflow diagrams drawn at most when the whole system is too large to draw in full. */
export const MAX_WORKFLOW_DIAGRAMS_LARGE = 4;
/** Nodes per diagram before it is condensed (attack-path elements always stay). */
export const DIAGRAM_MAX_NODES = 120;

export interface HtmlReportInput {
  model: ThreatModel;
  analysis: AnalysisResult;
  staleness: Staleness;
  workflow?: string;
  /** Names the tool and version in the page, such as "Threatwright 0.1.0". */
  generator: string;
}

export async function htmlReport(input: HtmlReportInput): Promise<string> {
  const { model, analysis, workflow } = input;
  const keep = attackPathElements(analysis, workflow);
  // The diagrams are handed to Graphviz first: it lays them out on its worker thread while this one builds the view.
  const pending: Promise<RenderedDiagram>[] = [];
  if (!workflow) pending.push(rendered(buildDiagram(model, analysis, { keep, maxNodes: DIAGRAM_MAX_NODES }), "", "Whole system"));
  const workflows = model.workflows.filter((w) => !workflow || w.id === workflow);
  const touching = findingsByWorkflow(analysis, new Set(workflows.map((w) => w.id)));
  const components = COMPONENT_LIST_KEYS.reduce((sum, key) => sum + model[key].length, 0);
  const limit = workflow ? 1 : components > DIAGRAM_MAX_NODES ? MAX_WORKFLOW_DIAGRAMS_LARGE : MAX_WORKFLOW_DIAGRAMS;
  const drawn = workflowsToDraw(workflows, touching, limit);
  for (const w of drawn) pending.push(rendered(buildDiagram(model, analysis, { workflow: w.id, keep, maxNodes: DIAGRAM_MAX_NODES }), w.id, `Workflow: ${w.name ?? w.id}`));
  const view = buildReportView(input);
  const diagrams = await Promise.all(pending);
  const notes =
    workflows.length > drawn.length
      ? [
          `Diagrams are drawn for ${drawn.length} of the ${workflows.length} workflows${limit === MAX_WORKFLOW_DIAGRAMS_LARGE ? " of this large model" : ""}: those with the most severe findings. The findings table filters by every workflow, and threatwright diagram --workflow ID draws any of them.`,
        ]
      : [];
  return renderPage({ view, diagrams, diagramNotes: notes, script: CLIENT_SCRIPT, styles: REPORT_STYLES, generator: input.generator });
}

/**
 * Every element on an attack path (of the workflow's findings, if given), worst path first and each
 * path's steps in order: a condensed diagram keeps them in this order as far as they fit, so the
 * paths the page shows first are the ones drawn.
 */
export function attackPathElements(analysis: AnalysisResult, workflow?: string): string[] {
  const elements = new Set<string>();
  for (const path of scopeResult(analysis, workflow ? { workflow } : {}).attackPaths) for (const step of path.steps) if (step.element !== "") elements.add(step.element);
  return [...elements];
}


/**
 * The workflows that get a diagram, at most `limit`, in model order: all of them when they fit,
 * else those whose worst finding ranks highest (severity, then residual score), earlier ones first on a tie.
 */
export function workflowsToDraw<W extends { id: string }>(workflows: readonly W[], touching: ReadonlyMap<string, readonly Finding[]>, limit: number): W[] {
  if (workflows.length <= limit) return [...workflows];
  const worst = (w: W): [number, number] => {
    let severity = -1;
    let score = -1;
    for (const f of touching.get(w.id) ?? []) {
      const rank = SEVERITY_RANK[f.severity];
      if (rank > severity || (rank === severity && f.residual.score > score)) [severity, score] = [rank, f.residual.score];
    }
    return [severity, score];
  };
  const ranked = workflows.map((w, index) => ({ w, index, key: worst(w) }));
  ranked.sort((a, b) => b.key[0] - a.key[0] || b.key[1] - a.key[1] || a.index - b.index);
  const chosen = new Set(ranked.slice(0, limit).map((r) => r.index));
  return workflows.filter((_, index) => chosen.has(index));
}

/** The findings touching each of the given workflows, in analysis order, from one pass. */
export function findingsByWorkflow(analysis: AnalysisResult, workflows: ReadonlySet<string>): Map<string, Finding[]> {
  const index = new Map<string, Finding[]>();
  for (const finding of analysis.findings) {
    for (const workflow of finding.workflows) {
      if (!workflows.has(workflow)) continue;
      const list = index.get(workflow);
      if (list) list.push(finding);
      else index.set(workflow, [finding]);
    }
  }
  return index;
}

async function rendered(diagram: Diagram, scope: string, label: string): Promise<RenderedDiagram> {
  const svg = await toSvg(diagram, { legend: false });
  return {
    scope,
    label,
    svg,
    ...(diagram.omitted ? { omitted: diagram.omitted } : {}),
    edges: diagram.edges.map((e): [string, string, string] => [e.id, e.from, e.to]),
  };
}
