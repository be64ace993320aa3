// Who asks an agent that retrieves from a store, what the store holds that they may not open, and whether the
// retrieval filters by the asker: the facts TW-EXF-005 (no filter) and TW-EXF-007 (a filter that copies the sources') share.
import { directRequesters, forwardedRequesters } from "../analysis/askers.js";
import { heldData, sensitiveSorted } from "../analysis/sensitivity.js";
import type { SystemGraph } from "../graph/graph.js";
import type { Actor, Control, Datastore, Flow, Pipeline } from "../model/schema.js";
import { askedHow, controlsOfType, directReaders, names, readWays } from "./helpers.js";
import type { AnalysisContext, EvidenceItem } from "./rule.js";
import { crossTenantExposure } from "./exfiltration/cross-tenant-retrieval.js";

/** Controls that make retrieval respect the asker: a permission filter, or one partition per user or audience. */
export const ASKER_CONTROLS: readonly Control["type"][] = ["authorization", "tenant-isolation"];

/** One agent's retrieval from one store, with the people who ask the agent and may not read the store themselves. */
export interface RetrievalAudience {
  store: Datastore;
  agentId: string;
  /** The retrieval flows from the store to the agent. */
  flows: Flow[];
  /** The agent's tools that search the store (a vector index read through a search tool is retrieval too), in ID order. */
  tools: string[];
  /** Confidential or restricted data held by the store or carried by the flows, most sensitive first. */
  data: string[];
  /** Who asks the agent and is not among the store's readers, in ID order (never empty). */
  askers: Actor[];
  /** Whether the store or the sources it copies name readers at all (so evidence can say the askers are not among them). */
  namedReaders: boolean;
  /** Whether any source the store copies names its readers. */
  copiedReadable: boolean;
  /** Ingestion pipelines writing into the store, with their flows into it. */
  pipelines: { pipeline: Pipeline; flows: Flow[] }[];
  /** Authorization and tenant-isolation controls on the retrieval flows or the store. */
  onRetrieval: string[];
  /**
   * Those of them implemented (status implemented or not stated) and verified: with one, retrieval is known to filter by
   * the asker's permissions, so what is left is what those permissions are (the sources', as last copied).
   */
  filters: string[];
}

/** Actors who send requests to the agent themselves, through clients and services only, or through agents that pass the request on; in ID order. */
function askersOf(graph: SystemGraph, agentId: string): Actor[] {
  const ids = new Set([...directRequesters(graph, agentId).keys(), ...forwardedRequesters(graph, agentId)]);
  return [...ids].sort().map((id) => graph.node(id)!.element as unknown as Actor);
}

/** Ingestion pipelines that write into the store, in ID order. */
function ingestionInto(graph: SystemGraph, storeId: string): { pipeline: Pipeline; flows: Flow[] }[] {
  const found = new Map<string, Flow[]>();
  for (const flow of graph.flowsTo(storeId)) {
    if (graph.kindOf(flow.from) !== "pipeline") continue;
    const list = found.get(flow.from);
    if (list) list.push(flow);
    else found.set(flow.from, [flow]);
  }
  return [...found]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, flows]) => ({ pipeline: graph.node(id)!.element as unknown as Pipeline, flows }));
}

const knownToFilter = (control: Control) => (control.status ?? "implemented") === "implemented" && control.verified === true;

const audiences = new WeakMap<AnalysisContext, RetrievalAudience[]>();

/**
 * Every agent's retrieval from a store that people ask it about (a retrieval flow, through services that pass it
 * on, or a search tool over a vector index), where the store holds confidential or restricted
 * data and some who ask may not read the store (its readableBy, or for a store only ingestion writes into, that of
 * every source it copies). Left out: stores on a host only reachable locally (one person's own index), and stores
 * shared between tenants that TW-EXF-004 reports. In store, then agent, ID order; worked out once per analysis.
 */
export function retrievalAudiences(context: AnalysisContext): readonly RetrievalAudience[] {
  const cached = audiences.get(context);
  if (cached) return cached;
  const { graph } = context;
  const found: RetrievalAudience[] = [];
  // Several stores can feed one agent: find who asks it once.
  const askersByAgent = new Map<string, Actor[]>();
  const askersOfAgent = (agentId: string) => askersByAgent.get(agentId) ?? askersByAgent.set(agentId, askersOf(graph, agentId)).get(agentId)!;
  for (const node of graph.ofKind("datastore")) {
    const store = node.element as unknown as Datastore;
    // Retrieval out of the store, straight to the agent or through a retrieval service that passes it on.
    const retrievals = new Map<string, { flows: Flow[]; relays: string[] }>();
    for (const flow of graph.flowsFrom(store.id)) {
      if (flow.channel !== "retrieval" || graph.kindOf(flow.to) !== "agent") continue;
      const way = retrievals.get(flow.to);
      if (way) way.flows.push(flow);
      else retrievals.set(flow.to, { flows: [flow], relays: [] });
    }
    for (const way of readWays(graph, store.id)) if (way.relays.length > 0 && way.flows[0]!.channel === "retrieval" && !retrievals.has(way.agent)) retrievals.set(way.agent, { flows: way.flows, relays: way.relays });
    // A search tool over a vector index is the same retrieval, drawn as a tool (as agent frameworks build it).
    const searches = new Map<string, string[]>();
    if (store.type === "vector") {
      for (const use of graph.toolsActingOn(store.id)) {
        if (use.action !== "read") continue;
        for (const agent of graph.agentsUsingTool(use.tool)) {
          const tools = searches.get(agent.id) ?? searches.set(agent.id, []).get(agent.id)!;
          if (!tools.includes(use.tool)) tools.push(use.tool);
          if (!retrievals.has(agent.id)) retrievals.set(agent.id, { flows: [], relays: [] });
        }
      }
    }
    if (retrievals.size === 0) continue;
    // A store shared between tenants gets TW-EXF-004's finding, for every agent that reads it.
    if (crossTenantExposure(context, store.id)) continue;
    const storeHost = graph.hostOf(store.id);
    if (storeHost !== undefined && graph.node(storeHost)?.element.exposure === "local") continue;
    const readableBy = directReaders(graph, store.id);
    const pipelines = ingestionInto(graph, store.id);
    const copiedReadable = pipelines.some(({ pipeline }) => graph.flowsTo(pipeline.id).some((f) => Array.isArray(graph.node(f.from)?.element.readableBy)));
    for (const [agentId, { flows, relays }] of [...retrievals].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const data = sensitiveSorted(graph, new Set([...heldData(graph, store.id), ...flows.flatMap((f) => f.data ?? [])]));
      if (data.length === 0) continue;
      const askers = askersOfAgent(agentId).filter((a) => !readableBy.has(a.id));
      if (askers.length === 0) continue;
      // Only a filter on the retrieval itself is about what it returns; one on the agent may be about its tools.
      // A filter in a retrieval service between the store and the agent is on the retrieval too.
      // So is one on a search tool.
      const tools = (searches.get(agentId) ?? []).sort();
      const onRetrieval = [...new Set(ASKER_CONTROLS.flatMap((type) => controlsOfType(graph, type, [...flows.map((f) => f.id), store.id, ...relays, ...tools])))];
      const filters = onRetrieval.filter((id) => knownToFilter(graph.node(id)!.element as unknown as Control));
      found.push({ store, agentId, flows, tools, data, askers, namedReaders: readableBy.size > 0 || copiedReadable, copiedReadable, pipelines, onRetrieval, filters });
    }
  }
  audiences.set(context, found);
  return found;
}

/** How an asker signs in, in a few words. */
export function askerNote(actor: Actor): string {
  return `${actor.type}${actor.authenticated === true ? ", signed in" : actor.authenticated === false ? ", not signed in" : ""}`;
}

/** One line per asker of the agent that retrieves: how they sign in, how they ask, and that they may not read the store themselves, where it names readers. */
export function askerEvidence(context: AnalysisContext, audience: RetrievalAudience): EvidenceItem[] {
  const { graph } = context;
  const agentName = graph.nameOf(audience.agentId);
  const notReader = audience.namedReaders ? `, and is not among those who may read ${graph.nameOf(audience.store.id)}${audience.copiedReadable ? " or every source it copies" : ""} directly` : "";
  return audience.askers.map((a) => {
    const how = askedHow(context, audience.agentId, a.id);
    return { element: a.id, note: `${askerNote(a)}; asks ${agentName}${how === "directly" ? "" : ` ${how}`}${notReader}` };
  });
}

/**
 * The line about an ingestion pipeline: it copies the sources into the store, with their permissions as they were at the
 * run (`filtered`, the store's filter keeps them with the copies) or leaving them behind; changes arrive with its next run.
 */
export function pipelineEvidence(context: AnalysisContext, pipeline: Pipeline, storeId: string, filtered = false): EvidenceItem {
  const { graph } = context;
  const sources = copiedSources(context, pipeline);
  const copies = sources.length ? `copies ${names(context, sources.slice(0, 4))}${sources.length > 4 ? " and more" : ""}` : "copies documents";
  const when = pipeline.schedule ? ` (${pipeline.schedule})` : "";
  const permissions = filtered ? "the copies keep the sources' permissions as they were at the run" : "the copies leave the sources' permissions behind";
  return { element: pipeline.id, note: `${copies} into ${graph.nameOf(storeId)}${when}: ${permissions}, and a permission changed in a source reaches them only at the next run` };
}

/** The sources a pipeline copies (those with a flow into it), in ID order. */
export function copiedSources(context: AnalysisContext, pipeline: Pipeline): string[] {
  const { graph } = context;
  return [...new Set(graph.flowsTo(pipeline.id).map((f) => f.from))].filter((id) => graph.kindOf(id) === "source").sort();
}

/** Data-minimisation controls on the way into the store (redaction or filtering before it is indexed), by ID. */
export function minimisationOnIngestion(context: AnalysisContext, pipelines: RetrievalAudience["pipelines"]): string[] {
  const ids = pipelines
    .flatMap(({ pipeline, flows }) => [pipeline.id, ...flows.map((f) => f.id)])
    .flatMap((id) => context.graph.controlsCovering(id))
    .filter((c) => c.type === "data-minimisation")
    .map((c) => c.id);
  return [...new Set(ids)];
}
