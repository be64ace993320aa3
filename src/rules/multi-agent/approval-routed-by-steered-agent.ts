import { entrySteps, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, integrityFactor, moreDangerous } from "../../analysis/factors.js";
import { heldData } from "../../analysis/sensitivity.js";
import { attackerFedInputs, type UntrustedOrigin } from "../../analysis/untrusted-content.js";
import type { Tool } from "../../model/schema.js";
import { CONSEQUENTIAL_ACTIONS } from "../../model/vocabulary.js";
import { names, originEvidence, SEVERE_ACTIONS, someNames, worstToolAction } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, PathStep, Rule } from "../rule.js";

export const approvalRoutedBySteeredAgent: Rule = {
  id: "TW-HUM-002",
  title: "An attacker decides which actions reach the approver",
  category: "multi-agent",
  rationale:
    "A risk-based approval sends only some actions to a person: the ones an agent flags, or a classifier scores as risky. When that router reads attacker-controlled text, or scores input the attacker shapes, the attacker decides what the approver sees. A forged document that makes the orchestrator call the case routine, or an application tuned until the risk score stays under the cut-off, goes straight to the action, and the approver never sees it. The approval still holds for everything else, which is why it looks sound in review: its credit on the findings it would lower is withdrawn, and this finding says why.",
  appliesWhen:
    "A human-approval control (not only planned) names in routedBy an agent that untrusted content reaches, or a model that attacker-shaped input reaches (a classifier scoring what applicants submit). One finding per approval, naming each such router. The impact follows what the approval gates (tools it covers, and tools of agents it covers): +1 when one can delete, run code, spend or administer, -1 when they only read, and the value of the data their actions change.",
  mappings: {
    stride: ["T", "E"],
    owaspLlm: ["LLM01:2025", "LLM06:2025"],
    owaspAgentic: ["ASI01", "ASI09"],
    owaspAgenticThreats: ["T6", "T10"],
    atlasTechniques: ["AML.T0051.001", "AML.T0015"],
    atlasMitigations: ["AML.M0029", "AML.M0015"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    euAiAct: ["Art. 14"],
  },
  likelihood: 3,
  impact: 3,
  controlShortfall: true,
  mitigations: [
    {
      control: "output-validation",
      reduces: "likelihood",
      by: 1,
      how: "fixed rules route alongside the router (a screening match or a new payee always goes to a person), so the router alone cannot clear a case",
    },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "the router reads untrusted documents apart from its instructions, so a document is weighed, not obeyed", countsOn: "entry-path" },
    { control: "model-monitoring", reduces: "likelihood", by: 1, how: "the share of actions sent for approval is watched; a drop, or one source's cases never routed, is noticed" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const control of [...graph.model.controls].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (control.type !== "human-approval" || control.status === "planned") continue;
      const steered = context.approvalLimits.get(control.id)?.bypassedBy ?? [];
      if (steered.length === 0) continue;
      const gated = gatedTools(context, control.covers);
      const worst = worstToolAction(gated);
      const top = [...steered].sort((a, b) => moreDangerous(graph, a.origin, b.origin) || (a.router < b.router ? -1 : 1))[0]!;
      const changed = [...new Set(gated.flatMap((t) => t.capabilities.filter((c) => CONSEQUENTIAL_ACTIONS.has(c.action)).flatMap((c) => c.on ?? [])))].sort();
      const impact: Factor[] = [...integrityFactor(graph, [...new Set(changed.flatMap((id) => heldData(graph, id)))])];
      impact.push(
        ...(worst && SEVERE_ACTIONS.has(worst.action)
          ? [{ dimension: "impact" as const, delta: 1, reason: `the worst action it gates can ${worst.action} (${graph.nameOf(worst.tool)})` }]
          : gated.length > 0 && gated.every((t) => t.capabilities.every((c) => c.action === "read" || c.action === "fetch"))
            ? [{ dimension: "impact" as const, delta: -1, reason: "the actions it gates only read: what slips past is a lookup, nothing changed" }]
            : []),
      );
      const routerNames = names(context, steered.map((s) => s.router));
      const what = gated.length > 0 ? someNames(context, gated.map((t) => t.id)) : names(context, control.covers);
      const evidence: EvidenceItem[] = [
        { element: control.id, note: `human approval of ${what}, only on what ${names(context, control.routedBy ?? [])} route${(control.routedBy ?? []).length === 1 ? "s" : ""} to it${control.condition ? ` (${control.condition})` : ""}` },
        ...steered.flatMap(({ router, origin }) => routerEvidence(context, router, origin)),
        ...gated.map((t): EvidenceItem => ({ element: t.id, note: `gated only when routed: ${graph.nameOf(t.id)} can ${[...new Set(t.capabilities.map((c) => c.action))].join(", ")}` })),
      ];
      const entry = routerSteps(context, top.router, top.origin);
      const path: PathStep[] = [
        ...entry,
        {
          element: top.router,
          action: `${graph.nameOf(top.router)} rates the attacker's case as routine and does not send it for approval`,
          technique: graph.kindOf(top.router) === "model" ? "AML.T0015" : (entry[entry.length - 1]?.technique ?? TECHNIQUE.indirectInjection),
        },
        ...(worst ? [{ element: worst.tool, action: `${graph.nameOf(worst.tool)} runs without anyone at ${graph.nameOf(control.id)} seeing it`, technique: TECHNIQUE.toolInvocation }] : []),
      ];
      detections.push({
        anchors: [control.id],
        summary: `${graph.nameOf(control.id)} sees only what ${routerNames} route${steered.length === 1 ? "s" : ""} to it, and ${graph.nameOf(top.router)} ${graph.kindOf(top.router) === "model" ? "scores input shaped by" : "reads text from"} ${graph.nameOf(top.origin.id)}: an attacker can keep ${what} from ever reaching an approver.`,
        evidence,
        factors: [...exposureFactor(graph, top.origin), ...attackerFactor(graph, top.origin.id), ...impact],
        path,
        scope: [...new Set([...steered.map((s) => s.router), ...gated.map((t) => t.id)])],
      });
    }
    return detections;
  },
};

/** The tools an approval gates: tools it covers, and the tools of agents it covers, by ID. */
function gatedTools(context: AnalysisContext, covers: readonly string[]): Tool[] {
  const { graph } = context;
  const tools = new Map<string, Tool>();
  for (const id of covers) {
    const tool = graph.tool(id);
    if (tool) tools.set(id, tool);
    for (const agentTool of graph.kindOf(id) === "agent" ? graph.toolsOf(id) : []) tools.set(agentTool.id, agentTool);
  }
  return [...tools.values()].filter((t) => t.capabilities.length > 0).sort((a, b) => (a.id < b.id ? -1 : 1));
}

function routerEvidence(context: AnalysisContext, router: string, origin: UntrustedOrigin): EvidenceItem[] {
  const { graph, untrusted } = context;
  if (graph.kindOf(router) !== "model") return [...originEvidence(context, [origin], router, 1), { element: router, note: "decides which actions are sent for approval, from a context that holds untrusted text" }];
  const inputs = attackerFedInputs(graph, untrusted, router).filter((i) => i.origin.id === origin.id);
  return [
    { element: origin.id, note: `untrusted entry (${origin.reason}); shapes the input ${graph.nameOf(router)} scores through ${names(context, inputs.map((i) => i.input))}` },
    { element: router, note: "scores the input that decides which actions are sent for approval; an attacker can try inputs until the score lets theirs through" },
  ];
}

function routerSteps(context: AnalysisContext, router: string, origin: UntrustedOrigin): PathStep[] {
  const { graph, untrusted } = context;
  if (graph.kindOf(router) !== "model") return entrySteps(graph, untrusted, origin, router);
  return [{ element: origin.id, action: `attacker submits input crafted to score as low risk through ${graph.nameOf(origin.id)}`, technique: "AML.T0043" }];
}
