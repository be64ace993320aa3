import { TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import { agentsReading, entryControls, names, originEvidence } from "../helpers.js";
import { agentMemories } from "./memory-poisoning.js";
import type { Detection, EvidenceItem, PathStep, Rule } from "../rule.js";

export const ragPoisoning: Rule = {
  id: "TW-RAG-001",
  title: "Knowledge base ingests untrusted content (RAG poisoning)",
  category: "memory-and-rag",
  rationale:
    "A vector store that indexes text outsiders wrote (tickets, web pages, shared documents) serves that text as reference material to every user whose question is close enough. A few crafted documents are enough to make answers wrong, steer users to a phishing link or a fake phone number, or bury the real answer, and the poisoned chunks stay until the index is rebuilt without them.",
  appliesWhen: "A vector store is reachable by untrusted content (through ingestion, flows or an agent's writes) and an agent retrieves from it.",
  mappings: {
    stride: ["T"],
    owaspLlm: ["LLM04:2025", "LLM08:2025", "LLM09:2025"],
    owaspAgentic: ["ASI06"],
    owaspAgenticThreats: ["T1", "T5"],
    atlasTechniques: ["AML.T0070", "AML.T0066", "AML.T0071"],
    atlasMitigations: ["AML.M0025", "AML.M0015", "AML.M0033"],
    maestro: ["L2"],
    nistAiRmf: ["MAP", "MEASURE", "MANAGE"],
    euAiAct: ["Art. 10", "Art. 15"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "input-filtering", reduces: "likelihood", by: 1, how: "documents are screened for instructions and injected links before they are indexed", countsOn: "entry-path" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "retrieved chunks are marked as reference text with their source", countsOn: "entry-path" },
    { control: "output-validation", reduces: "impact", by: 1, how: "answers are checked against trusted sources, links and contact details against an allow-list" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    const memories = new Set(agentMemories(context).map((m) => m.store));
    for (const node of graph.ofKind("datastore")) {
      if (node.element.type !== "vector") continue;
      // In a store agents write to and read back (agent memory), text an agent writes is the memory rules';
      // this rule keeps what arrives by ingestion or another way than an agent's write.
      const memory = memories.has(node.id);
      const origins = untrusted.originsReaching(node.id).filter((origin) => {
        if (!memory) return true;
        const hops = untrusted.pathFrom(origin.id, node.id);
        const before = hops[hops.length - 2]?.node;
        return before === undefined || graph.kindOf(before) !== "agent";
      });
      if (origins.length === 0) continue;
      const readers = agentsReading(context, node.id);
      if (readers.length === 0) continue;
      const top = origins[0]!;
      const hops = untrusted.pathFrom(top.id, node.id);
      const agents = readers.map((r) => r.agent);
      // Poisoned chunks are stopped on their way into the store, from every entry, or on their way out to each reader.
      const onTheWayIn = entryControls(
        context,
        ragPoisoning,
        agents.map((agent) => ({ stages: [{ from: origins.map((o) => o.id), to: node.id }, { from: [node.id], to: agent }] })),
      );
      detections.push({
        anchors: [node.id],
        summary: `Text from ${graph.nameOf(top.id)} is indexed into ${graph.nameOf(node.id)} (${hops.map((h) => graph.nameOf(h.node)).join(" → ")}), which ${names(context, agents)} retrieve${agents.length === 1 ? "s" : ""} as reference material for every user.`,
        evidence: [
          ...originEvidence(context, origins, node.id),
          ...readers.map((r): EvidenceItem => ({ element: r.agent, note: `retrieves from ${graph.nameOf(node.id)} (via ${graph.nameOf(r.via)})` })),
          ...onTheWayIn.evidence,
        ],
        factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops)],
        path: [
          ...hops.slice(0, -1).map((hop, index): PathStep =>
            index === 0
              ? { element: hop.node, action: `attacker writes documents with hidden instructions or false facts into ${graph.nameOf(hop.node)} (${top.reason})`, technique: "AML.T0066" }
              : { element: hop.node, action: `${graph.nameOf(hop.node)} carries the text on towards the index`, technique: TECHNIQUE.ragPoisoning },
          ),
          { element: node.id, action: hops.length === 1 ? `attacker writes poisoned entries into ${graph.nameOf(node.id)} (${top.reason})` : `the text is indexed into ${graph.nameOf(node.id)}`, technique: TECHNIQUE.ragPoisoning },
          { element: agents[0]!, action: `${graph.nameOf(agents[0]!)} retrieves the poisoned chunks for users' questions and repeats them`, technique: TECHNIQUE.ragPoisoning },
        ],
        scope: [...new Set([...hops.map((h) => h.node), ...readers.map((r) => r.via), ...agents, ...onTheWayIn.scope])],
      });
    }
    return detections;
  },
};
