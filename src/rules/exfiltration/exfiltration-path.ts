import { effectStep, entrySteps, isDirect, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor, sensitivityFactor } from "../../analysis/factors.js";
import { entryControls, entryWays, firstPerTool, injectableAgents, names, originEvidence, outboundEffects, sensitiveDataAtStake, storeNote } from "../helpers.js";
import type { SystemGraph } from "../../graph/graph.js";
import type { UntrustedContent, UntrustedOrigin } from "../../analysis/untrusted-content.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const exfiltrationPath: Rule = {
  id: "TW-EXF-001",
  title: "Exfiltration path: untrusted input, private data and a way out in one agent",
  category: "exfiltration",
  rationale:
    "An agent that reads attacker-controlled text, holds private data in its context and can send data to a recipient of its choosing can be told to send that data to the attacker. Each of the three alone is ordinary; together they are the exfiltration path.",
  appliesWhen:
    "An injectable agent has sensitive data (confidential or restricted, or flagged personal, payment, health, credentials...) in its context, from its tools, its inputs or agents that pass it messages, and a tool that sends, publishes or fetches to a destination that is not fixed.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM01:2025", "LLM02:2025", "LLM06:2025"],
    owaspAgentic: ["ASI01", "ASI02"],
    owaspAgenticThreats: ["T2", "T6"],
    atlasTechniques: ["AML.T0051.001", "AML.T0086", "AML.T0085.001"],
    atlasMitigations: ["AML.M0030", "AML.M0029", "AML.M0028"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MAP", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 4,
  impact: 4,
  mitigations: [
    { control: "egress-allowlist", reduces: "likelihood", by: 2, how: "the attacker cannot name their own recipient or URL", countsOn: "anchors" },
    { control: "human-approval", reduces: "likelihood", by: 2, how: "a person sees what is sent before it leaves: an approval of the way out or of the agent's actions, not of where the data comes from", countsOn: "anchors" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "injected text is less likely to be obeyed", countsOn: "entry-path" },
    { control: "output-validation", reduces: "likelihood", by: 1, how: "outgoing messages are checked for sensitive data", countsOn: "anchors" },
    { control: "data-minimisation", reduces: "impact", by: 1, how: "less sensitive data sits in the agent's context" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const injectable of injectableAgents(context)) {
      const { agent, origins } = injectable;
      const { atStake, ownRecords } = sensitiveDataAtStake(context, injectable);
      if (atStake.length === 0) continue;
      const { top, entryFactors } = likeliestEntry(graph, untrusted, origins, agent.id);
      // Any of the entries will do for the attacker: a control on the way in counts where it covers all of them.
      const onTheWayIn = entryControls(context, exfiltrationPath, entryWays(origins, agent.id));
      for (const channel of firstPerTool(outboundEffects(capabilities.agentEffects(agent.id)))) {
        const tool = channel.tool!;
        const dataIds = atStake.map((d) => d.data);
        const narrowed: Factor[] = channel.destination === "allow-listed" ? [{ dimension: "likelihood", delta: -1, reason: `${graph.nameOf(tool)} only reaches allow-listed destinations` }] : [];
        const richest = atStake[0]!;
        detections.push({
          anchors: [agent.id, tool],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)}, holds ${names(context, dataIds.slice(0, 4))}${dataIds.length > 4 ? " and more" : ""}, and can ${channel.action} through ${graph.nameOf(tool)} to a destination the attacker can choose.`,
          evidence: [
            ...originEvidence(context, origins, agent.id),
            ...atStake.slice(0, 6).map((d) => ({ element: d.data, note: `sensitive data in the agent's context, from ${graph.nameOf(d.from)}${storeNote(context, agent.id, d.data)}` })),
            ...ownRecords,
            { element: tool, note: `way out: ${channel.action} to ${channel.destination ?? "any"} destination` },
            ...onTheWayIn.evidence,
          ],
          factors: [...entryFactors, ...sensitivityFactor(graph, dataIds), ...narrowed],
          path: [
            ...entrySteps(graph, untrusted, top, agent.id),
            graph.kindOf(richest.from) === "datastore" && graph.node(richest.from)?.element.type === "vector"
              ? { element: richest.from, action: `retrieves ${graph.nameOf(richest.data)} from ${graph.nameOf(richest.from)}`, technique: TECHNIQUE.dataFromRag }
              : { element: richest.from, action: `gathers ${graph.nameOf(richest.data)} from ${graph.nameOf(richest.from)}`, technique: TECHNIQUE.dataFromAgentTools },
            effectStep(graph, channel),
          ],
          scope: [tool, ...atStake.map((d) => d.from), ...onTheWayIn.scope],
        });
      }
    }
    return detections;
  },
};

/**
 * The entry the finding is scored and told from: the one that makes the theft likeliest (exposure,
 * the attacker coming in there, the length of the way), so that naming one more entry or adversary
 * never lowers the score. Among equally likely ones, an indirect entry: the story of an exfiltration
 * is most often someone else's text stealing the victim's data.
 */
function likeliestEntry(graph: SystemGraph, untrusted: UntrustedContent, origins: readonly UntrustedOrigin[], agentId: string): { top: UntrustedOrigin; entryFactors: Factor[] } {
  let best: { top: UntrustedOrigin; entryFactors: Factor[]; sum: number; indirect: boolean } | undefined;
  for (const origin of origins) {
    const hops = untrusted.pathFrom(origin.id, agentId);
    const entryFactors = [...exposureFactor(graph, origin), ...attackerFactor(graph, origin.id), ...pathLengthFactor(graph, hops)];
    const sum = entryFactors.reduce((total, f) => total + f.delta, 0);
    const indirect = !isDirect(graph, hops);
    if (!best || sum > best.sum || (sum === best.sum && indirect && !best.indirect)) best = { top: origin, entryFactors, sum, indirect };
  }
  return best!;
}
