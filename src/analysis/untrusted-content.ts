// Where attacker-controlled text enters the system and which contexts it reaches:
// along flows, retrieval, tool output, memory, instruction files, MCP tool
// descriptions and messages between agents.
import type { SystemGraph } from "../graph/graph.js";
import { isRelay, passesOn, routes } from "./attack-paths.js";
import { moreDangerous } from "./factors.js";
import type { Actor, McpServer } from "../model/schema.js";
import type { ThreatModel } from "../model/model.js";
import { OUTSIDER_ACTOR_TYPES, reachesOutside, type ActorType } from "../model/vocabulary.js";

export interface UntrustedOrigin {
  id: string;
  /** Why text from here is attacker-controlled. */
  reason: string;
  /** How easily an outsider gets text in: 5 anyone on the internet ... 1 hardly anyone. */
  exposure: number;
}

export type ContentVia = "flow" | "tool-read" | "tool-output" | "tool-write" | "instructions" | "tool-description";

export interface ContentEdge {
  to: string;
  via: ContentVia;
  /** The flow or tool that carries the content. */
  ref?: string;
}

export interface Hop {
  node: string;
  /** How content got here from the previous hop (absent for the origin). */
  via?: ContentVia;
  ref?: string;
}

export interface UntrustedContent {
  origins: UntrustedOrigin[];
  edges: Map<string, ContentEdge[]>;
  /** Origins whose text can reach the node, most dangerous first (exposure and the adversary coming in there: moreDangerous). */
  originsReaching(nodeId: string): UntrustedOrigin[];
  /** The hops by which an origin's text reaches the node, origin first. */
  pathFrom(originId: string, nodeId: string): readonly Hop[];
  /** Whether text from any untrusted origin can reach the node (an agent so reached is injectable). */
  reaches(nodeId: string): boolean;
  /** Elements reached by more origins than are tracked per element (the rest still reach them, unnamed). */
  saturated: string[];
}

/** How many origins are tracked per node; enough to explain and rank, and it bounds the work. */
export const ORIGINS_PER_NODE = 8;

const ACTOR_EXPOSURE: Record<ActorType, number> = { public: 5, customer: 4, partner: 3, contractor: 2, employee: 2, admin: 1 };
const OPEN_SOURCE_TYPES = new Set(["web", "email", "comments", "issue-tracker", "feed"]);

/**
 * The people adversaries make untrusted: under an insider, every employee and contractor, or only those it
 * names; and the actors any other adversary names as its way in (it acts as them: callers posing as employees).
 */
export interface Insiders {
  /** An insider adversary names no way in: any employee or contractor may be one. */
  all: boolean;
  /** Actors an insider adversary's `via` names, or who write to what it names (administrators included, when named). */
  named: ReadonlySet<string>;
  /** Actors an adversary other than an insider names in its `via`: it comes in as them, by name, stolen account or a claim nobody checks. */
  posedAs: ReadonlySet<string>;
}

export function insidersOf(model: Pick<ThreatModel, "adversaries" | "actors" | "sources" | "datastores" | "prompts" | "datasets">): Insiders {
  const named = new Set<string>();
  const posedAs = new Set<string>();
  let all = false;
  const actorIds = new Set(model.actors.map((a) => a.id));
  const writers = new Map<string, readonly string[]>();
  for (const list of [model.sources, model.datastores, model.prompts, model.datasets]) for (const element of list) if (element.writableBy) writers.set(element.id, element.writableBy);
  for (const adversary of model.adversaries) {
    if (adversary.type !== "insider") {
      for (const id of adversary.via ?? []) if (actorIds.has(id)) posedAs.add(id);
      continue;
    }
    if (!adversary.via) all = true;
    for (const id of adversary.via ?? []) {
      if (actorIds.has(id)) named.add(id);
      for (const writer of writers.get(id) ?? []) named.add(writer);
    }
  }
  return { all, named, posedAs };
}

/** Whether an insider adversary makes the actor untrusted: it names them, or names nobody and they are staff. */
function isInsider(actor: Actor, insiders: Insiders): boolean {
  return insiders.named.has(actor.id) || (insiders.all && (actor.type === "contractor" || actor.type === "employee"));
}

export function isUntrustedActor(actor: Actor, insiders: Insiders): boolean {
  return OUTSIDER_ACTOR_TYPES.has(actor.type) || insiders.posedAs.has(actor.id) || isInsider(actor, insiders);
}

/**
 * How exposed an untrusted actor is, and why: by type, except that an actor an outside adversary comes in as,
 * who does not sign in, is as exposed as the public: whoever reaches the channel can claim to be one of them.
 */
function actorExposure(actor: Actor, insiders: Insiders): { exposure: number; reason: string } {
  const claimed = insiders.posedAs.has(actor.id) && !OUTSIDER_ACTOR_TYPES.has(actor.type);
  if (claimed && actor.authenticated === false) return { exposure: ACTOR_EXPOSURE.public, reason: `${actor.type} actor who does not sign in: anyone who reaches the channel can claim to be one` };
  const who = claimed && !isInsider(actor, insiders) ? `${actor.type} actor an adversary comes in as` : `${actor.type} actor`;
  return { exposure: ACTOR_EXPOSURE[actor.type], reason: `${who}: writes whatever they like` };
}

/** Publishers whose tool descriptions and output are third-party text. */
const UNTRUSTED_PUBLISHERS: ReadonlySet<McpServer["publisherTrust"]> = new Set(["community", "unknown"]);

/** Whether an MCP server comes from a publisher the team does not vouch for (community or unknown): an untrusted origin. */
export function isUntrustedServer(server: McpServer): boolean {
  return UNTRUSTED_PUBLISHERS.has(server.publisherTrust);
}

export function findOrigins(graph: SystemGraph): UntrustedOrigin[] {
  const insiders = insidersOf(graph.model);
  const untrustedActors = new Map<string, number>();
  const origins: UntrustedOrigin[] = [];
  for (const actor of graph.model.actors) {
    if (!isUntrustedActor(actor, insiders)) continue;
    const { exposure, reason } = actorExposure(actor, insiders);
    untrustedActors.set(actor.id, exposure);
    origins.push({ id: actor.id, reason, exposure });
  }
  const writtenByUntrusted = (id: string, writableBy: string[] | undefined): void => {
    const writers = (writableBy ?? []).filter((w) => untrustedActors.has(w));
    if (writers.length === 0) return;
    const exposure = Math.max(...writers.map((w) => untrustedActors.get(w) ?? 1));
    origins.push({ id, reason: `writable by ${writers.map((w) => graph.nameOf(w)).join(", ")}`, exposure });
  };
  for (const source of graph.model.sources) {
    if (source.writableBy) writtenByUntrusted(source.id, source.writableBy);
    else if (OPEN_SOURCE_TYPES.has(source.type)) origins.push({ id: source.id, reason: `${source.type} source: anyone can put content in`, exposure: source.type === "web" ? 5 : 4 });
  }
  for (const store of graph.model.datastores) writtenByUntrusted(store.id, store.writableBy);
  for (const prompt of graph.model.prompts) writtenByUntrusted(prompt.id, prompt.writableBy);
  for (const dataset of graph.model.datasets) writtenByUntrusted(dataset.id, dataset.writableBy);
  for (const server of graph.model.mcpServers) {
    if (isUntrustedServer(server)) {
      origins.push({ id: server.id, reason: `MCP server from a ${server.publisherTrust} publisher: its tool descriptions and output are third-party text`, exposure: 3 });
    }
  }
  for (const agent of graph.model.agents) {
    if (agent.thirdParty === true) origins.push({ id: agent.id, reason: "another organisation's agent: what it says is text the team does not control", exposure: 3 });
  }
  for (const tool of graph.model.tools) {
    // Pages at a fixed URL or on the organisation's own network (internal) are its own content; an allow-list that
    // names its sites (on) lets in what those sites hold, each an entry of its own if someone untrusted writes it.
    if (tool.capabilities.some((c) => c.action === "fetch" && reachesOutside(c) && !(c.destination === "allow-listed" && (c.on?.length ?? 0) > 0))) {
      origins.push({ id: tool.id, reason: "fetches pages at URLs the agent chooses: their content is written by anyone", exposure: 4 });
    }
  }
  return origins.sort((a, b) => moreDangerous(graph, a, b) || (a.id < b.id ? -1 : 1));
}

/** Who stands behind an entry: the actor itself, or the actors its writableBy names (none named: nobody known). */
export function peopleBehind(graph: SystemGraph, originId: string): string[] {
  if (graph.kindOf(originId) === "actor") return [originId];
  const writers = graph.node(originId)?.element.writableBy;
  return Array.isArray(writers) ? (writers as string[]) : [];
}

/**
 * The origins that are entry points: every untrusted source, store, prompt, dataset, server and
 * fetching tool, and each untrusted actor that sends something (a flow) or writes somewhere
 * (writableBy). An actor with neither, such as the on-call team under an insider adversary, enters nothing.
 */
export function entryPoints(graph: SystemGraph, untrusted: UntrustedContent): UntrustedOrigin[] {
  const writers = new Set<string>();
  for (const list of [graph.model.sources, graph.model.datastores, graph.model.prompts, graph.model.datasets]) for (const element of list) for (const w of element.writableBy ?? []) writers.add(w);
  return untrusted.origins.filter((o) => graph.kindOf(o.id) !== "actor" || writers.has(o.id) || graph.flowsFrom(o.id).length > 0);
}

/** Whether the element is a training or fine-tuning pipeline: what flows out of it is model weights. */
export function isTrainingPipeline(graph: SystemGraph, id: string): boolean {
  const type = graph.kindOf(id) === "pipeline" ? graph.node(id)?.element.type : undefined;
  return type === "training" || type === "fine-tuning";
}

export function contentEdges(graph: SystemGraph): Map<string, ContentEdge[]> {
  const edges = new Map<string, ContentEdge[]>();
  const add = (from: string, edge: ContentEdge) => {
    const list = edges.get(from);
    if (list) list.push(edge);
    else edges.set(from, [edge]);
  };
  for (const flow of graph.model.flows) {
    // Training data shapes weights, not a context: poisoning is its own threat, not prompt injection. Into a
    // dataset, though, a training flow carries records (a bucket written out as the training set): it is followed.
    if ((flow.channel === "training" && graph.kindOf(flow.to) !== "dataset") || isTrainingPipeline(graph, flow.from)) continue;
    add(flow.from, { to: flow.to, via: "flow", ref: flow.id });
  }
  for (const tool of graph.model.tools) {
    for (const capability of tool.capabilities) {
      // A check that answers only yes or no (returns: []) brings none of the resource's text back.
      if (capability.returns?.length === 0) continue;
      for (const resource of capability.on ?? []) {
        if (capability.action === "read" || capability.action === "fetch") add(resource, { to: tool.id, via: "tool-read", ref: tool.id });
      }
    }
    for (const agent of graph.agentsUsingTool(tool.id)) {
      // Where the model draws the tool's result as a flow to the agent, that flow is the way (a control on it covers it).
      if (!graph.flowsFrom(tool.id).some((f) => f.to === agent.id)) add(tool.id, { to: agent.id, via: "tool-output", ref: tool.id });
      // What an agent writes through a tool lands in the resource (stored injection, memory poisoning).
      for (const capability of tool.capabilities) {
        if (capability.action !== "write" && capability.action !== "publish") continue;
        for (const resource of capability.on ?? []) add(agent.id, { to: resource, via: "tool-write", ref: tool.id });
      }
    }
    if (tool.server) add(tool.server, { to: tool.id, via: "tool-description", ref: tool.server });
  }
  for (const agent of graph.model.agents) {
    for (const prompt of agent.prompts ?? []) add(prompt, { to: agent.id, via: "instructions", ref: prompt });
    for (const server of agent.mcpServers ?? []) add(server, { to: agent.id, via: "tool-description", ref: server });
  }
  for (const list of edges.values()) list.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : (a.ref ?? "") < (b.ref ?? "") ? -1 : 1));
  return edges;
}

interface Arrival {
  from: string | null;
  via?: ContentVia;
  ref?: string;
  /** Where `from` routes what it passes on (a flow out names its relays): the flow the content reached it by. */
  fromRef?: string;
}

/** One step of the search: the origin's text at the node, and the flow it came in by where the node routes it. */
interface Visit {
  node: string;
  origin: string;
  inbound: string | undefined;
  /** A further way into a routing node already reached: only its routed flows out are new. */
  again?: boolean;
}

/** Breadth-first from all origins at once, keeping at most ORIGINS_PER_NODE origins per node. */
export function traceUntrustedContent(graph: SystemGraph): UntrustedContent {
  const origins = findOrigins(graph);
  const originById = new Map(origins.map((o) => [o.id, o]));
  const edges = contentEdges(graph);
  const arrivals = new Map<string, Map<string, Arrival>>();

  // Flows out of a client or service that name what they carry on (relays). At the clients and services they leave
  // (routes), the search keeps by which flow each origin came in, and follows a routed flow only for what it relays.
  const routed = new Map(graph.model.flows.filter((f) => f.relays !== undefined).map((f) => [f.id, f]));
  const routedFlow = (edge: ContentEdge) => (routed.size > 0 && edge.via === "flow" && edge.ref !== undefined ? routed.get(edge.ref) : undefined);
  const inboundAt = new Map<string, Map<string, Map<string, Arrival>>>();

  const saturated = new Set<string>();
  const queue: Visit[] = [];
  for (const origin of origins) {
    arrivals.set(origin.id, new Map([[origin.id, { from: null }]]));
    queue.push({ node: origin.id, origin: origin.id, inbound: undefined });
  }
  // A person relays what they read when they paste it on (an analyst pasting a customer's email into a chat), but
  // one who is an entry at least as exposed as the text's origin writes whatever they like anyway: text passed
  // through them is theirs to send, not the origin's way in (a recruiter's rejection email read by a candidate is not
  // how recruiters reach the CV that candidate uploads next).
  const people = new Map(origins.filter((o) => graph.kindOf(o.id) === "actor").map((o) => [o.id, o.exposure]));
  /**
   * The origin's text reaches the edge's target from `from`, unless it got there before or the target already
   * tracks as many origins as it keeps (then it is saturated); whether it arrived now, and the search goes on from there.
   */
  const arrive = (edge: ContentEdge, from: string, origin: string, fromRef?: string): boolean => {
    let reached = arrivals.get(edge.to);
    if (!reached) arrivals.set(edge.to, (reached = new Map()));
    const known = reached.has(origin);
    if (!known && reached.size >= ORIGINS_PER_NODE) {
      saturated.add(edge.to);
      return false;
    }
    const arrival: Arrival = { from, via: edge.via, ...(edge.ref ? { ref: edge.ref } : {}) };
    if (fromRef !== undefined) arrival.fromRef = fromRef;
    const inbound = edge.via === "flow" ? edge.ref : undefined;
    if (inbound !== undefined && routed.size > 0 && routes(graph, edge.to)) {
      let byOrigin = inboundAt.get(edge.to);
      if (!byOrigin) inboundAt.set(edge.to, (byOrigin = new Map()));
      let byFlow = byOrigin.get(origin);
      if (!byFlow) byOrigin.set(origin, (byFlow = new Map()));
      if (!byFlow.has(inbound)) {
        byFlow.set(inbound, arrival);
        if (known) queue.push({ node: edge.to, origin, inbound, again: true });
      }
    }
    if (known) return false;
    reached.set(origin, arrival);
    queue.push({ node: edge.to, origin, inbound });
    return true;
  };
  /** Whether the search goes on along the edge from the visit's node: a routed flow carries on only what it relays. */
  const follows = (visit: Pick<Visit, "inbound" | "again">, edge: ContentEdge): boolean => {
    const flow = routedFlow(edge);
    return flow ? passesOn(visit.inbound, flow) : visit.again !== true;
  };
  // Along a routed flow, the way in it relays goes with the arrival, so the path is explained by that way in.
  const onward = (visit: Pick<Visit, "inbound">, edge: ContentEdge) => (routedFlow(edge) ? visit.inbound : undefined);
  // People's own messages first: an actor who talks to an agent through clients and services comes in that way,
  // even where a way of fewer hops exists (an instruction file they may also edit). Their arrivals along flows through
  // relays are recorded before the search, which then goes on from them as from anywhere else.
  for (const id of people.keys()) {
    for (let at: Pick<Visit, "node" | "inbound">[] = [{ node: id, inbound: undefined }]; at.length > 0; ) {
      const next: Pick<Visit, "node" | "inbound">[] = [];
      for (const visit of at) {
        // From people and relays, only flows lead to relays and agents (their other edges go to tools that read them).
        for (const edge of edges.get(visit.node) ?? []) {
          const relay = isRelay(graph, edge.to);
          if ((!relay && graph.kindOf(edge.to) !== "agent") || !follows(visit, edge)) continue;
          if (arrive(edge, visit.node, id, onward(visit, edge)) && relay) next.push({ node: edge.to, inbound: edge.via === "flow" ? edge.ref : undefined });
        }
      }
      at = next;
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const visit = queue[head]!;
    const { node, origin } = visit;
    const person = people.get(node);
    if (person !== undefined && node !== origin && person >= originById.get(origin)!.exposure) continue;
    for (const edge of edges.get(node) ?? []) if (follows(visit, edge)) arrive(edge, node, origin, onward(visit, edge));
  }

  // Rules ask for the same paths again and again; each is walked once. Keyed by node, then
  // origin (the IDs themselves, not a joined key that would be built and hashed on every ask).
  const pathCache = new Map<string, Map<string, readonly Hop[]>>();
  const pathFrom = (originId: string, nodeId: string): readonly Hop[] => {
    let byOrigin = pathCache.get(nodeId);
    if (!byOrigin) pathCache.set(nodeId, (byOrigin = new Map()));
    const cached = byOrigin.get(originId);
    if (cached) return cached;
    const hops = walkBack(originId, nodeId);
    byOrigin.set(originId, hops);
    return hops;
  };

  const walkBack = (originId: string, nodeId: string): Hop[] => {
    const hops: Hop[] = [];
    let current: string | null = nodeId;
    // At a routing node, the way in that the flow out relays, not the first way in.
    let inbound: string | undefined;
    const guard = new Set<string>();
    while (current !== null && !guard.has(current)) {
      guard.add(current);
      const arrival: Arrival | undefined = (inbound !== undefined ? inboundAt.get(current)?.get(originId)?.get(inbound) : undefined) ?? arrivals.get(current)?.get(originId);
      if (!arrival) return [];
      hops.push({ node: current, ...(arrival.via ? { via: arrival.via } : {}), ...(arrival.ref ? { ref: arrival.ref } : {}) });
      inbound = arrival.fromRef;
      current = arrival.from;
    }
    return hops.reverse();
  };

  const originsCache = new Map<string, UntrustedOrigin[]>();
  const originsReaching = (nodeId: string): UntrustedOrigin[] => {
    const cached = originsCache.get(nodeId);
    if (cached) return cached;
    const reached = arrivals.get(nodeId);
    if (!reached) return [];
    const sorted = [...reached.keys()]
      .map((id) => ({ origin: originById.get(id)!, length: pathFrom(id, nodeId).length }))
      .sort((a, b) => moreDangerous(graph, a.origin, b.origin) || a.length - b.length || (a.origin.id < b.origin.id ? -1 : 1))
      .map((entry) => entry.origin);
    originsCache.set(nodeId, sorted);
    return sorted;
  };

  return { origins, edges, originsReaching, pathFrom, reaches: (nodeId) => (arrivals.get(nodeId)?.size ?? 0) > 0, saturated: [...saturated].sort() };
}

/** Flows that give a model input (training flows shape its weights instead). */
function inputFlows(graph: SystemGraph, modelId: string) {
  return graph.flowsTo(modelId).filter((flow) => flow.channel !== "training" && !isTrainingPipeline(graph, flow.from));
}

/** Tools that give a model input: a capability acting on it, or an input flow from the tool; in ID order. */
export function toolsFeeding(graph: SystemGraph, modelId: string): string[] {
  const tools = new Set(graph.toolsActingOn(modelId).map((use) => use.tool));
  for (const flow of inputFlows(graph, modelId)) if (graph.kindOf(flow.from) === "tool") tools.add(flow.from);
  return [...tools].sort();
}

/** Something that gives a model input an attacker shapes, and the most dangerous origin of that text. */
export interface AttackerFedInput {
  /** A component sending the model input, an agent whose context it is, or a tool calling it. */
  input: string;
  origin: UntrustedOrigin;
}

/**
 * What feeds a model input an attacker shapes: a component that sends it input (a flow other than
 * training) or an agent calling it, reached by untrusted content (an untrusted actor or source sending
 * straight to it counts), or a tool acting on it that such a component or agent calls. A classifier
 * fed this way scores what the attacker wrote, without any injection. Most dangerous entry first (moreDangerous), then ID.
 */
export function attackerFedInputs(graph: SystemGraph, untrusted: UntrustedContent, modelId: string): AttackerFedInput[] {
  const found = new Map<string, UntrustedOrigin>();
  const note = (input: string, reachedAt: string) => {
    // An origin reaches itself, so a public actor sending straight to the model counts too.
    const origin = untrusted.originsReaching(reachedAt)[0];
    if (!origin) return;
    const known = found.get(input);
    if (!known || moreDangerous(graph, origin, known) < 0) found.set(input, origin);
  };
  for (const agent of graph.agentsUsingModel(modelId)) note(agent.id, agent.id);
  for (const flow of inputFlows(graph, modelId)) if (graph.kindOf(flow.from) !== "tool") note(flow.from, flow.from);
  for (const tool of toolsFeeding(graph, modelId)) {
    note(tool, tool);
    for (const agent of graph.agentsUsingTool(tool)) note(tool, agent.id);
  }
  return [...found]
    .map(([input, origin]) => ({ input, origin }))
    .sort((a, b) => moreDangerous(graph, a.origin, b.origin) || (a.input < b.input ? -1 : 1));
}
