import { sensitivityFactor } from "../../analysis/factors.js";
import { heldData, sensitiveSorted } from "../../analysis/sensitivity.js";
import type { SystemGraph } from "../../graph/graph.js";
import { OUTSIDER_ACTOR_TYPES } from "../../model/vocabulary.js";
import { names, readableBy } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

/** Sensitive data a component holds or receives, most sensitive first. */
function sensitiveDataIn(graph: SystemGraph, id: string, fromAgentsOnly: boolean): string[] {
  const ids = new Set<string>(fromAgentsOnly ? [] : heldData(graph, id));
  for (const flow of graph.flowsTo(id)) {
    if (fromAgentsOnly && graph.kindOf(flow.from) !== "agent") continue;
    for (const data of flow.data ?? []) ids.add(data);
  }
  return sensitiveSorted(graph, ids);
}

/**
 * Whether what passes through an agent or a model lands in the store: a flow into it from one, or
 * from a tool of an agent or a component they send their output to (the service that speaks the
 * answers), or a write on it by an agent's tool.
 */
function conversationLandsIn(graph: SystemGraph, storeId: string): boolean {
  const producer = (id: string) => graph.kindOf(id) === "agent" || graph.kindOf(id) === "model";
  const agentTool = (id: string) => graph.agentsUsingTool(id).length > 0;
  if (graph.flowsTo(storeId).some((f) => producer(f.from) || agentTool(f.from) || graph.flowsTo(f.from).some((g) => producer(g.from)))) return true;
  return graph.toolsActingOn(storeId).some((use) => (use.action === "write" || use.action === "send" || use.action === "publish") && agentTool(use.tool));
}

/**
 * Stores the rule looks at: every log store, any store an agent writes to, and an analytics store
 * only where conversation content lands: one fed only from other stores and pipelines is a data
 * product, not a log of what the system was told and said.
 */
function keepsConversations(graph: SystemGraph, storeId: string, agentWrites: boolean): boolean {
  const type = String(graph.node(storeId)?.element.type);
  return type === "log" || agentWrites || (type === "analytics" && conversationLandsIn(graph, storeId));
}

export const readableConversationLogs: Rule = {
  id: "TW-EXF-003",
  // Not "conversation logs": every log store counts, and application logs keep customer data as transcripts do.
  title: "Logs with sensitive data readable by others",
  category: "exfiltration",
  rationale:
    "Transcripts, traces and analytics of an AI system keep whatever passed through the model: what users typed, retrieved documents and tool results with customer records; application logs that agents search keep customer details and tokens the same way. When people other than the system can read that store (analysts, dashboards, other teams), the data reaches them without anyone deciding it should, and it stays there as long as the logs are kept.",
  appliesWhen:
    "A log store, an analytics store where an agent's or a model's content lands (from them, their tools or what receives their output), or any store an agent writes to, holds or receives sensitive data and lists actors who can read it directly; or a service or client that stores what it receives for others to see receives sensitive data from an agent.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM02:2025"],
    atlasTechniques: ["AML.T0057"],
    atlasMitigations: ["AML.M0005", "AML.M0012"],
    maestro: ["L5", "L6"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    euAiAct: ["Art. 12"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "data-minimisation", reduces: "impact", by: 1, how: "personal data and tool results are redacted or left out before they are logged" },
    { control: "authorization", reduces: "likelihood", by: 1, how: "only the people who need raw transcripts can read them", countsOn: "anchors" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("datastore")) {
      const writers = [...new Set(graph.flowsTo(node.id).filter((f) => graph.kindOf(f.from) === "agent").map((f) => f.from))];
      if (!keepsConversations(graph, node.id, writers.length > 0)) continue;
      const readers = readableBy(graph, node.id);
      if (readers.length === 0) continue;
      const data = sensitiveDataIn(graph, node.id, false);
      if (data.length === 0) continue;
      const outsiders = readers.filter((r) => OUTSIDER_ACTOR_TYPES.has(String(graph.node(r)?.element.type)));
      const exposure: Factor[] = outsiders.length ? [{ dimension: "likelihood", delta: 1, reason: `readable by people outside the organisation: ${names(context, outsiders)}` }] : [];
      detections.push({
        anchors: [node.id],
        summary: `${graph.nameOf(node.id)} keeps ${names(context, data.slice(0, 4))}${data.length > 4 ? " and more" : ""}${writers.length ? ` written by ${names(context, writers)}` : ""}, and ${names(context, readers)} can read it directly.`,
        evidence: [
          ...data.slice(0, 6).map((d): EvidenceItem => ({ element: d, note: `sensitive data kept in ${graph.nameOf(node.id)}` })),
          ...readers.map((r): EvidenceItem => ({ element: r, note: "can read the stored content directly" })),
          ...writers.map((w): EvidenceItem => ({ element: w, note: `writes its conversations or results to ${graph.nameOf(node.id)}` })),
        ],
        factors: [...sensitivityFactor(graph, data), ...exposure],
        scope: [...writers, ...graph.flowsTo(node.id).map((f) => f.id)],
      });
    }
    for (const kind of ["service", "client"] as const) {
      for (const node of graph.ofKind(kind)) {
        const handles = node.element.handles;
        if (!Array.isArray(handles) || !handles.includes("stores-for-others")) continue;
        const writers = [...new Set(graph.flowsTo(node.id).filter((f) => graph.kindOf(f.from) === "agent").map((f) => f.from))];
        if (writers.length === 0) continue;
        const data = sensitiveDataIn(graph, node.id, true);
        if (data.length === 0) continue;
        detections.push({
          anchors: [node.id],
          summary: `${graph.nameOf(node.id)} stores ${names(context, data.slice(0, 4))}${data.length > 4 ? " and more" : ""} from ${names(context, writers)} and shows it to other people.`,
          evidence: [
            { element: node.id, note: "stores what it receives for others to see" },
            ...data.slice(0, 6).map((d): EvidenceItem => ({ element: d, note: `sensitive data it receives from an agent` })),
            ...writers.map((w): EvidenceItem => ({ element: w, note: `sends its output to ${graph.nameOf(node.id)}` })),
          ],
          factors: [...sensitivityFactor(graph, data)],
          scope: [...writers, ...graph.flowsTo(node.id).filter((f) => graph.kindOf(f.from) === "agent").map((f) => f.id)],
        });
      }
    }
    return detections;
  },
};
