// An analysis narrowed to what a reader asked for: findings at or above a severity, and
// with a workflow, those touching it. Attack paths keep their order and are ranked again
// within the scope, so "path 2" and "tree 2" mean the same in every view of one scope;
// decisions and root causes are counted over the findings kept.
import type { AnalysisResult } from "./analyze.js";
import type { Severity } from "./scoring.js";
import { countBySeverity, SEVERITY_RANK } from "./scoring.js";
import { decisionSummary } from "../lifecycle/decisions.js";
import { rootCauses } from "./root-causes.js";

export interface Scope {
  minSeverity?: Severity;
  workflow?: string;
}

export function scopeResult(result: AnalysisResult, scope: Scope): AnalysisResult {
  const floor = SEVERITY_RANK[scope.minSeverity ?? "info"];
  const { workflow } = scope;
  if (floor <= 0 && workflow === undefined) return result;
  const findings = result.findings.filter((f) => SEVERITY_RANK[f.severity] >= floor && (workflow === undefined || f.workflows.includes(workflow)));
  const kept = new Set(findings.map((f) => f.id));
  const bySeverity = countBySeverity(findings);
  const attackPaths = result.attackPaths.filter((p) => kept.has(p.finding)).map((p, i) => ({ ...p, rank: i + 1 }));
  // Causes count the findings in view; a steered agent's entry points do not depend on the scope.
  const entries = new Map(result.causes.filter((c) => c.entries).map((c) => [c.element, c.entries!]));
  const causes = rootCauses(findings, (agent) => entries.get(agent) ?? []);
  // Decisions are counted over the findings in view; orphans belong to no finding and stay listed.
  const expiringSoon = result.decisions.expiringSoon.filter((e) => kept.has(e.finding));
  const decisions = { ...result.decisions, expiringSoon, summary: decisionSummary(findings, result.decisions.orphans, expiringSoon) };
  return { ...result, findings, attackPaths, causes, summary: { ...result.summary, findings: findings.length, bySeverity }, decisions };
}
