import { entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import { originEvidence, SEVERE_ACTIONS } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const approverManipulation: Rule = {
  id: "TW-HUM-001",
  title: "Approvers see content an attacker shaped",
  category: "multi-agent",
  rationale:
    "A person approving an agent's action judges what the agent prepared: its summary, its justification, the fields it filled in. When the agent reads attacker-controlled text, the attacker writes that material too (\"urgent, supplier confirmed the new account by phone\"), and a steady stream of routine requests trains approvers to click through. The approval then adds a signature, not a check.",
  appliesWhen: "A human-approval control (not only planned) covers a tool used by an agent that is reachable by untrusted content.",
  mappings: {
    stride: ["S", "T"],
    owaspLlm: ["LLM01:2025", "LLM09:2025"],
    owaspAgentic: ["ASI09"],
    owaspAgenticThreats: ["T10", "T15"],
    atlasTechniques: ["AML.T0051.001", "AML.T0067"],
    atlasMitigations: ["AML.M0029", "AML.M0018"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    euAiAct: ["Art. 14"],
  },
  likelihood: 2,
  impact: 3,
  mitigations: [
    { control: "output-validation", reduces: "likelihood", by: 1, how: "what the approver sees is checked against the system of record, not only the agent's words" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "the approval screen shows source documents and system data apart from agent-written text" },
    { control: "rate-limit", reduces: "likelihood", by: 1, how: "fewer requests per approver, less approval fatigue" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    for (const control of [...graph.model.controls].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (control.type !== "human-approval" || control.status === "planned") continue;
      for (const tool of [...new Set(control.covers)].sort()) {
        if (graph.kindOf(tool) !== "tool") continue;
        const entries = graph
          .agentsUsingTool(tool)
          .map((agent) => ({ agent: agent.id, origins: untrusted.originsReaching(agent.id) }))
          .filter((e) => e.origins.length > 0)
          .sort((a, b) => b.origins[0]!.exposure - a.origins[0]!.exposure || (a.agent < b.agent ? -1 : 1));
        const entry = entries[0];
        if (!entry) continue;
        const top = entry.origins[0]!;
        const hops = untrusted.pathFrom(top.id, entry.agent);
        const severe = graph.tool(tool)!.capabilities.filter((c) => SEVERE_ACTIONS.has(c.action));
        const impact: Factor[] = severe.length ? [{ dimension: "impact", delta: 1, reason: `the approved action can ${[...new Set(severe.map((c) => c.action))].join(", ")}` }] : [];
        const scope = control.threshold ? ` above ${control.threshold.amount} ${control.threshold.currency}` : "";
        detections.push({
          anchors: [control.id, tool],
          summary: `People approving ${graph.nameOf(tool)}${scope} (${graph.nameOf(control.id)}) judge what ${graph.nameOf(entry.agent)} prepared, and ${graph.nameOf(entry.agent)} reads text from ${graph.nameOf(top.id)}, so the attacker shapes what the approver sees.`,
          evidence: [
            ...originEvidence(context, entry.origins, entry.agent),
            { element: control.id, note: `human approval of ${graph.nameOf(tool)}${scope}` },
            { element: tool, note: `called by ${graph.nameOf(entry.agent)} with arguments and text it writes` },
          ],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph), ...pathLengthFactor(hops.length), ...impact],
          path: [
            ...entrySteps(graph, untrusted, top, entry.agent),
            { element: tool, action: `calls ${graph.nameOf(tool)} with a request and justification written to look routine`, technique: "AML.T0067" },
            { element: control.id, action: `the approver, seeing only what the agent prepared, approves`, technique: "AML.T0067" },
          ],
          scope: [entry.agent],
        });
      }
    }
    return detections;
  },
};
