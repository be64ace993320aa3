// Where each finding stands once the team's decisions meet the current analysis. Pure: no files,
// no clock (today is a parameter). Returns data, so the text report, the CI gate and the figures
// can each present it their own way.
import type { AnalysisResult, Finding } from "../analysis/analyze.js";
import { daysBetween } from "../model/dates.js";
import { didYouMean } from "../model/diagnostics.js";
import type { ThreatModel } from "../model/model.js";
import { COMPONENT_LIST_KEYS } from "../model/model.js";
import type { Decision } from "../model/schema.js";
import type { DecisionStatus } from "../model/vocabulary.js";
import { DECISION_STATUS } from "../model/vocabulary.js";

/** Acceptances lapsing within this many days are listed as expiring soon. */
export const EXPIRY_WARNING_DAYS = 30;

/** Why a decision no longer holds and its finding is open again. */
export type ReopenCause =
  /** An accepted or transferred finding whose `expires` date has passed. */
  | "acceptance-expired"
  /** Mitigated, but a control the decision names is no longer in the model. */
  | "control-missing"
  /** Mitigated, but a control the decision names no longer covers any element of the finding. */
  | "control-not-covering"
  /** Mitigated, naming no control, while no control lowers the finding's score. */
  | "no-reducing-control";

export interface FindingStatus {
  /** The finding's stable ID. */
  finding: string;
  /** Where the finding stands after the reopening rules. */
  status: DecisionStatus;
  /** The status written in the decision; absent when the finding has no decision. */
  recorded?: DecisionStatus;
  /** The status in words: why it is what it is. */
  reason: string;
  /** Set when the recorded status no longer holds and the finding is open again. */
  reopened?: ReopenCause;
  /** Past its due date and not yet mitigated, accepted, transferred or a false positive. */
  overdue: boolean;
  /** Days since the due date, when overdue. */
  daysOverdue?: number;
  decision?: Decision;
}

/** A decision whose finding the analysis no longer raises: reported, never silently dropped. */
export interface OrphanDecision {
  /** The decision's `finding` as written. */
  finding: string;
  decision: Decision;
  /** A current finding of the same rule the decision may have been meant for. */
  suggestion?: string;
  hint: string;
}

export interface ExpiringAcceptance {
  finding: string;
  status: "accepted" | "transferred";
  expires: string;
  /** Days from today to the expiry date, 0 to EXPIRY_WARNING_DAYS. */
  daysLeft: number;
}

export interface DecisionSummary {
  /** Findings by effective status (findings without a decision count as open). */
  byStatus: Record<DecisionStatus, number>;
  /** Findings with no decision at all. */
  undecided: number;
  reopened: number;
  /** Acceptances and transfers that lapsed (a subset of reopened). */
  expired: number;
  overdue: number;
  orphans: number;
  expiringSoon: number;
}

export interface DecisionReview {
  date: string;
  /** One entry per finding, in the order of the analysis result. */
  findings: FindingStatus[];
  /** In the order the decisions appear in the model. */
  orphans: OrphanDecision[];
  /** Soonest first. */
  expiringSoon: ExpiringAcceptance[];
  summary: DecisionSummary;
}

/** RULE@element+element: the shape of a stable finding ID (see findingId in the analysis). */
export const FINDING_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}@[A-Za-z0-9][A-Za-z0-9._-]{0,99}(?:\+[A-Za-z0-9][A-Za-z0-9._-]{0,99})*$/;

/** Whether text has the shape of a finding ID, so that it may be echoed in messages. */
export function isFindingId(text: string): boolean {
  return text.length <= 2000 && FINDING_ID_PATTERN.test(text);
}

/** Statuses that take a finding off the to-do list (for due dates, the gate, figures and reports); open and mitigating keep it on. */
const SETTLED: ReadonlySet<DecisionStatus> = new Set<DecisionStatus>(["mitigated", "accepted", "transferred", "false-positive"]);

export function isSettled(status: DecisionStatus): boolean {
  return SETTLED.has(status);
}

/**
 * Reviews every finding of `result` against the model's decisions as of `today`.
 * Pass the unfiltered analysis: a decision whose finding was filtered out would show as an orphan.
 */
export function reviewDecisions(result: Pick<AnalysisResult, "findings">, model: ThreatModel, today: string): DecisionReview {
  const decisions = new Map(model.decisions.map((d) => [d.finding, d]));
  const controls = new Map(model.controls.map((c) => [c.id, c]));
  const hosts = hostsByComponent(model);

  const findings = result.findings.map((finding) => statusOf(finding, decisions.get(finding.id), today, { controls, hosts }));
  const orphans = findOrphans(result, model.decisions);
  const expiringSoon = findings
    .filter((f): f is FindingStatus & { decision: Decision } => (f.status === "accepted" || f.status === "transferred") && f.decision?.expires !== undefined)
    .map((f) => ({ finding: f.finding, status: f.status as "accepted" | "transferred", expires: f.decision.expires!, daysLeft: daysBetween(today, f.decision.expires!) }))
    .filter((e) => e.daysLeft >= 0 && e.daysLeft <= EXPIRY_WARNING_DAYS)
    .sort((a, b) => a.daysLeft - b.daysLeft || (a.finding < b.finding ? -1 : a.finding > b.finding ? 1 : 0));

  return { date: today, findings, orphans, expiringSoon, summary: decisionSummary(findings, orphans, expiringSoon) };
}

/** The counts of a review, over the findings given (all, or those a filter kept). */
export function decisionSummary(findings: Parameters<typeof countDecisions>[0], orphans: readonly unknown[], expiringSoon: readonly unknown[]): DecisionSummary {
  return { ...countDecisions(findings), orphans: orphans.length, expiringSoon: expiringSoon.length };
}

/** Findings by effective status, and how many are undecided, reopened, reopened by an expired acceptance, and overdue. */
export function countDecisions(findings: readonly Pick<FindingStatus, "status" | "decision" | "reopened" | "overdue">[]): Omit<DecisionSummary, "orphans" | "expiringSoon"> {
  const byStatus = Object.fromEntries(DECISION_STATUS.map((s) => [s, 0])) as Record<DecisionStatus, number>;
  let undecided = 0;
  let reopened = 0;
  let expired = 0;
  let overdue = 0;
  for (const f of findings) {
    byStatus[f.status]++;
    if (!f.decision) undecided++;
    if (f.reopened) reopened++;
    if (f.reopened === "acceptance-expired") expired++;
    if (f.overdue) overdue++;
  }
  return { byStatus, undecided, reopened, expired, overdue };
}

interface Lookups {
  controls: ReadonlyMap<string, ThreatModel["controls"][number]>;
  hosts: ReadonlyMap<string, string>;
}

function statusOf(finding: Finding, decision: Decision | undefined, today: string, lookups: Lookups): FindingStatus {
  if (!decision) return { finding: finding.id, status: "open", reason: "no decision recorded", overdue: false };
  const reopen = reopened(finding, decision, today, lookups);
  const status = reopen ? "open" : decision.status;
  const overdueBy = decision.due !== undefined && !SETTLED.has(status) ? daysBetween(decision.due, today) : 0;
  return {
    finding: finding.id,
    status,
    recorded: decision.status,
    reason: reopen ? reopen.reason : standing(finding, decision),
    ...(reopen ? { reopened: reopen.cause } : {}),
    overdue: overdueBy > 0,
    ...(overdueBy > 0 ? { daysOverdue: overdueBy } : {}),
    decision,
  };
}

/** Why a recorded status no longer holds, if it does not. */
function reopened(finding: Finding, decision: Decision, today: string, { controls, hosts }: Lookups): { cause: ReopenCause; reason: string } | undefined {
  if (decision.status === "accepted" || decision.status === "transferred") {
    if (decision.expires !== undefined && decision.expires < today) {
      return { cause: "acceptance-expired", reason: `${decision.status === "accepted" ? "acceptance" : "transfer"} expired on ${decision.expires}` };
    }
    return undefined;
  }
  if (decision.status !== "mitigated") return undefined;
  const named = decision.controls ?? [];
  if (named.length === 0) {
    if (finding.residual.score >= finding.inherent.score) {
      return { cause: "no-reducing-control", reason: `marked mitigated, but the decision names no control and no control in the model lowers its score (residual equals inherent, ${finding.inherent.score})` };
    }
    return undefined;
  }
  const elements = elementsOf(finding, hosts);
  const applied = new Set(finding.controls.map((c) => c.control));
  for (const id of named) {
    const control = controls.get(id);
    if (!control) return { cause: "control-missing", reason: `marked mitigated by control '${id}', which is no longer in the model` };
    // A control the scoring applied covers the finding's scope by definition; otherwise look at what it names.
    if (!applied.has(id) && !control.covers.some((covered) => elements.has(covered))) {
      return { cause: "control-not-covering", reason: `marked mitigated by control '${id}', which no longer covers any element of this finding` };
    }
  }
  return undefined;
}

/** The status in words when the decision still holds. */
function standing(finding: Finding, decision: Decision): string {
  switch (decision.status) {
    case "open":
      return "recorded as open";
    case "mitigating":
      return decision.due ? `mitigation in progress, due ${decision.due}` : "mitigation in progress";
    case "mitigated":
      return decision.controls?.length
        ? `mitigated by ${decision.controls.join(", ")}`
        : `mitigated: controls in place lower its score from ${finding.inherent.score} to ${finding.residual.score}`;
    case "accepted":
    case "transferred":
      return `${decision.status}${decision.expires ? ` until ${decision.expires}` : " with no expiry date"}`;
    case "false-positive":
      return "marked a false positive";
  }
}

/** The elements a finding is about: its anchors, its evidence, its path and the hosts they run on. */
function elementsOf(finding: Finding, hosts: ReadonlyMap<string, string>): Set<string> {
  const elements = new Set<string>([...finding.anchors, ...finding.evidence.map((e) => e.element), ...(finding.path ?? []).map((s) => s.element)]);
  for (const element of [...elements]) {
    const host = hosts.get(element);
    if (host) elements.add(host);
  }
  return elements;
}

function hostsByComponent(model: ThreatModel): Map<string, string> {
  const hosts = new Map<string, string>();
  for (const key of COMPONENT_LIST_KEYS) {
    for (const component of model[key] as readonly { id: string; runsOn?: unknown }[]) {
      if (typeof component.runsOn === "string") hosts.set(component.id, component.runsOn);
    }
  }
  return hosts;
}

function findOrphans(result: Pick<AnalysisResult, "findings">, decisions: readonly Decision[]): OrphanDecision[] {
  const current = new Set(result.findings.map((f) => f.id));
  const byRule = new Map<string, string[]>();
  for (const f of result.findings) {
    const list = byRule.get(f.ruleId);
    if (list) list.push(f.id);
    else byRule.set(f.ruleId, [f.id]);
  }
  return decisions
    .filter((d) => !current.has(d.finding))
    .map((decision) => {
      // Only a well-formed ID is taken apart and echoed: the field may hold any text.
      const at = decision.finding.indexOf("@");
      if (!isFindingId(decision.finding)) return { finding: decision.finding, decision, hint: "not a finding ID: finding IDs are written RULE@element, such as TW-EXF-001@support-agent+send-customer-email" };
      const rule = decision.finding.slice(0, at);
      const sameRule = byRule.get(rule) ?? [];
      const suggestion = didYouMean(decision.finding, sameRule);
      if (suggestion) return { finding: decision.finding, decision, suggestion, hint: `did you mean '${suggestion}'? an element it names may have been renamed` };
      if (sameRule.length > 0) {
        return { finding: decision.finding, decision, hint: `rule ${rule} now raises ${sameRule.slice(0, 5).join(", ")}${sameRule.length > 5 ? ", …" : ""}; move the decision to the finding it is about, or remove it` };
      }
      return { finding: decision.finding, decision, hint: `rule ${rule} raises no finding in this model any more; remove the decision, or keep it as a record` };
    });
}
