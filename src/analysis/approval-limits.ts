// What takes credit away from a human approval beyond its status and verification: who
// decides which actions reach it, and who may approve. Derived from the model alone.
import type { SystemGraph } from "../graph/graph.js";
import type { Control } from "../model/schema.js";
import { joinWords } from "../model/vocabulary.js";
import { attackerFedInputs, type UntrustedContent, type UntrustedOrigin } from "./untrusted-content.js";

export interface ApprovalLimit {
  /** What is left of the approval's strength: 0 when an attacker can route around it, 0.5 when outsiders may approve. */
  factor: number;
  /** Why, in words, for the finding's reasons. */
  why: string;
  /** The routers an attacker steers or feeds, each with the origin of the text; empty when only the approvers limit it. */
  bypassedBy: { router: string; origin: UntrustedOrigin }[];
}

/** Approval limits by control ID. */
export type ApprovalLimits = ReadonlyMap<string, ApprovalLimit>;

/** Actor types outside the organisation: an approval they may give is not the organisation's check. */
const OUTSIDE_APPROVERS: ReadonlySet<string> = new Set(["public", "customer", "partner"]);

/**
 * For each human-approval control, what limits it:
 * - a router (`routedBy`) that an attacker steers (an agent reached by untrusted text) or feeds (a model
 *   given attacker-shaped input) decides that the attacker's action needs no approval: the approval
 *   counts for nothing against the threats it would stop (TW-HUM-002 is the finding);
 * - an approver outside the organisation (a partner, customer or public actor) halves it.
 * Approvals with neither are absent from the map.
 */
export function approvalLimits(graph: SystemGraph, untrusted: UntrustedContent): ApprovalLimits {
  const limits = new Map<string, ApprovalLimit>();
  for (const control of graph.model.controls) {
    if (control.type !== "human-approval") continue;
    const bypassedBy = routersAnAttackerSteers(graph, untrusted, control);
    const outsiders = (control.approvers ?? []).filter((id) => {
      const type = graph.node(id)?.element.type;
      return typeof type === "string" && OUTSIDE_APPROVERS.has(type);
    });
    const whys: string[] = [];
    if (bypassedBy.length > 0) {
      const how = bypassedBy.map(({ router, origin }) =>
        graph.kindOf(router) === "model" ? `${graph.nameOf(router)} (scores input ${graph.nameOf(origin.id)} shapes)` : `${graph.nameOf(router)} (reads text from ${graph.nameOf(origin.id)})`,
      );
      whys.push(`routed by ${joinWords(how)}: the attacker can keep an action from reaching the approver`);
    }
    if (outsiders.length > 0) {
      whys.push(`approvers include ${outsiders.map((id) => `${graph.nameOf(id)} (${String(graph.node(id)?.element.type)})`).join(", ")}, outside the organisation`);
    }
    if (whys.length === 0) continue;
    limits.set(control.id, { factor: bypassedBy.length > 0 ? 0 : 0.5, why: whys.join("; "), bypassedBy });
  }
  return limits;
}

/** The routers of an approval that an attacker steers (agents reached by untrusted text) or feeds (models given attacker-shaped input), in the control's order. */
function routersAnAttackerSteers(graph: SystemGraph, untrusted: UntrustedContent, control: Control): { router: string; origin: UntrustedOrigin }[] {
  const steered: { router: string; origin: UntrustedOrigin }[] = [];
  for (const router of control.routedBy ?? []) {
    const origin = graph.kindOf(router) === "model" ? attackerFedInputs(graph, untrusted, router)[0]?.origin : untrusted.originsReaching(router)[0];
    if (origin) steered.push({ router, origin });
  }
  return steered;
}
