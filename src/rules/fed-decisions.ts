// Automated decisions an agent's output feeds: what a steered agent writes becomes a model's
// input, and that one's answer is acted on (a ranker that rejects candidates, a fraud score that blocks payments).
import type { Model } from "../model/schema.js";
import type { AnalysisContext, Factor } from "./rule.js";

/** A model with a declared decision at medium or high stakes that the agent's output reaches. */
export interface FedDecision {
  decider: string;
  decision: NonNullable<Model["decision"]>;
}

/** Kinds output passes through on its way to a decision: stores it waits in, services and pipelines that hand it on, tools that write it. */
const CARRIERS: ReadonlySet<string> = new Set(["datastore", "service", "pipeline", "tool"]);
/** Actions by which an agent's tool puts the agent's words somewhere. */
const WRITING: ReadonlySet<string> = new Set(["write", "send", "publish"]);

const cache = new WeakMap<AnalysisContext, { any: boolean; byAgent: Map<string, FedDecision[]> }>();

/**
 * The decisions of models (at medium or high stakes) that the agent's output reaches: along its own flows and its
 * tools' flows and writes, through stores, services and pipelines, keeping to the data the flows say they carry.
 * A person on the way (an actor) or another agent ends the way: they read it and act for themselves, and an agent
 * that decides is injectable in its own right (TW-MIS-002 rates it, with this agent's messages among its
 * entries). The agent's own models are its reasoning, not a decision it feeds. In decider ID order.
 */
export function fedDecisions(context: AnalysisContext, agentId: string): FedDecision[] {
  const { graph } = context;
  let state = cache.get(context);
  if (!state) {
    state = { any: graph.ofKind("model").some((n) => isDecision((n.element as unknown as Model).decision)), byAgent: new Map() };
    cache.set(context, state);
  }
  if (!state.any) return [];
  const known = state.byAgent.get(agentId);
  if (known) return known;
  const agent = graph.agent(agentId);
  const own = new Set<string>([agentId, ...(agent?.models ?? [])]);
  const found = new Map<string, FedDecision>();
  // What has reached each element: the data IDs, or null for anything (a flow that lists no data).
  const reached = new Map<string, Set<string> | null>();
  const queue: { at: string; data: Set<string> | null }[] = [];
  const arrive = (at: string, data: Set<string> | null) => {
    if (own.has(at)) return;
    const kind = graph.kindOf(at);
    if (kind === "model") {
      const decision = (graph.node(at)?.element as unknown as Model | undefined)?.decision;
      if (isDecision(decision) && !found.has(at)) found.set(at, { decider: at, decision });
      return;
    }
    if (!kind || !CARRIERS.has(kind)) return;
    // A tool that only reads takes a query, not the agent's words, and changes nothing downstream.
    if (kind === "tool" && !graph.tool(at)?.capabilities.some((c) => WRITING.has(c.action))) return;
    const before = reached.get(at);
    if (before === null) return;
    let fresh: Set<string> | null;
    if (data === null) fresh = null;
    else if (before === undefined) fresh = data;
    else {
      fresh = new Set([...data].filter((d) => !before.has(d)));
      if (fresh.size === 0) return;
    }
    reached.set(at, data === null ? null : new Set([...(before ?? []), ...data]));
    queue.push({ at, data: fresh });
  };
  const along = (from: string, data: Set<string> | null) => {
    for (const flow of graph.flowsFrom(from)) {
      const carried = flow.data === undefined ? data : new Set(data === null ? flow.data : flow.data.filter((d) => data.has(d)));
      if (carried !== null && carried.size === 0) continue;
      arrive(flow.to, carried);
    }
  };
  along(agentId, null);
  for (const tool of graph.toolsOf(agentId)) {
    arrive(tool.id, null);
    for (const capability of tool.capabilities) if (WRITING.has(capability.action)) for (const resource of capability.on ?? []) arrive(resource, null);
  }
  for (let next = 0; next < queue.length; next++) along(queue[next]!.at, queue[next]!.data);
  const result = [...found.values()].sort((a, b) => (a.decider < b.decider ? -1 : 1));
  state.byAgent.set(agentId, result);
  return result;
}

function isDecision(decision: Model["decision"] | undefined): decision is NonNullable<Model["decision"]> {
  return decision !== undefined && decision.stakes !== "low";
}

/**
 * Impact of steering an agent through the decisions its output feeds, or undefined when it feeds none: +1 at high
 * stakes, since the attacker's words become the decision's input (a manipulated ranking, a payment let through),
 * whatever the agent's own tools can do; nothing at medium stakes, though such an agent does not "act on nothing".
 */
export function decisionFedImpact(context: AnalysisContext, agentId: string, whose = context.graph.nameOf(agentId)): Factor[] | undefined {
  const fed = fedDecisions(context, agentId);
  if (fed.length === 0) return undefined;
  const high = fed.filter((f) => f.decision.stakes === "high");
  if (high.length === 0) return [];
  const first = high[0]!;
  const more = high.length > 1 ? ` (and ${high.length - 1} more decision${high.length > 2 ? "s" : ""})` : "";
  return [{ dimension: "impact", delta: 1, reason: `what ${whose} produces reaches ${context.graph.nameOf(first.decider)}, whose answer decides ${first.decision.what} (stakes high)${more}` }];
}
