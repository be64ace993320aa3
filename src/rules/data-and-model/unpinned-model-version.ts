import { CONSEQUENTIAL_ACTIONS } from "../../model/vocabulary.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const unpinnedModelVersion: Rule = {
  id: "TW-DAT-007",
  title: "Model version not pinned",
  category: "data-and-model",
  rationale:
    "A vendor model called through an alias (gpt-4o, claude-sonnet-latest) changes when the vendor moves the alias. Refusals, tool-calling habits, output format and susceptibility to injection can all shift overnight, without a change in the repository, a review or a regression test.",
  appliesWhen: "A hosted-api model has pinned: false, or no version recorded.",
  mappings: {
    stride: ["T"],
    owaspLlm: ["LLM03:2025", "LLM09:2025"],
    atlasMitigations: ["AML.M0008", "AML.M0023"],
    maestro: ["L1"],
    nistAiRmf: ["GOVERN", "MEASURE", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 2,
  impact: 2,
  mitigations: [
    { control: "pinned-artifacts", reduces: "likelihood", by: 1, how: "calls name a dated snapshot, changed only through review" },
    { control: "model-monitoring", reduces: "impact", by: 1, how: "evaluations or production metrics show a behaviour change soon after it happens" },
  ],
  detect(context) {
    const { graph, capabilities } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("model")) {
      if (node.element.hosting !== "hosted-api") continue;
      const version = typeof node.element.version === "string" ? node.element.version : undefined;
      if (version !== undefined && node.element.pinned !== false) continue;
      const agents = graph.agentsUsingModel(node.id);
      const acting = agents.filter((a) => capabilities.agentEffects(a.id).some((e) => e.tool !== undefined && CONSEQUENTIAL_ACTIONS.has(e.action)));
      const factors: Factor[] = acting.length > 0 ? [{ dimension: "impact", delta: 1, reason: `${acting.map((a) => graph.nameOf(a.id)).join(", ")} act${acting.length === 1 ? "s" : ""} through tools on its output, so a behaviour change shows in actions, not only in answers` }] : [];
      detections.push({
        anchors: [node.id],
        summary: version === undefined ? `${graph.nameOf(node.id)} records no version, so nothing shows which model answers or when it changed.` : `${graph.nameOf(node.id)} is called as ${version}, an alias the vendor can move to a new model without review.`,
        evidence: [
          { element: node.id, note: version === undefined ? "no version recorded" : `version ${version}, pinned: false` },
          ...agents.map((a) => ({ element: a.id, note: `uses ${graph.nameOf(node.id)}` })),
        ],
        factors,
        scope: agents.map((a) => a.id),
      });
    }
    return detections;
  },
};
