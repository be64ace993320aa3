import { directOrigins, sessionOwner } from "../../analysis/askers.js";
import { effectStep, entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import { capAboveMaterial, capsTotal, isTotalPeriod } from "../../analysis/scoring.js";
import { autonomyFactor, entryControls, entryWays, firstPerTool, injectableAgents, originEvidence, ownToolEffects } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const unapprovedSpending: Rule = {
  id: "TW-AGY-002",
  title: "Injectable agent can spend money",
  category: "excessive-agency",
  rationale:
    "An agent that reads attacker-controlled text and can move money (refunds, payments, purchases) can be steered to pay the attacker. Without a person approving each payment, or a limit on the total, the loss is bounded only by the tool. A cap on each payment bounds each loss but not their sum: the attacker asks again. A cap at or above what the organisation counts as a material loss (system materialLoss) bounds nothing that matters and counts for nothing.",
  appliesWhen:
    "An injectable agent has a tool with a spend capability. For a tool that pays with the asker's own token (delegated), the people who ask the agent in their own name spend their own money and are not its attackers: only other entries count (content, other agents, people speaking in their session).",
  mappings: {
    stride: ["T", "E"],
    owaspLlm: ["LLM06:2025", "LLM01:2025"],
    owaspAgentic: ["ASI02", "ASI01"],
    owaspAgenticThreats: ["T2", "T6"],
    atlasTechniques: ["AML.T0053", "AML.T0048.000"],
    atlasMitigations: ["AML.M0029", "AML.M0028"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 14"],
    nistCsf: ["PR.AA-05"],
  },
  likelihood: 4,
  impact: 4,
  mitigations: [
    { control: "human-approval", reduces: "likelihood", by: 2, how: "a person approves each payment" },
    {
      control: "spend-limit",
      reduces: "impact",
      by: 2,
      how: "caps the total an attacker can take (a threshold per hour, day or month)",
      perPayment: 1,
    },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "injected text is less likely to be obeyed", countsOn: "entry-path" },
    { control: "rate-limit", reduces: "impact", by: 1, how: "slows repeated payouts" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const injectable of injectableAgents(context)) {
      const { agent } = injectable;
      // Those who ask the agent themselves, each in their own name (not in a session someone else signed in to).
      const principals = new Set(directOrigins(graph, untrusted, agent.id).filter((o) => sessionOwner(graph, o.id) === undefined).map((o) => o.id));
      for (const spend of firstPerTool(ownToolEffects(capabilities.agentEffects(agent.id)).filter((e) => e.action === "spend"))) {
        const tool = spend.tool!;
        // A tool that pays with the asker's own token (delegated) spends the asker's money: they are not its attacker, others are.
        const origins = graph.tool(tool)?.delegated === true ? injectable.origins.filter((o) => !principals.has(o.id)) : injectable.origins;
        const top = origins[0];
        if (!top) continue;
        const hops = untrusted.pathFrom(top.id, agent.id);
        // Any entry will do for the attacker: a control on the way in counts where it covers all of them.
        const onTheWayIn = entryControls(context, unapprovedSpending, entryWays(origins, agent.id));
        // The capability's own limit counts where it bounds a loss that matters (below the material loss, where the model names one).
        const limit = spend.limit;
        const limitTooHigh = limit ? capAboveMaterial(graph, limit) : undefined;
        const capped: Factor[] = [];
        if (limit && !limitTooHigh && isTotalPeriod(limit.per)) {
          capped.push({ dimension: "impact", delta: -1, reason: `total capped at ${limit.amount} ${limit.currency} per ${limit.per}` });
        } else if (limit && !limitTooHigh) {
          capped.push({ dimension: "impact", delta: -1, reason: `each payment capped at ${limit.amount} ${limit.currency}, but not their number` });
        }
        // One cap on each payment counts once: the capability's own limit in the impact, or else a spend-limit control that caps each payment
        // (a tighter one, where the capability's is too high to count). Where the scorer looks for controls: the tool, the agent, and the hosts they run on.
        const covered = [tool, agent.id].flatMap((id) => [id, graph.hostOf(id)]).filter((id): id is string => id !== undefined);
        const perPaymentCaps = capped.length > 0 ? [] : covered.flatMap((id) => graph.controlsCovering(id)).filter((c) => c.type === "spend-limit" && c.threshold && !capsTotal(c));
        detections.push({
          anchors: [agent.id, tool],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)} and can spend money through ${graph.nameOf(tool)}${spend.limit ? ` (up to ${spend.limit.amount} ${spend.limit.currency} per ${spend.limit.per ?? "action"})` : " with no limit in the model"}.`,
          evidence: [
            ...originEvidence(context, origins, agent.id),
            { element: tool, note: `spend capability${spend.resource ? ` on ${graph.nameOf(spend.resource)}` : ""}${limit && limitTooHigh ? `; its limit of ${limit.amount} ${limit.currency} is ${limitTooHigh}, so it is not counted` : ""}` },
            ...onTheWayIn.evidence,
          ],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops), ...autonomyFactor(context, agent.id, tool), ...capped],
          path: [...entrySteps(graph, untrusted, top, agent.id), effectStep(graph, spend)],
          scope: [tool, ...new Set(perPaymentCaps.map((c) => c.id)), ...onTheWayIn.scope],
        });
      }
    }
    return detections;
  },
};
