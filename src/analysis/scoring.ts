// Inherent and residual risk from the rule's defaults, the detection's factors
// and the controls in place. Documented in docs/scoring.md; every number comes
// with a reason.
import type { SystemGraph } from "../graph/graph.js";
import type { Control } from "../model/schema.js";
import type { Factor, Mitigation, Rule } from "../rules/rule.js";

export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Each severity's place on the scale: info 0 ... critical 4. */
export const SEVERITY_RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;

/** How many findings there are of each severity, every severity present (0 when none), in SEVERITIES order. */
export function countBySeverity(findings: readonly { severity: Severity }[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

/** The worse of two severities; either may be absent. */
export function worseSeverity(a: Severity | undefined, b: Severity | undefined): Severity | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

export interface Score {
  likelihood: number;
  impact: number;
  /** likelihood x impact, 1 to 25. */
  score: number;
  severity: Severity;
}

export interface AppliedControl {
  control: string;
  type: Control["type"];
  reduces: "likelihood" | "impact";
  /** Steps taken off, after status and verification. */
  by: number;
  note: string;
}

export interface Scoring {
  inherent: Score;
  residual: Score;
  reasons: string[];
  applied: AppliedControl[];
  /** Control types that would reduce this finding and are not in place. */
  missing: Control["type"][];
}

/** The matrix: the lowest likelihood x impact (1-5 scales) of each severity above info, worst first. */
export const SEVERITY_FLOORS: readonly { severity: Exclude<Severity, "info">; from: number }[] = [
  { severity: "critical", from: 20 },
  { severity: "high", from: 12 },
  { severity: "medium", from: 6 },
  { severity: "low", from: 3 },
];

export function severityOf(score: number): Severity {
  for (const floor of SEVERITY_FLOORS) if (score >= floor.from) return floor.severity;
  return "info";
}

/** The matrix in words, for legends and schema descriptions: "20 and above critical, 12 high, …". */
export const SEVERITY_SCALE_TEXT = `${SEVERITY_FLOORS.map((f, i) => `${f.from}${i === 0 ? " and above" : ""} ${f.severity}`).join(", ")}, below that info`;

const clamp = (value: number) => Math.min(5, Math.max(1, value));
const round = (value: number) => Math.round(value * 100) / 100;

function toScore(likelihood: number, impact: number): Score {
  const score = round(likelihood * impact);
  return { likelihood: round(likelihood), impact: round(impact), score, severity: severityOf(score) };
}

/**
 * How much of a mitigation's reduction a control delivers: an implemented and
 * verified control all of it; an unverified one half (a claim nobody checked);
 * a partial one half again; a planned one nothing. A control that applies only
 * above a threshold (an approval for payments over 10,000 EUR) counts half.
 */
export function controlStrength(control: Control): number {
  const status = control.status ?? "implemented";
  if (status === "planned") return 0;
  return (status === "partial" ? 0.5 : 1) * (control.verified ? 1 : 0.5) * (control.threshold ? 0.5 : 1);
}

export function score(rule: Rule, factors: readonly Factor[], scope: readonly string[], graph: SystemGraph): Scoring {
  const reasons: string[] = [];
  let likelihood = rule.likelihood;
  let impact = rule.impact;
  for (const factor of factors) {
    if (factor.dimension === "likelihood") likelihood += factor.delta;
    else impact += factor.delta;
  }
  likelihood = clamp(likelihood);
  impact = clamp(impact);
  reasons.push(explain("Likelihood", rule.likelihood, likelihood, factors.filter((f) => f.dimension === "likelihood")));
  reasons.push(explain("Impact", rule.impact, impact, factors.filter((f) => f.dimension === "impact")));
  const inherent = toScore(likelihood, impact);

  const byId = new Map<string, Control>();
  for (const element of scope) for (const control of graph.controlsCovering(element)) byId.set(control.id, control);
  const controls = [...byId.values()];

  const applied: AppliedControl[] = [];
  const missing: Control["type"][] = [];
  let residualLikelihood = likelihood;
  let residualImpact = impact;
  for (const mitigation of rule.mitigations) {
    const best = strongest(mitigation, controls);
    if (!best || best.by === 0) {
      if (!missing.includes(mitigation.control)) missing.push(mitigation.control);
      if (best) applied.push(best);
      continue;
    }
    applied.push(best);
    if (mitigation.reduces === "likelihood") residualLikelihood -= best.by;
    else residualImpact -= best.by;
  }
  const residual = toScore(clamp(residualLikelihood), clamp(residualImpact));
  const effective = applied.filter((a) => a.by > 0);
  const planned = applied.filter((a) => a.by === 0).map((a) => a.control);
  const plannedNote = planned.length ? ` Planned, not yet counted: ${planned.join(", ")}.` : "";
  if (effective.length > 0) reasons.push(`Residual ${residual.likelihood}x${residual.impact}: ${effective.map((a) => a.note).join("; ")}.${plannedNote}`);
  else reasons.push(`Residual equals inherent: no control in place reduces this finding.${plannedNote}`);
  return { inherent, residual, reasons, applied, missing };
}

function strongest(mitigation: Mitigation, controls: readonly Control[]): AppliedControl | undefined {
  let best: Control | undefined;
  let bestBy = 0;
  for (const control of controls) {
    if (control.type !== mitigation.control) continue;
    const by = round(mitigation.by * controlStrength(control));
    if (!best || by > bestBy || (by === bestBy && control.id < best.id)) {
      best = control;
      bestBy = by;
    }
  }
  if (!best) return undefined;
  // Words only for the control chosen; findings by the thousand share a handful of controls.
  const state =
    best.status === "planned"
      ? "planned, so no reduction"
      : `${best.status ?? "implemented"}, ${best.verified ? "verified" : "not verified"}${best.threshold ? `, only above ${best.threshold.amount} ${best.threshold.currency}` : ""}`;
  return { control: best.id, type: best.type, reduces: mitigation.reduces, by: bestBy, note: `${best.id} (${best.type}, ${state}) lowers ${mitigation.reduces} by ${bestBy}` };
}

function explain(dimension: string, base: number, final: number, factors: Factor[]): string {
  const parts = factors.map((f) => `${f.delta > 0 ? "+" : ""}${f.delta} ${f.reason}`);
  return `${dimension} ${final}/5: rule default ${base}${parts.length ? `; ${parts.join("; ")}` : ""}${final !== base + factors.reduce((s, f) => s + f.delta, 0) ? " (capped to 1-5)" : ""}.`;
}
