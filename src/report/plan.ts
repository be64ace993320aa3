// The remediation plan as text for the terminal, Markdown for a pull request or wiki, and JSON.
import { Document } from "yaml";
import type { Severity } from "../analysis/scoring.js";
import { SEVERITIES } from "../analysis/scoring.js";
import type { RescoredFinding } from "../lifecycle/findings-diff.js";
import type { Control } from "../model/schema.js";
import type { PlanStep, PlanTotals, RemediationPlan } from "../planning/plan.js";
import { TOOL } from "./json.js";
import { mdEscape } from "./markdown.js";
import { terminalText } from "./terminal-text.js";

export const PLAN_SCHEMA_VERSION = "1.2";

/** Findings named per step in the terminal; Markdown and JSON name them all. */
const LISTED = 5;

export const ASSUMPTIONS =
  "Each control is counted as implemented and verified, with evidence; a partial or unverified one takes off less (docs/scoring.md). " +
  "Steps are chosen one at a time, with the steps before in place: first a control that brings findings of the worst severity it can below it (critical before high, and so on), and among those the one that takes the most off. " +
  "Only controls are proposed: removing a tool or narrowing a grant may do more (compare the two models with `threatwright diff`).";

/** `nameOf`: an element's name from its ID, for the sentences. */
export function planText(plan: RemediationPlan, nameOf: (id: string) => string): string {
  const name = (id: string) => terminalText(nameOf(id));
  const lines = [`Remediation plan for ${terminalText(plan.system.name)}${plan.workflow ? `, workflow ${plan.workflow}` : ""} (${plan.date})`, ""];
  lines.push(`Still to act on: ${totalsText(plan.start)}.`);
  if (plan.steps.length === 0) {
    lines.push(nothingToDo(plan));
  } else {
    const count = plan.steps.length;
    lines.push(`With the ${count === 1 ? "control" : `${count} controls`} below in place: ${totalsText(plan.end)}, ${round(plan.start.residual - plan.end.residual)} less.`);
  }
  for (const step of plan.steps) {
    lines.push("", `${step.rank}. ${stepTitle(step, name)}: residual ${step.residual.before} -> ${step.residual.after} (${step.residual.delta})${broughtBelowText(step)}`);
    for (const [label, list] of findingLists(step, (id) => id, "->")) lines.push(`   ${label}: ${list}`);
    lines.push(`   ${step.kind === "add" ? "add to the model's controls" : `set on ${step.control.id}`}${fillInText(step)}:`, ...controlYaml(step).map((line) => `     ${terminalText(line)}`));
  }
  lines.push(...plan.truncated.map((note) => `Truncated: ${note} (--candidates measures more).`));
  lines.push("", ASSUMPTIONS, "");
  return lines.join("\n");
}

export function planMarkdown(plan: RemediationPlan, nameOf: (id: string) => string): string {
  const name = (id: string) => mdEscape(nameOf(id));
  const out = [`## Threatwright remediation plan: ${mdEscape(plan.system.name)}`, "", `Plan of ${plan.date}${plan.workflow ? ` for workflow \`${plan.workflow}\`` : ""}. Still to act on: ${totalsText(plan.start)}.`, ""];
  if (plan.steps.length === 0) {
    out.push(nothingToDo(plan), "");
  } else {
    out.push(`With these controls in place: ${totalsText(plan.end)}, **${round(plan.start.residual - plan.end.residual)}** less.`, "");
    out.push("| Step | Control | Residual | Change |", "|---:|---|---:|---:|");
    for (const step of plan.steps) out.push(`| ${step.rank} | ${stepTitle(step, name)}${broughtBelowText(step)} | ${step.residual.before} → ${step.residual.after} | ${step.residual.delta} |`);
    out.push("");
  }
  for (const step of plan.steps) {
    out.push(`### ${step.rank}. ${stepTitle(step, name)}`, "");
    // A pull request's reviewers read the whole plan there: every finding a step changes is named.
    for (const [label, list] of findingLists(step, (id) => `\`${id}\``, "→", Infinity)) out.push(`- ${label}: ${list}`);
    out.push("", `${step.kind === "add" ? "Add to the model's controls" : `Set on \`${step.control.id}\``}${fillInText(step)}:`, "", "```yaml", ...controlYaml(step), "```", "");
  }
  out.push(...plan.truncated.map((note) => `Truncated: ${mdEscape(note)}.`), "", ASSUMPTIONS, "");
  return out.join("\n");
}

export function planJson(plan: RemediationPlan): string {
  return JSON.stringify({ tool: { name: TOOL.name, version: TOOL.version }, schemaVersion: PLAN_SCHEMA_VERSION, ...plan, assumptions: ASSUMPTIONS }, null, 2) + "\n";
}

/** Why a step ranks where it does, after its figures: "; 1 finding no longer critical"; empty when it lowers no severity count. */
export function broughtBelowText(step: PlanStep): string {
  if (!step.bringsBelow) return "";
  const { severity, findings } = step.bringsBelow;
  return `; ${findings} finding${findings === 1 ? "" : "s"} no longer ${severity}${severity === "critical" ? "" : " or worse"}`;
}

export function stepTitle(step: PlanStep, name: (id: string) => string): string {
  const { control } = step;
  const where = control.covers
    .map((id) => {
      const shown = name(id);
      return shown === id ? id : `${shown} (${id})`;
    })
    .join(", ");
  if (step.kind === "add") return `Add ${control.type} on ${where}`;
  const was = step.was!;
  const state = [was.status ?? "implemented", was.verified ? "verified" : "not verified", ...((was.evidence?.length ?? 0) === 0 ? ["no evidence"] : [])].join(", ");
  return `Complete ${control.id} (${control.type} on ${where}; now ${state})`;
}

/** Why a plan has no step: nothing left to act on, or nothing the plan can propose helps. */
export function nothingToDo(plan: RemediationPlan): string {
  if (plan.start.findings > 0) return "No control the plan can propose lowers the residual risk of the findings still to act on.";
  const scope = plan.workflow ? ` in workflow ${plan.workflow}` : "";
  if (plan.settled === 0) return `Nothing to act on: there is no finding${scope}.`;
  return `Nothing left to act on: ${plan.settled === 1 ? "the one finding" : `all ${plan.settled} findings`}${scope} ${plan.settled === 1 ? "is" : "are"} decided (accepted, transferred, mitigated or dismissed).`;
}

/** ", then fill in the evidence and threshold.amount" when the proposal leaves fields to the team. */
function fillInText(step: PlanStep): string {
  return step.fillIn.length ? ` (then fill in ${step.fillIn.join(" and ")})` : "";
}

function totalsText(totals: PlanTotals): string {
  const severities = [...SEVERITIES].reverse().filter((s) => totals.bySeverity[s] > 0).map((s: Severity) => `${totals.bySeverity[s]} ${s}`);
  return `${totals.findings} finding${totals.findings === 1 ? "" : "s"}${severities.length ? ` (${severities.join(", ")})` : ""}, residual risk ${totals.residual}`;
}

/** How a step changes one finding: lowered or raised (with its score before and after), resolved (before), or brought (after). */
export interface FindingChange {
  kind: "lowers" | "resolves" | "raises" | "brings";
  id: string;
  before?: { severity: Severity; residual: number };
  after?: { severity: Severity; residual: number };
}

/** The findings a step changes, in the order every format lists them: lowered, resolved, raised, brought. */
export function stepChanges(step: PlanStep): FindingChange[] {
  const rescored = (kind: "lowers" | "raises") => (f: RescoredFinding): FindingChange => ({ kind, id: f.id, before: f.before, after: f.after });
  return [
    ...step.lowered.map(rescored("lowers")),
    ...step.resolved.map((f): FindingChange => ({ kind: "resolves", id: f.id, before: { severity: f.severity, residual: f.residual } })),
    ...step.raised.map(rescored("raises")),
    ...step.added.map((f): FindingChange => ({ kind: "brings", id: f.id, after: { severity: f.severity, residual: f.residual } })),
  ];
}

/** Labelled lists of the findings a step changes, the first few of each named. */
function findingLists(step: PlanStep, code: (id: string) => string, arrow: string, listed = LISTED): [string, string][] {
  const score = (s: { severity: Severity; residual: number }) => `${s.severity} ${s.residual}`;
  const groups = new Map<FindingChange["kind"], string[]>();
  for (const change of stepChanges(step)) {
    const item = `${code(change.id)} ${change.before && change.after ? `${score(change.before)} ${arrow} ${score(change.after)}` : score((change.before ?? change.after)!)}`;
    groups.set(change.kind, [...(groups.get(change.kind) ?? []), item]);
  }
  return [...groups].map(([label, items]) => [`${label} ${items.length} finding${items.length === 1 ? "" : "s"}`, items.slice(0, listed).join("; ") + (items.length > listed ? `; and ${items.length - listed} more` : "")]);
}

/** The YAML to write: the whole control for one to add, the fields that change for one to complete. */
export function controlYaml(step: PlanStep): string[] {
  const { control } = step;
  const value: Partial<Control> = step.kind === "add" ? control : changedFields(step.was!, control);
  const doc = new Document(step.kind === "add" ? [value] : value);
  // covers: [a, b] on one line, as the examples write it.
  const covers = doc.getIn(step.kind === "add" ? [0, "covers"] : ["covers"], true) as { flow?: boolean } | undefined;
  if (covers) covers.flow = true;
  if (step.fillIn.includes("threshold.amount")) {
    // Left empty so the model does not validate until the team has chosen the cap.
    const amount = doc.getIn([0, "threshold", "amount"], true) as { value?: unknown; comment?: string } | undefined;
    if (amount) {
      amount.value = null;
      amount.comment = ` to fill in: the most it may spend per ${control.threshold?.per ?? "day"}`;
    }
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd().split("\n");
}

function changedFields(was: Control, now: Control): Partial<Control> {
  const changed: Partial<Control> = {};
  if ((was.status ?? "implemented") !== now.status) changed.status = now.status;
  if (was.verified !== now.verified) changed.verified = now.verified;
  if ((was.evidence?.length ?? 0) === 0) changed.evidence = now.evidence;
  return changed;
}

const round = (value: number) => Math.round(value * 100) / 100;
