// Questions many rules ask of the analysed system, answered one way.
import { actingIdentity, type Effect } from "../analysis/capabilities.js";
import { isDirect, isRelay, passesOn, routes } from "../analysis/attack-paths.js";
import { askerOrigins, directOrigins, forwardedThrough, sessionOwner } from "../analysis/askers.js";
import { entryThreat } from "../analysis/factors.js";
import { attackersOwnRecord, heldData, sensitivity } from "../analysis/sensitivity.js";
import { capAboveMaterial, controlStrength, isTotalPeriod } from "../analysis/scoring.js";
import type { Hop, UntrustedContent, UntrustedOrigin } from "../analysis/untrusted-content.js";
import type { SystemGraph } from "../graph/graph.js";
import type { Actor, Agent, Control, Credential, Flow, Identity, McpServer, Model, SpendLimit, Tool } from "../model/schema.js";
import { ACTIONS, CONSEQUENTIAL_ACTIONS, joinWords, reachesOutside, type Action, type ControlType } from "../model/vocabulary.js";
import { readableNote, readableToEveryOrigin } from "./already-readable.js";
import { decisionFedImpact } from "./fed-decisions.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, Mitigation, Rule } from "./rule.js";

export interface InjectableAgent {
  agent: Agent;
  /** Most dangerous origin first (moreDangerous). */
  origins: UntrustedOrigin[];
  /** The most dangerous origin: the entry an attack path starts from. */
  top: UntrustedOrigin;
  /** How the top origin's text reaches the agent, origin first. */
  hops: readonly Hop[];
  /** Whether the top origin talks to the agent directly (not through stored content). */
  direct: boolean;
}

/** Agents whose context can hold attacker-controlled text, in ID order. */
export function injectableAgents(context: AnalysisContext): InjectableAgent[] {
  const cached = injectableCache.get(context);
  if (cached) return cached;
  const found = findInjectableAgents(context);
  injectableCache.set(context, found);
  return found;
}

// Many rules ask; the answer depends only on the context, so it is computed once per analysis.
const injectableCache = new WeakMap<AnalysisContext, InjectableAgent[]>();

function findInjectableAgents(context: AnalysisContext): InjectableAgent[] {
  const { graph, untrusted } = context;
  const found: InjectableAgent[] = [];
  for (const node of graph.ofKind("agent")) {
    const origins = untrusted.originsReaching(node.id);
    if (origins.length === 0) continue;
    const top = origins[0]!;
    const hops = untrusted.pathFrom(top.id, node.id);
    found.push({ agent: graph.agent(node.id)!, origins, top, hops, direct: isDirect(graph, hops) });
  }
  return found;
}

/** Evidence lines for how attacker text reaches an element. */
export function originEvidence(context: AnalysisContext, origins: readonly UntrustedOrigin[], target: string, limit = 3): EvidenceItem[] {
  return origins.slice(0, limit).map((origin) => {
    const hops = context.untrusted.pathFrom(origin.id, target);
    return { element: origin.id, note: `untrusted entry (${origin.reason}); reaches ${context.graph.nameOf(target)} via ${hops.map((h) => h.node).join(" → ")}` };
  });
}

export interface DataAtStake {
  data: string;
  /** The element the data comes from. */
  from: string;
}

/**
 * Where the data that sets a finding's impact comes from: the sources of the most sensitive data at stake. A
 * control there (data minimisation keeping it out of the context) lowers that impact; one where only less
 * sensitive data comes from does not.
 */
export function impactSources(graph: SystemGraph, atStake: readonly DataAtStake[]): string[] {
  const top = Math.max(...atStake.map((d) => sensitivity(graph.data(d.data)!)));
  return [...new Set(atStake.filter((d) => sensitivity(graph.data(d.data)!) === top).map((d) => d.from))];
}

/**
 * Sensitive data in an agent's context that an attacker would want, most sensitive first. When
 * every origin speaks to the agent directly, what those actors type themselves is not a secret from
 * them, so it is left out; so is the attacker's own record, data that belongs to the people the
 * origins speak for and that the agent holds only for the case at hand (attackersOwnRecord), and data
 * the people behind every origin may read already (alreadyReadable). `leftOut` names what was left out
 * (at most three), so the finding says what it did not count.
 */
export function sensitiveDataAtStake(context: AnalysisContext, injectable: InjectableAgent): { atStake: DataAtStake[]; leftOut: EvidenceItem[] } {
  const { graph } = context;
  const allDirect = injectable.origins.every((origin) => isDirect(graph, context.untrusted.pathFrom(origin.id, injectable.agent.id)));
  const directPath = new Set(allDirect ? injectable.origins.flatMap((o) => context.untrusted.pathFrom(o.id, injectable.agent.id).map((h) => h.node)) : []);
  const found: { item: DataAtStake; rank: number }[] = [];
  const leftOut: EvidenceItem[] = [];
  // The context holds only sensitive data, all of it in the model's data list.
  for (const [data, from] of context.contextData.of(injectable.agent.id)) {
    if (directPath.has(from)) continue;
    const noGain = noGainTo(context, injectable.agent.id, data, injectable.origins, allDirect);
    if (noGain) {
      if (leftOut.length < 3) leftOut.push(noGain);
      continue;
    }
    found.push({ item: { data, from }, rank: sensitivity(graph.data(data)!) });
  }
  // Rank once per item, not per comparison: contexts can hold thousands of data items.
  return { atStake: found.sort((a, b) => b.rank - a.rank || (a.item.data < b.item.data ? -1 : 1)).map((f) => f.item), leftOut };
}

/**
 * Why a data item in the agent's context is no gain to the people behind the origins, as the evidence
 * note that says so: it is the attacker's own record (attackersOwnRecord; `askers` when the origins ask
 * the agent themselves), or theirs to read already (alreadyReadable). Undefined when it is at stake.
 */
export function noGainTo(context: AnalysisContext, agentId: string, dataId: string, origins: readonly UntrustedOrigin[], askers: boolean): EvidenceItem | undefined {
  if (attackersOwnRecord(context.graph, context.contextData, agentId, dataId, origins, askers)) return ownRecordNote(context, agentId, dataId);
  const readable = readableToEveryOrigin(context, agentId, origins, dataId);
  return readable ? readableNote(dataId, readable) : undefined;
}

/** Evidence for data a finding leaves out as the attacker's own record (attackersOwnRecord says when). */
export function ownRecordNote(context: AnalysisContext, agentId: string, dataId: string): EvidenceItem {
  const owners = context.graph.data(dataId)?.belongsTo ?? [];
  const bound = context.contextData.boundToAsker(agentId, dataId);
  const how = bound ? `: ${context.graph.nameOf(bound.tool)} reads only the asker's own records (${bound.control})` : ", passed on for the case at hand, not read from a store of everyone's";
  return { element: dataId, note: `not counted: the attacker's own record (it belongs to ${names(context, owners)})${how}` };
}

/**
 * What an item at stake that belongs to someone (`belongsTo`) adds to its evidence note: the store it
 * also comes from, which is why it counts although the attacker may be one of its owners.
 */
export function storeNote(context: AnalysisContext, agentId: string, dataId: string): string {
  const owners = context.graph.data(dataId)?.belongsTo;
  if (!owners?.length) return "";
  const store = context.contextData.fromStore(agentId, dataId);
  if (store !== undefined) return `; it belongs to ${names(context, owners)}, but also comes from ${context.graph.nameOf(store)}, which holds everyone's records`;
  // Bound to the asker: the records of whoever the agent serves, not everyone's, and not the injector's own.
  const bound = context.contextData.boundToAsker(agentId, dataId);
  return bound ? `; ${context.graph.nameOf(bound.tool)} reads only the records of the person asking (${bound.control}), so theirs are at stake, not everyone's` : "";
}

export { actingIdentity } from "../analysis/capabilities.js";

/** Ways out: tool effects that carry data to recipients the attacker can choose, outside the organisation. */
export function outboundEffects(effects: readonly Effect[]): Effect[] {
  return ownToolEffects(effects).filter(reachesOutside);
}

/** Effects of the agent's own tools, leaving out what it reaches laterally through an identity's permissions. */
export function ownToolEffects(effects: readonly Effect[]): Effect[] {
  return effects.filter((e) => e.tool !== undefined && e.identity === undefined);
}

/** One effect per tool (the first), for rules that anchor on agent and tool. */
export function firstPerTool(effects: readonly Effect[]): Effect[] {
  const seen = new Set<string>();
  return effects.filter((e) => {
    const key = e.tool ?? e.resource ?? "";
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The elements' names in a sentence: "a", "a and b", "a, b and c". */
export function names(context: AnalysisContext, ids: readonly string[]): string {
  return joinWords(ids.map((id) => context.graph.nameOf(id)));
}

/** Names of at most `limit` elements, then how many more: summaries stay one sentence on large models. */
export function someNames(context: AnalysisContext, ids: readonly string[], limit = 4): string {
  return ids.length <= limit ? names(context, ids) : `${ids.slice(0, limit).map((id) => context.graph.nameOf(id)).join(", ")} and ${ids.length - limit} more`;
}

/** MCP servers an agent connects to: those it lists and those whose tools it is given, in ID order. */
export function mcpServersOf(context: AnalysisContext, agentId: string): McpServer[] {
  const { graph } = context;
  const ids = new Set<string>(graph.agent(agentId)?.mcpServers ?? []);
  for (const tool of graph.toolsOf(agentId)) if (tool.server) ids.add(tool.server);
  return [...ids]
    .sort()
    .map((id) => graph.server(id))
    .filter((server): server is McpServer => server !== undefined);
}

/** Agents connected to each MCP server (listed or through one of its tools), each list in ID order. */
export function agentsByMcpServer(context: AnalysisContext): Map<string, Agent[]> {
  const byServer = new Map<string, Agent[]>();
  for (const node of context.graph.ofKind("agent")) {
    for (const server of mcpServersOf(context, node.id)) {
      const list = byServer.get(server.id);
      if (list) list.push(context.graph.agent(node.id)!);
      else byServer.set(server.id, [context.graph.agent(node.id)!]);
    }
  }
  return byServer;
}

/** How severe an action is when a hijacked agent performs it: 0 for reading, 5 for running code or spending money. */
export const ACTION_SEVERITY: Readonly<Record<Action, number>> = { read: 0, fetch: 1, write: 2, send: 3, publish: 3, admin: 4, delete: 4, execute: 5, spend: 5 };

/** Actions from most to least damaging: ACTION_SEVERITY's order, with its ties broken (running code before deleting, sending before publishing). */
export const DAMAGE_ORDER: readonly Action[] = ["execute", "spend", "delete", "admin", "send", "publish", "write", "fetch", "read"];
const DAMAGE_RANK = Object.fromEntries(DAMAGE_ORDER.map((action, index) => [action, DAMAGE_ORDER.length - index])) as Record<Action, number>;

/** Sort comparator: the more damaging action first. */
export function byDamage(a: Action, b: Action): number {
  return DAMAGE_RANK[b] - DAMAGE_RANK[a];
}

/** The most damaging actions (ACTION_SEVERITY 4 and up): spending, running code, deleting and administering. */
export const SEVERE_ACTIONS: ReadonlySet<Action> = new Set(ACTIONS.filter((a) => ACTION_SEVERITY[a] >= 4));

/**
 * Whether an effect is among the damaging ones (SEVERE_ACTIONS). Spending through an identity's
 * grant capped in total per hour, day or month (a metered API key's billing cap) is a known cost,
 * not money moved at will, and is not, unless the cap is at or above the material loss. A tool's own spend stays damaging whatever its cap: the
 * spending rules weigh that cap themselves (TW-AGY-002).
 */
export function isSevere(graph: SystemGraph, effect: Pick<Effect, "action" | "limit" | "identity">): boolean {
  const knownCost = effect.action === "spend" && effect.identity !== undefined && effect.limit !== undefined && isTotalPeriod(effect.limit.per) && !capAboveMaterial(graph, effect.limit);
  return SEVERE_ACTIONS.has(effect.action) && !knownCost;
}

/**
 * Said after damaging grants that include spending: nothing caps its total, or only a cap at or above the
 * material loss, which is what makes it damaging (isSevere); a cap per hour, day or month on the grant,
 * under the material loss, is what the team can add.
 */
export function uncappedSpend(graph: SystemGraph, limit: SpendLimit | undefined): string {
  const tooHigh = limit && isTotalPeriod(limit.per) ? capAboveMaterial(graph, limit) : undefined;
  return tooHigh ? `, with the total capped only at ${limit!.amount} ${limit!.currency} per ${limit!.per}, ${tooHigh}` : ", with no cap on the total spent";
}

/** The most damaging effect (in DAMAGE_ORDER), the first such in the list. */
export function worstEffect(effects: readonly Effect[]): Effect | undefined {
  let worst: Effect | undefined;
  for (const effect of effects) if (!worst || DAMAGE_RANK[effect.action] > DAMAGE_RANK[worst.action]) worst = effect;
  return worst;
}

/**
 * Actions whose damage grows with every repetition: what an agent left running keeps doing until someone
 * stops it. Administering is one: a loop that isolates host after host or disables account after account.
 */
export const RUNAWAY_ACTIONS: ReadonlySet<Action> = new Set<Action>(["spend", "delete", "execute", "publish", "admin"]);

/** Whether a kill switch, not only planned, covers the element. */
export function killSwitchOn(context: AnalysisContext, id: string | undefined): boolean {
  return id !== undefined && context.graph.controlsCovering(id).some((c) => c.type === "kill-switch" && c.status !== "planned");
}

/** The most damaging action among the tools' capabilities, with the first tool that has it; none for tools without capabilities. */
export function worstToolAction(tools: readonly Tool[]): { action: Action; tool: string } | undefined {
  let worst: { action: Action; tool: string } | undefined;
  for (const tool of tools) for (const c of tool.capabilities) if (!worst || byDamage(c.action, worst.action) < 0) worst = { action: c.action, tool: tool.id };
  return worst;
}

/**
 * Impact of handing an agent's effects to someone else (a poisoned tool
 * description, a spoofed message): +1 when they include running code,
 * spending, deleting or administering; -1 when nothing but reading.
 */
export function effectImpactFactors(context: AnalysisContext, agentId: string, effects: readonly Effect[], whose = context.graph.nameOf(agentId)): Factor[] {
  const { graph } = context;
  const severe = effects.filter((e) => isSevere(graph, e));
  if (severe.length > 0) {
    const actions = [...new Set(severe.map((e) => e.action))].sort(byDamage);
    const through = [...new Set(severe.map((e) => (e.tool ? graph.nameOf(e.tool) : e.credential ? `credential ${graph.nameOf(e.credential)}` : e.identity ? graph.nameOf(e.identity) : "")))].filter(Boolean);
    return [{ dimension: "impact", delta: 1, reason: `${whose} can ${actions.join(", ")}${through.length ? ` (through ${through.slice(0, 4).join(", ")}${through.length > 4 ? " and more" : ""})` : ""}` }];
  }
  // What the agent produces may be a decision model's input: then it acts through that decision.
  const decided = decisionFedImpact(context, agentId, whose);
  if (decided) return decided;
  if (effects.every((e) => e.action === "read")) {
    // An agent whose answer is the decision acts through it: TW-MIS-002 rates that, not its tools.
    const decision = graph.agent(agentId)?.decision;
    const outcome = decision ? `its answer decides ${decision.what} (TW-MIS-002 rates that)` : "a steered agent misleads but acts on nothing";
    return [{ dimension: "impact", delta: -1, reason: `${effects.length ? `${whose} can only read` : `no tool with effects is modelled for ${whose}`}; ${outcome}` }];
  }
  return [];
}

export interface OutputConsumer {
  /** A client or service that receives what the producer writes. */
  consumer: string;
  /** How the output gets there: the flow, or the producer's tool (with the flow when one is modelled). */
  vias: { flow?: string; tool?: string }[];
}

/** What the agent puts through the tool, where the flows say: the data of its calls to the tool and of the tool's own flows out. */
export function writtenBy(graph: SystemGraph, agentId: string, toolId: string): Set<string> {
  return new Set([...graph.flowsTo(toolId).filter((f) => f.from === agentId), ...graph.flowsFrom(toolId)].flatMap((f) => f.data ?? []));
}

/**
 * Clients and services that receive a model's or an agent's output: the targets
 * of its own flows and, for an agent, of its tools' flows and of the tools'
 * write, send, publish and execute capabilities (what the agent writes into a
 * tool call is its output too). In consumer ID order, each with every way in.
 */
export function outputConsumers(context: AnalysisContext, producerId: string): OutputConsumer[] {
  const { graph } = context;
  const found = new Map<string, OutputConsumer>();
  const note = (consumer: string, via: { flow?: string; tool?: string }) => {
    const kind = graph.kindOf(consumer);
    if (kind !== "client" && kind !== "service") return;
    const entry = found.get(consumer);
    if (entry) entry.vias.push(via);
    else found.set(consumer, { consumer, vias: [via] });
  };
  for (const flow of graph.flowsFrom(producerId)) note(flow.to, { flow: flow.id });
  if (graph.kindOf(producerId) === "agent") {
    for (const tool of graph.toolsOf(producerId)) {
      for (const flow of graph.flowsFrom(tool.id)) note(flow.to, { flow: flow.id, tool: tool.id });
      for (const capability of tool.capabilities) {
        if (capability.action === "read" || capability.action === "fetch") continue;
        for (const resource of capability.on ?? []) note(resource, { tool: tool.id });
      }
    }
  }
  return [...found.values()].sort((a, b) => (a.consumer < b.consumer ? -1 : 1));
}

/**
 * A person in the loop declared on the agent itself: supervised (approves each action) -1, unless an approval
 * control gates the tool the finding is about and takes at least that step off (`approvalBy`, the rule's
 * human-approval step, times the control's strength): the same person, counted once as the control. A weaker
 * approval leaves the step, so adding one never raises a score. Suggest (applies each action) -2.
 */
export function autonomyFactor(context: AnalysisContext, agentId: string, tool?: string, approvalBy = 2): Factor[] {
  const autonomy = context.graph.agent(agentId)?.autonomy;
  const name = context.graph.nameOf(agentId);
  if (autonomy === "supervised") {
    // An approval control on the tool is that person approving: counted once, as the control (with its status and verification).
    if (tool !== undefined && gatedByApproval(context, tool, approvalBy)) return [];
    return [{ dimension: "likelihood", delta: -1, reason: `${name} is supervised: a person approves each action` }];
  }
  if (autonomy === "suggest") return [{ dimension: "likelihood", delta: -2, reason: `${name} only suggests: a person applies each action` }];
  return [];
}

/** Whether an approval control that counts for something gates the tool: on the tool, the host it runs on or the identity it acts as. */
function gatedByApproval(context: AnalysisContext, tool: string, approvalBy: number): boolean {
  const { graph } = context;
  return [tool, graph.hostOf(tool), graph.identityOf(tool)?.id].some(
    (place) => place !== undefined && graph.controlsCovering(place).some((c) => c.type === "human-approval" && strengthIn(context, c) * approvalBy >= 1),
  );
}

/** Whether a component is or runs in a sandbox: a sandbox service itself, on one, or inside a boundary of type sandbox (or one nested in it). */
export function sandboxOf(context: AnalysisContext, componentId: string): string | undefined {
  const { graph } = context;
  const self = graph.node(componentId);
  if (self?.kind === "service" && self.element.type === "sandbox") return componentId;
  const host = graph.node(componentId)?.element.runsOn;
  if (typeof host === "string" && graph.node(host)?.element.type === "sandbox") return host;
  const seen = new Set<string>();
  for (let boundary = graph.boundaryOf(componentId); boundary && !seen.has(boundary); boundary = graph.boundary(boundary)?.parent) {
    seen.add(boundary);
    if (graph.boundary(boundary)?.type === "sandbox") return boundary;
  }
  if (typeof host === "string" && host !== componentId && graph.node(host)?.kind === "service") {
    for (let boundary = graph.boundaryOf(host); boundary && !seen.has(boundary); boundary = graph.boundary(boundary)?.parent) {
      seen.add(boundary);
      if (graph.boundary(boundary)?.type === "sandbox") return boundary;
    }
  }
  return undefined;
}

/** Every credential in the model with the identity it authenticates, in credential ID order. */
export function credentialsWithOwners(context: AnalysisContext): { credential: Credential; identity: Identity }[] {
  return context.graph.model.identities
    .flatMap((identity) => (identity.credentials ?? []).map((credential) => ({ credential, identity })))
    .sort((a, b) => (a.credential.id < b.credential.id ? -1 : a.credential.id > b.credential.id ? 1 : 0));
}

/** Impact +1 when the identity may administer, delete, spend (with no cap on the total) or run code: what a stolen or misused credential of it can do. */
export function powerfulGrantsFactor(context: AnalysisContext, identity: Identity | undefined): Factor[] {
  if (!identity) return [];
  const grants = (identity.permissions ?? []).flatMap((p) =>
    p.actions.filter((action) => isSevere(context.graph, { action, identity: identity.id, ...(p.limit ? { limit: p.limit } : {}) })).map((action) => ({ action, resource: p.resource, limit: p.limit })),
  );
  if (grants.length === 0) return [];
  const named = grants.slice(0, 3);
  const words = named.map((g) => `${g.action} on ${context.graph.nameOf(g.resource)}`).join(", ");
  const spend = named.find((g) => g.action === "spend");
  return [{ dimension: "impact", delta: 1, reason: `${context.graph.nameOf(identity.id)} may ${words}${grants.length > 3 ? " and more" : ""}${spend ? uncappedSpend(context.graph, spend.limit) : ""}` }];
}

const hijackableHolders = new WeakMap<AnalysisContext, Map<string, { agent: string; via: string[] }[]>>();

/** Agents reached by untrusted text whose code execution can read the credential (a secret in an agent's own configuration is not in its model's reach). */
export function injectableAgentsReaching(context: AnalysisContext, credentialId: string): { agent: string; via: string[] }[] {
  let byCredential = hijackableHolders.get(context);
  if (!byCredential) {
    byCredential = new Map();
    for (const node of context.graph.ofKind("agent")) {
      if (!context.untrusted.reaches(node.id)) continue;
      for (const { credential, via } of context.capabilities.reachableCredentials(node.id)) {
        const list = byCredential.get(credential) ?? [];
        list.push({ agent: node.id, via });
        byCredential.set(credential, list);
      }
    }
    hijackableHolders.set(context, byCredential);
  }
  return byCredential.get(credentialId) ?? [];
}

/** Likelihood +1 when an agent that reads untrusted text can reach the credential. */
export function credentialExposureFactor(context: AnalysisContext, credentialId: string): Factor[] {
  const holders = injectableAgentsReaching(context, credentialId);
  if (holders.length === 0) return [];
  const first = holders[0]!;
  return [{ dimension: "likelihood", delta: 1, reason: `${context.graph.nameOf(first.agent)} reads untrusted text and can reach it (${first.via.map((id) => context.graph.nameOf(id)).join(" → ")})` }];
}

/** A model or agent whose answer is a decision about people, at medium or high stakes. */
export interface PeopleDecision {
  kind: "model" | "agent";
  element: Model | Agent;
  decision: NonNullable<Model["decision"]>;
}

/** Models and agents that declare a decision about people (decision.aboutPeople) at medium or high stakes: models first, each in graph order. */
export function decisionsAboutPeople(graph: SystemGraph): PeopleDecision[] {
  const found: PeopleDecision[] = [];
  for (const kind of ["model", "agent"] as const) {
    for (const node of graph.ofKind(kind)) {
      const element = node.element as unknown as Model | Agent;
      const decision = element.decision;
      if (decision?.aboutPeople === true && decision.stakes !== "low") found.push({ kind, element, decision });
    }
  }
  return found;
}

/** What a wrong decision about people costs: +1 at high stakes, +1 in an EU AI Act high-risk system, which must `duty` ("allow effective human oversight (Art. 14)"). */
export function peopleDecisionImpact(graph: SystemGraph, decision: PeopleDecision["decision"], duty: string): Factor[] {
  const factors: Factor[] = [];
  if (decision.stakes === "high") factors.push({ dimension: "impact", delta: 1, reason: `a wrong decision costs much (stakes high): ${decision.what}` });
  if (graph.model.system.euAiActRisk === "high") factors.push({ dimension: "impact", delta: 1, reason: `a high-risk system under the EU AI Act must ${duty}` });
  return factors;
}

/** The actors an element names as reading its content directly (readableBy), as written. */
export function readableBy(graph: SystemGraph, id: string): string[] {
  const readers = graph.node(id)?.element.readableBy;
  return Array.isArray(readers) ? (readers as string[]) : [];
}

/** The actors an element names as writing it (writableBy), or none. */
function writersOf(graph: SystemGraph, id: string): string[] {
  const writers = graph.node(id)?.element.writableBy;
  return Array.isArray(writers) ? (writers as string[]) : [];
}

/**
 * Actors who may open everything the store holds themselves: its own readers (readableBy), and
 * those who may read every source its ingestion copies, when nothing but ingestion writes into it.
 * An embedding model's answer to the pipeline carries no documents, so it does not count as a source.
 */
export function directReaders(graph: SystemGraph, storeId: string, visiting = new Set<string>()): Set<string> {
  const own = new Set(readableBy(graph, storeId));
  const inbound = graph.flowsTo(storeId);
  if (graph.kindOf(storeId) === "source" || inbound.length === 0 || visiting.has(storeId)) return own;
  visiting.add(storeId);
  let upstream: Set<string> | undefined;
  for (const flow of inbound) {
    if (graph.kindOf(flow.from) !== "pipeline") return own;
    for (const copied of graph.flowsTo(flow.from)) {
      const kind = graph.kindOf(copied.from);
      if (kind === "model") continue;
      if (kind !== "source" && kind !== "datastore") return own;
      const readers = directReaders(graph, copied.from, visiting);
      upstream = upstream ? new Set([...upstream].filter((id) => readers.has(id))) : readers;
    }
  }
  for (const id of upstream ?? []) own.add(id);
  return own;
}

// ---- Who reads and writes a store, and what one agent can do that another cannot
// (memory, RAG, exfiltration and multi-agent rules).

export interface StoreAccess {
  agent: string;
  /** The flow or tool through which the agent reads or writes the store. */
  via: string;
}

/** A way a store's content reaches an agent by flows: the flows from the store on (the first leaves the store), and the clients and services between. */
export interface ReadWay {
  agent: string;
  flows: Flow[];
  relays: string[];
}

const readWayIndex = new WeakMap<SystemGraph, Map<string, ReadWay[]>>();

/**
 * The ways a store's content reaches agents by flows, the shortest per agent, in agent ID order: straight from the
 * store, or through clients and services that pass it on (a retrieval service between a vector index and the agent).
 * A relay passes the content on by a flow that carries some of the data it received (what the store holds, where the
 * flow in lists none), or, where the flow out lists no data, by retrieval in and retrieval out: a backend that reads
 * orders for its own pages and forwards people's chat to the agent passes the agent no orders.
 */
export function readWays(graph: SystemGraph, storeId: string): ReadWay[] {
  let byStore = readWayIndex.get(graph);
  if (!byStore) readWayIndex.set(graph, (byStore = new Map()));
  const known = byStore.get(storeId);
  if (known) return known;
  const holds = heldData(graph, storeId);
  const found = new Map<string, ReadWay>();
  const seen = new Set<string>([storeId]);
  const queue: { flows: Flow[]; relays: string[] }[] = graph.flowsFrom(storeId).map((flow) => ({ flows: [flow], relays: [] }));
  for (let i = 0; i < queue.length; i++) {
    const { flows, relays } = queue[i]!;
    const last = flows[flows.length - 1]!;
    if (graph.kindOf(last.to) === "agent") {
      if (!found.has(last.to)) found.set(last.to, { agent: last.to, flows, relays });
      continue;
    }
    // A client or service that routes (a flow out names its relays) is seen per way in: each way in goes on by other flows.
    const key = routes(graph, last.to) ? last.id : last.to;
    if (!isRelay(graph, last.to) || seen.has(key)) continue;
    seen.add(key);
    const arriving = last.data?.length ? last.data : holds;
    for (const out of graph.flowsFrom(last.to)) {
      if (!passesOn(last.id, out)) continue;
      const passes = out.data?.length ? out.data.some((d) => arriving.includes(d)) : last.channel === "retrieval" && out.channel === "retrieval";
      if (passes) queue.push({ flows: [...flows, out], relays: [...relays, last.to] });
    }
  }
  const ways = [...found.values()].sort((a, b) => (a.agent < b.agent ? -1 : 1));
  byStore.set(storeId, ways);
  return ways;
}

function storeAccess(context: AnalysisContext, storeId: string, direction: "read" | "write"): StoreAccess[] {
  const { graph } = context;
  const found = new Map<string, string>();
  if (direction === "read") for (const way of readWays(graph, storeId)) found.set(way.agent, way.flows[0]!.id);
  else for (const flow of graph.flowsTo(storeId)) if (graph.kindOf(flow.from) === "agent" && !found.has(flow.from)) found.set(flow.from, flow.id);
  for (const use of context.graph.toolsActingOn(storeId)) {
    const matches = direction === "read" ? use.action === "read" || use.action === "fetch" : use.action === "write" || use.action === "publish";
    if (!matches) continue;
    for (const agent of graph.agentsUsingTool(use.tool)) if (!found.has(agent.id)) found.set(agent.id, use.tool);
  }
  return [...found].map(([agent, via]) => ({ agent, via })).sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
}

/** Someone who calls an MCP server from outside, and the clients, services and other organisations' agents between, nearest the caller first. */
export interface OutsideCaller {
  actor: string;
  through: string[];
}

/**
 * The people who call an MCP server the team serves from outside, in actor ID order: by flows straight to it,
 * or through clients, services and other organisations' agents (their own agent, holding a token for them).
 * People talk to their own agent directly or through a client (its app); a service that feeds such an agent
 * (an authorization server handing it tokens) passes on nobody's request. An agent of the team's stops the
 * walk: what it asks for is that agent's story, told where its tools are.
 */
export function outsideCallers(graph: SystemGraph, serverId: string): OutsideCaller[] {
  let byServer = outsideCallerIndex.get(graph);
  if (!byServer) outsideCallerIndex.set(graph, (byServer = new Map()));
  let callers = byServer.get(serverId);
  if (!callers) byServer.set(serverId, (callers = walkToCallers(graph, serverId)));
  return callers;
}

const outsideCallerIndex = new WeakMap<SystemGraph, Map<string, OutsideCaller[]>>();

function walkToCallers(graph: SystemGraph, serverId: string): OutsideCaller[] {
  const callers = new Map<string, string[]>();
  const seen = new Set<string>([serverId]);
  // Each flow is walked once, so a walk among clients and services that route ends.
  const walked = new Set<string>();
  // Breadth first, so each caller keeps the shortest way; into a client or service only by flows the one out of it carries on (passesOn).
  const queue: { id: string; through: string[]; behindAgent: boolean; out?: Flow }[] = [{ id: serverId, through: [], behindAgent: false }];
  for (let i = 0; i < queue.length; i++) {
    const { id, through, behindAgent, out } = queue[i]!;
    for (const flow of graph.flowsTo(id)) {
      const from = flow.from;
      if (seen.has(from) || walked.has(flow.id) || (out && !passesOn(flow.id, out))) continue;
      walked.add(flow.id);
      const kind = graph.kindOf(from);
      const thirdParty = kind === "agent" && graph.agent(from)?.thirdParty === true;
      if (kind === "actor") callers.set(from, through);
      else if (kind === "client" || (kind === "service" && !behindAgent) || thirdParty) queue.push({ id: from, through: [from, ...through], behindAgent: behindAgent || thirdParty, out: flow });
      else continue;
      // A client or service that routes is seen per way out: another flow out of it may carry on other ways in.
      if (!routes(graph, from)) seen.add(from);
    }
  }
  return [...callers].map(([actor, through]) => ({ actor, through })).sort((a, b) => (a.actor < b.actor ? -1 : 1));
}

/**
 * The identity a tool of an MCP server acts as when outside callers call it: its own or its host's
 * (actingIdentity), else the server's; none for a tool that calls with the caller's own token (delegated).
 */
export function servedIdentity(graph: SystemGraph, tool: Tool): string | undefined {
  if (tool.delegated === true || !tool.server) return undefined;
  return actingIdentity(graph, tool) ?? graph.identityOf(tool.server)?.id;
}

/** Agents that read a store: a flow from it (through services that pass its content on: readWays), or a tool that reads it. In agent ID order. */
export function agentsReading(context: AnalysisContext, storeId: string): StoreAccess[] {
  return storeAccess(context, storeId, "read");
}

/** Agents that write to a store: a flow to it, or a tool that writes to it. In agent ID order. */
export function agentsWriting(context: AnalysisContext, storeId: string): StoreAccess[] {
  return storeAccess(context, storeId, "write");
}

const effectKey = (e: Effect) => `${e.action}\u0000${e.resource ?? "*"}`;

/**
 * What agent `b` can do through its own tools that agent `a` cannot do at all
 * (the same action on the same resource, through any tool or lateral route), and
 * only where it is at least as severe as the most severe thing `a` can do: a
 * more capable agent, not merely a differently capable one. Most severe first.
 */
export function capabilitiesBeyond(context: AnalysisContext, b: string, a: string): Effect[] {
  const aEffects = context.capabilities.agentEffects(a);
  const has = new Set(aEffects.map(effectKey));
  const ceiling = Math.max(0, ...aEffects.filter((e) => CONSEQUENTIAL_ACTIONS.has(e.action)).map((e) => ACTION_SEVERITY[e.action]));
  const seen = new Set<string>();
  return ownToolEffects(context.capabilities.agentEffects(b))
    .filter((e) => CONSEQUENTIAL_ACTIONS.has(e.action) && !has.has(effectKey(e)) && ACTION_SEVERITY[e.action] >= ceiling)
    .filter((e) => {
      const key = `${effectKey(e)}\u0000${e.tool}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((x, y) => byDamage(x.action, y.action) || compareText(x.tool!, y.tool!) || compareText(x.resource ?? "", y.resource ?? ""));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Defined beside the vocabulary's other sentence helpers; re-exported for the rules.
export { joinWords };

// ---- MCP servers' publishers and transports, and untrusted actors who talk to an
// agent themselves (MCP and infrastructure rules).

/** Transports over which an MCP server is a network service run by whoever operates it. */
const REMOTE_TRANSPORTS: ReadonlySet<McpServer["transport"]> = new Set(["http", "sse", "streamable-http"]);

// Defined where community and unknown publishers become untrusted origins; re-exported for the rules.
export { isUntrustedServer } from "../analysis/untrusted-content.js";

export function isRemoteServer(server: McpServer): boolean {
  return REMOTE_TRANSPORTS.has(server.transport);
}

/** "community publisher some-author (package mcp-fetch@latest, not pinned)". */
export function publisherNote(server: McpServer): string {
  const installed = server.package ? `package ${server.package}${server.version ? `@${server.version}` : ""}` : server.url ? `served from ${server.url}` : undefined;
  const pin = server.pinned === "digest" ? "pinned by digest" : server.pinned === "version" ? "pinned to a version" : server.pinned === "none" ? "not pinned" : "pinning not stated";
  return `${server.publisherTrust} publisher ${server.publisher} (${installed ? `${installed}, ` : ""}${pin})`;
}

export interface DirectEntry {
  /** The most dangerous untrusted actor who reaches the agent directly. */
  origin: UntrustedOrigin;
  /** Every such actor, most dangerous first. */
  origins: UntrustedOrigin[];
  hops: readonly Hop[];
  /** Clients and services between the actor and the agent (where a rate limit would sit). */
  frontends: string[];
}

/** Untrusted actors who send requests to the agent themselves, through clients and services only (isDirect). */
export function directEntry(context: AnalysisContext, agentId: string): DirectEntry | undefined {
  const origins = directOrigins(context.graph, context.untrusted, agentId);
  const origin = origins[0];
  if (!origin) return undefined;
  const hops = context.untrusted.pathFrom(origin.id, agentId);
  return { origin, origins, hops, frontends: hops.slice(1, -1).map((h) => h.node) };
}

/**
 * The untrusted actors whose requests the agent acts on, most dangerous first: those who talk to it
 * directly, and those whose request other agents pass on to it as it is (askerOrigins).
 */
export function askers(context: AnalysisContext, agentId: string): UntrustedOrigin[] {
  return askerOrigins(context.graph, context.untrusted, agentId);
}

/**
 * Who reaches the agent and how, for a sentence: "directly by Customers", "by Staff through Router,
 * which passes the request on", or both joined by "and"; askers who come the same way are named together.
 */
export function reachedBy(context: AnalysisContext, agentId: string, askerIds: readonly string[]): string {
  const ways = new Map<string, string[]>();
  for (const id of askerIds) {
    const how = askedHow(context, agentId, id);
    (ways.get(how) ?? ways.set(how, []).get(how)!).push(id);
  }
  return [...ways].map(([how, ids]) => (how === "directly" ? `directly by ${names(context, ids)}` : `by ${names(context, ids)} ${how}`)).join(" and ");
}

/** How the asker's request reaches the agent, for a sentence: "directly", or "through Router, which passes the request on". */
export function askedHow(context: AnalysisContext, agentId: string, askerId: string): string {
  const through = forwardedThrough(context.graph, agentId, askerId);
  if (!through) return "directly";
  return `through ${names(context, through)}, which pass${through.length === 1 ? "es" : ""} the request on`;
}

/**
 * The asker, as an actor, and the likelihood step when they do not sign in: then there is nobody whose
 * rights a tool could check. `unchecked` says what could not be checked against them. One who speaks in
 * another actor's signed-in session (sessionOwner) has a person checked, the wrong one: `session` names them.
 */
export function askerSignIn(context: AnalysisContext, asker: UntrustedOrigin, unchecked: string): { actor: Actor; factors: Factor[]; session?: string } {
  const { graph } = context;
  const actor = graph.node(asker.id)!.element as Actor;
  const session = sessionOwner(graph, actor.id);
  if (actor.authenticated === true) return { actor, factors: [] };
  const reason = session
    ? `${graph.nameOf(actor.id)} speak in a session ${graph.nameOf(session)} signed in to, without signing in themselves, so a check on the person asking checks the session's owner`
    : `${graph.nameOf(actor.id)} reach it without signing in, so there is no ${unchecked}`;
  return { actor, factors: [{ dimension: "likelihood", delta: 1, reason }], ...(session ? { session } : {}) };
}

/**
 * Against an asker who speaks in another actor's session, authorization checks that owner, so it
 * does not count (the finding accounts for it) and the residual reason says why; undefined when no
 * authorization covers the elements, or the asker signs in as themselves.
 */
export function sessionAuthorization(context: AnalysisContext, session: string | undefined, askerId: string, elements: readonly string[]): Pick<Detection, "accountedFor" | "notCounted"> | undefined {
  if (!session) return undefined;
  const { graph } = context;
  const controls = controlsOfType(graph, "authorization", elements, { runtime: true });
  if (controls.length === 0) return undefined;
  const why = `checks ${graph.nameOf(session)}, who started the session ${graph.nameOf(askerId)} speak in, and cannot tell them apart`;
  return { accountedFor: ["authorization"], notCounted: new Map(controls.map((id) => [id, `${id} (authorization) ${why}`])) };
}

/**
 * An adversary that a tool's allow-list lets through: one whose `via` names a resource on the list (the `on`
 * of a capability whose destination is allow-listed) or an actor who writes one, as when the list is the
 * registered merchants' domains and the adversary comes in as a merchant. Such a list keeps everyone else
 * out, not them. Only adversaries that say where they get in count; undefined when none is let through.
 */
export function allowListAdmits(graph: SystemGraph, toolId: string): { target: string; adversary: string } | undefined {
  const adversaries = [...graph.model.adversaries].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const capability of graph.tool(toolId)?.capabilities ?? []) {
    if (capability.destination !== "allow-listed") continue;
    for (const target of capability.on ?? []) {
      const ways = new Set([target, ...writersOf(graph, target)]);
      const adversary = adversaries.find((a) => a.via?.some((way) => ways.has(way)));
      if (adversary) return { target, adversary: adversary.id };
    }
  }
  return undefined;
}

/** The egress allow-lists on the elements (and their hosts and identities) that do not count because the list admits the adversary (allowListAdmits), for the finding. */
export function admittingAllowLists(context: AnalysisContext, toolId: string, admits: { target: string; adversary: string }, elements: readonly string[]): Pick<Detection, "accountedFor" | "notCounted"> {
  const { graph } = context;
  const why = `lets ${graph.nameOf(toolId)} reach ${graph.nameOf(admits.target)}, where ${graph.nameOf(admits.adversary)} gets in: it keeps others out, not them`;
  return { accountedFor: ["egress-allowlist"], notCounted: new Map(controlsOfType(graph, "egress-allowlist", elements, { runtime: true }).map((id) => [id, `${id} (egress-allowlist) ${why}`])) };
}

export function directEntryEvidence(context: AnalysisContext, entry: DirectEntry, agentId: string): EvidenceItem[] {
  return entry.origins.slice(0, 3).map((origin) => ({
    element: origin.id,
    note: `${origin.reason}; sends requests to ${context.graph.nameOf(agentId)} via ${context.untrusted
      .pathFrom(origin.id, agentId)
      .map((h) => context.graph.nameOf(h.node))
      .join(" → ")}`,
  }));
}

/** The agent's effects with its own listed tools first and MCP servers' tools after (order otherwise kept), so a tie in worstEffect names the tool the agent was given directly. */
export function ownToolsFirst(context: AnalysisContext, agentId: string, effects: readonly Effect[]): Effect[] {
  const own = new Set(context.graph.agent(agentId)?.tools ?? []);
  return [...effects.filter((e) => e.tool !== undefined && own.has(e.tool)), ...effects.filter((e) => e.tool === undefined || !own.has(e.tool))];
}

// ---- Controls on the way attacker text gets in (content isolation, input filtering). Such a control
// counts against a finding only where it cuts every way from the finding's untrusted entries to its
// target: a control on one entry's path does nothing against another entry (docs/scoring.md).

/** One stage of a way in: text from any of the entries (origin IDs) reaching the target. */
export interface EntryStage {
  from: readonly string[];
  to: string;
  /** Only the ways through clients and services (the users' own messages, as isDirect), not through stored content. */
  direct?: boolean;
}

/**
 * A way attacker text reaches what a finding is about. Its stages are alternatives: cutting any one
 * of them closes the way (poisoned chunks are stopped on their way into a store, or on their way from
 * it to the agent that reads them). Most ways have one stage: the entries to the agent.
 */
export interface EntryWay {
  stages: readonly EntryStage[];
}

export interface EntryControls {
  /**
   * Controls for the detection's scope, one per type of the rule's entry-path mitigations that cuts
   * every way: the one that sets the protection of the least protected way, so the scorer takes off
   * what that way gets (status and verification weighed as for any control).
   */
  scope: string[];
  /** Controls that sit on part of the way in only, each with whether it counts and why. */
  evidence: EvidenceItem[];
}

interface StageCut {
  /** The strength (controlStrength) of the weakest control needed to cut every way from the entries to the target; undefined when even all of them leave a way open. */
  level?: number;
  /** The control that sets the level. */
  control?: Control;
  /** Controls of the type on the stage's ways. */
  on: Control[];
  /** Entries whose text still reaches the target with every such control in place. */
  open: string[];
  /** The open entries are people who talk to the target agent themselves, which content isolation cannot cut. */
  ownWords?: boolean;
}

const reverseEdgeIndex = new WeakMap<UntrustedContent, Map<string, { from: string; ref?: string }[]>>();
const stageCuts = new WeakMap<AnalysisContext, Map<string, StageCut>>();

/**
 * Edges no control on the way in can act on: an agent's instructions (a system prompt, a rules file) and
 * its tools' descriptions are its configuration, not content to isolate or screen. Who writes them is
 * TW-PI-004's and TW-MCP-001's finding; here they are no way in, so they leave no way open either.
 */
const CONFIGURATION: ReadonlySet<string> = new Set(["instructions", "tool-description"]);

/** Content edges by their end: how text gets into each element (configuration edges left out). */
function reverseEdges(untrusted: UntrustedContent): Map<string, { from: string; ref?: string }[]> {
  let index = reverseEdgeIndex.get(untrusted);
  if (index) return index;
  index = new Map();
  for (const [from, edges] of untrusted.edges) {
    for (const edge of edges) {
      if (CONFIGURATION.has(edge.via)) continue;
      const list = index.get(edge.to) ?? [];
      list.push({ from, ...(edge.ref ? { ref: edge.ref } : {}) });
      index.set(edge.to, list);
    }
  }
  reverseEdgeIndex.set(untrusted, index);
  return index;
}

/**
 * The controls of a rule's entry-path mitigations (countsOn "entry-path") that count against a finding. For each
 * such control type: whether its controls, on the entries, the elements and flows the text passes, the
 * hosts those run on, or the target itself, together cut every way (a way is cut when any of its
 * stages is), and the strength of the weakest control that cut needs; that control goes in the scope.
 * When a way stays open, none counts, and each control of the type on the ways gets an evidence line.
 * The finding is as likely as the likeliest attacker, so an entry at least as many steps less dangerous
 * than the finding's top entry (entryThreat) as the type takes off cannot set the residual, open or
 * not: only the other entries' ways are judged, and an open way from such an entry is named, not held
 * against the control.
 */
export function entryControls(context: AnalysisContext, rule: Pick<Rule, "mitigations">, ways: readonly EntryWay[]): EntryControls {
  const onTheWay = rule.mitigations.filter((m) => m.countsOn === "entry-path");
  // Rules ask once per finding, and the findings of one agent (one per tool, per way out) share their ways in.
  let cache = entryControlsCache.get(context);
  if (!cache) entryControlsCache.set(context, (cache = new Map()));
  const key = `${onTheWay.map((m) => `${m.control}:${m.by}`).join(",")}|${ways.map((w) => w.stages.map((s) => `${s.direct ? "d" : ""}${s.to}<${s.from.join(",")}`).join(";")).join("|")}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const found = judgeEntryControls(context, onTheWay, ways);
  cache.set(key, found);
  return found;
}

const entryControlsCache = new WeakMap<AnalysisContext, Map<string, EntryControls>>();

function judgeEntryControls(context: AnalysisContext, onTheWay: readonly Mitigation[], ways: readonly EntryWay[]): EntryControls {
  const scope: string[] = [];
  const evidence: EvidenceItem[] = [];
  for (const type of new Set(onTheWay.map((m) => m.control))) {
    // No control of the type in the model: none counts, and there is none to explain.
    if (coverIndex(context, type).size === 0) continue;
    const below = entriesBelow(context, ways, Math.max(...onTheWay.filter((m) => m.control === type).map((m) => m.by)));
    let weakest: { level: number; control: Control } | undefined;
    let firstOpen: { way: EntryWay; entry: StageCut } | undefined;
    const on = new Map<string, Control>();
    /** The controls on each judged way, for the lines about the less likely entries that share it. */
    const onWay = new Map<EntryWay, Control[]>();
    for (const way of ways) {
      const judged = below.size === 0 ? way : withEntries(way, (id) => !below.has(id));
      if (!judged) continue;
      const cuts = judged.stages.map((stage) => stageCut(context, type, stage));
      onWay.set(way, cuts.flatMap((cut) => cut.on));
      for (const cut of cuts) for (const control of cut.on) on.set(control.id, control);
      // Cutting any one stage closes the way: the strongest cut is the way's protection.
      let best: StageCut | undefined;
      for (const cut of cuts) if (cut.level !== undefined && (!best || cut.level > best.level!)) best = cut;
      if (!best) firstOpen ??= { way: judged, entry: cuts[0]! };
      // A way no entry's text takes needs no control and sets no level.
      else if (best.control && (!weakest || best.level! < weakest.level || (best.level === weakest.level && best.control.id < weakest.control.id))) weakest = { level: best.level!, control: best.control };
    }
    if (!firstOpen) {
      if (weakest) {
        scope.push(weakest.control.id);
        evidence.push(...passedByTheLessLikely(context, type, ways, below, onWay));
      }
      continue;
    }
    // One way is left open, so no control of the type counts: say so for each one on any of the ways.
    const target = firstOpen.way.stages[firstOpen.way.stages.length - 1]!.to;
    const entryId = firstOpen.way.stages[0]!.to;
    const past = firstOpen.entry.open.filter((id) => id !== entryId);
    // Controls on the ways of the less likely entries only are named too: they do not count either.
    for (const way of ways) {
      const theirs = below.size === 0 ? undefined : withEntries(way, (id) => below.has(id));
      for (const stage of theirs?.stages ?? []) for (const control of stageCut(context, type, stage).on) on.set(control.id, control);
    }
    evidence.push(...openWayEvidence(context, type, on, past, target, firstOpen.entry.ownWords === true));
  }
  return { scope, evidence };
}

/**
 * The way with only the entries `keep` keeps at its first stage, or undefined when none is left. An
 * entry's text reaches the target, and passes the controls it passes, whoever else comes in: a way
 * judged for some of its entries says of them what the whole way says.
 */
function withEntries(way: EntryWay, keep: (id: string) => boolean): EntryWay | undefined {
  const from = way.stages[0]!.from.filter(keep);
  return from.length === 0 ? undefined : { stages: [{ ...way.stages[0]!, from }, ...way.stages.slice(1)] };
}

/**
 * One evidence line per control of the type on the ways (in ID order), saying which entries get past
 * them: with `gap`, entries that many steps less likely than the finding's own, so the control still
 * counts; without, an entry that leaves it counting for nothing.
 */
function openWayEvidence(context: AnalysisContext, type: ControlType, on: ReadonlyMap<string, Control>, past: readonly string[], target: string, ownWords: boolean, gap?: number): EvidenceItem[] {
  const who = past.length ? `${names(context, past.slice(0, 3))}${past.length > 3 ? " and more" : ""}` : "entries the trace does not name";
  const agent = context.graph.nameOf(target);
  const stillCounts = gap === undefined ? "" : `that entry is ${gap} step${gap === 1 ? "" : "s"} less likely than the finding's own, so the control still counts`;
  const note = ownWords
    ? gap === undefined
      ? `${type} does not count: ${who} talk to ${agent} themselves, and isolation cannot mark a person's own messages as data`
      : `${type} does not stop ${who}: they talk to ${agent} themselves, and isolation cannot mark a person's own messages as data; but ${stillCounts}`
    : `${type} on part of the way in only: text from ${who} reaches ${agent} without passing it, ${gap === undefined ? "so it does not count" : `but ${stillCounts}`}`;
  return [...on.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((control) => ({ element: control.id, note }));
}

/**
 * The entries of the ways that lie at least `steps` likelihood steps below the ways' most dangerous
 * entry (entryThreat: exposure and the adversary coming in there), with how far below. An element
 * where the trace stopped counting origins is no traced entry, and is never below.
 */
function entriesBelow(context: AnalysisContext, ways: readonly EntryWay[], steps: number): Map<string, number> {
  // A type that takes nothing off leaves no entry below what it could change (and the top entry would be below itself).
  if (!(steps > 0)) return new Map();
  const threats = new Map<string, number>();
  for (const way of ways) {
    const from = new Set(way.stages[0]!.from);
    for (const origin of context.untrusted.originsReaching(way.stages[0]!.to)) if (from.has(origin.id)) threats.set(origin.id, entryThreat(context.graph, origin));
  }
  const top = Math.max(...threats.values());
  const below = new Map<string, number>();
  for (const [id, threat] of threats) if (top - threat >= steps) below.set(id, top - threat);
  return below;
}

/**
 * Evidence for controls that count although entries too unlikely to set the residual get past them: the
 * less likely entries' own part of each way is judged (their text passes what it passes whoever else
 * comes in), and the lines name the controls on the whole way, theirs and the judged entries' (`onWay`).
 */
function passedByTheLessLikely(context: AnalysisContext, type: ControlType, ways: readonly EntryWay[], below: ReadonlyMap<string, number>, onWay: ReadonlyMap<EntryWay, readonly Control[]>): EvidenceItem[] {
  if (below.size === 0) return [];
  const on = new Map<string, Control>();
  const past = new Set<string>();
  let target = "";
  let ownWords = false;
  for (const way of ways) {
    const theirs = withEntries(way, (id) => below.has(id));
    if (!theirs) continue;
    const cuts = theirs.stages.map((stage) => stageCut(context, type, stage));
    if (cuts.some((cut) => cut.level !== undefined)) continue;
    for (const control of [...(onWay.get(way) ?? []), ...cuts.flatMap((cut) => cut.on)]) on.set(control.id, control);
    for (const id of cuts[0]!.open) if (below.has(id)) past.add(id);
    target ||= way.stages[way.stages.length - 1]!.to;
    ownWords ||= cuts[0]!.ownWords === true;
  }
  if (past.size === 0) return [];
  const who = [...past].sort();
  return openWayEvidence(context, type, on, who, target, ownWords, Math.min(...who.map((id) => below.get(id)!)));
}

/**
 * IDs of the controls of a type on the elements and, with `runtime`, on the hosts they run on and the
 * identities they act as, in ID order; `inPlace` leaves out controls only planned. For a rule that
 * names the controls one of its own factors stands for, or that count only at some elements.
 */
export function controlsOfType(graph: SystemGraph, type: ControlType, elements: readonly string[], { runtime = false, inPlace = false } = {}): string[] {
  const places = runtime ? elements.flatMap((id) => [id, graph.hostOf(id), graph.identityOf(id)?.id]).filter((p): p is string => p !== undefined) : elements;
  return [...new Set(places.flatMap((p) => graph.controlsCovering(p).filter((c) => c.type === type && !(inPlace && c.status === "planned")).map((c) => c.id)))].sort();
}

/** Every way from the origins to the target, as one stage: the usual ways for a finding about an injectable agent. */
export function entryWays(origins: readonly UntrustedOrigin[], target: string, direct = false): EntryWay[] {
  return [{ stages: [{ from: origins.map((o) => o.id), to: target, ...(direct ? { direct } : {}) }] }];
}

function stageCut(context: AnalysisContext, type: ControlType, stage: EntryStage): StageCut {
  let cache = stageCuts.get(context);
  if (!cache) stageCuts.set(context, (cache = new Map()));
  const key = `${type}\u0000${stage.direct ? "direct" : "any"}\u0000${stage.to}\u0000${[...new Set(stage.from)].sort().join("\u0000")}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const cut = ownWordsStayOpen(context, type, stage, computeStageCut(context, type, stage));
  cache.set(key, cut);
  return cut;
}

/**
 * Isolation marks retrieved content as data, not as orders; it cannot do that to what a person types to
 * the agent, which is the conversation itself. A cut of that type that would close the way still leaves
 * open the people who talk to the agent directly (a cut already open says so of its own).
 */
function ownWordsStayOpen(context: AnalysisContext, type: ControlType, stage: EntryStage, cut: StageCut): StageCut {
  if (type !== "content-isolation" || cut.open.length > 0 || cut.level === undefined || context.graph.kindOf(stage.to) !== "agent") return cut;
  const from = new Set(stage.from);
  const speakers = askers(context, stage.to).filter((o) => from.has(o.id)).map((o) => o.id);
  return speakers.length > 0 ? { on: cut.on, open: speakers, ownWords: true } : cut;
}

const upstreamSets = new WeakMap<AnalysisContext, Map<string, ReadonlySet<string>>>();

/** Everything whose text can reach the target (for a direct way: through clients and services, from actors). */
function upstreamOf(context: AnalysisContext, target: string, direct: boolean): ReadonlySet<string> {
  let cache = upstreamSets.get(context);
  if (!cache) upstreamSets.set(context, (cache = new Map()));
  const key = `${direct ? "direct" : "any"}\u0000${target}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const { graph } = context;
  const reverse = reverseEdges(context.untrusted);
  const passable = (id: string) => {
    if (!direct) return true;
    const kind = graph.kindOf(id);
    return kind === "client" || kind === "service" || kind === "actor";
  };
  const upstream = new Set<string>([target]);
  for (const queue = [target]; queue.length > 0; ) {
    for (const edge of reverse.get(queue.pop()!) ?? []) {
      if (upstream.has(edge.from) || !passable(edge.from)) continue;
      upstream.add(edge.from);
      queue.push(edge.from);
    }
  }
  cache.set(key, upstream);
  return upstream;
}

const coverIndexes = new WeakMap<AnalysisContext, Map<ControlType, ReadonlyMap<string, Control[]>>>();

/** The model's controls of a type by the elements they cover, built once per analysis. */
function coverIndex(context: AnalysisContext, type: ControlType): ReadonlyMap<string, Control[]> {
  let byType = coverIndexes.get(context);
  if (!byType) coverIndexes.set(context, (byType = new Map()));
  let index = byType.get(type);
  if (index) return index;
  const built = new Map<string, Control[]>();
  for (const control of [...context.graph.model.controls].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (control.type !== type) continue;
    for (const id of control.covers) {
      const list = built.get(id);
      if (list) list.push(control);
      else built.set(id, [control]);
    }
  }
  byType.set(type, (index = built));
  return index;
}

const saturatedSets = new WeakMap<UntrustedContent, ReadonlySet<string>>();

function saturatedSet(untrusted: UntrustedContent): ReadonlySet<string> {
  let set = saturatedSets.get(untrusted);
  if (!set) saturatedSets.set(untrusted, (set = new Set(untrusted.saturated)));
  return set;
}

/** A control's strength in this model: controlStrength with the approval's limits (a router an attacker steers, outside approvers, self-approval). */
export function strengthIn(context: AnalysisContext, control: Control): number {
  return controlStrength(control, context.approvalLimits.get(control.id));
}

const strongestByType = new WeakMap<AnalysisContext, Map<ControlType, number>>();

/** The strongest control of the type in the model (controlStrength). */
function strongestOfType(context: AnalysisContext, type: ControlType): number {
  let byType = strongestByType.get(context);
  if (!byType) strongestByType.set(context, (byType = new Map()));
  let strongest = byType.get(type);
  if (strongest === undefined) byType.set(type, (strongest = Math.max(0, ...context.graph.model.controls.filter((c) => c.type === type).map((c) => strengthIn(context, c)))));
  return strongest;
}

const controlledUpstreams = new WeakMap<AnalysisContext, Map<string, boolean>>();

/** Whether a control of the type covers anything upstream of the target: an element, the host it runs on, or a flow into it. */
function upstreamControlled(context: AnalysisContext, type: ControlType, target: string, direct: boolean, upstream: ReadonlySet<string>, host: (id: string) => string | undefined): boolean {
  let cache = controlledUpstreams.get(context);
  if (!cache) controlledUpstreams.set(context, (cache = new Map()));
  const key = `${type}\u0000${direct ? "direct" : "any"}\u0000${target}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const index = coverIndex(context, type);
  const reverse = reverseEdges(context.untrusted);
  let found = false;
  for (const node of upstream) {
    const h = host(node);
    if (index.has(node) || (h !== undefined && index.has(h)) || (reverse.get(node) ?? []).some((e) => e.ref !== undefined && index.has(e.ref))) {
      found = true;
      break;
    }
  }
  cache.set(key, found);
  return found;
}

function computeStageCut(context: AnalysisContext, type: ControlType, stage: EntryStage): StageCut {
  const { graph, untrusted } = context;
  // entryControls asks only for types with a control in the model.
  const index = coverIndex(context, type);
  const target = stage.to;
  const host = graph.hostOf;
  // A control on the target itself is on every way; when none of the type in the model is stronger, it decides alone.
  const onTarget = [...(index.get(target) ?? []), ...(index.get(host(target) ?? "") ?? [])].sort((a, b) => strengthIn(context, b) - strengthIn(context, a) || (a.id < b.id ? -1 : 1))[0];
  if (onTarget && strengthIn(context, onTarget) >= strongestOfType(context, type)) return { level: strengthIn(context, onTarget), control: onTarget, on: [onTarget], open: [] };
  const reverse = reverseEdges(untrusted);
  const upstream = upstreamOf(context, target, stage.direct === true);
  // ...from the entries. Where the trace stopped counting origins (more than it tracks per element),
  // untraced ones arrive there: such an element is an entry too.
  const saturated = saturatedSet(untrusted);
  const entries = new Set(stage.from.filter((id) => upstream.has(id)));
  for (const id of upstream) if (saturated.has(id)) entries.add(id);
  const targetSaturated = saturated.has(target);
  entries.delete(target);
  // Most targets have no control of the type anywhere upstream: then every entry's text gets through, and no walk is needed.
  if (!upstreamControlled(context, type, target, stage.direct === true, upstream, host)) return { on: [], open: [...entries, ...(targetSaturated ? [target] : [])].sort() };
  const onWay = new Set<string>();
  for (const queue = [...entries]; queue.length > 0; ) {
    const node = queue.pop()!;
    if (onWay.has(node)) continue;
    onWay.add(node);
    // Text that has reached the target is there: what the target passes on (and back) is no way in.
    if (node === target) continue;
    for (const edge of untrusted.edges.get(node) ?? []) if (!CONFIGURATION.has(edge.via) && upstream.has(edge.to) && !onWay.has(edge.to)) queue.push(edge.to);
  }
  // No entry's text gets there this way: nothing to cut.
  if (!onWay.has(target) && !targetSaturated) return { level: Number.POSITIVE_INFINITY, on: [], open: [] };
  onWay.add(target);

  // The controls of the type on the way: on its elements, the hosts they run on, and the flows between them.
  const controlsOn = new Map<string, Control[]>();
  const note = (id: string | undefined) => {
    const found = id === undefined ? undefined : index.get(id);
    if (found) controlsOn.set(id!, found);
  };
  for (const node of onWay) {
    note(node);
    note(host(node));
    for (const edge of reverse.get(node) ?? []) if (edge.ref && onWay.has(edge.from) && graph.kindOf(edge.ref) === "flow") note(edge.ref);
  }
  // No control of the type anywhere on the way: every entry's text gets through.
  if (controlsOn.size === 0) return { on: [], open: [...entries, ...(targetSaturated ? [target] : [])].sort() };
  const on = [...new Map([...controlsOn.values()].flat().map((c) => [c.id, c])).values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  // Whether the controls in the set stop every entry's text short of the target.
  const cuts = (inPlace: ReadonlySet<string>): string[] => {
    const blocked = (id: string | undefined) => id !== undefined && (controlsOn.get(id) ?? []).some((c) => inPlace.has(c.id));
    const nodeBlocked = (id: string) => blocked(id) || blocked(host(id));
    if (nodeBlocked(target)) return [];
    // Untraced entries that got as far as the target itself pass every control but the target's own.
    const reached: string[] = targetSaturated ? [target] : [];
    const seen = new Set<string>([target]);
    for (const queue = [target]; queue.length > 0; ) {
      for (const edge of reverse.get(queue.pop()!) ?? []) {
        if (seen.has(edge.from) || !onWay.has(edge.from) || blocked(edge.ref) || nodeBlocked(edge.from)) continue;
        seen.add(edge.from);
        if (entries.has(edge.from)) reached.push(edge.from);
        queue.push(edge.from);
      }
    }
    return reached.sort();
  };
  const open = cuts(new Set(on.map((c) => c.id)));
  if (open.length > 0) return { on, open };
  // The highest strength at which the controls at least that strong still cut every way (all of them do, at the lowest).
  const strength = (c: Control) => strengthIn(context, c);
  const levels = [...new Set(on.map(strength))].sort((a, b) => b - a);
  const level = levels.find((l, i) => i === levels.length - 1 || cuts(new Set(on.filter((c) => strength(c) >= l).map((c) => c.id))).length === 0)!;
  const strong = on.filter((c) => strength(c) >= level);
  // The control that sets the level: one of that strength the cut needs (the first by ID, when none is needed alone).
  const atLevel = strong.filter((c) => strength(c) === level);
  const needed = atLevel.length === 1 ? atLevel[0]! : (atLevel.find((c) => cuts(new Set(strong.filter((s) => s.id !== c.id).map((s) => s.id))).length > 0) ?? atLevel[0]!);
  return { level, control: needed, on, open: [] };
}
