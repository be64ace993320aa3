// Whether the people behind an untrusted entry may read a data item in an agent's context already: then
// steering the agent into handing it over gains them nothing (a tenant's admin who edits their own
// workspace's instructions, a member asking with their own token).
import { hopFlow, isDirect } from "../analysis/attack-paths.js";
import { asks, sessionOwner } from "../analysis/askers.js";
import { readReturns } from "../analysis/sensitivity.js";
import { peopleBehind, type UntrustedOrigin } from "../analysis/untrusted-content.js";
import { joinWords } from "../model/vocabulary.js";
import type { AnalysisContext, EvidenceItem } from "./rule.js";

/** Who may read a data item already (their names), and how, in words: each way it reaches the agent, once. */
export interface Readable {
  who: string[];
  how: string[];
}

/**
 * How the people behind the origin may read the data already, or undefined when some way it reaches
 * the agent brings it to them as news. Every way must be either
 * - a read through a tool that calls with the asker's own token (delegated), where the origin is that
 *   asker talking to the agent in a session of their own: what it returns is theirs to read; or
 * - a read by a tool, or a flow, from a component all of them may read (readableBy). A component shared
 *   between tenants (tenancy shared) lets its readers see their own tenant's part only, so it counts
 *   only for a delegated read (the session's tenant goes with it) and an entry that reaches its own
 *   tenant's sessions only (tenancy single).
 * Data another agent passes on, or writes into a store the agent reads, is news: what a steered agent
 * forwards is the attacker's choice.
 */
export function alreadyReadable(context: AnalysisContext, agentId: string, origin: Pick<UntrustedOrigin, "id">, dataId: string): Readable | undefined {
  let byPair = cache.get(context);
  if (!byPair) cache.set(context, (byPair = new Map()));
  const key = `${agentId}\u0000${origin.id}`;
  let readable = byPair.get(key);
  if (!readable) byPair.set(key, (readable = readableData(context, agentId, origin.id)));
  return readable.get(dataId);
}

// Per analysis, per agent and origin: rules ask about every data item of every injectable agent.
const cache = new WeakMap<AnalysisContext, Map<string, ReadonlyMap<string, Readable>>>();

/** Every data item in the agent's context the people behind the origin may read already, with how (alreadyReadable). */
function readableData(context: AnalysisContext, agentId: string, originId: string): ReadonlyMap<string, Readable> {
  const { graph, contextData } = context;
  const people = peopleBehind(graph, originId);
  if (people.length === 0) return new Map();
  // The origin asks in a session of their own: every flow on the way carries their request (not content retrieved in someone else's).
  const ownSession = (() => {
    if (graph.kindOf(originId) !== "actor" || sessionOwner(graph, originId) !== undefined) return false;
    const hops = context.untrusted.pathFrom(originId, agentId);
    return isDirect(graph, hops) && hops.every((hop) => {
      const flow = hopFlow(graph, hop);
      return hop.via !== "flow" || (flow !== undefined && asks(flow));
    });
  })();
  const ownTenantOnly = graph.node(originId)?.element.tenancy === "single";
  const names = people.map((id) => graph.nameOf(id));
  const who = joinWords(names);
  // Why a way is readable to them, or undefined when what comes along it is news.
  const readableWay = (component: string, delegatedBy?: string): string | undefined => {
    if (delegatedBy !== undefined && ownSession) return `${graph.nameOf(delegatedBy)} reads it with their own token`;
    const element = graph.node(component)?.element;
    const readers = element?.readableBy;
    if (!Array.isArray(readers) || !people.every((p) => readers.includes(p))) return undefined;
    if (element?.tenancy !== "shared") return `${graph.nameOf(component)} lets ${who} read it (readableBy)`;
    if (delegatedBy === undefined || !ownTenantOnly) return undefined;
    return `${graph.nameOf(component)} lets ${who} read their tenant's part, ${graph.nameOf(delegatedBy)} reads it with the asker's token, and ${graph.nameOf(originId)} reaches their own tenant's sessions only`;
  };
  // Each data item's reasons, or null once one way brings it as news.
  const ways = new Map<string, Set<string> | null>();
  const arrive = (dataId: string, why: string | undefined) => {
    const reasons = ways.get(dataId);
    if (reasons === null) return;
    if (why === undefined) ways.set(dataId, null);
    else if (reasons) reasons.add(why);
    else ways.set(dataId, new Set([why]));
  };
  for (const flow of graph.flowsTo(agentId)) {
    const from = flow.from;
    if (graph.kindOf(from) === "agent") {
      for (const dataId of contextData.of(from).keys()) arrive(dataId, undefined);
      continue;
    }
    // A store that another agent writes into carries that agent's context on.
    for (const writer of graph.flowsTo(from)) if (writer.from !== agentId && graph.kindOf(writer.from) === "agent") for (const dataId of contextData.of(writer.from).keys()) arrive(dataId, undefined);
    const held = graph.node(from)?.element.holds;
    const carried = flow.data ?? (Array.isArray(held) ? (held as string[]) : []);
    if (carried.length === 0) continue;
    const why = readableWay(from);
    for (const dataId of carried) arrive(dataId, why);
  }
  for (const tool of graph.toolsOf(agentId)) {
    for (const capability of tool.capabilities) {
      if (capability.action !== "read") continue;
      for (const { data, resource } of readReturns(graph, capability)) arrive(data, readableWay(resource, tool.delegated === true ? tool.id : undefined));
    }
  }
  const readable = new Map<string, Readable>();
  for (const [dataId, reasons] of ways) if (reasons) readable.set(dataId, { who: names, how: [...reasons] });
  return readable;
}

/** Several items readable already, as one: everyone named and every way, once each; undefined when any of them is not. */
export function allReadable(items: readonly (Readable | undefined)[]): Readable | undefined {
  const who = new Set<string>();
  const how = new Set<string>();
  for (const item of items) {
    if (item === undefined) return undefined;
    for (const name of item.who) who.add(name);
    for (const way of item.how) how.add(way);
  }
  return who.size > 0 ? { who: [...who], how: [...how] } : undefined;
}

/** How the people behind every origin may read the data already (alreadyReadable), merged; undefined when it is news to any of them. */
export function readableToEveryOrigin(context: AnalysisContext, agentId: string, origins: readonly Pick<UntrustedOrigin, "id">[], dataId: string): Readable | undefined {
  return allReadable(origins.map((origin) => alreadyReadable(context, agentId, origin, dataId)));
}

/** The evidence note of a data item left out because everyone behind the attack may read it already. */
export function readableNote(dataId: string, readable: Readable): EvidenceItem {
  return { element: dataId, note: `not counted: ${joinWords(readable.who)} may read it already (${readable.how.join("; ")})` };
}
