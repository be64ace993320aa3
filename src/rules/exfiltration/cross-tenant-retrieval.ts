import { sensitivityFactor } from "../../analysis/factors.js";
import { heldData, sensitivity } from "../../analysis/sensitivity.js";
import { agentsReading, askedHow, askers, names, outsideCallers, readWays, servedIdentity, type OutsideCaller, type StoreAccess } from "../helpers.js";
import type { SystemGraph } from "../../graph/graph.js";
import type { AnalysisContext, Detection, Rule } from "../rule.js";

const RETRIEVAL_STORES = new Set(["vector", "memory"]);

/** A store with tenancy shared, the agents that read it (perhaps none) and what it holds; undefined when all it holds is public. */
function sharedStore(context: AnalysisContext, storeId: string): { retrieval: boolean; readers: StoreAccess[]; data: string[] } | undefined {
  const { graph } = context;
  const store = graph.node(storeId)?.element;
  if (!store || graph.kindOf(storeId) !== "datastore" || store.tenancy !== "shared") return undefined;
  const readers = agentsReading(context, storeId);
  const data = [...new Set([...heldData(graph, storeId), ...graph.flowsFrom(storeId).flatMap((f) => f.data ?? [])])].filter((d) => graph.data(d) !== undefined).sort();
  if (data.length > 0 && data.every((d) => sensitivity(graph.data(d)!) <= 1)) return undefined; // only public content: nothing to leak
  return { retrieval: RETRIEVAL_STORES.has(String(store.type)), readers, data };
}

/**
 * What this rule finds at a vector or memory store: the agents that read it and the data it holds, or
 * nothing when it does not apply. TW-EXF-005 (permission-blind retrieval) leaves the stores this rule
 * speaks for to it, so one store and agent get the tenant story or the asker's-permissions story, not both.
 */
export function crossTenantExposure(context: AnalysisContext, storeId: string): { readers: StoreAccess[]; data: string[] } | undefined {
  const shared = sharedStore(context, storeId);
  return shared?.retrieval && shared.readers.length > 0 ? { readers: shared.readers, data: shared.data } : undefined;
}

/** People who use the system on behalf of a tenant organisation: customers' and partners' staff. */
const TENANT_USERS: ReadonlySet<string> = new Set(["customer", "partner"]);

/**
 * Whether the agent reads the store only through tools that call with the asker's own token (delegated):
 * the store then sees the asker, and their tenant goes with every read, outside the model's control.
 */
function readsAsAsker(context: AnalysisContext, storeId: string, agentId: string): boolean {
  const { graph } = context;
  if (readWays(graph, storeId).some((way) => way.agent === agentId)) return false;
  const tools = graph.toolsActingOn(storeId).filter((use) => (use.action === "read" || use.action === "fetch") && graph.agentsUsingTool(use.tool).some((a) => a.id === agentId));
  return tools.length > 0 && tools.every((use) => graph.tool(use.tool)?.delegated === true);
}

/** The reading agents the asker asks, and how: "Search agent directly", "Worker through Router, which passes the request on". */
function askedAgents(context: AnalysisContext, agents: readonly string[], asker: string): string {
  const asked = agents.filter((agent) => askers(context, agent).some((o) => o.id === asker));
  const ways = new Map<string, string[]>();
  for (const agent of asked) {
    const how = askedHow(context, agent, asker);
    (ways.get(how) ?? ways.set(how, []).get(how)!).push(agent);
  }
  return [...ways].map(([how, ids]) => `${names(context, ids)} ${how}`).join(" and ");
}

/** How the caller reaches the served tools' servers, for a sentence: "Tasklane MCP server through Customers' agents". */
function servedHow(context: AnalysisContext, served: readonly ServedRead[], actor: string): string {
  const ways = new Map<string, string[]>();
  for (const read of served) {
    const caller = read.callers.find((c) => c.actor === actor);
    if (!caller) continue;
    const how = caller.through.length ? `through ${names(context, caller.through)}` : "directly";
    const servers = ways.get(how) ?? ways.set(how, []).get(how)!;
    if (!servers.includes(read.server)) servers.push(read.server);
  }
  return [...ways].map(([how, servers]) => `${names(context, servers)} ${how}`).join(" and ");
}

/** Of the reading agents, those that tenants' users ask, and who those users are. */
function askedByTenants(context: AnalysisContext, readers: readonly StoreAccess[]): { readers: StoreAccess[]; askers: string[] } {
  const { graph } = context;
  const asked = readers
    .map((reader) => ({ reader, askers: askers(context, reader.agent).filter((o) => graph.kindOf(o.id) === "actor" && TENANT_USERS.has(String(graph.node(o.id)?.element.type))).map((o) => o.id) }))
    .filter((a) => a.askers.length > 0);
  return { readers: asked.map((a) => a.reader), askers: [...new Set(asked.flatMap((a) => a.askers))].sort() };
}

/**
 * Of the agents that read a record store (any type but vector and memory) of several tenants, those that
 * people of those tenants ask (not only with their own token: readsAsAsker), and who they are: the agents' reads must carry the asker's tenant,
 * and a query without it returns another tenant's records. Agents only the team's own staff ask see
 * every tenant by design, and are left out.
 */
function readForTenants(context: AnalysisContext, storeId: string, readers: readonly StoreAccess[]): { readers: StoreAccess[]; askers: string[] } {
  return askedByTenants(context, readers.filter((reader) => !readsAsAsker(context, storeId, reader.agent)));
}

/** A tool of an MCP server the team serves that reads the store with an identity of its own, and the tenants' users who call that server from outside. */
interface ServedRead {
  tool: string;
  server: string;
  /** The identity it reads as, where the model names one (servedIdentity). */
  identity?: string;
  callers: OutsideCaller[];
}

/**
 * Tools on MCP servers the team serves to outside callers that read the store as an identity of their own,
 * not with the caller's token: each call carries one tenant's user, yet the store answers for every
 * tenant, and only the tool's own code keeps the caller to theirs. A delegated tool is left out.
 */
function servedReads(graph: SystemGraph, storeId: string): ServedRead[] {
  const reads: ServedRead[] = [];
  for (const use of graph.toolsActingOn(storeId)) {
    if (use.action !== "read" && use.action !== "fetch") continue;
    const tool = graph.tool(use.tool);
    if (!tool?.server || tool.delegated === true || reads.some((r) => r.tool === tool.id)) continue;
    const callers = outsideCallers(graph, tool.server).filter((c) => TENANT_USERS.has(String(graph.node(c.actor)?.element.type)));
    const identity = servedIdentity(graph, tool);
    if (callers.length > 0) reads.push({ tool: tool.id, server: tool.server, ...(identity ? { identity } : {}), callers });
  }
  return reads.sort((a, b) => (a.tool < b.tool ? -1 : 1));
}

export const crossTenantRetrieval: Rule = {
  id: "TW-EXF-004",
  title: "Cross-tenant retrieval from a shared store",
  category: "exfiltration",
  rationale:
    "Similarity search returns whatever is closest to the query. When one vector or memory store holds several tenants' content side by side, a missing or wrong tenant filter puts another customer's documents or memories into the context, and the model repeats them. A curious or malicious tenant can also craft queries to pull them out. A database of several tenants' records is the same for an agent that serves those tenants' users: its tool queries by what the model asks for, and unless the asker's tenant is part of every query, outside the model's control, one tenant's user asking for a name gets another tenant's record. A tool the team serves to customers' own agents over MCP is the same when it reads as a service account that sees every tenant: a confused deputy whose only tenant boundary is a clause in its query.",
  appliesWhen:
    "A vector or memory store with tenancy shared is read by an agent (a flow from the store to the agent, or through a service that passes its content on, or a tool that reads it); or another store with tenancy shared is read by an agent that customers' or partners' people ask, directly (through clients and services only) or through agents that pass their request on: staff see every tenant by design. An agent that reads such a record store only through tools that call with the asker's own token (delegated) is left out: the store sees the asker, and their tenant goes with every read. A shared store of either kind is also read for tenants when a tool of an MCP server the team serves reads it as an identity of its own (not delegated) and customers' or partners' people call that server from outside, by flows straight to it or through clients, services and their own organisation's agents (thirdParty): each call carries one tenant, and only the tool's code keeps the answer to it. Not where everything known to be in the store is public. Likelihood +1 where a tenant's own users write the queries (they ask a reading agent, or call the served tool): reaching another tenant then takes no more than asking, where retrieval for staff only leaks by accident.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM08:2025", "LLM02:2025"],
    atlasTechniques: ["AML.T0085.000", "AML.T0057"],
    atlasMitigations: ["AML.M0005", "AML.M0027"],
    maestro: ["L2"],
    nistAiRmf: ["MAP", "MANAGE"],
  },
  likelihood: 3,
  impact: 4,
  mitigations: [
    { control: "tenant-isolation", reduces: "likelihood", by: 3, how: "each tenant's content sits in its own index or namespace, or every query is filtered by tenant outside the model's and the asker's control: the tenant is no longer the query's to choose" },
    { control: "authorization", reduces: "likelihood", by: 1, how: "retrieved entries are checked against the caller's permissions before they reach the context" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("datastore")) {
      const shared = sharedStore(context, node.id);
      if (!shared) continue;
      const { retrieval, data } = shared;
      const records = retrieval ? undefined : readForTenants(context, node.id, shared.readers);
      const readers = records?.readers ?? shared.readers;
      const served = servedReads(graph, node.id);
      if (readers.length === 0 && served.length === 0) continue;
      const store = node.element;
      const agents = readers.map((r) => r.agent);
      const what = data.length ? names(context, data.slice(0, 3)) : "content";
      const clauses: string[] = [];
      if (agents.length > 0) clauses.push(`${names(context, agents)} ${retrieval ? "retrieve" : "read"}${agents.length === 1 ? "s" : ""} from it${records ? ` for ${names(context, records.askers)}` : ""}`);
      const readsAs = (read: ServedRead) => `reads it${read.identity ? ` as ${graph.nameOf(read.identity)}` : ""}, not with the caller's own token`;
      for (const read of served) clauses.push(`${graph.nameOf(read.tool)}, a tool of ${graph.nameOf(read.server)}, ${readsAs(read)}, for ${names(context, read.callers.map((c) => c.actor))}`);
      const perTenant = records !== undefined || readers.length === 0;
      const callers = [...new Set([...(records?.askers ?? []), ...served.flatMap((r) => r.callers.map((c) => c.actor))])];
      // Who writes the queries: where a tenant's own users ask the reading agent or call the served tool, reaching
      // another tenant's entries takes no more than asking for them; retrieval for staff only leaks by accident.
      const steering = [...new Set([...callers, ...(retrieval ? askedByTenants(context, readers).askers : [])])].sort();
      detections.push({
        anchors: [node.id],
        summary: perTenant
          ? `${graph.nameOf(node.id)} holds several tenants' ${what} side by side and ${clauses.join(", and ")}, who work for different tenants; a query without the ${agents.length > 0 ? "asker" : "caller"}'s tenant in it returns another tenant's records.`
          : `${graph.nameOf(node.id)} holds several tenants' ${what} side by side and ${clauses.join(", and ")}${served.length > 0 ? `, who work for different tenants` : ""}; one tenant's queries can return another's entries.`,
        evidence: [
          { element: node.id, note: `${String(store.type)} store with tenancy shared` },
          ...readers.map((r) => ({ element: r.agent, note: `${retrieval ? "retrieves from it" : "reads it"} (via ${graph.nameOf(r.via)})` })),
          ...served.map((read) => ({ element: read.tool, note: `${readsAs(read)}, on ${graph.nameOf(read.server)}, which callers from outside reach` })),
          ...callers.map((a) => {
            const ways = [records?.askers.includes(a) ? `asks ${askedAgents(context, agents, a)}` : "", served.some((r) => r.callers.some((c) => c.actor === a)) ? `calls ${servedHow(context, served, a)}` : ""];
            return { element: a, note: `${ways.filter(Boolean).join(" and ")}: one tenant's user` };
          }),
          ...data.slice(0, 4).map((d) => ({ element: d, note: "held for several tenants" })),
        ],
        factors: [
          ...(steering.length > 0 ? [{ dimension: "likelihood" as const, delta: 1, reason: `${names(context, steering)} write the queries themselves: reaching another tenant takes no more than asking` }] : []),
          ...sensitivityFactor(graph, data),
        ],
        scope: [...readers.map((r) => r.via), ...agents, ...served.flatMap((r) => [r.tool, r.server])],
      });
    }
    return detections;
  },
};
