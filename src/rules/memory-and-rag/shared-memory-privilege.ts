import type { Effect } from "../../analysis/capabilities.js";
import { effectStep, entrySteps, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor, moreDangerous } from "../../analysis/factors.js";
import { capabilitiesBeyond, names, originEvidence, SEVERE_ACTIONS } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";
import { agentMemories } from "./memory-poisoning.js";

export const sharedMemoryPrivilege: Rule = {
  id: "TW-MEM-002",
  title: "Memory shared by agents of different privilege",
  category: "memory-and-rag",
  rationale:
    "When a less capable agent and a more capable one share long-term memory, whatever the first writes becomes context for the second. An attacker who can steer the exposed, low-privilege agent (the one reading email or documents) reaches the capabilities of the privileged one (payments, deletions, code execution) without ever talking to it: privilege escalation through memory.",
  appliesWhen:
    "A store agents use as memory (as TW-MEM-001 decides: a memory store, a vector store agents write to and read back, or a store written or read over the memory channel) is written by one agent and read by another that has consequential capabilities (spend, write, delete, execute, send, publish, admin) the writer lacks, at least as severe as anything the writer can do.",
  mappings: {
    stride: ["E", "T"],
    owaspLlm: ["LLM06:2025", "LLM04:2025"],
    owaspAgentic: ["ASI06", "ASI03", "ASI07"],
    owaspAgenticThreats: ["T1", "T3"],
    atlasTechniques: ["AML.T0080.000", "AML.T0053"],
    atlasMitigations: ["AML.M0031", "AML.M0032", "AML.M0026"],
    maestro: ["L2", "L3", "L7"],
    nistAiRmf: ["MAP", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 3,
  impact: 4,
  mitigations: [
    { control: "memory-hardening", reduces: "likelihood", by: 2, how: "entries record their author, and the privileged agent recalls only entries from agents it trusts or that a person confirmed" },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a person approves the privileged agent's consequential actions" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the privileged agent can do less" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    for (const { store: storeId, writers, readers, why } of agentMemories(context)) {
      const store = graph.nameOf(storeId);
      for (const reader of readers) {
        // Other writers that lack what the reader can do (the reader itself lacks nothing, so it is skipped before the work); the most dangerous first.
        const weaker = writers
          .filter((w) => w.agent !== reader.agent)
          .map((w) => ({ ...w, beyond: capabilitiesBeyond(context, reader.agent, w.agent), origins: untrusted.originsReaching(w.agent) }))
          .filter((w) => w.beyond.length > 0)
          .sort((a, b) => (a.origins[0] && b.origins[0] ? moreDangerous(graph, a.origins[0], b.origins[0]) : Number(b.origins[0] !== undefined) - Number(a.origins[0] !== undefined)) || (a.agent < b.agent ? -1 : 1));
        const writer = weaker[0];
        if (!writer) continue;
        const beyond: Effect[] = writer.beyond;
        const worst = beyond[0]!;
        const top = writer.origins[0];
        const hops = top ? untrusted.pathFrom(top.id, writer.agent) : [];
        const likelihood: Factor[] = top
          ? [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops, true)]
          : [{ dimension: "likelihood", delta: -1, reason: `no untrusted text reaches ${names(context, weaker.map((w) => w.agent))}; only a mistake or a compromise of the writer carries over` }];
        const impact: Factor[] = !SEVERE_ACTIONS.has(worst.action) ? [{ dimension: "impact", delta: -1, reason: `the most ${graph.nameOf(reader.agent)} can do beyond the writer is ${worst.action}` }] : [];
        const abilities = [...new Set(beyond.map((e) => `${e.action}${e.resource ? ` on ${graph.nameOf(e.resource)}` : ""}`))];
        const tools = [...new Set(beyond.map((e) => e.tool!))];
        detections.push({
          anchors: [storeId, reader.agent],
          summary: `${names(context, weaker.map((w) => w.agent))} write${weaker.length === 1 ? "s" : ""} to ${store}, which ${graph.nameOf(reader.agent)} recalls; ${graph.nameOf(reader.agent)} can ${abilities.slice(0, 3).join(", ")}${abilities.length > 3 ? " and more" : ""}, which the writer cannot${top ? `, and the writer reads text from ${graph.nameOf(top.id)}` : ""}.`,
          evidence: [
            ...(top ? originEvidence(context, writer.origins, writer.agent) : []),
            ...(why ? [{ element: storeId, note: why }] : []),
            ...weaker.map((w): EvidenceItem => ({ element: w.agent, note: `writes to ${store} (via ${graph.nameOf(w.via)}) without ${graph.nameOf(reader.agent)}'s capabilities` })),
            { element: reader.agent, note: `recalls entries from ${store} (via ${graph.nameOf(reader.via)})` },
            ...tools.map((t): EvidenceItem => ({ element: t, note: `capability the writer lacks: ${[...new Set(beyond.filter((e) => e.tool === t).map((e) => e.action))].join(", ")}` })),
          ],
          factors: [...likelihood, ...impact],
          ...(top
            ? {
                path: [
                  ...entrySteps(graph, untrusted, top, writer.agent),
                  { element: storeId, action: `${graph.nameOf(writer.agent)} stores the attacker's instructions in ${store}`, technique: TECHNIQUE.memoryPoisoning },
                  { element: reader.agent, action: `${graph.nameOf(reader.agent)} recalls the entry and acts on it`, technique: TECHNIQUE.memoryPoisoning },
                  effectStep(graph, worst),
                ],
              }
            : {}),
          scope: [...new Set([writer.via, reader.via, ...tools])],
        });
      }
    }
    return detections;
  },
};
