import { entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import { injectableAgents, originEvidence, outputConsumers } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const sentInOrganisationName: Rule = {
  id: "TW-OUT-002",
  title: "Injected output sent as email or published in the organisation's name",
  category: "output-handling",
  rationale:
    "Mail sent from the organisation's address and posts on its channels are trusted by their readers. An agent that reads attacker-controlled text and hands its output to a service that sends or publishes it lets the attacker write phishing, fraud instructions or defamatory statements that arrive with the organisation's name, domain reputation and signature.",
  appliesWhen:
    "An injectable agent sends output (through a flow, or through one of its tools) to a client or service that sends email or publishes. Where every tool that hands it over sends to fixed, allow-listed or internal recipients only, the impact is a step lower.",
  mappings: {
    stride: ["S", "T"],
    owaspLlm: ["LLM05:2025", "LLM01:2025"],
    owaspAgentic: ["ASI01", "ASI09"],
    owaspAgenticThreats: ["T6", "T15"],
    atlasTechniques: ["AML.T0052", "AML.T0048.001", "AML.T0053"],
    atlasMitigations: ["AML.M0029", "AML.M0033"],
    maestro: ["L7"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 15", "Art. 50"],
  },
  likelihood: 4,
  impact: 3,
  mitigations: [
    { control: "human-approval", reduces: "likelihood", by: 2, how: "a person reads each message or post before it goes out" },
    { control: "output-validation", reduces: "likelihood", by: 1, how: "outgoing text is checked for links, payment details and off-topic content" },
    { control: "egress-allowlist", reduces: "impact", by: 1, how: "messages only go to recipients tied to the case, not anyone the attacker names" },
    { control: "rate-limit", reduces: "impact", by: 1, how: "caps how many messages a steered agent can send" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    for (const { agent, origins, top, hops } of injectableAgents(context)) {
      for (const { consumer, vias } of outputConsumers(context, agent.id)) {
        const handles = ((graph.node(consumer)?.element.handles as string[] | undefined) ?? []).filter((h) => h === "sends-email" || h === "publishes");
        if (handles.length === 0) continue;
        const email = handles.includes("sends-email");
        // Recipients: narrowed only when every tool that hands output over names a fixed, allow-listed or internal destination.
        const destinations = vias.map((v) => {
          if (!v.tool) return undefined; // a direct flow: nothing in the model narrows the recipients
          const capability = graph.tool(v.tool)?.capabilities.find((c) => (c.action === "send" || c.action === "publish") && (!c.on || c.on.length === 0 || c.on.includes(consumer)));
          return capability?.destination;
        });
        const narrowed = destinations.every((d) => d === "fixed" || d === "allow-listed" || d === "internal") ? destinations : [];
        const recipients = narrowed.includes("internal") ? "recipients inside the organisation" : `${narrowed.includes("allow-listed") ? "allow-listed" : "fixed"} recipients`;
        const impact: Factor[] = narrowed.length ? [{ dimension: "impact", delta: -1, reason: `goes only to ${recipients}, not anyone the attacker names` }] : [];
        const carriers = [...new Set(vias.flatMap((v) => [v.tool, v.flow].filter((x): x is string => x !== undefined)))];
        const verb = email ? "sends it as email" : "publishes it";
        detections.push({
          anchors: [agent.id, consumer],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)} and its output goes to ${graph.nameOf(consumer)}, which ${verb}${handles.length > 1 ? " and publishes it" : ""} in the organisation's name.`,
          evidence: [
            ...originEvidence(context, origins, agent.id),
            { element: consumer, note: `handles output by ${handles.join(", ")}` },
            ...carriers.map((id) => ({ element: id, note: `carries ${graph.nameOf(agent.id)}'s output to ${graph.nameOf(consumer)}` })),
          ],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops), ...impact],
          path: [
            ...entrySteps(graph, untrusted, top, agent.id),
            { element: carriers.find((c) => graph.kindOf(c) === "tool") ?? agent.id, action: `${graph.nameOf(agent.id)} writes the attacker's message (phishing link, false payment details, statements) into its output`, technique: "AML.T0053" },
            email
              ? { element: consumer, action: `${graph.nameOf(consumer)} sends it from the organisation's address`, technique: "AML.T0052" }
              : { element: consumer, action: `${graph.nameOf(consumer)} publishes it under the organisation's name`, technique: "AML.T0048.001" },
          ],
          scope: carriers,
        });
      }
    }
    return detections;
  },
};
