// How sensitive data is, and which data sits in each agent's context.
import type { SystemGraph } from "../graph/graph.js";
import type { Capability, Data } from "../model/schema.js";
import type { UntrustedContent } from "./untrusted-content.js";

const CLASSIFICATION_RANK = { public: 1, internal: 2, confidential: 3, restricted: 4 } as const;
const RESTRICTED_FLAGS = new Set(["credentials", "payment", "health", "biometric", "government-id", "children"]);
const CONFIDENTIAL_FLAGS = new Set(["personal", "financial", "source-code", "intellectual-property"]);

/**
 * Confidentiality: what disclosing the data costs, 1 public, 2 internal, 3 confidential,
 * 4 restricted. Flags raise it: credentials, payment, health and the like to restricted;
 * personal, financial, source code and intellectual property to confidential, except on
 * data classified public, which is out already (open-source code, a published price list).
 * Restricted flags raise even public data: a credential or card number marked public is
 * more likely a slip in the model than a fact.
 */
export function sensitivity(data: Data): number {
  return flagRank(data, data.classification !== "public");
}

/**
 * Integrity: what altering the data costs, on the same scale. Every flag raises it, public
 * or not: public source code an attacker edits still ships to everyone who builds it. Secrets
 * alone count as confidential: what they are worth is their confidentiality.
 */
export function integrityValue(data: Data): number {
  const rank = flagRank(data, true);
  // Secrets are restricted for who may read them. Altering one breaks what uses it, or points it elsewhere,
  // but gives the attacker no access, as reading it does: as much as altering confidential data.
  const onlySecrets = data.flags?.includes("credentials") && !data.flags.some((f) => f !== "credentials" && RESTRICTED_FLAGS.has(f));
  return onlySecrets ? Math.min(rank, 3) : rank;
}

function flagRank(data: Data, confidentialFlagsCount: boolean): number {
  let rank: number = CLASSIFICATION_RANK[data.classification];
  for (const flag of data.flags ?? []) {
    if (RESTRICTED_FLAGS.has(flag)) rank = Math.max(rank, 4);
    else if (confidentialFlagsCount && CONFIDENTIAL_FLAGS.has(flag)) rank = Math.max(rank, 3);
  }
  return rank;
}

export const SENSITIVITY_WORDS = ["", "public", "internal", "confidential", "restricted"] as const;

/** Confidential and above is sensitive. */
const SENSITIVE_RANK = 3;

export function isSensitive(data: Data): boolean {
  return sensitivity(data) >= SENSITIVE_RANK;
}

/** The sensitive data among `ids` (unknown IDs left out), most sensitive first, then in ID order. */
export function sensitiveSorted(graph: SystemGraph, ids: Iterable<string>): string[] {
  const ranked: { id: string; rank: number }[] = [];
  for (const id of ids) {
    const record = graph.data(id);
    if (!record) continue;
    const rank = sensitivity(record);
    if (rank >= SENSITIVE_RANK) ranked.push({ id, rank });
  }
  return ranked.sort((a, b) => b.rank - a.rank || (a.id < b.id ? -1 : 1)).map((r) => r.id);
}

/** Data held by a component (stores, sources, datasets, prompts, services). */
export function heldData(graph: SystemGraph, componentId: string): string[] {
  const holds = graph.node(componentId)?.element.holds;
  return Array.isArray(holds) ? (holds as string[]) : [];
}

/**
 * What a read capability hands back to the agent, each with the resource it comes from: what the
 * resources hold, or only the data the capability `returns` (none for a check that answers yes or no).
 */
export function readReturns(graph: SystemGraph, capability: Capability): { data: string; resource: string }[] {
  const resources = capability.on ?? [];
  if (capability.returns === undefined) return resources.flatMap((resource) => heldData(graph, resource).map((data) => ({ data, resource })));
  // Returned data is credited to a resource that holds it, or to the first resource read where none says so.
  return resources.length === 0 ? [] : capability.returns.map((data) => ({ data, resource: resources.find((r) => heldData(graph, r).includes(data)) ?? resources[0]! }));
}

/**
 * Whether sensitive data in an agent's context is the attacker's own record: the data belongs to
 * the people it is about (`belongsTo`), every origin of the attack speaks for them (one of those
 * actors, or a source only they write), and no way it reaches the agent starts at a store of
 * records (ContextData.fromStore): it is the record of the case at hand, passed on. A read that
 * authorization binds to the asker (ContextData.boundToAsker) returns the asker's own record only
 * when the origins are the askers (`askers`); to someone who injects content, it is the record of
 * whoever the agent serves.
 */
export function attackersOwnRecord(graph: SystemGraph, contextData: ContextData, agentId: string, dataId: string, origins: readonly { id: string }[], askers: boolean): boolean {
  const owners = graph.data(dataId)?.belongsTo;
  if (!owners?.length || origins.length === 0) return false;
  if (!askers && contextData.boundToAsker(agentId, dataId) !== undefined) return false;
  const ownedBy = new Set(owners);
  const speaksForOwners = (origin: { id: string }) => {
    if (ownedBy.has(origin.id)) return true;
    const writers = graph.node(origin.id)?.element.writableBy;
    return Array.isArray(writers) && writers.length > 0 && writers.every((writer) => ownedBy.has(writer as string));
  };
  return origins.every(speaksForOwners) && contextData.fromStore(agentId, dataId) === undefined;
}

/**
 * The authorization control that binds a tool's reads to the person asking (the tool checks the
 * records belong to them), when one does: implemented and verified, since the finding then leaves
 * the data out altogether. A claim nobody checked, or a control that covers some reads only, does not.
 */
export function askerBinding(graph: SystemGraph, toolId: string): string | undefined {
  return graph.controlsCovering(toolId).find((c) => c.type === "authorization" && (c.status ?? "implemented") === "implemented" && c.verified === true)?.id;
}

/** A tool whose reads an authorization control binds to the person asking, and that control. */
export interface AskerBinding {
  tool: string;
  control: string;
}

export interface ContextData {
  /** Sensitive data (confidential or above) that can be in the agent's context, with the element it comes from. */
  of(agentId: string): Map<string, string>;
  /**
   * The store of records some way the data reaches the agent starts at (a component that holds it,
   * a resource a tool reads, or a store other agents write to), or undefined when the agent only
   * gets it passed on, one case's record at a time (from a client, a service or another agent).
   */
  fromStore(agentId: string, dataId: string): string | undefined;
  /**
   * Where the data reaches the agent through a tool's read that authorization binds to the person
   * asking (askerBinding), or from an agent that read it so: that tool and its control. The asker gets
   * their own records that way; another way may still bring everyone's (fromStore says).
   */
  boundToAsker(agentId: string, dataId: string): AskerBinding | undefined;
}

/**
 * Data reaching an agent's context: what flows into it, what its tools read, and,
 * from agents that pass it messages or share stores with it, whatever those hold
 * when they are injectable (an attacker decides what a hijacked agent forwards).
 * Only sensitive data is tracked: it is all any rule asks about, and it keeps the
 * sets small when long chains of agents pass everything on.
 */
export function traceContextData(graph: SystemGraph, untrusted: UntrustedContent): ContextData {
  const cache = new Map<string, Map<string, string>>();
  const stored = new Map<string, Map<string, string>>();
  const boundReads = new Map<string, Map<string, AskerBinding>>();
  const originAgents = new Map<string, Map<string, string>>();
  const sensitiveIds = new Set(graph.model.data.filter(isSensitive).map((d) => d.id));
  const NONE: ReadonlyMap<string, string> = new Map();
  // A hijacked agent of the team's passes on whatever it holds. Another organisation's agent (thirdParty) is not
  // looked inside: it sends what its flows list, not a context the model does not describe.
  const forwards = (id: string) => graph.kindOf(id) === "agent" && graph.agent(id)?.thirdParty !== true && untrusted.reaches(id);

  /** The agents whose context reaches this one's: those that send to it, and those that write a store it reads. */
  const upstreamOf = (agentId: string): string[] => {
    const found = new Set<string>();
    for (const flow of graph.flowsTo(agentId)) {
      if (flow.from !== agentId && forwards(flow.from)) found.add(flow.from);
      for (const writer of graph.flowsTo(flow.from)) if (writer.from !== agentId && forwards(writer.from)) found.add(writer.from);
    }
    return [...found];
  };

  /** One agent's context from its own flows and tools and what upstream agents hold so far; true when it changed. */
  const compute = (agentId: string): boolean => {
    const found = new Map<string, string>();
    // In a loop, the store or binding an agent names for a piece of data is copied from the agent before it, which copies
    // from the one before: named once, it stays (what reaches an agent only grows from round to round), or it would go round.
    const fromStores = new Map<string, string>(stored.get(agentId));
    const bound = new Map<string, AskerBinding>(boundReads.get(agentId));
    // The agent whose own flows or tools first brought each piece of data in: what went round a loop back to where
    // it came from is not news there, and is not said to come from the agent that passed it back.
    const origin = new Map<string, string>(originAgents.get(agentId));
    const add = (dataId: string, from: string, store: string | undefined, binding?: AskerBinding, source = agentId) => {
      if (!sensitiveIds.has(dataId)) return;
      if (!found.has(dataId)) found.set(dataId, from);
      if (!origin.has(dataId)) origin.set(dataId, source);
      if (store !== undefined && !fromStores.has(dataId)) fromStores.set(dataId, store);
      if (binding !== undefined && !bound.has(dataId)) bound.set(dataId, binding);
    };
    /** What an upstream agent holds, less what came to it from this agent. */
    const passedOn = (upstream: string) => [...(cache.get(upstream) ?? NONE).keys()].filter((dataId) => originAgents.get(upstream)?.get(dataId) !== agentId);
    for (const flow of graph.flowsTo(agentId)) {
      const held = heldData(graph, flow.from);
      // One case's record at a time (perCase) is passed on, not read from the store of everyone's.
      for (const dataId of flow.data ?? held) add(dataId, flow.from, held.includes(dataId) && flow.perCase !== true ? flow.from : undefined);
      if (flow.from !== agentId && forwards(flow.from)) {
        const upstream = stored.get(flow.from) ?? NONE;
        // A record the upstream agent read bound to its asker is still that one person's record.
        const upstreamBound = boundReads.get(flow.from);
        const sources = originAgents.get(flow.from);
        for (const dataId of passedOn(flow.from)) add(dataId, flow.from, upstream.get(dataId), upstreamBound?.get(dataId), sources?.get(dataId));
      }
      // A store that a hijacked agent writes to (shared memory) carries that agent's context on.
      for (const writer of graph.flowsTo(flow.from)) {
        if (writer.from !== agentId && forwards(writer.from)) for (const dataId of passedOn(writer.from)) add(dataId, writer.from, flow.from, undefined, originAgents.get(writer.from)?.get(dataId));
      }
    }
    for (const tool of graph.toolsOf(agentId)) {
      const control = askerBinding(graph, tool.id);
      const binding = control === undefined ? undefined : { tool: tool.id, control };
      for (const capability of tool.capabilities) {
        if (capability.action !== "read") continue;
        for (const { data, resource } of readReturns(graph, capability)) add(data, resource, binding ? undefined : resource, binding);
      }
    }
    const changed = !sameEntries(cache.get(agentId), found) || !sameEntries(stored.get(agentId), fromStores) || !sameEntries(boundReads.get(agentId), bound) || !sameEntries(originAgents.get(agentId), origin);
    cache.set(agentId, found);
    originAgents.set(agentId, origin);
    stored.set(agentId, fromStores);
    if (bound.size > 0) boundReads.set(agentId, bound);
    else boundReads.delete(agentId);
    return changed;
  };

  // Agents that pass their context to each other in a loop (a router and its sub-agents) hold the same data whatever
  // their IDs: each group of them (a strongly connected component) is settled together, to a fixed point, after
  // every group upstream of it. Computed once, for every agent, on the first question.
  let settled = false;
  const settle = () => {
    settled = true;
    const agents = graph.ofKind("agent").map((n) => n.id);
    for (const group of componentsUpstreamFirst(agents, upstreamOf)) {
      if (group.length === 1 && !upstreamOf(group[0]!).includes(group[0]!)) {
        compute(group[0]!);
        continue;
      }
      // The sets only grow, and what each piece of data is said to come from follows from the sets: a round that changes nothing ends it.
      let changed = true;
      while (changed) {
        changed = false;
        for (const id of group) if (compute(id)) changed = true;
      }
    }
  };
  const of = (agentId: string): Map<string, string> => {
    if (!settled) settle();
    return cache.get(agentId) ?? new Map();
  };
  const fromStore = (agentId: string, dataId: string): string | undefined => {
    of(agentId);
    return (stored.get(agentId) ?? NONE).get(dataId);
  };
  const boundToAsker = (agentId: string, dataId: string) => {
    of(agentId);
    return boundReads.get(agentId)?.get(dataId);
  };
  return { of, fromStore, boundToAsker };
}

/** Whether two maps hold the same entries, in any order (undefined as empty): insertion order may go round with the loop, the content settles. */
function sameEntries<V>(a: ReadonlyMap<string, V> | undefined, b: ReadonlyMap<string, V>): boolean {
  if ((a?.size ?? 0) !== b.size) return false;
  for (const [key, value] of b) {
    const was = a!.get(key);
    if (was === undefined || (was !== value && JSON.stringify(was) !== JSON.stringify(value))) return false;
  }
  return true;
}

/**
 * The strongly connected components of the graph whose edges run from each node to those `upstream`
 * gives it, each component after every component upstream of it (Tarjan's algorithm, iterative so
 * long chains do not exhaust the stack), members in the order given.
 */
function componentsUpstreamFirst(nodes: readonly string[], upstream: (id: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const order = new Map(nodes.map((id, i) => [id, i]));
  const groups: string[][] = [];
  let next = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { id: string; edges: readonly string[]; at: number }[] = [];
    const open = (id: string) => {
      index.set(id, next);
      low.set(id, next++);
      stack.push(id);
      onStack.add(id);
      work.push({ id, edges: upstream(id).filter((u) => order.has(u)), at: 0 });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.at < frame.edges.length) {
        const to = frame.edges[frame.at++]!;
        if (!index.has(to)) open(to);
        else if (onStack.has(to)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== frame.id);
        groups.push(group.sort((a, b) => order.get(a)! - order.get(b)!));
      }
    }
  }
  return groups;
}
