import { entrySteps, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor, moreDangerous } from "../../analysis/factors.js";
import { capsTotal, isTotalPeriod } from "../../analysis/scoring.js";
import type { Control } from "../../model/schema.js";
import { entryControls, entryWays, originEvidence } from "../helpers.js";
import type { Detection, EvidenceItem, Rule } from "../rule.js";

const inPlace = (control: Control) => (control.status ?? "implemented") !== "planned";

export const approvalThresholdSplitting: Rule = {
  id: "TW-AGY-003",
  title: "Approval threshold can be bypassed by splitting payments",
  category: "excessive-agency",
  rationale:
    "An approval that applies only above an amount says nothing about payments below it. An attacker who steers the agent (a fake invoice, a changed bank account) asks for several payments just under the threshold, and each goes out without a person seeing it. Only a limit on the total per period, or on the number of payments, closes the gap.",
  appliesWhen:
    "A tool that spends money is covered by a human approval with a threshold (on the tool or an agent using it), an agent that uses it is reachable by untrusted content, and neither the spend capability's own limit nor a spend-limit control on the tool or its agents caps the total per hour, day or month.",
  mappings: {
    stride: ["T", "E"],
    owaspLlm: ["LLM06:2025", "LLM01:2025"],
    owaspAgentic: ["ASI02", "ASI01"],
    owaspAgenticThreats: ["T2", "T6"],
    atlasTechniques: ["AML.T0048.000", "AML.T0053", "AML.T0051.001"],
    atlasMitigations: ["AML.M0029", "AML.M0028"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 14"],
  },
  likelihood: 3,
  impact: 4,
  mitigations: [
    { control: "rate-limit", reduces: "impact", by: 1, how: "limits how many payments go out per period" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "injected text is less likely to be obeyed", countsOn: "entry-path" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("tool")) {
      const tool = graph.tool(node.id)!;
      const spends = tool.capabilities.filter((c) => c.action === "spend");
      if (spends.length === 0) continue;
      if (spends.some((c) => isTotalPeriod(c.limit?.per))) continue;
      const agents = graph.agentsUsingTool(tool.id);
      const covering = [tool.id, ...agents.map((a) => a.id)];
      const controls = [...new Map(covering.flatMap((id) => graph.controlsCovering(id)).map((c) => [c.id, c])).values()].filter(inPlace);
      if (controls.some(capsTotal)) continue;
      const approvals = controls.filter((c) => c.type === "human-approval" && c.threshold).sort((a, b) => (a.id < b.id ? -1 : 1));
      if (approvals.length === 0) continue;
      // The most exposed way in among the agents that use the tool.
      const entries = agents
        .map((agent) => ({ agent: agent.id, origins: untrusted.originsReaching(agent.id) }))
        .filter((e) => e.origins.length > 0)
        .sort((a, b) => moreDangerous(graph, a.origins[0]!, b.origins[0]!) || (a.agent < b.agent ? -1 : 1));
      const entry = entries[0];
      if (!entry) continue;
      const top = entry.origins[0]!;
      const hops = untrusted.pathFrom(top.id, entry.agent);
      const perAction = spends.find((c) => c.limit)?.limit;
      // Every entry into every agent that uses the tool will do: a control on the way in counts where it covers all of them.
      const onTheWayIn = entryControls(context, approvalThresholdSplitting, entries.flatMap((e) => entryWays(e.origins, e.agent)));
      for (const approval of approvals) {
        const threshold = approval.threshold!;
        const amount = `${threshold.amount} ${threshold.currency}`;
        detections.push({
          anchors: [tool.id, approval.id],
          summary: `Payments under ${amount} through ${graph.nameOf(tool.id)} are made without approval (${graph.nameOf(approval.id)} applies only above it), and nothing limits how many, so ${graph.nameOf(entry.agent)}, which reads text from ${graph.nameOf(top.id)}, can be steered to split a large payment into several smaller ones.`,
          evidence: [
            ...originEvidence(context, entry.origins, entry.agent),
            { element: approval.id, note: `human approval only above ${amount}` },
            {
              element: tool.id,
              note: perAction ? `spend capability limited to ${perAction.amount} ${perAction.currency} per ${perAction.per ?? "action"}, not in total per period` : "spend capability with no limit on the total per period",
            },
            ...controls.filter((c) => c.type === "spend-limit").map((c): EvidenceItem => ({ element: c.id, note: `spend limit${c.threshold ? ` of ${c.threshold.amount} ${c.threshold.currency} per ${c.threshold.per ?? "action"}` : ""}, not a total per period` })),
            ...onTheWayIn.evidence,
          ],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops)],
          path: [
            ...entrySteps(graph, untrusted, top, entry.agent),
            { element: tool.id, action: `calls ${graph.nameOf(tool.id)} several times, each payment under ${amount}, so none waits for approval`, technique: TECHNIQUE.financialHarm },
          ],
          scope: [...agents.map((a) => a.id), ...onTheWayIn.scope],
        });
      }
    }
    return detections;
  },
};
