import { CONSEQUENTIAL_ACTIONS } from "../../model/vocabulary.js";
import { isSevere, ownToolEffects } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

export const unauthenticatedAgentMessages: Rule = {
  id: "TW-A2A-001",
  title: "Unauthenticated messages between agents",
  category: "multi-agent",
  rationale:
    "An agent that accepts messages from another without authenticating the sender gives every message on that channel the sender's authority. Across a trust boundary anyone who can reach the channel can forge instructions; when the sender itself reads untrusted text, the receiver can neither tell its peer's messages from forged ones nor trace a bad instruction back to where it came from.",
  appliesWhen:
    "A flow goes from one agent to another, is not marked authenticated, the two agents do not both run on the same host (the same runsOn) in the same trust boundary, and either the sender is reachable by untrusted content or the two agents sit in different trust boundaries.",
  mappings: {
    stride: ["S", "T", "R"],
    owaspLlm: ["LLM06:2025"],
    owaspAgentic: ["ASI07"],
    owaspAgenticThreats: ["T9", "T12", "T16"],
    owaspNhi: ["NHI4:2025"],
    atlasTechniques: ["AML.T0051.001", "AML.T0073"],
    atlasMitigations: ["AML.M0032", "AML.M0033"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MAP", "MANAGE"],
    euAiAct: ["Art. 15"],
    nistCsf: ["PR.AA-03", "PR.AA-04"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "authentication", reduces: "likelihood", by: 2, how: "the receiver verifies which agent sent each message (mTLS, signed messages, workload identity)" },
    { control: "output-validation", reduces: "likelihood", by: 1, how: "messages are checked against a schema before the receiver acts on them" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const sender = node.id;
      for (const flow of graph.flowsFrom(sender)) {
        const receiver = flow.to;
        if (receiver === sender || graph.kindOf(receiver) !== "agent" || flow.authenticated === true) continue;
        const from = graph.boundaryOf(sender);
        const to = graph.boundaryOf(receiver);
        // Two loops on one host in one boundary talk inside one process: no network to reach, no one to spoof the
        // sender. runsOn is optional and says nothing where it is missing, so only two stated, equal hosts count.
        const host = graph.hostOf(sender);
        if (host !== undefined && host === graph.hostOf(receiver) && from === to) continue;
        const crosses = from !== undefined && to !== undefined && from !== to;
        const injectable = untrusted.reaches(sender);
        if (!crosses && !injectable) continue;
        const effects = ownToolEffects(capabilities.agentEffects(receiver)).filter((e) => CONSEQUENTIAL_ACTIONS.has(e.action));
        const severe = effects.filter((e) => isSevere(graph, e));
        const factors: Factor[] = [];
        if (crosses) factors.push({ dimension: "likelihood", delta: 1, reason: `the messages cross from ${graph.nameOf(from)} to ${graph.nameOf(to)}` });
        if (severe.length) factors.push({ dimension: "impact", delta: 1, reason: `${graph.nameOf(receiver)} can ${[...new Set(severe.map((e) => e.action))].join(", ")} on what it is told` });
        else if (effects.length === 0) factors.push({ dimension: "impact", delta: -1, reason: `${graph.nameOf(receiver)} has no tool with side effects` });
        const why = [crosses ? `across the boundary from ${graph.nameOf(from)} to ${graph.nameOf(to)}` : "", injectable ? `from an agent that reads untrusted text` : ""].filter(Boolean).join(" and ");
        detections.push({
          anchors: [flow.id],
          summary: `${graph.nameOf(receiver)} accepts messages from ${graph.nameOf(sender)} (${graph.nameOf(flow.id)}) without authenticating the sender, ${why}.`,
          evidence: [
            { element: flow.id, note: `agent-to-agent ${flow.channel} flow${flow.protocol ? ` over ${flow.protocol}` : ""}, ${flow.authenticated === false ? "not authenticated" : "authentication not stated"}` },
            { element: sender, note: injectable ? `sender; reachable by untrusted text from ${graph.nameOf(untrusted.originsReaching(sender)[0]!.id)}` : "sender" },
            { element: receiver, note: effects.length ? `receiver; can ${[...new Set(effects.map((e) => e.action))].join(", ")}` : "receiver" },
          ] satisfies EvidenceItem[],
          factors,
          scope: [sender, receiver],
        });
      }
    }
    return detections;
  },
};
