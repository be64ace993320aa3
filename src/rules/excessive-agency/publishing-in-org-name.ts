import { effectStep, entrySteps, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import { entryControls, entryWays, firstPerTool, injectableAgents, names, originEvidence, ownToolEffects } from "../helpers.js";
import type { Detection, Rule } from "../rule.js";

export const publishingInOrgName: Rule = {
  id: "TW-AGY-004",
  title: "Injectable agent can publish in the organisation's name",
  category: "excessive-agency",
  rationale:
    "Comments, reviews, commits, posts and replies an agent publishes appear under the organisation's account. A steered agent can post abuse, scams, false statements or malicious links that readers trust because of who posted them, and screenshots outlive any deletion.",
  appliesWhen: "An injectable agent has a tool of its own with a publish capability.",
  mappings: {
    stride: ["T", "R"],
    owaspLlm: ["LLM06:2025", "LLM01:2025", "LLM09:2025"],
    owaspAgentic: ["ASI02", "ASI01"],
    owaspAgenticThreats: ["T2", "T6", "T9"],
    atlasTechniques: ["AML.T0048.001", "AML.T0053", "AML.T0051.001"],
    atlasMitigations: ["AML.M0029", "AML.M0033"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 50", "Art. 14"],
  },
  likelihood: 4,
  impact: 3,
  mitigations: [
    { control: "human-approval", reduces: "likelihood", by: 2, how: "a person approves each post before it goes out" },
    { control: "output-validation", reduces: "likelihood", by: 1, how: "posts are checked for links, mentions and off-topic content before they are published" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "injected text is less likely to be obeyed", countsOn: "entry-path" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const { agent, origins, top, hops } of injectableAgents(context)) {
      const publishing = ownToolEffects(capabilities.agentEffects(agent.id)).filter((e) => e.action === "publish");
      if (publishing.length === 0) continue;
      // Any entry will do for the attacker: a control on the way in counts where it covers all of them.
      const onTheWayIn = entryControls(context, publishingInOrgName, entryWays(origins, agent.id));
      for (const effect of firstPerTool(publishing)) {
        const tool = effect.tool!;
        const where = [...new Set(publishing.filter((e) => e.tool === tool && e.resource).map((e) => e.resource!))];
        detections.push({
          anchors: [agent.id, tool],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)} and can publish through ${graph.nameOf(tool)}${where.length ? ` on ${names(context, where)}` : ""} under the organisation's name.`,
          evidence: [...originEvidence(context, origins, agent.id), { element: tool, note: `publish capability${where.length ? ` on ${names(context, where)}` : ""}${effect.destination ? `, destination ${effect.destination}` : ""}` }, ...onTheWayIn.evidence],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops)],
          path: [...entrySteps(graph, untrusted, top, agent.id), { ...effectStep(graph, effect), technique: TECHNIQUE.reputationalHarm }],
          scope: [tool, ...where, ...onTheWayIn.scope],
        });
      }
    }
    return detections;
  },
};
