import { SENSITIVITY_WORDS, sensitiveSorted, sensitivity } from "../../analysis/sensitivity.js";
import { someNames } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";
import { EVIDENCE_LIMIT } from "./model-access.js";

/** Stores whose job is to keep what they are sent: traces, logs, analytics. */
const RECORDING_STORES = new Set(["log", "analytics"]);

export const contextExportedToThirdParty: Rule = {
  id: "TW-DAT-012",
  title: "Agent conversations exported to a third party's logs",
  category: "data-and-model",
  rationale:
    "LLM observability, tracing and analytics services keep what the agent saw: the full prompt with every retrieved chunk and tool result, and the answer. Exporting traces to a vendor makes it a processor of all that data: its staff, subprocessors, retention and jurisdiction now apply, often with a workspace open to every engineer, and usually without the contract, masking or data-residency review the model provider got.",
  appliesWhen:
    "An agent sends to a log or analytics store, or over a log flow, to something in a vendor boundary (models excluded: TW-DAT-009), and confidential or more sensitive data goes with it: listed on the flow or, over a log flow, in the agent's context, since a trace holds the whole prompt.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM02:2025"],
    maestro: ["L5", "L6"],
    nistAiRmf: ["GOVERN", "MAP"],
    euAiAct: ["Art. 10"],
  },
  likelihood: 2,
  impact: 3,
  mitigations: [{ control: "data-minimisation", reduces: "impact", by: 2, how: "prompts and tool results are redacted or masked before they leave, or only metadata is exported" }],
  detect(context) {
    const { graph, contextData } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agent = node.id;
      const byTarget = new Map<string, { flows: string[]; listed: Set<string>; wholeContext: boolean }>();
      for (const flow of graph.flowsFrom(agent)) {
        const target = graph.node(flow.to);
        const boundary = graph.boundaryOf(flow.to);
        if (!target || target.kind === "model" || boundary === undefined || graph.boundary(boundary)?.type !== "vendor") continue;
        const recording = flow.channel === "log" || (target.kind === "datastore" && RECORDING_STORES.has(String(target.element.type)));
        if (!recording) continue;
        const entry = byTarget.get(flow.to) ?? { flows: [], listed: new Set<string>(), wholeContext: false };
        entry.flows.push(flow.id);
        for (const data of flow.data ?? []) entry.listed.add(data);
        if (flow.channel === "log") entry.wholeContext = true;
        byTarget.set(flow.to, entry);
      }
      for (const [target, { flows, listed, wholeContext }] of [...byTarget].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const inContext = wholeContext ? contextData.of(agent) : new Map<string, string>();
        const exported = sensitiveSorted(graph, new Set([...listed, ...inContext.keys()]));
        if (exported.length === 0) continue;
        const boundary = graph.boundaryOf(target)!;
        const top = sensitivity(graph.data(exported[0]!)!);
        const factors: Factor[] = top >= 4 ? [{ dimension: "impact", delta: 1, reason: `${graph.nameOf(exported[0]!)} is restricted` }] : [];
        const how = (data: string): string =>
          listed.has(data) ? `listed on ${flows.join(", ")}` : `in ${graph.nameOf(agent)}'s context from ${graph.nameOf(inContext.get(data)!)}, and a trace holds the whole prompt`;
        detections.push({
          anchors: [agent, target],
          summary: `${graph.nameOf(agent)} exports its conversations to ${graph.nameOf(target)} at ${graph.nameOf(boundary)}, a third party that then keeps ${someNames(context, exported)}.`,
          evidence: [
            { element: target, note: `in vendor boundary ${graph.nameOf(boundary)}` },
            ...exported.slice(0, EVIDENCE_LIMIT).map((id) => ({ element: id, note: `${SENSITIVITY_WORDS[sensitivity(graph.data(id)!)]} data ${how(id)}` })),
            ...flows.map((id) => ({ element: id, note: `export from ${graph.nameOf(agent)} to ${graph.nameOf(target)}` })),
          ],
          factors,
        });
      }
    }
    return detections;
  },
};
