// An analysis narrowed to what a reader asked for: findings at or above a severity, and
// with a workflow, those touching it. Attack paths keep their order and are ranked again
// within the scope, so "path 2" and "tree 2" mean the same in every view of one scope.
import type { AnalysisResult } from "./analyze.js";
import type { Severity } from "./scoring.js";
import { SEVERITIES } from "./scoring.js";

export interface Scope {
  minSeverity?: Severity;
  workflow?: string;
}

export function scopeResult(result: AnalysisResult, scope: Scope): AnalysisResult {
  const floor = SEVERITIES.indexOf(scope.minSeverity ?? "info");
  const { workflow } = scope;
  if (floor <= 0 && workflow === undefined) return result;
  const findings = result.findings.filter((f) => SEVERITIES.indexOf(f.severity) >= floor && (workflow === undefined || f.workflows.includes(workflow)));
  const kept = new Set(findings.map((f) => f.id));
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const attackPaths = result.attackPaths.filter((p) => kept.has(p.finding)).map((p, i) => ({ ...p, rank: i + 1 }));
  return { ...result, findings, attackPaths, summary: { ...result.summary, findings: findings.length, bySeverity } };
}
