// Inherent and residual risk from the rule's defaults, the detection's factors
// and the controls in place. Documented in docs/scoring.md; every number comes
// with a reason.
import type { SystemGraph } from "../graph/graph.js";
import type { Control } from "../model/schema.js";
import { CONSEQUENTIAL_ACTIONS } from "../model/vocabulary.js";
import type { Factor, Mitigation, Rule } from "../rules/rule.js";
import type { ApprovalLimit, ApprovalLimits } from "./approval-limits.js";

const NO_LIMITS: ApprovalLimits = new Map();

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
// Two decimals for scores; the nudge keeps a half such as 2.875 (stored as 2.87499...) rounding up.
const round = (value: number) => Math.round(value * 100 + 1e-9) / 100;
// Steps taken off are products of halvings (2 x 0.5 x 0.5 x 0.5 = 0.25, 1 x 0.125): kept exact to
// four decimals, so 0.125 is not taken as 0.13 and the residual stays the product it explains.
const roundSteps = (value: number) => Math.round(value * 10000) / 10000;

function toScore(likelihood: number, impact: number): Score {
  const score = round(likelihood * impact);
  return { likelihood: round(likelihood), impact: round(impact), score, severity: severityOf(score) };
}

/** Periods over which a spend limit caps a total (the schema's SpendLimit.per other than "action"). */
const TOTAL_PERIODS: ReadonlySet<string> = new Set(["hour", "day", "month"]);

/** Whether a limit's period bounds a total (per hour, day or month), not each payment. */
export function isTotalPeriod(per: string | undefined): boolean {
  return per !== undefined && TOTAL_PERIODS.has(per);
}

/**
 * Why a cap on spending bounds nothing that matters, in words ("at or above the 1000 EUR Shop counts as a
 * material loss"), or undefined when it counts: the model names a material loss (system.materialLoss) in
 * the cap's currency and the cap is at or above it. A million-euro cap on each payment is no cap to a shop
 * whose material loss is a thousand.
 */
export function capAboveMaterial(graph: SystemGraph, cap: { amount: number; currency: string }): string | undefined {
  const material = graph.model.system.materialLoss;
  if (!material || material.currency !== cap.currency || cap.amount < material.amount) return undefined;
  return `at or above the ${material.amount} ${material.currency} ${graph.model.system.name} counts as a material loss`;
}

/**
 * Whether a spend-limit control caps a total: its threshold holds per hour, day or month. One that
 * caps each payment (per action, or no period given) bounds each loss, not their sum, and one with no
 * threshold does not say what it caps.
 */
export function capsTotal(control: Control): boolean {
  return control.type === "spend-limit" && isTotalPeriod(control.threshold?.per);
}

/**
 * How much of a mitigation's reduction a control delivers: an implemented and
 * verified control all of it; an unverified one half (a claim nobody checked);
 * a partial one half again; a planned one nothing. A control that applies to
 * some actions only counts half: above a threshold (an approval for payments
 * over 10,000 EUR), under a condition, on what a router sends it, or only when
 * someone answers in time (an opt-out review lets the rest through). A spend
 * limit's threshold is not such a condition but the cap itself, which holds for
 * every payment, so it does not halve the control. An approval's limit (an
 * attacker steers its router, outsiders may approve) multiplies what is left.
 */
export function controlStrength(control: Control, limit?: ApprovalLimit): number {
  const status = control.status ?? "implemented";
  if (status === "planned") return 0;
  const conditional = (control.threshold !== undefined && control.type !== "spend-limit") || control.condition !== undefined || (control.routedBy?.length ?? 0) > 0 || control.unanswered === "proceeds";
  return (status === "partial" ? 0.5 : 1) * (control.verified ? 1 : 0.5) * (conditional ? 0.5 : 1) * (limit?.factor ?? 1);
}

/**
 * When a control applies, in words: "only above 10000 EUR", "only when risk score 0.7 or more", "only
 * on what Case orchestrator routes to it" for an approval; "caps each payment at 50 EUR" or "caps
 * the total at 500 USD per month" for a spend limit.
 */
function conditionWords(control: Control, graph: SystemGraph): string | undefined {
  const threshold = control.threshold;
  if (control.type === "spend-limit") {
    if (!threshold) return undefined;
    const amount = `${threshold.amount} ${threshold.currency}`;
    return capsTotal(control) ? `caps the total at ${amount} per ${threshold.per}` : `caps each payment at ${amount}`;
  }
  const words = [
    ...(threshold ? [`only above ${threshold.amount} ${threshold.currency}`] : []),
    ...(control.condition !== undefined ? [`only when ${control.condition}`] : []),
    ...(control.routedBy?.length ? [`only on what ${control.routedBy.map((id) => graph.nameOf(id)).join(", ")} route${control.routedBy.length === 1 ? "s" : ""} to it`] : []),
    ...(control.unanswered === "proceeds" ? ["and what nobody answers in time goes ahead"] : []),
  ];
  return words.length ? words.join(", ") : undefined;
}

/**
 * `scope` is everything a control may cover to count; `anchored`, the part of it made of the
 * finding's anchors and their hosts and identities, where a mitigation that counts on the anchors must sit;
 * `excused`, controls the detection found do not count, with why.
 */
export function score(rule: Rule, factors: readonly Factor[], scope: readonly string[], graph: SystemGraph, anchored: readonly string[] = scope, limits: ApprovalLimits = NO_LIMITS, excused?: ReadonlyMap<string, string>): Scoring {
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

  // Controls covering the scope's elements, and controls the detection names itself (it has checked
  // them: a control on every way attacker text gets in, a per-payment cap not counted in the impact).
  const covering = new Map<string, Control>();
  const named = new Map<string, Control>();
  for (const element of scope) {
    const node = graph.node(element);
    if (node?.kind === "control") named.set(element, node.element as unknown as Control);
    else for (const control of graph.controlsCovering(element)) covering.set(control.id, control);
  }
  const inScope = [...new Map([...covering, ...named]).values()];
  const anchoredControls = () => [...new Set(anchored.flatMap((element) => graph.controlsCovering(element)))];

  const applied: AppliedControl[] = [];
  const missing: Control["type"][] = [];
  // Controls the detection itself found do not count (a check on the session's owner, against someone speaking in it).
  const notCounted = new Map<string, string>(excused);
  let residualLikelihood = likelihood;
  let residualImpact = impact;
  for (const mitigation of rule.mitigations) {
    // On the way in, a control counts only where the rule has checked it sits on every way attacker text reaches the target
    // (or every way but those from entries less dangerous by what it takes off).
    const where = mitigation.countsOn === "entry-path" || mitigation.countsOn === "named" ? [...named.values()] : mitigation.countsOn === "anchors" ? anchoredControls() : inScope;
    // Controls of the type that do not count here are named with the reason, not applied.
    const candidates: Control[] = [];
    for (const control of where) {
      if (control.type !== mitigation.control || excused?.has(control.id)) continue;
      const why = notCountedWhy(mitigation, control, named.has(control.id), limits, graph);
      if (why) notCounted.set(control.id, why);
      else candidates.push(control);
    }
    let best = strongest(mitigation, candidates, graph, limits);
    if (best && best.by > 0 && mitigation.control === "human-approval" && mitigation.countsOn === undefined) {
      const across = approvalAcrossTools(mitigation, scope, graph, limits);
      if (across !== "none") {
        best = across.applied;
        if (across.notCounted) notCounted.set(...across.notCounted);
      }
    }
    if (!best || best.by === 0) {
      if (!missing.includes(mitigation.control)) missing.push(mitigation.control);
      if (best) applied.push(best);
      continue;
    }
    applied.push(best);
    // A cap on each payment takes its step off, but the cap on the total the rule asks for is still missing.
    if (mitigation.control === "spend-limit" && !capsTotal(candidates.find((c) => c.id === best.control)!) && !missing.includes("spend-limit")) missing.push("spend-limit");
    if (mitigation.reduces === "likelihood") residualLikelihood -= best.by;
    else residualImpact -= best.by;
  }
  const residual = toScore(clamp(residualLikelihood), clamp(residualImpact));
  const effective = applied.filter((a) => a.by > 0);
  const planned = applied.filter((a) => a.by === 0).map((a) => a.control);
  const plannedNote = planned.length ? ` Planned, not yet counted: ${planned.join(", ")}.` : "";
  const notCountedText = notCounted.size ? ` Not counted: ${[...notCounted].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, note]) => note).join("; ")}.` : "";
  // A score stops at 1: say so rather than claim a reduction the residual does not show.
  const floors = [...(residualLikelihood < 1 ? [`likelihood stops at 1`] : []), ...(residualImpact < 1 ? [`impact stops at 1`] : [])];
  const floorText = floors.length ? `, but ${floors.join(" and ")}` : "";
  if (effective.length > 0) reasons.push(`Residual ${residual.likelihood}x${residual.impact}: ${effective.map((a) => a.note).join("; ")}${floorText}.${plannedNote}${notCountedText}`);
  else reasons.push(`Residual equals inherent: no control in place reduces this finding.${plannedNote}${notCountedText}`);
  return { inherent, residual, reasons, applied, missing };
}

/**
 * An approval where the finding's scope holds several tools that act: a steered agent takes the
 * tool gated least, so the approval counts as the weakest gate among them, and not at all while
 * one of them is left open. That way adding a tool never lowers a finding and gating one never
 * raises it. (Half the gate on the worst tool would credit an approval on a refund tool against
 * the email tool beside it, and lower the finding when a gated tool is added.) Undefined when the
 * scope holds fewer than two such tools, where any approval in scope gates the one. An approval
 * gates a tool when it covers the tool, its host or identity, an agent in scope that uses it
 * (directly or through its MCP server), or a resource it acts on.
 */
function approvalAcrossTools(mitigation: Mitigation, scope: readonly string[], graph: SystemGraph, limits: ApprovalLimits): { applied?: AppliedControl; notCounted?: [string, string] } | "none" {
  const tools = scope.filter((id) => graph.tool(id)?.capabilities.some((c) => CONSEQUENTIAL_ACTIONS.has(c.action)));
  if (tools.length === 0) return "none";
  const agents = new Set(scope.filter((id) => graph.kindOf(id) === "agent"));
  const approvalsOn = (places: readonly (string | undefined)[]) => places.flatMap((place) => (place === undefined ? [] : graph.controlsCovering(place).filter((c) => c.type === "human-approval")));
  const gates = tools.map((id) => {
    const tool = graph.tool(id)!;
    const onTool = strongest(mitigation, approvalsOn([id, graph.hostOf(id), graph.identityOf(id)?.id, ...graph.agentsUsingTool(id).map((a) => a.id).filter((a) => agents.has(a))]), graph, limits);
    // An approval on what the tool acts on gates the tool only where every such resource has one: isolating
    // a server waits for an analyst, isolating a workstation the same tool reaches does not.
    const resources = [...new Set(tool.capabilities.filter((c) => CONSEQUENTIAL_ACTIONS.has(c.action)).flatMap((c) => c.on ?? []))];
    const perResource = resources.map((r) => ({ resource: r, gate: strongest(mitigation, approvalsOn([r]), graph, limits) }));
    const weakestResource = perResource.length ? perResource.reduce((a, b) => ((b.gate?.by ?? 0) < (a.gate?.by ?? 0) ? b : a)) : undefined;
    const onResources = weakestResource?.gate;
    const gate = (onResources?.by ?? 0) > (onTool?.by ?? 0) ? onResources : (onTool ?? onResources);
    const ungated = perResource.filter((r) => (r.gate?.by ?? 0) === 0).map((r) => r.resource);
    const partly = (onTool?.by ?? 0) === 0 && ungated.length > 0 ? perResource.find((r) => (r.gate?.by ?? 0) > 0) : undefined;
    return { tool: id, gate, byResources: (onTool?.by ?? 0) === 0 && (onResources?.by ?? 0) > 0, ...(partly ? { partly: { approval: partly.gate!.control, on: partly.resource, ungated } } : {}) };
  });
  if (tools.length === 1) {
    // One tool: an approval on it (or its agent, host, identity) counts as any in scope does; one on what it acts on
    // counts as the weakest resource's, and not at all while one resource is left open.
    const only = gates[0]!;
    if (only.partly) return { notCounted: [only.partly.approval, `${only.partly.approval} (human-approval) gates ${only.tool} on ${only.partly.on} but not on ${only.partly.ungated.join(", ")}, which a steered agent picks`] };
    return only.byResources ? { applied: only.gate } : "none";
  }
  const byOf = (g: (typeof gates)[number]) => g.gate?.by ?? 0;
  const weakestGate = gates.reduce((a, b) => (byOf(b) < byOf(a) ? b : a));
  if (byOf(weakestGate) > 0) return { applied: weakestGate.gate };
  // Gated somewhere but open elsewhere: say so rather than drop the approval silently.
  const gated = gates.find((g) => byOf(g) > 0);
  if (!gated) return {};
  const open = gates.filter((g) => byOf(g) === 0).map((g) => g.tool);
  return { notCounted: [gated.gate!.control, `${gated.gate!.control} (human-approval) gates ${gated.tool} but leaves ${open.join(", ")} ungated, and a steered agent takes the tool gated least`] };
}

/**
 * Why a control of the mitigation's type takes nothing off, or undefined when it counts: an approval an
 * attacker routes around stops nothing they do; a spend limit at or above the material loss bounds nothing
 * that matters; a cap on each payment is not a cap on the total, and
 * counts only where the rule names it (a per-payment reduction it has not counted already).
 */
function notCountedWhy(mitigation: Mitigation, control: Control, namedByRule: boolean, limits: ApprovalLimits, graph: SystemGraph): string | undefined {
  const limit = limits.get(control.id);
  if (limit?.factor === 0 && control.status !== "planned") return `${control.id} (${control.type}) is ${limit.why}`;
  const aboveMaterial = mitigation.control === "spend-limit" && control.threshold ? capAboveMaterial(graph, control.threshold) : undefined;
  if (aboveMaterial) return `${control.id} (spend-limit) ${conditionWords(control, graph)}, ${aboveMaterial}`;
  if (mitigation.control !== "spend-limit" || capsTotal(control) || (mitigation.perPayment !== undefined && namedByRule)) return undefined;
  return control.threshold
    ? `${control.id} (spend-limit) ${conditionWords(control, graph)}, not the total per hour, day or month`
    : `${control.id} (spend-limit) gives no threshold with a period (per hour, day or month), so it is not known to cap the total`;
}

function strongest(mitigation: Mitigation, controls: readonly Control[], graph: SystemGraph, limits: ApprovalLimits): AppliedControl | undefined {
  let best: Control | undefined;
  let bestBy = 0;
  for (const control of controls) {
    // A spend limit that caps each payment, where the rule counts one, takes off the rule's per-payment steps.
    const steps = mitigation.control === "spend-limit" && !capsTotal(control) ? (mitigation.perPayment ?? 0) : mitigation.by;
    const by = roundSteps(steps * controlStrength(control, limits.get(control.id)));
    if (!best || by > bestBy || (by === bestBy && control.id < best.id)) {
      best = control;
      bestBy = by;
    }
  }
  if (!best) return undefined;
  // Words only for the control chosen; findings by the thousand share a handful of controls.
  const condition = conditionWords(best, graph);
  const limit = limits.get(best.id);
  const state =
    best.status === "planned"
      ? "planned, so no reduction"
      : `${best.status ?? "implemented"}, ${best.verified ? "verified" : "not verified"}${condition ? `, ${condition}` : ""}${limit ? `; ${limit.why}` : ""}`;
  return { control: best.id, type: best.type, reduces: mitigation.reduces, by: bestBy, note: `${best.id} (${best.type}, ${state}) lowers ${mitigation.reduces} by ${bestBy}` };
}

function explain(dimension: string, base: number, final: number, factors: Factor[]): string {
  const parts = factors.map((f) => `${f.delta > 0 ? "+" : ""}${f.delta} ${f.reason}`);
  return `${dimension} ${final}/5: rule default ${base}${parts.length ? `; ${parts.join("; ")}` : ""}${final !== base + factors.reduce((s, f) => s + f.delta, 0) ? " (capped to 1-5)" : ""}.`;
}
