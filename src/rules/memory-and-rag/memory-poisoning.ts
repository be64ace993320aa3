import { effectStep, entrySteps, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor, moreDangerous } from "../../analysis/factors.js";
import type { Control } from "../../model/schema.js";
import { agentsReading, agentsWriting, byDamage, names, originEvidence, ownToolEffects, SEVERE_ACTIONS, type StoreAccess, strengthIn, worstEffect } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, PathStep, Rule } from "../rule.js";

export const memoryPoisoning: Rule = {
  id: "TW-MEM-001",
  title: "Memory poisoning: untrusted text persists in agent memory",
  category: "memory-and-rag",
  rationale:
    "An agent that reads attacker-controlled text and writes to long-term memory can be made to store the attacker's instructions or false facts (\"supplier X has a new bank account\"). Every later task that recalls the entry follows it, long after the original message is gone, and memories rarely record where they came from.",
  appliesWhen:
    "An injectable agent writes to a store that agents use as memory (a flow to it or a tool that writes it) and an agent reads it back (a flow from it or a tool that reads it). A store is agent memory by what agents do with it, not by its label: a memory store, a vector store that agents write to and read back, or any store agents write to and read over the memory channel. A vector index that only pipelines fill is a knowledge base, left to TW-RAG-001.",
  mappings: {
    stride: ["T"],
    owaspLlm: ["LLM04:2025", "LLM01:2025"],
    owaspAgentic: ["ASI06"],
    owaspAgenticThreats: ["T1"],
    atlasTechniques: ["AML.T0080.000", "AML.T0051.001"],
    atlasMitigations: ["AML.M0031", "AML.M0030"],
    maestro: ["L2", "L3"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 4,
  impact: 3,
  mitigations: [
    { control: "memory-hardening", reduces: "likelihood", by: 2, how: "entries carry their source and author, are validated before they are stored, expire, and untrusted ones are not recalled as instructions" },
    {
      control: "human-approval",
      reduces: "likelihood",
      by: 2,
      how: "a person reads each entry before it is stored; it counts where approvals cover every way a steered agent writes into the store (the writing tool or flow, or the store itself)",
      countsOn: "named",
    },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "recalled memories are marked as data, not instructions" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "agents that recall memories can do less with a poisoned one" },
    {
      control: "tenant-isolation",
      reduces: "impact",
      by: 1,
      how: "each user's memories are kept apart, keyed by who they verifiably are: what one conversation plants is recalled in that user's sessions only, not in everyone's",
    },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const memory of agentMemories(context)) {
      const { store: storeId, readers } = memory;
      const writers = memory.writers
        .map((w) => ({ ...w, origins: untrusted.originsReaching(w.agent) }))
        .filter((w) => w.origins.length > 0)
        .sort((a, b) => moreDangerous(graph, a.origins[0]!, b.origins[0]!) || (a.agent < b.agent ? -1 : 1));
      const writer = writers[0];
      if (!writer) continue;
      const top = writer.origins[0]!;
      const hops = untrusted.pathFrom(top.id, writer.agent);
      // The reader that can do the most with a poisoned memory.
      const acting = readers
        .map((r) => ({ reader: r, effect: worstEffect(ownToolEffects(capabilities.agentEffects(r.agent))) }))
        .filter((r) => r.effect && SEVERE_ACTIONS.has(r.effect.action))
        .sort((a, b) => byDamage(a.effect!.action, b.effect!.action) || (a.reader.agent < b.reader.agent ? -1 : 1))[0];
      const impact: Factor[] = acting
        ? [{ dimension: "impact", delta: 1, reason: `${graph.nameOf(acting.reader.agent)} recalls it and can ${acting.effect!.action} through ${graph.nameOf(acting.effect!.tool!)}` }]
        : [];
      const store = graph.nameOf(storeId);
      const recaller = acting?.reader.agent ?? readers[0]!.agent;
      const approval = writeApproval(context, storeId, writers.map((w) => w.agent));
      const path: PathStep[] = [
        ...entrySteps(graph, untrusted, top, writer.agent),
        { element: storeId, action: `${graph.nameOf(writer.agent)} stores the attacker's instructions or false facts in ${store}`, technique: TECHNIQUE.memoryPoisoning },
        { element: recaller, action: `${graph.nameOf(recaller)} recalls the entry in a later task and follows it`, technique: TECHNIQUE.memoryPoisoning },
        ...(acting ? [effectStep(graph, acting.effect!)] : []),
      ];
      detections.push({
        anchors: [storeId],
        summary: `${names(context, writers.map((w) => w.agent))} read${writers.length === 1 ? "s" : ""} text from ${graph.nameOf(top.id)} and write${writers.length === 1 ? "s" : ""} to ${store}, which ${names(context, readers.map((r) => r.agent))} recall${readers.length === 1 ? "s" : ""} in later tasks.`,
        evidence: [
          ...originEvidence(context, writer.origins, writer.agent),
          ...(memory.why ? [{ element: storeId, note: memory.why }] : []),
          ...writers.map((w): EvidenceItem => ({ element: w.agent, note: `reads untrusted text and writes to ${store} (via ${graph.nameOf(w.via)})` })),
          ...readers.map((r): EvidenceItem => ({ element: r.agent, note: `recalls entries from ${store} (via ${graph.nameOf(r.via)})` })),
          ...approval.evidence,
        ],
        factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops, true), ...impact],
        path,
        scope: [...new Set([...writers.map((w) => w.via), ...readers.map((r) => r.via), ...readers.map((r) => r.agent), ...approval.scope])],
      });
    }
    return detections;
  },
};

export interface AgentMemory {
  store: string;
  /** Agents that write to it, each with its first way (a flow or a tool). */
  writers: StoreAccess[];
  /** Agents that read it back into their context. */
  readers: StoreAccess[];
  /** Why a store not typed memory counts as agent memory; absent for a memory store. */
  why?: string;
}

const memoriesCache = new WeakMap<AnalysisContext, AgentMemory[]>();

/**
 * The stores agents use as long-term memory, in ID order: written by agents and read back by agents
 * (the same or others), and a memory store, a vector store (agents' notes retrieved by similarity), or
 * a store written or read over the memory channel. What they are labelled matters less than what
 * agents do with them; a vector index only pipelines write is a knowledge base (TW-RAG-001's).
 */
export function agentMemories(context: AnalysisContext): AgentMemory[] {
  const cached = memoriesCache.get(context);
  if (cached) return cached;
  const { graph } = context;
  const found: AgentMemory[] = [];
  for (const node of graph.ofKind("datastore")) {
    const type = node.element.type;
    const overMemoryChannel = [...graph.flowsTo(node.id), ...graph.flowsFrom(node.id)].some((f) => f.channel === "memory");
    if (type !== "memory" && type !== "vector" && !overMemoryChannel) continue;
    const writers = agentsWriting(context, node.id);
    if (writers.length === 0) continue;
    const readers = agentsReading(context, node.id);
    if (readers.length === 0) continue;
    const why =
      type === "memory"
        ? undefined
        : type === "vector"
          ? `a vector store that ${names(context, writers.map((w) => w.agent))} write${writers.length === 1 ? "s" : ""} to and agents read back: agent memory, whatever its label`
          : `a ${String(type)} store that agents write to and read over the memory channel: agent memory, whatever its label`;
    found.push({ store: node.id, writers, readers, ...(why ? { why } : {}) });
  }
  memoriesCache.set(context, found);
  return found;
}

/** Every way each agent writes into the store: its flows to it and the tools it calls that write or publish there. */
function writeWays(context: AnalysisContext, storeId: string, agents: readonly string[]): { agent: string; via: string }[] {
  const { graph } = context;
  const ways: { agent: string; via: string }[] = [];
  for (const agent of agents) {
    for (const flow of graph.flowsFrom(agent)) if (flow.to === storeId) ways.push({ agent, via: flow.id });
    for (const tool of graph.toolsOf(agent)) {
      if (tool.capabilities.some((c) => (c.action === "write" || c.action === "publish") && (c.on ?? []).includes(storeId))) ways.push({ agent, via: tool.id });
    }
  }
  return ways;
}

/**
 * The human approval that counts against poisoning the store: one must cover every way a steered agent
 * writes there (the tool or flow, or the store itself), or the attacker takes the way it does not. The
 * least protected way sets the reduction; that way's strongest approval goes in the scope.
 */
function writeApproval(context: AnalysisContext, storeId: string, writers: readonly string[]): { scope: string[]; evidence: EvidenceItem[] } {
  const { graph } = context;
  const approvalsOn = (id: string) => graph.controlsCovering(id).filter((c) => c.type === "human-approval");
  const onStore = approvalsOn(storeId);
  const ways = writeWays(context, storeId, writers);
  let weakest: Control | undefined;
  const open: { agent: string; via: string }[] = [];
  const seen = new Map<string, Control>();
  for (const way of ways) {
    const candidates = [...onStore, ...approvalsOn(way.via)].sort((a, b) => strengthIn(context, b) - strengthIn(context, a) || (a.id < b.id ? -1 : 1));
    for (const c of candidates) seen.set(c.id, c);
    const best = candidates[0];
    if (!best) open.push(way);
    else if (!weakest || strengthIn(context, best) < strengthIn(context, weakest) || (strengthIn(context, best) === strengthIn(context, weakest) && best.id < weakest.id)) weakest = best;
  }
  const gap = open[0];
  if (!gap) {
    if (!weakest) return { scope: [], evidence: [] };
    const agents = [...new Set(ways.map((w) => w.agent))];
    const note = `a person approves what ${names(context, agents)} write${agents.length === 1 ? "s" : ""} into ${graph.nameOf(storeId)} (through ${names(context, [...new Set(ways.map((w) => w.via))])}) before it is stored`;
    return { scope: [weakest.id], evidence: [{ element: weakest.id, note }] };
  }
  const evidence = [...seen.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((c) => ({ element: c.id, note: `approves some writes into ${graph.nameOf(storeId)}, but not ${graph.nameOf(gap.agent)}'s through ${graph.nameOf(gap.via)}, so it does not count` }));
  return { scope: [], evidence };
}
