import { byDamage, killSwitchOn, names, ownToolEffects, RUNAWAY_ACTIONS } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

export const noWayToStopAgent: Rule = {
  id: "TW-GOV-006",
  title: "Autonomous agent with damaging tools and no way to stop it",
  category: "governance",
  rationale:
    "An agent that acts on its own can go wrong without any attacker: a bad plan, a loop, a misread instruction. When it can spend, delete, run code, publish or administer (isolate host after host, disable account after account), every minute it keeps going adds damage, and the people responsible need a way to stop it now, not a deployment later. A kill switch (a flag the agent checks, a revoked token, a stopped queue) turns a runaway agent into an incident of minutes. Human oversight under the EU AI Act includes being able to interrupt the system.",
  appliesWhen:
    "An agent acts on its own (autonomy autonomous or not stated), its own tools can spend, delete, execute, publish or administer, no other agent feeds it (chains of agents are TW-CAS-001's), and no kill-switch control, not only planned, covers the agent, its host or those tools.",
  mappings: {
    stride: ["T", "D"],
    owaspLlm: ["LLM06:2025"],
    owaspAgentic: ["ASI10"],
    owaspAgenticThreats: ["T7"],
    atlasTechniques: ["AML.T0053"],
    atlasMitigations: ["AML.M0029"],
    maestro: ["L3", "L5"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    euAiAct: ["Art. 14"],
  },
  likelihood: 2,
  impact: 4,
  mitigations: [
    { control: "kill-switch", reduces: "impact", by: 2, how: "someone can stop the agent as soon as it misbehaves" },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a person approves each damaging action, so a runaway agent waits" },
    { control: "rate-limit", reduces: "impact", by: 1, how: "bounds how many actions it takes before anyone notices" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agent = graph.agent(node.id)!;
      if (agent.autonomy !== undefined && agent.autonomy !== "autonomous") continue;
      if (graph.flowsTo(agent.id).some((f) => f.from !== agent.id && graph.kindOf(f.from) === "agent")) continue;
      const effects = ownToolEffects(capabilities.agentEffects(agent.id))
        .filter((e) => RUNAWAY_ACTIONS.has(e.action))
        .sort((a, b) => byDamage(a.action, b.action));
      if (effects.length === 0) continue;
      const tools = [...new Set(effects.map((e) => e.tool!))];
      if (killSwitchOn(context, agent.id) || killSwitchOn(context, agent.runsOn) || tools.some((t) => killSwitchOn(context, t))) continue;
      const actions = [...new Set(effects.map((e) => e.action))];
      const origin = untrusted.originsReaching(agent.id)[0];
      const factors: Factor[] = origin ? [{ dimension: "likelihood", delta: 1, reason: `text from ${graph.nameOf(origin.id)} reaches it, so an attacker can set it going too` }] : [];
      detections.push({
        anchors: [agent.id],
        summary: `${graph.nameOf(agent.id)} acts on its own and can ${actions.join(", ")} through ${names(context, tools)}, and nothing is in place to stop it if it runs away.`,
        evidence: [
          { element: agent.id, note: `acts ${agent.autonomy === "autonomous" ? "autonomously" : "with no autonomy level stated"}; no kill switch covers it${agent.runsOn ? ` or ${graph.nameOf(agent.runsOn)}` : ""}` },
          ...tools.map((t): EvidenceItem => ({ element: t, note: `can ${[...new Set(effects.filter((e) => e.tool === t).map((e) => e.action))].join(", ")}` })),
        ],
        factors,
        scope: [agent.id, ...tools],
      });
    }
    return detections;
  },
};
