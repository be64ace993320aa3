import { effectStep, entrySteps, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import { capabilitiesBeyond, injectableAgents, originEvidence, SEVERE_ACTIONS } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

export const steeredAgentInstructsCapableAgent: Rule = {
  id: "TW-A2A-002",
  title: "A steered agent instructs a more capable agent",
  category: "multi-agent",
  rationale:
    "Splitting work between a reading agent and an acting agent only helps if the acting agent does not simply do what the reading agent says. When the agent exposed to untrusted text passes messages to one with capabilities it lacks (payments, deletions, code execution), the attacker's instructions travel along and the privileged agent carries them out: privilege escalation across agents.",
  appliesWhen:
    "A flow goes from an injectable agent to another agent that has consequential capabilities (spend, write, delete, execute, send, publish, admin) the sender lacks, at least as severe as anything the sender can do. Attacker text counts only where it reaches the sender other than through that agent: text the receiver passed down to the sender steered the receiver first, and sending it back up adds nothing.",
  mappings: {
    stride: ["E", "T"],
    owaspLlm: ["LLM01:2025", "LLM06:2025"],
    owaspAgentic: ["ASI03", "ASI07", "ASI01"],
    owaspAgenticThreats: ["T12", "T3", "T6"],
    atlasTechniques: ["AML.T0051.001", "AML.T0053"],
    atlasMitigations: ["AML.M0029", "AML.M0032", "AML.M0033"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MAP", "MANAGE"],
    euAiAct: ["Art. 14", "Art. 15"],
  },
  likelihood: 3,
  impact: 4,
  mitigations: [
    { control: "human-approval", reduces: "likelihood", by: 2, how: "a person approves the capable agent's consequential actions" },
    { control: "output-validation", reduces: "likelihood", by: 1, how: "messages are validated against a strict schema, so free text does not reach the capable agent" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "the capable agent treats the message as data, not as instructions" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the capable agent can do less" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    for (const { agent, origins: reaching } of injectableAgents(context)) {
      const receivers = new Map<string, string[]>();
      for (const flow of graph.flowsFrom(agent.id)) {
        if (flow.to === agent.id || graph.kindOf(flow.to) !== "agent") continue;
        const list = receivers.get(flow.to);
        if (list) list.push(flow.id);
        else receivers.set(flow.to, [flow.id]);
      }
      if (receivers.size === 0) continue;
      for (const [receiver, flows] of [...receivers].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const beyond = capabilitiesBeyond(context, receiver, agent.id);
        if (beyond.length === 0) continue;
        // Text that reached the sender through the receiver steered the receiver first: passing it back adds nothing.
        const origins = reaching.filter((o) => !untrusted.pathFrom(o.id, agent.id).some((hop) => hop.node === receiver));
        const top = origins[0];
        if (!top) continue;
        const hops = untrusted.pathFrom(top.id, agent.id);
        const worst = beyond[0]!;
        const abilities = [...new Set(beyond.map((e) => `${e.action}${e.resource ? ` on ${graph.nameOf(e.resource)}` : ""}`))];
        const tools = [...new Set(beyond.map((e) => e.tool!))];
        const impact: Factor[] = !SEVERE_ACTIONS.has(worst.action) ? [{ dimension: "impact", delta: -1, reason: `the most ${graph.nameOf(receiver)} can do beyond ${graph.nameOf(agent.id)} is ${worst.action}` }] : [];
        detections.push({
          anchors: [agent.id, receiver],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)} and passes messages to ${graph.nameOf(receiver)}, which can ${abilities.slice(0, 3).join(", ")}${abilities.length > 3 ? " and more" : ""}; ${graph.nameOf(agent.id)} cannot.`,
          evidence: [
            ...originEvidence(context, origins, agent.id),
            ...flows.map((f): EvidenceItem => ({ element: f, note: `message from ${graph.nameOf(agent.id)} to ${graph.nameOf(receiver)}` })),
            ...tools.map((t): EvidenceItem => ({ element: t, note: `${graph.nameOf(receiver)}'s capability the sender lacks: ${[...new Set(beyond.filter((e) => e.tool === t).map((e) => e.action))].join(", ")}` })),
          ],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops, true), ...impact],
          path: [
            ...entrySteps(graph, untrusted, top, agent.id),
            { element: receiver, action: `${graph.nameOf(agent.id)} passes the attacker's instructions to ${graph.nameOf(receiver)}, which acts on them`, technique: TECHNIQUE.indirectInjection },
            effectStep(graph, worst),
          ],
          scope: [...flows, ...tools],
        });
      }
    }
    return detections;
  },
};
