// A remediation plan: the controls that bring the worst findings still to act on below their
// severity and take the most residual risk off, one after another, each measured by analysing the model with it (and the steps before it) in
// place. Pure, like the analysis: the same model and date give the same plan.
import type { Finding } from "../analysis/analyze.js";
import { analyze, prepareModel } from "../analysis/analyze.js";
import { residualTotal } from "../analysis/risk-total.js";
import type { Severity } from "../analysis/scoring.js";
import { countBySeverity, SEVERITY_FLOORS, SEVERITY_RANK } from "../analysis/scoring.js";
import { isSettled } from "../lifecycle/decisions.js";
import type { FindingSummary, RescoredFinding } from "../lifecycle/findings-diff.js";
import { diffFindings } from "../lifecycle/findings-diff.js";
import type { SystemGraph } from "../graph/graph.js";
import type { ThreatModel } from "../model/model.js";
import type { Control } from "../model/schema.js";
import { EVIDENCE_TO_FILL_IN } from "../model/vocabulary.js";
import { RULES } from "../rules/index.js";
import type { Rule } from "../rules/rule.js";
import type { Candidate } from "./candidates.js";
import { candidates } from "./candidates.js";

export const DEFAULT_STEPS = 5;
/** Candidates measured on a step at most: each costs one analysis of the whole model. */
export const DEFAULT_CANDIDATES = 100;

export interface PlanOptions {
  today: string;
  steps?: number;
  candidates?: number;
  /** Plan for the findings that touch this workflow only. */
  workflow?: string;
  rules?: readonly Rule[];
}

/** The findings still to act on (open or being mitigated): their count, severities and summed residual score. */
export interface PlanTotals {
  residual: number;
  findings: number;
  bySeverity: Record<Severity, number>;
}

export interface PlanStep {
  rank: number;
  kind: "add" | "complete";
  /** The control as the model should hold it once in place. */
  control: Control;
  /** For "complete": the control as the model has it now. */
  was?: Control;
  /** Residual risk still to act on, with the steps before this one in place, and with this one too. */
  residual: { before: number; after: number; delta: number };
  /**
   * The worst severity the step leaves fewer findings at or above (a critical brought down to high,
   * or resolved), and by how many; it ranks the step before those that only lower scores. Absent when no count drops.
   */
  bringsBelow?: BroughtBelow;
  /** Findings whose residual score goes down, most first. */
  lowered: RescoredFinding[];
  /** Findings that no longer apply. */
  resolved: FindingSummary[];
  /** Findings the control brings or raises (an approval shows approvers text an attacker shaped: TW-HUM-001). */
  raised: RescoredFinding[];
  added: FindingSummary[];
  /** Fields of the control the team must fill in before it goes into the model (the evidence, a spend cap's amount). */
  fillIn: string[];
}

export interface BroughtBelow {
  severity: Exclude<Severity, "info">;
  findings: number;
}

export interface RemediationPlan {
  system: { id: string; name: string };
  date: string;
  /** The workflow the plan weighs the findings of, when it is limited to one. */
  workflow?: string;
  /** Findings the team has settled (accepted, transferred, mitigated, dismissed): the plan leaves them alone. */
  settled: number;
  start: PlanTotals;
  end: PlanTotals;
  steps: PlanStep[];
  /** Analyses of the whole model the plan ran, the first one included. */
  analyses: number;
  /** Where the plan measured fewer candidates than it had, in words; empty when it measured them all. */
  truncated: string[];
}

export function planRemediation(model: ThreatModel, options: PlanOptions): RemediationPlan {
  const rules = options.rules ?? RULES;
  const maxSteps = options.steps ?? DEFAULT_STEPS;
  const limit = options.candidates ?? DEFAULT_CANDIDATES;
  // The findings the plan weighs (all of them, or those that touch the workflow), and the graph the
  // analysis built, which the next step's candidates are placed on.
  const run = (m: ThreatModel) => {
    const prepared = prepareModel(m);
    const all = analyze(m, { today: options.today, rules, prepared }).findings;
    return { graph: prepared.graph, findings: options.workflow === undefined ? all : all.filter((f) => f.workflows.includes(options.workflow!)) };
  };

  let { graph: current, findings } = run(model);
  let analyses = 1;
  const settled = findings.length - toDo(findings).length;
  const start = totals(findings);
  const truncated: string[] = [];
  const steps: PlanStep[] = [];
  while (steps.length < maxSteps) {
    // Every candidate is measured again on every step, as far as the limit goes: controls on
    // different ways in complement each other, so a gain measured before bounds nothing.
    const pool = candidates(current, findings, rules);
    if (pool.length > limit) truncated.push(`step ${steps.length + 1}: measured ${limit} of ${pool.length} candidate controls, the most promising by estimate`);
    const before = openResidual(findings);
    const counts = countBySeverity(toDo(findings));
    // The worst findings first: a step that brings a critical finding below critical comes before
    // any that only lowers scores, however many points those take off; among equals, the most off.
    let best: { candidate: Candidate; graph: SystemGraph; findings: Finding[]; gain: number; bringsBelow: BroughtBelow | undefined } | undefined;
    for (const candidate of pool.slice(0, limit)) {
      const after = run(withControl(current.model, candidate));
      analyses++;
      const gain = round(before - openResidual(after.findings));
      if (gain <= 0) continue;
      const bringsBelow = worstBroughtBelow(counts, after.findings);
      const rank = bringsBelow ? SEVERITY_RANK[bringsBelow.severity] : 0;
      const bestRank = best?.bringsBelow ? SEVERITY_RANK[best.bringsBelow.severity] : 0;
      if (!best || rank > bestRank || (rank === bestRank && gain > best.gain)) best = { candidate, ...after, gain, bringsBelow };
    }
    if (!best) break;
    const diff = diffFindings(toDo(findings), toDo(best.findings));
    steps.push({
      rank: steps.length + 1,
      kind: best.candidate.kind,
      control: best.candidate.control,
      ...(best.candidate.was ? { was: best.candidate.was } : {}),
      residual: diff.residual,
      ...(best.bringsBelow ? { bringsBelow: best.bringsBelow } : {}),
      lowered: diff.rescored.filter((f) => f.delta < 0),
      resolved: diff.resolved,
      raised: diff.rescored.filter((f) => f.delta > 0),
      added: diff.new,
      fillIn: toFillIn(best.candidate),
    });
    current = best.graph;
    findings = best.findings;
  }
  return {
    system: { id: model.system.id, name: model.system.name },
    date: options.today,
    ...(options.workflow !== undefined ? { workflow: options.workflow } : {}),
    settled,
    start,
    end: totals(findings),
    steps,
    analyses,
    truncated,
  };
}

/** What the proposal leaves to the team: the evidence it could not know, and a new spend cap's amount. */
function toFillIn(candidate: Candidate): string[] {
  const fields: string[] = [];
  if (candidate.kind === "add" && candidate.control.type === "spend-limit") fields.push("threshold.amount");
  if (candidate.control.evidence?.some((e) => e.ref === EVIDENCE_TO_FILL_IN)) fields.push("evidence");
  return fields;
}

/**
 * The model with the candidate control in place: added, or replacing the one it completes. It is
 * measured as the team will have it, with evidence: the placeholder the output asks them to fill
 * in would count as none (TW-GOV-005).
 */
function withControl(model: ThreatModel, candidate: Candidate): ThreatModel {
  const evidence = candidate.control.evidence?.map((e) => (e.ref === EVIDENCE_TO_FILL_IN ? { ...e, ref: "the evidence the team names" } : e));
  const control = evidence ? { ...candidate.control, evidence } : candidate.control;
  const controls = candidate.kind === "add" ? [...model.controls, control] : model.controls.map((c) => (c.id === control.id ? control : c));
  return { ...model, controls };
}

/** The worst severity above info at or above which fewer findings are still to act on after than before (`was`: the counts before). */
function worstBroughtBelow(was: Record<Severity, number>, after: readonly Finding[]): BroughtBelow | undefined {
  const now = countBySeverity(toDo(after));
  let wasAtOrAbove = 0;
  let nowAtOrAbove = 0;
  for (const { severity } of SEVERITY_FLOORS) {
    wasAtOrAbove += was[severity];
    nowAtOrAbove += now[severity];
    if (nowAtOrAbove < wasAtOrAbove) return { severity, findings: wasAtOrAbove - nowAtOrAbove };
  }
  return undefined;
}

const toDo = (findings: readonly Finding[]) => findings.filter((f) => !isSettled(f.status));

/** The summed residual score of the findings still to act on (residualTotal: a control's shortfalls are the gated findings' risk). */
const openResidual = (findings: readonly Finding[]) => residualTotal(toDo(findings));

function totals(findings: readonly Finding[]): PlanTotals {
  const open = toDo(findings);
  return { residual: openResidual(open), findings: open.length, bySeverity: countBySeverity(open) };
}

const round = (value: number) => Math.round(value * 100) / 100;
