// Who asks each agent for things: the people whose requests it acts on. They talk to it
// themselves (through clients and services only), or talk to another agent that passes
// their request on as it is: a router that hands the question to a worker, a planner
// that forwards what the user typed. Such a request is the asker's, whoever carries it.
import type { SystemGraph } from "../graph/graph.js";
import type { Flow } from "../model/schema.js";
import { isDirect, isRelay, passesOn } from "./attack-paths.js";
import type { UntrustedContent, UntrustedOrigin } from "./untrusted-content.js";

/** Channels that carry a request; output, logs, memory, retrieval and training carry none. */
export const ASKING_CHANNELS: ReadonlySet<Flow["channel"]> = new Set<Flow["channel"]>(["api", "message", "email", "event"]);

/** Whether the flow carries a request: an asking channel, and not words the system takes only as content (session, asks: false). */
export const asks = (flow: Flow) => ASKING_CHANNELS.has(flow.channel) && flow.session?.asks !== false;

/**
 * The actor whose signed-in session the actor's requests ride in, when every request they send goes
 * into one (a flow's session with asks: true): a check against the person asking then checks that owner.
 */
export function sessionOwner(graph: SystemGraph, actorId: string): string | undefined {
  const requests = graph.flowsFrom(actorId).filter(asks);
  return requests.length > 0 && requests.every((f) => f.session !== undefined) ? requests[0]!.session!.of : undefined;
}

/** The untrusted actors who talk to the agent directly (through clients and services only; isDirect starts at an actor), most dangerous first. */
export function directOrigins(graph: SystemGraph, untrusted: UntrustedContent, agentId: string): UntrustedOrigin[] {
  return untrusted.originsReaching(agentId).filter((o) => isDirect(graph, untrusted.pathFrom(o.id, agentId)));
}

/**
 * The untrusted actors whose requests the agent acts on, most dangerous first: those who talk to it
 * directly, and those whose request other agents pass on to it (forwardedThrough).
 */
export function askerOrigins(graph: SystemGraph, untrusted: UntrustedContent, agentId: string): UntrustedOrigin[] {
  const forwarded = forwarding(graph).get(agentId);
  return untrusted.originsReaching(agentId).filter((o) => forwarded?.has(o.id) === true || isDirect(graph, untrusted.pathFrom(o.id, agentId)));
}

/** The actors who send the agent requests themselves, through clients and services only, with the data their requests carry in; in ID order. */
export function directRequesters(graph: SystemGraph, agentId: string): ReadonlyMap<string, ReadonlySet<string>> {
  let byAgent = requesterIndexes.get(graph);
  if (!byAgent) requesterIndexes.set(graph, (byAgent = new Map()));
  const known = byAgent.get(agentId);
  if (known) return known;
  const found = new Map<string, Set<string>>();
  for (const flow of graph.flowsTo(agentId)) {
    if (!asks(flow)) continue;
    const data = flow.data ?? [];
    // Back from the flow's sender through clients and services to the people at the start: each flow once, and into a
    // client or service only by flows the one out of it carries on (passesOn).
    const seen = new Set<string>([flow.id]);
    for (const queue = [flow]; queue.length > 0; ) {
      const out = queue.pop()!;
      const id = out.from;
      if (graph.kindOf(id) === "actor") {
        const carried = found.get(id) ?? found.set(id, new Set()).get(id)!;
        for (const d of data) carried.add(d);
        continue;
      }
      if (!isRelay(graph, id)) continue;
      for (const into of graph.flowsTo(id)) {
        if (!asks(into) || seen.has(into.id) || into.from === agentId || !passesOn(into.id, out)) continue;
        seen.add(into.id);
        queue.push(into);
      }
    }
  }
  const sorted = new Map([...found].sort(([a], [b]) => (a < b ? -1 : 1)));
  byAgent.set(agentId, sorted);
  return sorted;
}

/**
 * The agents that pass the actor's request on to this agent, nearest the actor first; undefined when
 * the actor asks it directly, or their request does not reach it as theirs.
 */
export function forwardedThrough(graph: SystemGraph, agentId: string, actorId: string): readonly string[] | undefined {
  return forwarding(graph).get(agentId)?.get(actorId);
}

/** The actors who ask the agent through other agents that pass their request on (forwardedThrough), in ID order. */
export function forwardedRequesters(graph: SystemGraph, agentId: string): string[] {
  return [...(forwarding(graph).get(agentId)?.keys() ?? [])].sort();
}

/** For each agent, the actors whose request other agents pass on to it, with those agents (nearest the actor first). */
type Forwarding = Map<string, Map<string, readonly string[]>>;

const requesterIndexes = new WeakMap<SystemGraph, Map<string, ReadonlyMap<string, ReadonlySet<string>>>>();
const forwardingIndexes = new WeakMap<SystemGraph, Forwarding>();

/**
 * An agent passes a request on where a flow from it to another agent of the team's carries data the
 * actor's request brought in (the data of the flows it came in on): the question itself, not a task the
 * agent wrote. A flow that lists no data passes on nothing anyone can name. An actor who talks to an
 * agent directly is a direct requester there, not a forwarded one; another organisation's agent is not followed.
 */
function forwarding(graph: SystemGraph): Forwarding {
  const known = forwardingIndexes.get(graph);
  if (known) return known;
  const index: Forwarding = new Map();
  forwardingIndexes.set(graph, index);
  const agents = new Set(graph.ofKind("agent").map((a) => a.id));
  // Flows between the team's agents that carry data, by the agent they leave.
  const handOffs = new Map<string, Flow[]>();
  for (const id of agents) {
    const out = graph.flowsFrom(id).filter((f) => f.to !== id && agents.has(f.to) && ASKING_CHANNELS.has(f.channel) && (f.data?.length ?? 0) > 0);
    if (out.length > 0) handOffs.set(id, out);
  }
  // Where each actor's request starts: the agents that pass requests on and that they ask directly, with what they send in.
  const starts = new Map<string, { at: string; data: ReadonlySet<string> }[]>();
  for (const agent of handOffs.keys()) {
    for (const [actor, data] of directRequesters(graph, agent)) if (data.size > 0) (starts.get(actor) ?? starts.set(actor, []).get(actor)!).push({ at: agent, data });
  }
  for (const [actor, from] of starts) {
    // Breadth first, so the shortest chain of agents is the one named.
    const reached = new Set(from.map((s) => s.at));
    const queue = from.map((s) => ({ ...s, through: [] as string[] }));
    for (let i = 0; i < queue.length; i++) {
      const { at, through, data } = queue[i]!;
      for (const handOff of handOffs.get(at) ?? []) {
        if (reached.has(handOff.to)) continue;
        const carried = new Set(handOff.data!.filter((d) => data.has(d)));
        if (carried.size === 0) continue;
        reached.add(handOff.to);
        const chain = [...through, at];
        if (!directRequesters(graph, handOff.to).has(actor)) (index.get(handOff.to) ?? index.set(handOff.to, new Map()).get(handOff.to)!).set(actor, chain);
        queue.push({ at: handOff.to, through: chain, data: carried });
      }
    }
  }
  return index;
}
