import { entrySteps, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor, moreDangerous } from "../../analysis/factors.js";
import { capAboveMaterial, capsTotal, isTotalPeriod } from "../../analysis/scoring.js";
import type { Control, Tool } from "../../model/schema.js";
import { entryControls, entryWays, originEvidence } from "../helpers.js";
import type { Detection, EvidenceItem, Rule } from "../rule.js";

const inPlace = (control: Control) => (control.status ?? "implemented") !== "planned";

/**
 * How many times the approval threshold a cap on the total must be before it leaves room to split.
 * Below three times, at most two payments just under the threshold fit in a period: at most twice the
 * one unapproved payment the threshold allows by design, so the cap, not the approval, bounds the loss.
 * From three times on, several fit, and the cap only bounds what they take (one impact step). A cap per
 * hour never closes the gap: the next hour brings room for two more, 48 a day.
 */
const SPLIT_ROOM = 3;

interface TotalCap {
  amount: number;
  currency: string;
  per: string;
  /** The tool whose spend capability states the cap, or the spend-limit control. */
  element: string;
}

/** Caps on the total per hour, day or month: the tool's own spend limits and the spend-limit controls in place on it or its agents. */
function totalCaps(tool: Tool, controls: readonly Control[]): TotalCap[] {
  const own = tool.capabilities.flatMap((c) => (c.action === "spend" && c.limit && isTotalPeriod(c.limit.per) ? [{ ...c.limit, per: c.limit.per!, element: tool.id }] : []));
  const byControl = controls.filter(capsTotal).map((c) => ({ ...c.threshold!, per: c.threshold!.per!, element: c.id }));
  return [...own, ...byControl];
}

/** A cap and how many times the threshold it is, in words: "15000 EUR per month, 30 times the approval threshold". */
const capWords = (cap: TotalCap, threshold: number) =>
  `${cap.amount} ${cap.currency} per ${cap.per}${threshold > 0 ? `, ${Math.floor((cap.amount / threshold) * 10) / 10} times the approval threshold` : ""}`;

export const approvalThresholdSplitting: Rule = {
  id: "TW-AGY-003",
  title: "Approval threshold can be bypassed by splitting payments",
  category: "excessive-agency",
  rationale:
    "An approval that applies only above an amount says nothing about payments below it. An attacker who steers the agent (a fake invoice, a changed bank account) asks for several payments just under the threshold, and each goes out without a person seeing it. Only a limit on the number of payments, or on the total per period close to the threshold, closes the gap; a higher cap on the total only bounds the loss.",
  appliesWhen:
    "A tool that spends money is covered by a human approval with a threshold (on the tool or an agent using it), an agent that uses it is reachable by untrusted content, and neither the spend capability's own limit nor a spend-limit control on the tool or its agents caps the total per day or month below 3 times the threshold (under that, at most two payments just under the threshold fit in a period; a cap per hour leaves room for two more every hour). A higher cap, or one per hour, lowers the impact by 1, unless it is at or above what the organisation counts as a material loss (system materialLoss). A cap in another currency than the threshold's cannot be compared with it, and the rule then does not apply.",
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
  controlShortfall: true,
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
      const agents = graph.agentsUsingTool(tool.id);
      const covering = [tool.id, ...agents.map((a) => a.id)];
      const controls = [...new Map(covering.flatMap((id) => graph.controlsCovering(id)).map((c) => [c.id, c])).values()].filter(inPlace);
      const caps = totalCaps(tool, controls);
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
      const perAction = spends.find((c) => c.limit && !isTotalPeriod(c.limit.per))?.limit;
      // Every entry into every agent that uses the tool will do: a control on the way in counts where it covers all of them.
      const onTheWayIn = entryControls(context, approvalThresholdSplitting, entries.flatMap((e) => entryWays(e.origins, e.agent)));
      for (const approval of approvals) {
        const threshold = approval.threshold!;
        const amount = `${threshold.amount} ${threshold.currency}`;
        // A cap in another currency cannot be set against the threshold without a rate of exchange the model does not give: the rule stays silent, giving it the benefit of the doubt.
        if (caps.some((c) => c.currency !== threshold.currency)) continue;
        // The tightest cap; one under SPLIT_ROOM times the threshold leaves no room to split.
        const cap = caps.reduce<TotalCap | undefined>((a, b) => (a === undefined || b.amount < a.amount ? b : a), undefined);
        if (caps.some((c) => c.per !== "hour" && c.amount < SPLIT_ROOM * threshold.amount)) continue;
        detections.push({
          anchors: [tool.id, approval.id],
          summary: `Payments under ${amount} through ${graph.nameOf(tool.id)} are made without approval (${graph.nameOf(approval.id)} applies only above it), and ${cap ? `the total is capped only at ${capWords(cap, threshold.amount)}` : "nothing limits how many"}, so ${graph.nameOf(entry.agent)}, which reads text from ${graph.nameOf(top.id)}, can be steered to split a large payment into several smaller ones.`,
          evidence: [
            ...originEvidence(context, entry.origins, entry.agent),
            { element: approval.id, note: `human approval only above ${amount}` },
            // A capped tool without a per-payment limit is described by the cap's line below.
            ...(perAction
              ? [{ element: tool.id, note: `spend capability limited to ${perAction.amount} ${perAction.currency} per ${perAction.per ?? "action"}, not in total per period` }]
              : cap
                ? []
                : [{ element: tool.id, note: "spend capability with no limit on the total per period" }]),
            ...controls
              .filter((c) => c.type === "spend-limit" && !capsTotal(c))
              .map((c): EvidenceItem => ({ element: c.id, note: `spend limit${c.threshold ? ` of ${c.threshold.amount} ${c.threshold.currency} per ${c.threshold.per ?? "action"}` : ""}, not a total per period` })),
            ...caps.map((c): EvidenceItem => {
              const tooHigh = capAboveMaterial(graph, c);
              return { element: c.element, note: `caps the total at ${capWords(c, threshold.amount)}: ${tooHigh ? `it is ${tooHigh}, so it bounds nothing that matters, and` : "it bounds the loss but"} leaves room to split` };
            }),
            ...onTheWayIn.evidence,
          ],
          factors: [
            ...exposureFactor(graph, top),
            ...attackerFactor(graph, top.id),
            ...pathLengthFactor(graph, hops),
            ...(cap && !capAboveMaterial(graph, cap) ? [{ dimension: "impact" as const, delta: -1, reason: `the total is capped at ${capWords(cap, threshold.amount)}` }] : []),
          ],
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
