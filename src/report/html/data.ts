// The HTML report's view model: everything the page shows, worked out from the model and its
// analysis. Pure: no files, no clock; the same input gives the same view.
import type { AnalysisResult, Finding } from "../../analysis/analyze.js";
import type { SystemGraph } from "../../graph/graph.js";
import type { AttackTreeNode } from "../../analysis/attack-trees.js";
import { attackTrees, goalText } from "../../analysis/attack-trees.js";
import { CAUSES_LISTED, causeCounts, causeText, sharedCauses } from "../../analysis/root-causes.js";
import { scopeResult } from "../../analysis/scope.js";
import type { Severity } from "../../analysis/scoring.js";
import { worseSeverity } from "../../analysis/scoring.js";
import type { Framework } from "../../catalog/frameworks.js";
import { FRAMEWORKS, frameworkBySlug, frameworksLeftOut, mappedIds, techniqueName } from "../../catalog/frameworks.js";
import type { FigurePoint } from "../../lifecycle/figures.js";
import { computeFigures, snapshotFindings } from "../../lifecycle/figures.js";
import type { ExpiringAcceptance } from "../../lifecycle/decisions.js";
import { isSettled } from "../../lifecycle/decisions.js";
import type { Staleness } from "../../lifecycle/staleness.js";
import type { ThreatModel } from "../../model/model.js";
import { COMPONENT_LIST_KEYS } from "../../model/model.js";
import type { DecisionStatus } from "../../model/vocabulary.js";
import { RULES } from "../../rules/index.js";
import type { Mappings, Rule } from "../../rules/rule.js";
import { cellOf } from "./heatmap-cell.js";
import type { ClientData, DecisionRow, FindingRow, FrameworkRow, RuleRow } from "./types.js";

/** The frameworks with a coverage table and a place in the framework filter, in page order. */
export const COVERAGE_FRAMEWORKS = ["owasp-llm", "owasp-agentic", "owasp-nhi", "atlas", "maestro"] as const;

/** Findings listed under "top risks". */
const TOP_RISKS = 5;

export interface CoverageRow {
  id: string;
  name: string;
  /** Rule IDs of the catalogue mapped to the item. */
  rules: string[];
  findings: number;
  worst?: Severity;
}

export interface CoverageTable {
  slug: string;
  title: string;
  rows: CoverageRow[];
  /** Set when not every item of the framework has a row, in words. */
  note?: string;
}

export interface TopRisk {
  finding: string;
  title: string;
  severity: Severity;
  score: number;
  summary: string;
}

export interface OverdueItem {
  finding: string;
  title: string;
  owner?: string;
  due?: string;
}

export interface ReportView {
  system: { id: string; name: string; owner: string };
  date: string;
  /** The workflow the report is limited to, if any: [id, name]. */
  workflow?: [string, string];
  findings: number;
  bySeverity: Record<Severity, number>;
  review: { state: "stale" | "up to date" | "no review recorded"; reasons: string[]; notes: string[]; nextDue: string | null; owner?: string; lastReview?: string };
  topRisks: TopRisk[];
  /** Root causes behind more than one finding, worst first: the first CAUSES_LISTED of sharedCauses. */
  causes: CauseView[];
  sharedCauses: number;
  /** counts[likelihood - 1][impact - 1], residual values rounded. */
  heatmap: number[][];
  coverage: CoverageTable[];
  decisions: {
    byStatus: Record<DecisionStatus, number>;
    undecided: number;
    overdue: OverdueItem[];
    expiringSoon: ExpiringAcceptance[];
    orphans: { finding: string; hint: string }[];
    reopened: number;
    expired: number;
  };
  figures: FigurePoint;
  untrustedEntryPoints: string[];
  injectableAgents: string[];
  truncated: string[];
  /** The workflows the page offers diagrams and filters for: [id, name]. */
  workflows: [string, string][];
  /** The attack paths grouped by goal, worst first: the first TREES_SHOWN of treeCount. */
  trees: TreeView[];
  treeCount: number;
  client: Omit<ClientData, "diagrams">;
}

/** A root cause shared by several findings, in words. */
export interface CauseView {
  id: string;
  text: string;
  severity: Severity;
  score: number;
  findings: number;
  /** Its findings by severity, worst first: "12 critical, 5 high". */
  counts: string;
}

/** One attack tree with names resolved: the goal, and the steps from the last back to the entry points. */
export interface TreeView {
  rank: number;
  severity: Severity;
  score: number;
  goal: string;
  paths: number;
  last: TreeStepView[];
}

export interface TreeStepView {
  element: string;
  name: string;
  technique: string;
  techniqueName: string;
  action: string;
  severity: Severity;
  /** Alternatives that can come just before this step (any one suffices). */
  before: TreeStepView[];
}

/** Trees in the page: the worst goals; the rest are one command away. */
const TREES_SHOWN = 20;

export interface ReportInput {
  model: ThreatModel;
  /** The model's graph, as the analysis built it (prepareModel): names and kinds of elements. */
  graph: SystemGraph;
  /** The full analysis of the model, unfiltered. */
  analysis: AnalysisResult;
  staleness: Staleness;
  /** Limit the report to one workflow's findings and diagram. */
  workflow?: string;
}


/** `scoped`: the analysis scoped to the input's workflow, when the caller has it already. */
export function buildReportView(input: ReportInput, scoped = scopeResult(input.analysis, input.workflow ? { workflow: input.workflow } : {})): ReportView {
  const { model, graph, analysis, staleness, workflow } = input;
  const { findings, attackPaths } = scoped;
  const workflowList = model.workflows.filter((w) => !workflow || w.id === workflow).map((w): [string, string] => [w.id, (w.name ?? w.id)]);


  const scope = workflow ? new Set(model.workflows.find((w) => w.id === workflow)?.components ?? []) : undefined;
  const components = COMPONENT_LIST_KEYS.flatMap((key) => model[key].map((element) => element.id)).filter((id) => !scope || scope.has(id));

  const decisions = decisionsView(scoped);
  const shared = sharedCauses(scoped.causes);
  return {
    system: { id: model.system.id, name: model.system.name, owner: model.system.owner },
    date: analysis.date,
    ...(workflow ? { workflow: workflowList[0] ?? [workflow, workflow] } : {}),
    findings: findings.length,
    bySeverity: scoped.summary.bySeverity,
    review: reviewState(model, staleness),
    topRisks: topRisks(findings),
    sharedCauses: shared.length,
    causes: shared.slice(0, CAUSES_LISTED).map((c) => ({ id: c.id, text: causeText(c, graph.nameOf), severity: c.severity, score: c.score, findings: c.findings.length, counts: causeCounts(c) })),
    heatmap: heatmap(findings),
    coverage: COVERAGE_FRAMEWORKS.map((slug) => coverageTable(frameworkBySlug(slug)!, findings)),
    decisions,
    figures: figuresOf(findings, analysis, components, decisions.expired),
    untrustedEntryPoints: analysis.summary.untrustedEntryPoints,
    injectableAgents: analysis.summary.injectableAgents,
    truncated: analysis.truncated,
    workflows: workflowList,
    ...treesView(graph, attackPaths),
    client: clientData(graph, scoped, workflowList),
  };
}

function treesView(graph: SystemGraph, attackPaths: AnalysisResult["attackPaths"]): Pick<ReportView, "trees" | "treeCount"> {
  const { nameOf } = graph;
  const step = (node: AttackTreeNode): TreeStepView => ({
    element: node.step.element,
    name: nameOf(node.step.element),
    technique: node.step.technique,
    techniqueName: techniqueName(node.step.technique),
    action: node.step.action,
    severity: node.severity,
    before: node.before.map(step),
  });
  const trees = attackTrees(attackPaths);
  return {
    treeCount: trees.length,
    trees: trees.slice(0, TREES_SHOWN).map((tree) => ({ rank: tree.rank, severity: tree.severity, score: tree.score, goal: goalText(tree, nameOf), paths: tree.findings.length, last: tree.last.map(step) })),
  };
}

function reviewState(model: ThreatModel, staleness: Staleness): ReportView["review"] {
  const last = model.review?.lastReview;
  const state = !last ? "no review recorded" : staleness.stale ? "stale" : "up to date";
  return {
    state,
    reasons: staleness.reasons,
    notes: staleness.notes,
    nextDue: staleness.nextDue,
    ...(model.review ? { owner: model.review.owner } : {}),
    ...(last ? { lastReview: last.date } : {}),
  };
}

/** The highest residual risks still on the to-do list (open or mitigating), in analysis order. */
function topRisks(findings: readonly Finding[]): TopRisk[] {
  return findings
    .filter((f) => !isSettled(f.status))
    .slice(0, TOP_RISKS)
    .map((f) => ({ finding: f.id, title: f.title, severity: f.severity, score: f.residual.score, summary: (f.summary) }));
}


function heatmap(findings: readonly Finding[]): number[][] {
  const counts = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
  for (const f of findings) counts[cellOf(f.residual.likelihood) - 1]![cellOf(f.residual.impact) - 1]!++;
  return counts;
}

function coverageTable(framework: Framework, findings: readonly Finding[]): CoverageTable {
  const rulesFor = new Map<string, string[]>();
  for (const rule of RULES) {
    for (const id of mappedIds(rule.mappings, framework)) {
      const list = rulesFor.get(id);
      if (list) list.push(rule.id);
      else rulesFor.set(id, [rule.id]);
    }
  }
  const isAtlas = framework.slug === "atlas";
  const count = new Map<string, number>();
  const worst = new Map<string, Severity>();
  for (const f of findings) {
    const items = new Set(mappedIds(f.mappings, framework));
    // A technique a finding's attack path uses counts for ATLAS too.
    if (isAtlas) for (const step of f.path ?? []) items.add(step.technique);
    for (const id of items) {
      count.set(id, (count.get(id) ?? 0) + 1);
      worst.set(id, worseSeverity(worst.get(id), f.severity)!);
    }
  }
  const all = Object.keys(framework.items);
  // ATLAS lists well over a hundred techniques; its table keeps those the catalogue or a path uses.
  const ids = isAtlas ? all.filter((id) => rulesFor.has(id) || count.has(id)) : all;
  for (const id of [...rulesFor.keys(), ...count.keys()]) if (!ids.includes(id)) ids.push(id);
  const rows = ids.map((id) => {
    const severity = worst.get(id);
    return { id, name: framework.items[id] ?? id, rules: rulesFor.get(id) ?? [], findings: count.get(id) ?? 0, ...(severity ? { worst: severity } : {}) };
  });
  return {
    slug: framework.slug,
    title: framework.title,
    rows,
    ...(isAtlas ? { note: `${rows.length} of ${all.length} techniques: those the rule catalogue maps to or an attack path uses.` } : {}),
  };
}

/** The scoped analysis has counted its decisions already (scopeResult); the view adds the overdue findings' owners. */
function decisionsView(scoped: AnalysisResult): ReportView["decisions"] {
  const { byStatus, undecided, reopened, expired } = scoped.decisions.summary;
  const overdue = scoped.findings
    .filter((f) => f.overdue)
    .map((f) => ({ finding: f.id, title: f.title, ...(f.decision?.owner ? { owner: f.decision.owner } : {}), ...(f.decision?.due ? { due: f.decision.due } : {}) }));
  return {
    byStatus,
    undecided,
    overdue,
    expiringSoon: scoped.decisions.expiringSoon,
    orphans: scoped.decisions.orphans.map((o) => ({ finding: o.finding, hint: o.hint })),
    reopened,
    expired,
  };
}

function figuresOf(findings: readonly Finding[], analysis: AnalysisResult, components: readonly string[], expired: number): FigurePoint {
  const snapshot = {
    commit: "",
    date: analysis.date,
    subject: "",
    findings: snapshotFindings(findings),
    expired,
    components,
  };
  return computeFigures([snapshot])[0]!;
}

function clientData(graph: SystemGraph, { findings, attackPaths, causes }: AnalysisResult, workflows: [string, string][]): Omit<ClientData, "diagrams"> {
  const elements: ClientData["elements"] = [];
  const elementIndex = new Map<string, number>();
  const element = (id: string): number => {
    let index = elementIndex.get(id);
    if (index === undefined) {
      index = elements.length;
      elements.push([id, graph.nameOf(id), graph.kindOf(id) ?? ""]);
      elementIndex.set(id, index);
    }
    return index;
  };
  const texts: string[] = [];
  const textIndex = new Map<string, number>();
  const text = (value: string): number => {
    let index = textIndex.get(value);
    if (index === undefined) {
      index = texts.length;
      texts.push(value);
      textIndex.set(value, index);
    }
    return index;
  };

  const frameworks: FrameworkRow[] = FRAMEWORKS.map((f) => ({ slug: f.slug, title: f.title, filter: (COVERAGE_FRAMEWORKS as readonly string[]).includes(f.slug) }));
  const items: Record<string, string> = {};
  const rules: RuleRow[] = [];
  /** Each rule's own mappings, by index into rules: a finding's may hold fewer. */
  const ruleMappings: Mappings[] = [];
  const ruleIndex = new Map<string, number>();
  const rule = (r: Finding): number => {
    let index = ruleIndex.get(r.ruleId);
    if (index === undefined) {
      index = rules.length;
      const meta = RULES.find((candidate) => candidate.id === r.ruleId);
      const mappings = meta?.mappings ?? r.mappings;
      ruleMappings.push(mappings);
      rules.push(ruleRow(r, meta, mappings, items));
      ruleIndex.set(r.ruleId, index);
    }
    return index;
  };
  const workflowIndex = new Map(workflows.map(([id], index) => [id, index]));
  const causeIndex = new Map(causes.map((c, index) => [c.id, index]));

  const rows: FindingRow[] = findings.map((f) => {
    const row: FindingRow = {
      id: f.id,
      r: rule(f),
      summary: f.summary,
      sev: f.severity,
      isev: f.inherent.severity,
      inh: [f.inherent.likelihood, f.inherent.impact, f.inherent.score],
      res: [f.residual.likelihood, f.residual.impact, f.residual.score],
      reasons: f.reasons.map(text),
      anchors: f.anchors.map(element),
      ev: f.evidence.map((e) => [element(e.element), text(e.note)]),
      ctl: f.controls.map((c) => text(c.note)),
      missing: f.missingControls,
      wf: f.workflows.map((w) => workflowIndex.get(w)).filter((w): w is number => w !== undefined),
      c: causeIndex.get(f.cause)!,
      status: f.status,
      why: text(f.statusReason),
    };
    if (f.path) {
      row.path = f.path.map((s) => {
        if (!(s.technique in items)) items[s.technique] = techniqueName(s.technique);
        return [element(s.element), text(s.action), s.technique];
      });
    }
    if (f.overdue) row.overdue = 1;
    if (f.decision) row.decision = decisionRow(f.decision);
    const unmapped = frameworksLeftOut(ruleMappings[row.r]!, f.mappings).map((key) => FRAMEWORKS.findIndex((framework) => framework.key === key));
    if (unmapped.length > 0) row.unmapped = unmapped;
    return row;
  });
  const findingIndex = new Map(findings.map((f, index) => [f.id, index]));
  return {
    elements,
    rules,
    frameworks,
    items,
    workflows,
    causes: causes.map((c): [string, string, number] => [c.id, causeText(c, graph.nameOf), c.findings.length]),
    texts,
    findings: rows,
    paths: attackPaths.map((p) => ({ rank: p.rank, f: findingIndex.get(p.finding)! })),
  };
}

/** The rule's row, with its own mappings: a finding for which fewer hold lists the frameworks left out (FindingRow.unmapped). */
function ruleRow(finding: Finding, meta: Rule | undefined, mappings: Mappings, items: Record<string, string>): RuleRow {
  const maps: RuleRow["maps"] = [];
  FRAMEWORKS.forEach((framework, index) => {
    const ids = mappedIds(mappings, framework);
    if (ids.length === 0) return;
    maps.push([index, [...ids]]);
    for (const id of ids) items[id] ??= framework.items[id] ?? id;
  });
  return { id: finding.ruleId, title: finding.title, category: finding.category, rationale: meta?.rationale ?? "", maps };
}

function decisionRow(decision: NonNullable<Finding["decision"]>): DecisionRow {
  const row: DecisionRow = { recorded: decision.status };
  for (const key of ["owner", "due", "ticket", "justification", "expires", "reviewed"] as const) {
    const value = decision[key];
    if (value !== undefined) row[key] = value;
  }
  if (decision.controls?.length) row.controls = decision.controls;
  return row;
}
