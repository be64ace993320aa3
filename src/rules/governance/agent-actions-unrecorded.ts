import type { Action } from "../../model/vocabulary.js";
import { joinWords, mcpServersOf, names, ownToolEffects } from "../helpers.js";
import type { AnalysisContext, Detection, Factor, Rule } from "../rule.js";

const SIDE_EFFECTS: ReadonlySet<Action> = new Set(["write", "delete", "execute", "send", "publish", "spend"]);
const SEVERE: ReadonlySet<Action> = new Set(["delete", "execute", "spend"]);

/** A telemetry control in place (not only planned) on the element. */
function recorded(context: AnalysisContext, id: string): boolean {
  return context.graph.controlsCovering(id).some((c) => c.type === "telemetry" && c.status !== "planned");
}

export const agentActionsUnrecorded: Rule = {
  id: "TW-GOV-003",
  title: "Agent actions not recorded",
  category: "governance",
  rationale:
    "When an agent changes, deletes, sends, publishes, spends or runs code and nothing records its tool calls, nobody can tell afterwards what it did, on whose instructions, or whether an injected instruction made it do so. Incidents cannot be investigated, and the agent's actions cannot be told apart from the people's.",
  appliesWhen:
    "An agent has a tool that writes, deletes, executes, sends, publishes or spends, and no telemetry control (implemented or partial) covers the agent, the host it runs on, any of its tools or any of its MCP servers.",
  mappings: {
    stride: ["R"],
    owaspAgentic: ["ASI10"],
    owaspAgenticThreats: ["T8"],
    owaspMcp: ["MCP08:2025"],
    atlasMitigations: ["AML.M0024"],
    maestro: ["L5"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 12"],
  },
  likelihood: 2,
  impact: 3,
  mitigations: [{ control: "telemetry", reduces: "likelihood", by: 1, how: "tool calls are recorded with their arguments" }],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agent = graph.agent(node.id)!;
      const acting = ownToolEffects(capabilities.agentEffects(agent.id)).filter((e) => SIDE_EFFECTS.has(e.action));
      if (acting.length === 0) continue;
      const tools = graph.toolsOf(agent.id).map((t) => t.id);
      const watched = [agent.id, ...(agent.runsOn ? [agent.runsOn] : []), ...tools, ...mcpServersOf(context, agent.id).map((s) => s.id)];
      if (watched.some((id) => recorded(context, id))) continue;
      const actingTools = [...new Set(acting.map((e) => e.tool!))];
      const factors: Factor[] = [];
      const origin = untrusted.originsReaching(agent.id)[0];
      if (origin) factors.push({ dimension: "likelihood", delta: 1, reason: `${graph.nameOf(agent.id)} reads untrusted text from ${graph.nameOf(origin.id)}, so some of its actions are an attacker's` });
      const severe = [...new Set(acting.filter((e) => SEVERE.has(e.action)).map((e) => e.action))];
      if (severe.length) factors.push({ dimension: "impact", delta: 1, reason: `its unrecorded actions include ${joinWords(severe)}` });
      detections.push({
        anchors: [agent.id],
        summary: `Nothing records the tool calls of ${graph.nameOf(agent.id)}, which can ${joinWords([...new Set(acting.map((e) => e.action))])} through ${names(context, actingTools)}.`,
        evidence: [
          { element: agent.id, note: "no telemetry control covers the agent, its host, its tools or its MCP servers" },
          ...actingTools.map((t) => ({ element: t, note: [...new Set(acting.filter((e) => e.tool === t).map((e) => e.action))].join(", ") })),
        ],
        factors,
        scope: actingTools,
      });
    }
    return detections;
  },
};
