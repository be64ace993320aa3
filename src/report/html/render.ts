// The whole HTML report from a model and its analysis: the view model, the diagrams laid out by
// Graphviz (WebAssembly, deterministic) and the page. No files, no clock.
import type { AnalysisResult, Finding } from "../../analysis/analyze.js";
import { scopeResult } from "../../analysis/scope.js";
import { SEVERITY_RANK } from "../../analysis/scoring.js";
import type { Diagram } from "../../diagram/diagram.js";
import { buildDiagram } from "../../diagram/diagram.js";
import { toSvg } from "../../diagram/svg.js";
import { COMPONENT_LIST_KEYS } from "../../model/model.js";
import { planRemediation } from "../../planning/plan.js";
import { CLIENT_SCRIPT, REPORT_STYLES } from "./assets.generated.js";
import type { ReportInput } from "./data.js";
import { buildReportView } from "./data.js";
import type { RenderedDiagram } from "./page.js";
import { renderPage } from "./page.js";

/** Workflow diagrams drawn at most; a model with more workflows says which were left out. */
const MAX_WORKFLOW_DIAGRAMS = 12;
/** Workflow diagrams drawn at most when the whole system is too large to draw in full. */
export const MAX_WORKFLOW_DIAGRAMS_LARGE = 4;
/** Nodes per diagram before it is condensed (attack-path elements always stay). */
export const DIAGRAM_MAX_NODES = 120;
/**
 * The page proposes what to do first for models up to this many components: the plan analyses the
 * model once per candidate control, which a large model makes too slow for a report.
 */
export const PLAN_MAX_COMPONENTS = 150;
/** The page's plan: a few steps, from the candidates most promising by estimate; `threatwright plan` goes further. */
const PAGE_PLAN = { steps: 3, candidates: 40 };

export interface HtmlReportInput extends ReportInput {
  /** Names the tool and version in the page, such as "Threatwright 0.1.0". */
  generator: string;
}

/** The page, and how many findings it shows (the workflow's, when scoped to one). */
export async function htmlReport(input: HtmlReportInput): Promise<{ html: string; findings: number }> {
  const { model, analysis, workflow } = input;
  const scoped = scopeResult(analysis, workflow ? { workflow } : {});
  const keep = attackPathElements(scoped);
  // The diagrams are handed to Graphviz first: it lays them out on its worker thread while this one builds the view.
  const pending: Promise<RenderedDiagram>[] = [];
  if (!workflow) pending.push(rendered(buildDiagram(model, analysis, { keep, maxNodes: DIAGRAM_MAX_NODES }), "", "Whole system"));
  const workflows = model.workflows.filter((w) => !workflow || w.id === workflow);
  const components = COMPONENT_LIST_KEYS.reduce((sum, key) => sum + model[key].length, 0);
  const limit = workflow ? 1 : components > DIAGRAM_MAX_NODES ? MAX_WORKFLOW_DIAGRAMS_LARGE : MAX_WORKFLOW_DIAGRAMS;
  const drawn = workflowsToDraw(workflows, analysis, limit);
  for (const w of drawn) pending.push(rendered(buildDiagram(model, analysis, { workflow: w.id, keep, maxNodes: DIAGRAM_MAX_NODES }), w.id, `Workflow: ${w.name ?? w.id}`));
  const view = buildReportView(input, scoped);
  const plan =
    components <= PLAN_MAX_COMPONENTS
      ? { plan: planRemediation(model, { today: analysis.date, ...PAGE_PLAN, ...(workflow ? { workflow } : {}) }), nameOf: (id: string) => input.graph.nameOf(id) }
      : { skipped: `This model has ${components.toLocaleString("en-US")} components, more than the ${PLAN_MAX_COMPONENTS} the report plans for: each candidate control costs an analysis of the whole model.` };
  const diagrams = await Promise.all(pending);
  const notes =
    workflows.length > drawn.length
      ? [
          `Diagrams are drawn for ${drawn.length} of the ${workflows.length} workflows${limit === MAX_WORKFLOW_DIAGRAMS_LARGE ? " of this large model" : ""}: those with the most severe findings. The findings table filters by every workflow, and threatwright diagram --workflow ID draws any of them.`,
        ]
      : [];
  return { html: renderPage({ view, plan, diagrams, diagramNotes: notes, script: CLIENT_SCRIPT, styles: REPORT_STYLES, generator: input.generator }), findings: view.findings };
}

/**
 * Every element on the result's attack paths, worst path first and each path's steps in order:
 * a condensed diagram keeps them in this order as far as they fit, so the paths the page shows
 * first are the ones drawn.
 */
export function attackPathElements(result: Pick<AnalysisResult, "attackPaths">): string[] {
  const elements = new Set<string>();
  for (const path of result.attackPaths) for (const step of path.steps) if (step.element !== "") elements.add(step.element);
  return [...elements];
}

/**
 * The workflows that get a diagram, at most `limit`, in model order: all of them when they fit,
 * else those whose worst finding ranks highest (severity, then residual score), earlier ones first
 * on a tie. Findings come worst first, so a workflow's worst is the first that touches it.
 */
export function workflowsToDraw<W extends { id: string }>(workflows: readonly W[], analysis: Pick<AnalysisResult, "findings">, limit: number): W[] {
  if (workflows.length <= limit) return [...workflows];
  const worst = new Map<string, Finding>();
  for (const finding of analysis.findings) for (const workflow of finding.workflows) if (!worst.has(workflow)) worst.set(workflow, finding);
  const key = (w: W): [number, number] => {
    const f = worst.get(w.id);
    return f ? [SEVERITY_RANK[f.severity], f.residual.score] : [-1, -1];
  };
  const ranked = workflows.map((w, index) => ({ w, index, key: key(w) }));
  ranked.sort((a, b) => b.key[0] - a.key[0] || b.key[1] - a.key[1] || a.index - b.index);
  const chosen = new Set(ranked.slice(0, limit).map((r) => r.index));
  return workflows.filter((_, index) => chosen.has(index));
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
