import { effectImpactFactors } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

/** Senders a forger can pose as. Messages from other agents are TW-A2A-001; clients are the user's own way in. */
const SENDER_KINDS = new Set(["service", "source"]);

export const unauthenticatedAgentInput: Rule = {
  id: "TW-INF-005",
  title: "Unauthenticated input into an agent from another trust boundary",
  category: "infrastructure",
  rationale:
    "When an agent accepts messages, events or documents from another trust boundary without checking who sent them, anyone who can reach the endpoint can pose as that sender: a forged webhook, a fake event from a queue, a document pushed into the feed. The agent treats the text as coming from a system it trusts and acts on it with its own capabilities.",
  appliesWhen:
    "A flow into an agent comes from a service or a source in a different trust boundary and is marked authenticated: false. Messages from other agents are TW-A2A-001.",
  mappings: {
    stride: ["S", "T"],
    owaspLlm: ["LLM01:2025"],
    owaspAgentic: ["ASI01"],
    owaspAgenticThreats: ["T9"],
    atlasTechniques: ["AML.T0051"],
    atlasMitigations: ["AML.M0033"],
    maestro: ["L3", "L4"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 15"],
    nistCsf: ["PR.AA-03", "PR.AA-04"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "authentication", reduces: "likelihood", by: 2, how: "the agent's endpoint checks a signature, token or client certificate of the sender" },
    { control: "input-filtering", reduces: "likelihood", by: 1, how: "incoming text is screened before it reaches the model" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "limits what the agent can do when it acts on forged input" },
  ],
  detect(context) {
    const { graph, capabilities } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agent = node.id;
      for (const flow of graph.flowsTo(agent)) {
        if (flow.authenticated !== false || !SENDER_KINDS.has(graph.kindOf(flow.from) ?? "")) continue;
        const fromBoundary = graph.boundaryOf(flow.from);
        const toBoundary = graph.boundaryOf(agent);
        if (!fromBoundary || !toBoundary || fromBoundary === toBoundary) continue;
        const factors: Factor[] = [];
        if (graph.boundary(fromBoundary)?.type === "internet") factors.push({ dimension: "likelihood", delta: 1, reason: `the sender sits in ${graph.nameOf(fromBoundary)}: anyone there can pose as it` });
        factors.push(...effectImpactFactors(context, agent, capabilities.agentEffects(agent)));
        detections.push({
          anchors: [flow.id],
          summary: `${graph.nameOf(agent)} accepts ${graph.nameOf(flow.id)} from ${graph.nameOf(flow.from)} (${graph.nameOf(fromBoundary)}) without authenticating the sender, so anyone who reaches it can pose as ${graph.nameOf(flow.from)}.`,
          evidence: [
            { element: flow.id, note: `authenticated: false, channel ${flow.channel}${flow.protocol ? `, protocol ${flow.protocol}` : ""}` },
            { element: flow.from, note: `${graph.kindOf(flow.from)} in ${graph.nameOf(fromBoundary)}` },
            { element: agent, note: `agent in ${graph.nameOf(toBoundary)} that acts on the input` },
          ],
          factors,
          scope: [agent],
        });
      }
    }
    return detections;
  },
};
