// What takes credit away from a human approval beyond its status and verification: who
// decides which actions reach it, and who may approve. Derived from the model alone.
import { isRelay, passesOn } from "./attack-paths.js";
import type { SystemGraph } from "../graph/graph.js";
import type { Control, Flow } from "../model/schema.js";
import { joinWords, OUTSIDER_ACTOR_TYPES } from "../model/vocabulary.js";
import { attackerFedInputs, type UntrustedContent, type UntrustedOrigin } from "./untrusted-content.js";

export interface ApprovalLimit {
  /**
   * What is left of the approval's strength: 0 when an attacker can route around it; otherwise 0.5 when
   * outsiders may approve, 0.5 when approvers may approve their own requests, 0.25 when both.
   */
  factor: number;
  /** Why, in words, for the finding's reasons. */
  why: string;
  /** The routers an attacker steers or feeds, each with the origin of the text; empty when only the approvers limit it. */
  bypassedBy: { router: string; origin: UntrustedOrigin }[];
  /**
   * Approvers who may approve their own requests (untrusted requesters), and what is left of the limit
   * for a finding whose attacker comes in another way (undefined: nothing); see forEntry.
   */
  selfApproval?: { approvers: string[]; otherwise: ApprovalLimit | undefined };
}

/** Approval limits by control ID. */
export type ApprovalLimits = ReadonlyMap<string, ApprovalLimit>;

/**
 * For each human-approval control, what limits it:
 * - a router (`routedBy`) that an attacker steers (an agent reached by untrusted text) or feeds (a model
 *   given attacker-shaped input) decides that the attacker's action needs no approval: the approval
 *   counts for nothing against the threats it would stop (TW-HUM-002 is the finding);
 * - an approver outside the organisation (a partner, customer or public actor) halves it, unless they confirm
 *   actions taken in their own name (confirmsOwnActions);
 * - an approver who also asks an agent the approval gates for actions (a requester) halves it, when the model
 *   counts them as untrusted (an insider adversary covers them), unless the control says the tool keeps
 *   approvers off their own requests (`separateFromRequester`, four eyes).
 * The halvings multiply. Approvals with none of these are absent from the map.
 */
export function approvalLimits(graph: SystemGraph, untrusted: UntrustedContent): ApprovalLimits {
  const limits = new Map<string, ApprovalLimit>();
  const untrustedActors = new Set(untrusted.origins.filter((o) => graph.kindOf(o.id) === "actor").map((o) => o.id));
  for (const control of graph.model.controls) {
    if (control.type !== "human-approval") continue;
    const bypassedBy = routersAnAttackerSteers(graph, untrusted, control);
    const requesting = approversWhoRequest(graph, control);
    // A customer confirming an action taken in their own name (a payment with their own token) is the person whose money it is, not a stranger asked to check.
    const principals = confirmsOwnActions(graph, control, requesting);
    const outsiders = (control.approvers ?? []).filter((id) => {
      const type = graph.node(id)?.element.type;
      return typeof type === "string" && OUTSIDER_ACTOR_TYPES.has(type) && !principals.has(id);
    });
    const whys: string[] = [];
    if (bypassedBy.length > 0) {
      const how = bypassedBy.map(({ router, origin }) =>
        graph.kindOf(router) === "model" ? `${graph.nameOf(router)} (scores input ${graph.nameOf(origin.id)} shapes)` : `${graph.nameOf(router)} (reads text from ${graph.nameOf(origin.id)})`,
      );
      whys.push(`routed by ${joinWords(how)}: the attacker can keep an action from reaching the approver`);
    }
    if (outsiders.length > 0) whys.push(`approvers include ${outsiders.map((id) => `${graph.nameOf(id)} (${String(graph.node(id)?.element.type)})`).join(", ")}, outside the organisation`);
    // What limits the approval against any attacker: a steered router, outside approvers.
    const base: ApprovalLimit | undefined = whys.length > 0 ? { factor: bypassedBy.length > 0 ? 0 : 0.5, why: whys.join("; "), bypassedBy } : undefined;
    // Approving one's own request matters against a requester who means harm: an approver the model trusts (no insider
    // adversary covers them) asked for the action in good faith, and their look at it is a real check on a steered agent.
    const selfApprovers = control.separateFromRequester === true ? [] : requesting.filter((s) => untrustedActors.has(s.approver));
    if (selfApprovers.length === 0) {
      if (base) limits.set(control.id, base);
      continue;
    }
    // The same people outside and asking the same agents: one sentence about them, not "approvers include" twice.
    const agents = selfApprovers[0]!.agents.join("\0");
    const same = selfApprovers.length === outsiders.length && selfApprovers.every((s) => outsiders.includes(s.approver) && s.agents.join("\0") === agents);
    if (same) whys[whys.length - 1] += `, and they also ask ${joinWords(selfApprovers[0]!.agents.map((id) => graph.nameOf(id)))} for the actions it gates: nothing stops them approving their own request`;
    else whys.push(selfApprovalWhy(graph, selfApprovers));
    const limit: ApprovalLimit = { factor: (base?.factor ?? 1) * 0.5, why: whys.join("; "), bypassedBy, selfApproval: { approvers: selfApprovers.map((s) => s.approver), otherwise: base } };
    limits.set(control.id, limit);
  }
  return limits;
}

/**
 * The limits as they hold against an attacker who comes in at `entry` (the first step of a finding's path).
 * Approving one's own request is the requester's way around an approval: it limits the approval against
 * a finding whose attacker is that requester (the entry is the approver, or content only such approvers
 * write), not against one whose attacker is someone else, whom the approver checks in good faith. Without an entry
 * (a finding with no path), the limits stand as they are.
 */
export function forEntry(graph: SystemGraph, limits: ApprovalLimits, entry: string | undefined): ApprovalLimits {
  if (entry === undefined) return limits;
  // Asked once per finding: each entry's limits are worked out once per analysis.
  let byEntry = limitsByEntry.get(limits);
  if (!byEntry) limitsByEntry.set(limits, (byEntry = new Map()));
  const known = byEntry.get(entry);
  if (known) return known;
  let changed: Map<string, ApprovalLimit> | undefined;
  for (const [control, limit] of limits) {
    const self = limit.selfApproval;
    if (!self) continue;
    const writers = graph.node(entry)?.element.writableBy;
    // Content only such approvers write (the channel where they mention the agent) is theirs; a mailbox anyone can write to is not.
    const theirs = self.approvers.includes(entry) || (Array.isArray(writers) && writers.length > 0 && (writers as string[]).every((w) => self.approvers.includes(w)));
    if (theirs) continue;
    changed ??= new Map(limits);
    if (self.otherwise) changed.set(control, self.otherwise);
    else changed.delete(control);
  }
  byEntry.set(entry, changed ?? limits);
  return changed ?? limits;
}

const limitsByEntry = new WeakMap<ApprovalLimits, Map<string, ApprovalLimits>>();

/**
 * "approvers include On-call engineers, who also ask Ops bot for the actions it gates: nothing stops them
 * approving their own request"; approvers who ask the same agents share a clause.
 */
function selfApprovalWhy(graph: SystemGraph, selfApprovers: readonly { approver: string; agents: string[] }[]): string {
  const byAgents = new Map<string, { approvers: string[]; agents: string[] }>();
  for (const { approver, agents } of selfApprovers) {
    const key = agents.join("\0");
    const group = byAgents.get(key);
    if (group) group.approvers.push(approver);
    else byAgents.set(key, { approvers: [approver], agents });
  }
  const who = [...byAgents.values()].map((g) => `${joinWords(g.approvers.map((id) => graph.nameOf(id)))}, who also ask ${joinWords(g.agents.map((id) => graph.nameOf(id)))}`);
  return `approvers include ${who.join(", and ")}${who.length > 1 ? "," : ""} for the actions it gates: nothing stops them approving their own request`;
}

/**
 * The approval's approvers who also request what it gates, each with the gated agents they ask
 * (in ID order), in the control's order of approvers. Empty when it names no approvers: who approves
 * is then unknown, and so is whether they ask too.
 */
function approversWhoRequest(graph: SystemGraph, control: Control): { approver: string; agents: string[] }[] {
  const approvers = control.approvers ?? [];
  if (approvers.length === 0) return [];
  const asked = new Map<string, string[]>();
  for (const agent of agentsGatedBy(graph, control)) {
    for (const requester of requestersOf(graph, agent)) {
      const agents = asked.get(requester);
      if (agents) agents.push(agent);
      else asked.set(requester, [agent]);
    }
  }
  return [...new Set(approvers)].flatMap((approver) => {
    const agents = asked.get(approver);
    return agents ? [{ approver, agents }] : [];
  });
}

/**
 * The approvers who confirm actions taken in their own name: every tool the approval gates acts with the
 * asker's own token (delegated), and they ask the gated agents for those actions (`requesting`, approversWhoRequest). Their step-up (a biometric
 * confirmation in their app) is no outsider's look: it is the principal's own consent.
 */
function confirmsOwnActions(graph: SystemGraph, control: Control, requesting: readonly { approver: string }[]): Set<string> {
  const tools = toolsGatedBy(graph, control);
  if (tools.length === 0 || !tools.every((id) => graph.tool(id)?.delegated === true)) return new Set();
  return new Set(requesting.map((s) => s.approver));
}

/** Tools whose actions the approval gates: those of the agents it covers and those it gates itself (toolsCovered); in ID order. */
function toolsGatedBy(graph: SystemGraph, control: Control): string[] {
  const tools = new Set(toolsCovered(graph, control));
  for (const covered of control.covers) if (graph.kindOf(covered) === "agent") for (const tool of graph.toolsOf(covered)) tools.add(tool.id);
  return [...tools].sort();
}

/** The tools the approval covers, and those that run on a host or as an identity it covers. */
function toolsCovered(graph: SystemGraph, control: Control): string[] {
  return control.covers.flatMap((covered) => (graph.tool(covered) ? [covered] : [...graph.hostedOn(covered), ...graph.runningAs(covered)].filter((component) => graph.tool(component) !== undefined)));
}

/**
 * Agents whose actions the approval gates, in ID order: it covers the agent, a tool the agent can call,
 * or that tool's host or identity. Kept simple on purpose: an approval on the agent's own host or
 * identity, or on a resource its tools act on, is left out, since it may gate other components' actions
 * and it is not known which of them a requester of this agent sets off.
 */
function agentsGatedBy(graph: SystemGraph, control: Control): string[] {
  const agents = new Set(control.covers.filter((covered) => graph.kindOf(covered) === "agent"));
  for (const tool of toolsCovered(graph, control)) for (const agent of graph.agentsUsingTool(tool)) agents.add(agent.id);
  return [...agents].sort();
}

/**
 * The actors who ask the agent for actions: those with flows reaching it through clients and services
 * only (the "direct" of isDirect, TW-PRV-001), and those who write in a chat the agent listens to (a
 * Slack channel where people mention it), trusted or not, in ID order. Training flows carry no requests.
 */
function requestersOf(graph: SystemGraph, agent: string): string[] {
  const requesters = new Set<string>();
  // Each flow once, and into a client or service only by flows the one out of it carries on (passesOn).
  const seen = new Set<string>();
  const queue: { node: string; out?: Flow }[] = [{ node: agent }];
  for (let head = 0; head < queue.length; head++) {
    const { node, out } = queue[head]!;
    for (const flow of graph.flowsTo(node)) {
      if (flow.channel === "training" || seen.has(flow.id) || flow.from === agent || (out && !passesOn(flow.id, out))) continue;
      seen.add(flow.id);
      const kind = graph.kindOf(flow.from);
      if (kind === "actor") requesters.add(flow.from);
      else if (isRelay(graph, flow.from)) queue.push({ node: flow.from, out: flow });
      else if (kind === "source" && graph.node(flow.from)?.element.type === "chat") for (const writer of chatWriters(graph, flow.from)) requesters.add(writer);
    }
  }
  return [...requesters].sort();
}

/** The actors who write in a chat source (writableBy). */
function chatWriters(graph: SystemGraph, source: string): string[] {
  const writers = graph.node(source)?.element.writableBy;
  return Array.isArray(writers) ? (writers as string[]).filter((id) => graph.kindOf(id) === "actor") : [];
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
