// The controls a remediation plan may propose, each with a quick estimate of the risk it takes
// off: a control of each type a finding misses, on each of the finding's anchors; and each control
// the model already has that is not yet implemented, verified and evidenced. The estimate only
// orders the candidates; the plan re-analyses the model to measure the ones it considers.
import type { Finding } from "../analysis/analyze.js";
import { isSettled } from "../lifecycle/decisions.js";
import type { ThreatModel } from "../model/model.js";
import type { Control } from "../model/schema.js";
import { ELEMENT_LIST_KEYS } from "../model/schema.js";
import type { ControlType } from "../model/vocabulary.js";
import { CONSEQUENTIAL_ACTIONS } from "../model/vocabulary.js";
import type { Mitigation, Rule } from "../rules/rule.js";

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

/** Stands in for the evidence the team will point to; a control without evidence raises a finding of its own (TW-GOV-005). */
export const EVIDENCE_PLACEHOLDER: NonNullable<Control["evidence"]>[number] = { type: "doc", ref: "where the control can be seen working" };

/** Every candidate for the model as it stands, most promising first (ties by key). */
export function candidates(model: ThreatModel, findings: readonly Finding[], rules: readonly Rule[]): Candidate[] {
  const ruleById = new Map(rules.map((rule) => [rule.id, rule]));
  const adds = new Map<string, { type: ControlType; element: string; estimate: number }>();
  const completions = new Map<string, number>();
  const controls = new Map(model.controls.map((c) => [c.id, c]));
  const placements = placer(model);
  for (const finding of findings) {
    if (isSettled(finding.status)) continue;
    const rule = ruleById.get(finding.ruleId);
    if (!rule) continue;
    for (const type of finding.missingControls) {
      const gain = bestGain(rule.mitigations, type, finding, 0);
      if (gain <= 0) continue;
      for (const element of new Set(placements(finding.anchors, type))) {
        if (!controls.has(element)) {
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
  const taken = elementIds(model);
  const list: Candidate[] = [];
  for (const [key, { type, element, estimate }] of adds) list.push({ key, kind: "add", control: proposed(type, element, taken, currency), estimate: round(estimate) });
  for (const [id, estimate] of completions) {
    const was = controls.get(id)!;
    list.push({ key: `complete ${id}`, kind: "complete", control: completed(was), was, estimate: round(estimate) });
  }
  return list.sort((a, b) => b.estimate - a.estimate || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Implemented, verified and with evidence: nothing left to complete. */
export function atFullStrength(control: Control): boolean {
  return (control.status ?? "implemented") === "implemented" && control.verified === true && (control.evidence?.length ?? 0) > 0;
}

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

function proposed(type: ControlType, element: string, taken: ReadonlySet<string>, currency: string): Control {
  let id = `${type}-${element}`;
  for (let n = 2; taken.has(id); n++) id = `${type}-${element}-${n}`;
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
  return { ...control, status: "implemented", verified: true, evidence: control.evidence?.length ? control.evidence : [EVIDENCE_PLACEHOLDER] };
}

/** The currency the model already writes amounts in, for a proposed spend cap. */
function modelCurrency(model: ThreatModel): string {
  for (const control of model.controls) if (control.threshold) return control.threshold.currency;
  for (const tool of model.tools) for (const capability of tool.capabilities) if (capability.limit) return capability.limit.currency;
  return "EUR";
}

function elementIds(model: ThreatModel): Set<string> {
  const ids = new Set<string>();
  for (const key of ELEMENT_LIST_KEYS) for (const element of model[key] as readonly { id?: string }[]) if (element.id !== undefined) ids.add(element.id);
  return ids;
}

/** Control types that belong on an identity: an agent or tool gets them through the identity it acts as. */
const ON_IDENTITY: ReadonlySet<ControlType> = new Set(["least-privilege", "secret-rotation"]);
/** Control types that belong on an artifact: an agent gets them through its MCP servers and models. */
const ON_ARTIFACT: ReadonlySet<ControlType> = new Set(["pinned-artifacts", "signed-artifacts", "dependency-scanning"]);

/**
 * Where a control of the type may go for a finding: on its anchors (not the system's own ID, which
 * system-level findings carry and no control covers), moved to where a team would put it:
 * - an approval on an agent with tools goes on the tools that act: a person approves refunds, not every answer;
 * - least privilege and rotation on an agent or tool go on the identity it acts as (its own, else its host's);
 * - pinning, signing and dependency scanning on an agent go on its MCP servers and models.
 * An anchor with nothing to move to keeps the control itself.
 */
function placer(model: ThreatModel): (anchors: readonly string[], type: ControlType) => string[] {
  const acting = new Set(model.tools.filter((t) => t.capabilities.some((c) => CONSEQUENTIAL_ACTIONS.has(c.action))).map((t) => t.id));
  const agents = new Map(model.agents.map((a) => [a.id, a]));
  const runsAs = new Map<string, string>();
  const runsOn = new Map<string, string>();
  for (const key of ELEMENT_LIST_KEYS) {
    for (const element of model[key] as readonly { id?: string; runsAs?: string; runsOn?: string }[]) {
      if (element.id === undefined) continue;
      if (element.runsAs !== undefined) runsAs.set(element.id, element.runsAs);
      if (element.runsOn !== undefined) runsOn.set(element.id, element.runsOn);
    }
  }
  const identityOf = (id: string) => runsAs.get(id) ?? runsAs.get(runsOn.get(id) ?? "");
  const tools = new Set(model.tools.map((t) => t.id));
  const moved = (id: string, type: ControlType): string[] => {
    const agent = agents.get(id);
    if (type === "human-approval" && agent) return (agent.tools ?? []).filter((tool) => acting.has(tool));
    if (ON_IDENTITY.has(type) && (agent || tools.has(id))) {
      const identity = identityOf(id);
      return identity === undefined ? [] : [identity];
    }
    if (ON_ARTIFACT.has(type) && agent) return [...(agent.mcpServers ?? []), ...agent.models];
    return [];
  };
  return (anchors, type) =>
    anchors
      .filter((id) => id !== model.system.id)
      .flatMap((id) => {
        const to = moved(id, type);
        return to.length > 0 ? to : [id];
      });
}

const round = (value: number) => Math.round(value * 100) / 100;
