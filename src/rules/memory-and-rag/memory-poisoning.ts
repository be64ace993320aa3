import { effectStep, entrySteps, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import { agentsReading, agentsWriting, byDamage, names, originEvidence, ownToolEffects, SEVERE_ACTIONS, worstEffect } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, PathStep, Rule } from "../rule.js";

export const memoryPoisoning: Rule = {
  id: "TW-MEM-001",
  title: "Memory poisoning: untrusted text persists in agent memory",
  category: "memory-and-rag",
  rationale:
    "An agent that reads attacker-controlled text and writes to long-term memory can be made to store the attacker's instructions or false facts (\"supplier X has a new bank account\"). Every later task that recalls the entry follows it, long after the original message is gone, and memories rarely record where they came from.",
  appliesWhen: "An injectable agent writes to a memory store (a flow to it or a tool that writes it) that an agent reads (a flow from it or a tool that reads it).",
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
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "recalled memories are marked as data, not instructions" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "agents that recall memories can do less with a poisoned one" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("datastore")) {
      if (node.element.type !== "memory") continue;
      const readers = agentsReading(context, node.id);
      if (readers.length === 0) continue;
      const writers = agentsWriting(context, node.id)
        .map((w) => ({ ...w, origins: untrusted.originsReaching(w.agent) }))
        .filter((w) => w.origins.length > 0)
        .sort((a, b) => b.origins[0]!.exposure - a.origins[0]!.exposure || (a.agent < b.agent ? -1 : 1));
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
      const store = graph.nameOf(node.id);
      const recaller = acting?.reader.agent ?? readers[0]!.agent;
      const path: PathStep[] = [
        ...entrySteps(graph, untrusted, top, writer.agent),
        { element: node.id, action: `${graph.nameOf(writer.agent)} stores the attacker's instructions or false facts in ${store}`, technique: TECHNIQUE.memoryPoisoning },
        { element: recaller, action: `${graph.nameOf(recaller)} recalls the entry in a later task and follows it`, technique: TECHNIQUE.memoryPoisoning },
        ...(acting ? [effectStep(graph, acting.effect!)] : []),
      ];
      detections.push({
        anchors: [node.id],
        summary: `${names(context, writers.map((w) => w.agent))} read${writers.length === 1 ? "s" : ""} text from ${graph.nameOf(top.id)} and write${writers.length === 1 ? "s" : ""} to ${store}, which ${names(context, readers.map((r) => r.agent))} recall${readers.length === 1 ? "s" : ""} in later tasks.`,
        evidence: [
          ...originEvidence(context, writer.origins, writer.agent),
          ...writers.map((w): EvidenceItem => ({ element: w.agent, note: `reads untrusted text and writes to ${store} (via ${graph.nameOf(w.via)})` })),
          ...readers.map((r): EvidenceItem => ({ element: r.agent, note: `recalls entries from ${store} (via ${graph.nameOf(r.via)})` })),
        ],
        factors: [...exposureFactor(graph, top), ...attackerFactor(graph), ...pathLengthFactor(hops.length + 1), ...impact],
        path,
        scope: [...new Set([...writers.map((w) => w.via), ...readers.map((r) => r.via), ...readers.map((r) => r.agent)])],
      });
    }
    return detections;
  },
};
