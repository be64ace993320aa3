import { isDirect } from "../../analysis/attack-paths.js";
import { sensitivityFactor, moreDangerous } from "../../analysis/factors.js";
import { SENSITIVITY_WORDS, heldData, sensitiveSorted, sensitivity } from "../../analysis/sensitivity.js";
import type { UntrustedOrigin } from "../../analysis/untrusted-content.js";
import { someNames } from "../helpers.js";
import { EVIDENCE_LIMIT, originWho } from "./model-access.js";
import type { Detection, Factor, Rule } from "../rule.js";

interface Reach {
  origin: UntrustedOrigin;
  agent: string;
  direct: boolean;
}

export const sensitiveSystemPrompt: Rule = {
  id: "TW-DAT-008",
  title: "Sensitive data in a system prompt",
  category: "data-and-model",
  rationale:
    "A system prompt is not a secret store: models repeat their instructions when asked the right way, and anything in them (keys, internal URLs, customer data, business rules worth gaming) goes to every caller's context and to the model provider. Whoever can talk to the agent, or plant text it reads, can get the prompt back.",
  appliesWhen: "A prompt loaded by an agent holds sensitive data (confidential or restricted, or flagged credentials, personal, payment...). Likelihood is higher when untrusted content reaches an agent that loads it, highest when the attacker talks to it directly.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM07:2025", "LLM02:2025"],
    owaspNhi: ["NHI2:2025"],
    atlasTechniques: ["AML.T0056", "AML.T0069.002", "AML.T0083"],
    atlasMitigations: ["AML.M0020"],
    maestro: ["L3"],
    nistAiRmf: ["MAP", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 2,
  impact: 3,
  mitigations: [
    { control: "data-minimisation", reduces: "impact", by: 2, how: "secrets and personal data move out of the prompt into tools that check the caller" },
    { control: "output-validation", reduces: "likelihood", by: 1, how: "answers that echo the prompt or its secrets are blocked" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("prompt")) {
      const agents = graph.agentsLoadingPrompt(node.id);
      if (agents.length === 0) continue;
      const sensitive = sensitiveSorted(graph, heldData(graph, node.id));
      if (sensitive.length === 0) continue;
      const reaches: Reach[] = [];
      for (const agent of agents) {
        for (const origin of untrusted.originsReaching(agent.id)) {
          if (origin.id === node.id) continue; // those who write the prompt already know it
          // Training flows are not traced as content (shaping weights is not asking the agent), so every path is a way to ask.
          reaches.push({ origin, agent: agent.id, direct: isDirect(graph, untrusted.pathFrom(origin.id, agent.id)) });
        }
      }
      reaches.sort((a, b) => Number(b.direct) - Number(a.direct) || moreDangerous(graph, a.origin, b.origin) || (a.origin.id < b.origin.id ? -1 : a.origin.id > b.origin.id ? 1 : a.agent < b.agent ? -1 : 1));
      const top = reaches[0];
      const factors: Factor[] = [];
      if (top) {
        factors.push({ dimension: "likelihood", delta: 1, reason: `text from ${graph.nameOf(top.origin.id)} (${top.origin.reason}) reaches ${graph.nameOf(top.agent)}, which can be asked to repeat its instructions` });
        if (top.direct) factors.push({ dimension: "likelihood", delta: 1, reason: `${graph.nameOf(top.agent)}'s answers go straight back to ${graph.nameOf(top.origin.id)}` });
      }
      factors.push(...sensitivityFactor(graph, sensitive));
      detections.push({
        anchors: [node.id],
        summary: `${graph.nameOf(node.id)} holds ${someNames(context, sensitive)} and is loaded by ${someNames(context, agents.map((a) => a.id))}${top ? `; ${originWho(graph, top.origin)} can get it repeated back` : ""}.`,
        evidence: [
          ...sensitive.slice(0, EVIDENCE_LIMIT).map((id) => ({ element: id, note: `${SENSITIVITY_WORDS[sensitivity(graph.data(id)!)]} data in the prompt` })),
          ...agents.slice(0, EVIDENCE_LIMIT).map((a) => ({ element: a.id, note: `loads ${graph.nameOf(node.id)}` })),
          ...reaches.slice(0, 3).map((r) => ({ element: r.origin.id, note: `untrusted input to ${graph.nameOf(r.agent)} (${r.origin.reason})${r.direct ? ", direct" : ""}` })),
        ],
        factors,
        scope: agents.map((a) => a.id),
      });
    }
    return detections;
  },
};
