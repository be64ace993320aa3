// The data-flow diagram as data: components, flows, agent relations and trust
// boundaries, marked with what the analysis found. Pure; renderers (dot.ts,
// mermaid.ts, svg.ts) turn it into text. Same input, same diagram.
import type { AnalysisResult } from "../analysis/analyze.js";
import type { Severity } from "../analysis/scoring.js";
import type { ThreatModel } from "../model/model.js";
import { COMPONENT_LIST_KEYS, unknownWorkflow } from "../model/model.js";
import { LIST_KIND } from "../model/schema.js";
import type { ComponentKind } from "../model/vocabulary.js";
import { worseSeverity } from "../analysis/scoring.js";
import { condense } from "./condense.js";
import type { LayoutDirection } from "./dot.js";

/**
 * A component's kind, "group" for a stand-in node that counts components left out of a condensed
 * diagram, or "goal" for the attacker's goal at the top of an attack tree.
 */
export type DiagramNodeKind = ComponentKind | PathOnlyKind | "group" | "goal";

/** Elements that are not components but can be steps of an attack path (a credential taken, a control bypassed). */
export const PATH_ONLY_KINDS = ["identity", "credential", "control", "data"] as const;
export type PathOnlyKind = (typeof PATH_ONLY_KINDS)[number];

export interface DiagramNode {
  /** The model element ID (for a group: "more~BOUNDARY", or "more~" outside any boundary). */
  id: string;
  /** Display name: the element's name, else its ID. */
  label: string;
  kind: DiagramNodeKind;
  /** The element's type, role or hosting ("vector", "system", "hosted-api"), when it has one. */
  subtype?: string;
  /** Trust boundary the element sits in. */
  boundary?: string;
  /** An untrusted entry point (AnalysisResult.summary.untrustedEntryPoints). */
  untrusted: boolean;
  /** An agent whose context can hold untrusted text (AnalysisResult.summary.injectableAgents). */
  injectable: boolean;
  /** Worst residual severity of the findings anchored on it (for a group: on its members). */
  severity?: Severity;
  /** For a group: how many components it stands for. */
  count?: number;
  /** In a condensed diagram: how many of its flows and relations lead to components left out. */
  hiddenLinks?: number;
}

/**
 * flow: a modelled flow. The rest are drawn only where no flow joins the two already:
 * tool, mcp, model, prompt (an agent's tools, MCP servers, models and prompts), served-by
 * (tool to its MCP server), writes (actor into what it can write), trains (dataset to the
 * model tuned on it), runs-on (component to its host, when that sits in another boundary).
 * step: one step of an attack path, in an attack-path diagram.
 */
export type EdgeRelation = "flow" | "tool" | "model" | "mcp" | "prompt" | "served-by" | "writes" | "trains" | "runs-on" | "step";

export interface DiagramEdge {
  /** The flow's ID; for other relations a derived, stable ID ("uses~agent~tool"). */
  id: string;
  from: string;
  to: string;
  /** Flows: the channel and the data carried; relations: what the relation is ("calls"). */
  label: string;
  relation: EdgeRelation;
}

export interface DiagramCluster {
  /** The boundary ID. */
  id: string;
  label: string;
  /** The boundary type (internet, vendor, ...). */
  type: string;
  parent?: string;
}

export interface Diagram {
  title: string;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  clusters: DiagramCluster[];
  /** Set when the diagram was condensed to fit maxNodes: what was left out, in words. */
  omitted?: string;
  /** A direction the drawing must have (an attack tree reads from the goal down); otherwise renderers choose. */
  direction?: LayoutDirection;
}

export interface DiagramOptions {
  /** Only this workflow's components and the edges among them. */
  workflow?: string;
  /** Element IDs that must stay when condensing (the report passes every attack-path element). */
  keep?: readonly string[];
  /** Condense above this many nodes. */
  maxNodes?: number;
}

export const DEFAULT_MAX_NODES = 150;

/**
 * The hint when --path or --tree names nothing: what there is to choose from, in the scope
 * drawn (the whole model or one workflow), or why the finding named has nothing to draw.
 */
export function selectionHint(what: "attack path" | "attack tree", count: number, example: string | undefined, context: { selector: string; findingIds: readonly string[]; workflow?: string }): string {
  const scope = context.workflow !== undefined ? `the workflow '${context.workflow}'` : "this model";
  if (context.findingIds.includes(context.selector)) {
    return `${context.selector} has no attack path: its rule names a weakness, not steps an attacker takes${count > 0 ? `; ${scope} has ${count} ${what}${count === 1 ? "" : "s"}, such as ${example}` : ""}`;
  }
  if (count === 0) return `the analysis found no attack path in ${scope}${what === "attack tree" ? ", so there is no attack tree" : ""}`;
  const idKind = what === "attack path" ? "a finding ID" : "the ID of a finding with an attack path,";
  return `${scope} has ${count} ${what}${count === 1 ? "" : "s"}: give a rank from 1 to ${count}, or ${idKind} such as ${example} ('threatwright analyze' lists them)`;
}

/** Raised for options that do not fit the model (an unknown workflow); the CLI reports it as a usage error. */
export class DiagramOptionError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "DiagramOptionError";
  }
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What distinguishes components of one kind: stores by type, prompts by role, models by hosting. */
function subtypeOf(element: Record<string, unknown>): string | undefined {
  for (const key of ["type", "role", "hosting", "transport"]) {
    const value = element[key];
    if (typeof value === "string") return value;
  }
  return undefined;
}

type Marks = (id: string) => Pick<DiagramNode, "untrusted" | "injectable" | "severity">;

// A report draws the system and several workflows from one analysis: its marks are worked out once.
const marksByAnalysis = new WeakMap<AnalysisResult, Marks>();

/**
 * What the analysis says of an element, as a node shows it: untrusted entry, injectable agent, worst residual severity.
 * A finding the team judged a false positive does not apply, so it colours nothing; accepted, transferred and
 * mitigated findings still do, because their residual risk is still there.
 */
export function analysisMarks(analysis: AnalysisResult): Marks {
  const known = marksByAnalysis.get(analysis);
  if (known) return known;
  const untrusted = new Set(analysis.summary.untrustedEntryPoints);
  const injectable = new Set(analysis.summary.injectableAgents);
  const worst = new Map<string, Severity>();
  for (const finding of analysis.findings) {
    if (finding.status === "false-positive") continue;
    for (const anchor of finding.anchors) worst.set(anchor, worseSeverity(worst.get(anchor), finding.severity)!);
  }
  const marks: Marks = (id) => {
    const severity = worst.get(id);
    return { untrusted: untrusted.has(id), injectable: injectable.has(id), ...(severity !== undefined ? { severity } : {}) };
  };
  marksByAnalysis.set(analysis, marks);
  return marks;
}

/** The workflow with this ID, or a usage error that lists the model's workflows. */
function workflowNamed(model: ThreatModel, id: string): ThreatModel["workflows"][number] {
  const workflow = model.workflows.find((w) => w.id === id);
  if (workflow) return workflow;
  const problem = unknownWorkflow(model, id)!;
  throw new DiagramOptionError(problem.message, problem.hint);
}

export function buildDiagram(model: ThreatModel, analysis: AnalysisResult, options: DiagramOptions = {}): Diagram {
  let members: Set<string> | undefined;
  let title = model.system.name;
  if (options.workflow !== undefined) {
    const workflow = workflowNamed(model, options.workflow);
    members = new Set(workflow.components);
    title = `${model.system.name}: ${workflow.name ?? workflow.id}`;
  }

  const marksOf = analysisMarks(analysis);
  const nodes: DiagramNode[] = [];
  const hostOf = new Map<string, string>();
  for (const key of COMPONENT_LIST_KEYS) {
    const kind = LIST_KIND[key] as ComponentKind;
    for (const element of model[key] as readonly ({ id: string; name?: string; boundary?: string } & Record<string, unknown>)[]) {
      if (members && !members.has(element.id)) continue;
      if (typeof element.runsOn === "string") hostOf.set(element.id, element.runsOn);
      const subtype = subtypeOf(element);
      nodes.push({
        id: element.id,
        label: element.name ?? element.id,
        kind,
        ...(subtype !== undefined ? { subtype } : {}),
        ...(element.boundary !== undefined ? { boundary: element.boundary } : {}),
        ...marksOf(element.id),
      });
    }
  }
  nodes.sort(byId);
  const present = new Set(nodes.map((n) => n.id));

  const dataName = new Map(model.data.map((d) => [d.id, d.name ?? d.id]));
  const actorName = new Map(model.actors.map((a) => [a.id, a.name ?? a.id]));
  const flows: DiagramEdge[] = [];
  // Pairs already joined by a flow, either way: a relation between them would only repeat it.
  const joined = new Set<string>();
  for (const flow of [...model.flows].sort(byId)) {
    if (!present.has(flow.from) || !present.has(flow.to)) continue;
    const data = (flow.data ?? []).map((d) => dataName.get(d) ?? d);
    // Words spoken into someone else's session: whose it is, and whether they are only content there.
    const session = flow.session ? ` (in session of ${actorName.get(flow.session.of) ?? flow.session.of}${flow.session.asks ? "" : ", as content"})` : "";
    flows.push({ id: flow.id, from: flow.from, to: flow.to, label: `${flow.channel}${session}${data.length > 0 ? `: ${data.join(", ")}` : ""}`, relation: "flow" });
    joined.add(`${flow.from}\u0000${flow.to}`);
    joined.add(`${flow.to}\u0000${flow.from}`);
  }

  const relations: DiagramEdge[] = [];
  const relate = (from: string, to: string, relation: EdgeRelation, verb: string, label: string) => {
    if (!present.has(from) || !present.has(to) || joined.has(`${from}\u0000${to}`)) return;
    joined.add(`${from}\u0000${to}`);
    joined.add(`${to}\u0000${from}`);
    relations.push({ id: `${verb}~${from}~${to}`, from, to, label, relation });
  };
  for (const agent of [...model.agents].sort(byId)) {
    for (const prompt of agent.prompts ?? []) relate(prompt, agent.id, "prompt", "loads", "loaded by");
    for (const tool of agent.tools ?? []) relate(agent.id, tool, "tool", "uses", "calls");
    for (const server of agent.mcpServers ?? []) relate(agent.id, server, "mcp", "connects", "connects to");
    for (const modelId of agent.models ?? []) relate(agent.id, modelId, "model", "runs", "runs on model");
  }
  for (const tool of [...model.tools].sort(byId)) if (tool.server) relate(tool.id, tool.server, "served-by", "served", "served by");
  // Who can write into a source, store or prompt: where attacker text gets in when no flow says so.
  for (const element of writable(model)) for (const actor of element.writableBy ?? []) relate(actor, element.id, "writes", "writes", "writes into");
  for (const aiModel of [...model.models].sort(byId)) for (const dataset of aiModel.fineTunedOn ?? []) relate(dataset, aiModel.id, "trains", "trains", "trains");
  // The host a component runs on: its credentials are within the component's reach. Within one
  // boundary the cluster already shows they share a place, so only hosts elsewhere get an edge.
  const boundaryOf = new Map(nodes.map((n) => [n.id, n.boundary]));
  for (const node of nodes) {
    const host = hostOf.get(node.id);
    if (host !== undefined && boundaryOf.get(host) !== node.boundary) relate(node.id, host, "runs-on", "hosted", "runs on");
  }
  relations.sort(byId);

  const edges = [...flows, ...relations];
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  if (nodes.length <= maxNodes) return { title, nodes, edges, clusters: clustersFor(model, nodes) };
  const condensed = condense(nodes, edges, options.keep ?? [], maxNodes);
  return { title, nodes: condensed.nodes, edges: condensed.edges, clusters: clustersFor(model, condensed.nodes), omitted: condensed.omitted };
}

function writable(model: ThreatModel): { id: string; writableBy?: string[] }[] {
  return [...model.sources, ...model.datastores, ...model.prompts, ...model.datasets].sort(byId);
}

/** The boundaries that hold at least one of the nodes, with every boundary enclosing them. */
export function clustersFor(model: ThreatModel, nodes: readonly DiagramNode[]): DiagramCluster[] {
  const byBoundary = new Map(model.boundaries.map((b) => [b.id, b]));
  const needed = new Set<string>();
  for (const node of nodes) {
    let current = node.boundary;
    // The visited check stops on a parent cycle instead of looping.
    while (current !== undefined && !needed.has(current)) {
      const boundary = byBoundary.get(current);
      if (!boundary) break;
      needed.add(current);
      current = boundary.parent;
    }
  }
  return [...needed]
    .sort()
    .map((id) => {
      const b = byBoundary.get(id)!;
      return { id, label: b.name ?? b.id, type: b.type, ...(b.parent !== undefined && byBoundary.has(b.parent) ? { parent: b.parent } : {}) };
    });
}
