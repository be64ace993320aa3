// The whole HTML report from a model and its analysis: the view model, the diagrams laid out by
// Graphviz (WebAssembly, deterministic) and the page. No files, no clock.
import type { AnalysisResult, Finding } from "../../analysis/analyze.js";
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
import type { Redact } from "./secrets.js";
import { secretRedactor } from "./secrets.js";

/** Workflow diagrams drawn at most; a model with more workflows says which were left out. */
export const MAX_WORKFLOW_DIAGRAMS = 12;
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
  const view = buildReportView(input);
  const redact = secretRedactor(model);
  const keep = view.pathElements;
  const diagrams: RenderedDiagram[] = [];
  const notes: string[] = [];
  if (!workflow) diagrams.push(await rendered(buildDiagram(model, analysis, { keep, maxNodes: DIAGRAM_MAX_NODES }), "", "Whole system", redact));
  const drawn = view.workflows.slice(0, MAX_WORKFLOW_DIAGRAMS);
  const touching = findingsByWorkflow(analysis, new Set(drawn.map(([id]) => id)));
  for (const [id, name] of drawn) {
    const slice = workflowSlice(model, analysis, id, touching.get(id) ?? []);
    diagrams.push(await rendered(buildDiagram(slice.model, slice.analysis, { workflow: id, keep, maxNodes: DIAGRAM_MAX_NODES }), id, `Workflow: ${name}`, redact));
  }
  if (view.workflows.length > drawn.length) {
    notes.push(`Diagrams are drawn for the first ${drawn.length} of ${view.workflows.length} workflows; the findings table still filters by every workflow.`);
  }
  return renderPage({ view, diagrams, diagramNotes: notes, script: CLIENT_SCRIPT, styles: REPORT_STYLES, generator: input.generator });
}

/**
 * The part of the model and analysis a workflow's diagram draws from: its components, the flows
 * among them and the findings that touch it. buildDiagram gives the same diagram from the slice as
 * from the whole, but a model with hundreds of workflows would otherwise be scanned once for each.
 */
export function workflowSlice(model: ThreatModel, analysis: AnalysisResult, workflow: string, findings: Finding[]): { model: ThreatModel; analysis: AnalysisResult } {
  const members = new Set(model.workflows.find((w) => w.id === workflow)?.components ?? []);
  const sliced: ThreatModel = { ...model, flows: model.flows.filter((f) => members.has(f.from) && members.has(f.to)) };
  for (const key of COMPONENT_LIST_KEYS) (sliced[key] as readonly { id: string }[]) = (model[key] as readonly { id: string }[]).filter((c) => members.has(c.id));
  return { model: sliced, analysis: { ...analysis, findings } };
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

async function rendered(diagram: Diagram, scope: string, label: string, redact: Redact): Promise<RenderedDiagram> {
  const clean: Diagram = {
    ...diagram,
    title: redact(diagram.title),
    nodes: diagram.nodes.map((n) => ({ ...n, label: redact(n.label) })),
    edges: diagram.edges.map((e) => ({ ...e, label: redact(e.label) })),
    clusters: diagram.clusters.map((c) => ({ ...c, label: redact(c.label) })),
  };
  const svg = await toSvg(clean, { legend: false });
  return {
    scope,
    label,
    svg,
    ...(diagram.omitted ? { omitted: redact(diagram.omitted) } : {}),
    edges: diagram.edges.map((e): [string, string, string] => [e.id, e.from, e.to]),
  };
}
