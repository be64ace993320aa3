// The controls a remediation plan may propose, each with a quick estimate of the risk it takes
// off: a control of each type a finding misses, where a team would put it for each of the
// finding's anchors (placement.ts); and each control the model already has that is not yet
// implemented, verified and evidenced (or, for an approval, kept from self-approval). The estimate only
// orders the candidates; the plan re-analyses the model to measure the ones it considers.
import type { Finding } from "../analysis/analyze.js";
import type { SystemGraph } from "../graph/graph.js";
import { isSettled } from "../lifecycle/decisions.js";
import type { ThreatModel } from "../model/model.js";
import type { Control } from "../model/schema.js";
import type { ControlType } from "../model/vocabulary.js";
import { EVIDENCE_TO_FILL_IN } from "../model/vocabulary.js";
import type { Mitigation, Rule } from "../rules/rule.js";
import { placer } from "./placement.js";

export interface Candidate {
  /** Stable across the plan's steps: "add <type> <element>" or "complete <control>". */
  key: string;
  kind: "add" | "complete";
  /** The control as the model would hold it once in place. */
  control: Control;
  /** For "complete": the control as the model has it now. */
  was?: Control;
  /** Estimated residual risk taken off the findings still to act on, in score points. */
  estimate: number;
}

/**
 * Stands in for the evidence the team will point to, so the measured control is one with evidence
 * (without, it raises TW-GOV-005); pasted unchanged, TW-GOV-005 still counts it as none.
 */
export const EVIDENCE_PLACEHOLDER: NonNullable<Control["evidence"]>[number] = { type: "doc", ref: EVIDENCE_TO_FILL_IN };

/** Every candidate for the model as it stands, most promising first (ties: completions first, then by key). */
export function candidates(graph: SystemGraph, findings: readonly Finding[], rules: readonly Rule[]): Candidate[] {
  const { model } = graph;
  const ruleById = new Map(rules.map((rule) => [rule.id, rule]));
  const adds = new Map<string, { type: ControlType; element: string; estimate: number }>();
  const completions = new Map<string, number>();
  const controls = new Map(model.controls.map((c) => [c.id, c]));
  const placements = placer(graph);
  // Where a control of each type already sits: there, the plan completes it rather than add a second.
  const covered = new Set(model.controls.flatMap((c) => c.covers.map((id) => `${c.type} ${id}`)));
  for (const finding of findings) {
    if (isSettled(finding.status)) continue;
    const rule = ruleById.get(finding.ruleId);
    if (!rule) continue;
    for (const type of finding.missingControls) {
      const gain = bestGain(rule.mitigations, type, finding, 0);
      if (gain <= 0) continue;
      for (const element of new Set(placements(finding.anchors, type))) {
        if (!controls.has(element) && !covered.has(`${type} ${element}`)) {
          const key = `add ${type} ${element}`;
          const entry = adds.get(key) ?? { type, element, estimate: 0 };
          entry.estimate += gain;
          adds.set(key, entry);
        }
      }
    }
    // A control the finding already counts at less than full strength.
    for (const applied of finding.controls) {
      const control = controls.get(applied.control);
      if (!control || atFullStrength(control)) continue;
      const gain = bestGain(rule.mitigations, control.type, finding, applied.by);
      if (gain > 0) completions.set(control.id, (completions.get(control.id) ?? 0) + gain);
    }
  }
  // Controls not at full strength that no finding counts yet (a planned one listed nowhere) may still help.
  for (const control of model.controls) if (!atFullStrength(control) && !completions.has(control.id)) completions.set(control.id, 0);

  const currency = modelCurrency(model);
  const taken = (id: string) => graph.node(id) !== undefined;
  const list: Candidate[] = [];
  for (const [key, { type, element, estimate }] of adds) list.push({ key, kind: "add", control: proposed(type, element, taken, currency), estimate: round(estimate) });
  for (const [id, estimate] of completions) {
    const was = controls.get(id)!;
    list.push({ key: `complete ${id}`, kind: "complete", control: completed(was), was, estimate: round(estimate) });
  }
  // On a tie, finishing a control the team already has comes before adding one.
  return list.sort((a, b) => b.estimate - a.estimate || (a.kind === b.kind ? 0 : a.kind === "complete" ? -1 : 1) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Implemented, verified, with evidence, and for an approval with named approvers, four eyes, and one that waits for an answer: nothing left to complete. */
export function atFullStrength(control: Control): boolean {
  return (control.status ?? "implemented") === "implemented" && control.verified === true && (control.evidence?.length ?? 0) > 0 && !selfApprovable(control) && control.unanswered !== "proceeds";
}

/** An approval whose named approvers nothing keeps off their own requests (the analysis halves it when one of them also asks). */
const selfApprovable = (control: Control) => control.type === "human-approval" && (control.approvers?.length ?? 0) > 0 && control.separateFromRequester !== true;

/**
 * What the best mitigation of the type could take off this finding's residual score, from the
 * steps it already takes off (`counted`): the steps left, capped at what the dimension has
 * above 1, times the other dimension.
 */
function bestGain(mitigations: readonly Mitigation[], type: ControlType, finding: Finding, counted: number): number {
  let best = 0;
  for (const mitigation of mitigations) {
    if (mitigation.control !== type) continue;
    const { likelihood, impact } = finding.residual;
    const [lowered, other] = mitigation.reduces === "likelihood" ? [likelihood, impact] : [impact, likelihood];
    best = Math.max(best, Math.min(mitigation.by - counted, lowered - 1) * other);
  }
  return best;
}

function proposed(type: ControlType, element: string, taken: (id: string) => boolean, currency: string): Control {
  let id = `${type}-${element}`;
  for (let n = 2; taken(id); n++) id = `${type}-${element}-${n}`;
  return {
    id,
    type,
    covers: [element],
    status: "implemented",
    // Only a cap on a total per period counts against spending; the amount is the team's to choose.
    ...(type === "spend-limit" ? { threshold: { amount: 0, currency, per: "day" as const } } : {}),
    verified: true,
    evidence: [EVIDENCE_PLACEHOLDER],
  };
}

function completed(control: Control): Control {
  return {
    ...control,
    status: "implemented",
    verified: true,
    evidence: control.evidence?.length ? control.evidence : [EVIDENCE_PLACEHOLDER],
    ...(selfApprovable(control) ? { separateFromRequester: true } : {}),
    // Finishing an opt-out review makes it hold the action until someone answers.
    ...(control.unanswered === "proceeds" ? { unanswered: "waits" as const } : {}),
  };
}

/** The currency the model already writes amounts in, for a proposed spend cap. */
function modelCurrency(model: ThreatModel): string {
  for (const control of model.controls) if (control.threshold) return control.threshold.currency;
  for (const tool of model.tools) for (const capability of tool.capabilities) if (capability.limit) return capability.limit.currency;
  return "EUR";
}

const round = (value: number) => Math.round(value * 100) / 100;
