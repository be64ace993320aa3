import { sensitivityFactor } from "../../analysis/factors.js";
import { sensitiveSorted, SENSITIVITY_WORDS, sensitivity } from "../../analysis/sensitivity.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const unencryptedBoundaryCrossing: Rule = {
  id: "TW-INF-004",
  title: "Sensitive data crosses a trust boundary unencrypted",
  category: "infrastructure",
  rationale:
    "A flow that leaves one trust boundary for another passes through networks neither side fully controls. Without encryption in transit, anyone on the path (a shared network, a proxy, a compromised router, a misrouted connection) can read prompts, retrieved documents and tool results, and change them.",
  appliesWhen: "A flow marked encrypted: false carries confidential or restricted data (or data flagged personal, payment, credentials...) between components in different trust boundaries.",
  mappings: {
    stride: ["I", "T"],
    owaspLlm: ["LLM02:2025"],
    atlasMitigations: ["AML.M0012"],
    maestro: ["L4"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 2,
  impact: 3,
  mitigations: [{ control: "data-minimisation", reduces: "impact", by: 1, how: "less sensitive data travels on the flow" }],
  detect(context) {
    const { graph } = context;
    const flows = [...graph.model.flows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const detections: Detection[] = [];
    for (const flow of flows) {
      if (flow.encrypted !== false) continue;
      const fromBoundary = graph.boundaryOf(flow.from);
      const toBoundary = graph.boundaryOf(flow.to);
      if (!fromBoundary || !toBoundary || fromBoundary === toBoundary) continue;
      const sensitive = sensitiveSorted(graph, new Set(flow.data ?? []));
      if (sensitive.length === 0) continue;
      const factors: Factor[] = [];
      const open = [fromBoundary, toBoundary].find((b) => graph.boundary(b)?.type === "internet");
      if (open) factors.push({ dimension: "likelihood", delta: 1, reason: `one end is in ${graph.nameOf(open)}, a boundary of type internet: the data crosses a public network` });
      factors.push(...sensitivityFactor(graph, sensitive));
      detections.push({
        anchors: [flow.id],
        summary: `${graph.nameOf(flow.id)} carries ${sensitive.slice(0, 3).map((d) => graph.nameOf(d)).join(", ")}${sensitive.length > 3 ? " and more" : ""} from ${graph.nameOf(flow.from)} (${graph.nameOf(fromBoundary)}) to ${graph.nameOf(flow.to)} (${graph.nameOf(toBoundary)}) without encryption${flow.protocol ? ` over ${flow.protocol}` : ""}.`,
        evidence: [
          { element: flow.id, note: `encrypted: false${flow.protocol ? `, protocol ${flow.protocol}` : ""}` },
          { element: flow.from, note: `sender, in ${graph.nameOf(fromBoundary)}` },
          { element: flow.to, note: `receiver, in ${graph.nameOf(toBoundary)}` },
          ...sensitive.slice(0, 3).map((d) => ({ element: d, note: `${SENSITIVITY_WORDS[sensitivity(graph.data(d)!)]} data on the flow` })),
        ],
        factors,
        scope: [flow.from, flow.to],
      });
    }
    return detections;
  },
};
