import type { SystemGraph } from "../../graph/graph.js";
import { byDamage, killSwitchOn, names, ownToolEffects, RUNAWAY_ACTIONS } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

/** How many chain starts are tracked per agent; enough to report, and it bounds the work. */
const ROOTS_PER_AGENT = 8;

interface Arrival {
  /** The agent before this one on the chain from the root. */
  previous: string;
  /** Agents on the chain, root and this one included. */
  length: number;
}

/**
 * Chains of agents along flows: from every agent that no other agent feeds (a
 * root), breadth-first along agent-to-agent flows, not entering agents stopped
 * by a kill switch (a stopped agent passes nothing on). For each agent, the
 * roots whose chains reach it, at most ROOTS_PER_AGENT, in arrival order.
 */
function traceChains(graph: SystemGraph, guarded: (agentId: string) => boolean): Map<string, Map<string, Arrival>> {
  const agentsFeeding = (id: string) => graph.flowsTo(id).filter((f) => f.from !== id && graph.kindOf(f.from) === "agent");
  const arrivals = new Map<string, Map<string, Arrival>>();
  const queue: { node: string; root: string }[] = [];
  for (const node of graph.ofKind("agent")) {
    if (agentsFeeding(node.id).length > 0 || guarded(node.id)) continue;
    arrivals.set(node.id, new Map([[node.id, { previous: node.id, length: 1 }]]));
    queue.push({ node: node.id, root: node.id });
  }
  for (let head = 0; head < queue.length; head++) {
    const { node, root } = queue[head]!;
    const length = arrivals.get(node)!.get(root)!.length + 1;
    for (const flow of graph.flowsFrom(node)) {
      const next = flow.to;
      if (next === node || graph.kindOf(next) !== "agent" || guarded(next)) continue;
      let reached = arrivals.get(next);
      if (!reached) arrivals.set(next, (reached = new Map()));
      if (reached.has(root) || reached.size >= ROOTS_PER_AGENT) continue;
      reached.set(root, { previous: node, length });
      queue.push({ node: next, root });
    }
  }
  return arrivals;
}

export const cascadeWithoutCircuitBreaker: Rule = {
  id: "TW-CAS-001",
  title: "Cascading actions with no circuit breaker",
  category: "multi-agent",
  rationale:
    "In a chain of agents each one acts on what the one before it produced. A wrong extraction, a hallucination or an injected instruction at the start turns into payments, deletions or published content at the end, repeated for every item in the queue, at machine speed. Without a way to stop the chain, people notice only after the damage is done.",
  appliesWhen:
    "Two or more agents are linked by flows, the last one spends, deletes, executes, publishes or administers on its own (autonomy autonomous or not stated), and no kill-switch control is in place on any agent of the chain, their hosts, or the acting agent's tools.",
  mappings: {
    stride: ["T", "D"],
    owaspLlm: ["LLM06:2025"],
    owaspAgentic: ["ASI08"],
    owaspAgenticThreats: ["T5", "T13"],
    atlasTechniques: ["AML.T0053"],
    atlasMitigations: ["AML.M0029", "AML.M0024"],
    maestro: ["L3", "L5", "L7"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    euAiAct: ["Art. 14"],
  },
  likelihood: 3,
  impact: 4,
  mitigations: [
    { control: "kill-switch", reduces: "impact", by: 2, how: "someone can stop the chain as soon as it misbehaves" },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a person approves the acting agent's consequential actions" },
    { control: "rate-limit", reduces: "impact", by: 1, how: "bounds how many actions the chain takes before anyone notices" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    const guarded = (agentId: string) => killSwitchOn(context, agentId) || killSwitchOn(context, graph.agent(agentId)?.runsOn);
    const chains = traceChains(graph, guarded);
    const anyChains = traceChains(graph, () => false);
    for (const node of graph.ofKind("agent")) {
      const acting = graph.agent(node.id)!;
      if (acting.autonomy !== undefined && acting.autonomy !== "autonomous") continue;
      const effects = ownToolEffects(capabilities.agentEffects(acting.id))
        .filter((e) => RUNAWAY_ACTIONS.has(e.action))
        .sort((a, b) => byDamage(a.action, b.action));
      if (effects.length === 0) continue;
      const tools = [...new Set(effects.map((e) => e.tool!))];
      if (guarded(acting.id) || tools.some((t) => killSwitchOn(context, t))) continue;
      const starts: { root: string; previous: string; length: number }[] = [...(chains.get(acting.id) ?? [])].filter(([root]) => root !== acting.id).map(([root, a]) => ({ root, ...a }));
      if (starts.length === 0 && !anyChains.has(acting.id)) {
        // Fed only from a loop of agents that no root leads into: the chain starts at its nearest feeding agent.
        const feeder = graph
          .flowsTo(acting.id)
          .map((f) => f.from)
          .filter((id) => id !== acting.id && graph.kindOf(id) === "agent" && !guarded(id))
          .sort()[0];
        if (feeder) starts.push({ root: feeder, previous: feeder, length: 2 });
      }
      const actions = [...new Set(effects.map((e) => e.action))];
      for (const { root, previous, length } of starts) {
        // Text reaching any agent of the chain flows on to the acting agent; name where it enters if that is the start.
        const exposed = untrusted.reaches(acting.id) ? ([root, previous].find((a) => untrusted.reaches(a)) ?? acting.id) : undefined;
        const factors: Factor[] = exposed ? [{ dimension: "likelihood", delta: 1, reason: `untrusted text enters the chain at ${graph.nameOf(exposed)}` }] : [];
        const chain = length === 2 ? [root, acting.id] : length === 3 ? [root, previous, acting.id] : [root, "…", previous, acting.id];
        detections.push({
          anchors: [root, acting.id],
          summary: `${chain.map((a) => (a === "…" ? a : graph.nameOf(a))).join(" → ")}${length > 3 ? ` (${length} agents)` : ""}: ${graph.nameOf(acting.id)} acts on what the chain passes it and can ${actions.join(", ")} through ${names(context, tools)} on its own, and nothing is in place to stop the chain.`,
          evidence: [
            { element: root, note: `starts the chain of ${length} agents` },
            ...(previous !== root ? [{ element: previous, note: `passes its output on to ${graph.nameOf(acting.id)}` }] : []),
            { element: acting.id, note: `acts ${acting.autonomy === "autonomous" ? "autonomously" : "with no autonomy level stated"}` },
            ...tools.map((t): EvidenceItem => ({ element: t, note: `consequential capability: ${[...new Set(effects.filter((e) => e.tool === t).map((e) => e.action))].join(", ")}` })),
          ],
          factors,
          scope: [...new Set([root, previous, acting.id, ...tools])],
        });
      }
    }
    return detections;
  },
};
