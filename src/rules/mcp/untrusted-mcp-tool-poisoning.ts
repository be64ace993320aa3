import { effectStep, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor } from "../../analysis/factors.js";
import { controlsOfType, effectImpactFactors, isUntrustedServer, mcpServersOf, ownToolEffects, publisherNote, worstEffect } from "../helpers.js";
import type { Detection, Factor, PathStep, Rule } from "../rule.js";

export const untrustedMcpToolPoisoning: Rule = {
  id: "TW-MCP-001",
  title: "Tool poisoning from an MCP server of an untrusted publisher",
  category: "mcp",
  rationale:
    "An MCP server's tool names, descriptions and parameter schemas are put into the agent's context as they are, whether or not a tool is ever called. A community or unknown publisher, or whoever takes over their package or account, can hide instructions there: read a key file and pass it in a parameter, call another tool first, skip a check. The model treats them as part of its instructions and acts on them with everything the agent can do.",
  appliesWhen: "An agent connects to an MCP server (listed in its mcpServers, or through a tool the server provides) whose publisherTrust is community or unknown.",
  mappings: {
    stride: ["T", "E"],
    owaspLlm: ["LLM01:2025", "LLM03:2025"],
    owaspAgentic: ["ASI04", "ASI01"],
    owaspAgenticThreats: ["T17", "T2"],
    owaspMcp: ["MCP03:2025"],
    atlasTechniques: ["AML.T0110"],
    atlasMitigations: ["AML.M0016", "AML.M0029", "AML.M0028"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MAP", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "dependency-scanning", reduces: "likelihood", by: 1, how: "tool descriptions are scanned for hidden instructions before the server is admitted or updated" },
    { control: "pinned-artifacts", reduces: "likelihood", by: 1, how: "the reviewed descriptions cannot change without a deliberate update; on a server pinned by digest, that pin already takes the step off the likelihood, so the control is not counted again" },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a person sees each tool call, with its arguments, before it runs" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "limits what a steered agent can do" },
  ],
  detect(context) {
    const { graph, capabilities } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agent = node.id;
      const untrusted = mcpServersOf(context, agent).filter(isUntrustedServer);
      if (untrusted.length === 0) continue;
      const effects = capabilities.agentEffects(agent);
      let impact: Factor[] = effectImpactFactors(context, agent, effects);
      // A read-only agent still hands what it holds to the server: the descriptions can ask for it as tool arguments.
      // The context holds only sensitive data; the first item is cited.
      const sensitive: string | undefined = context.contextData.of(agent).keys().next().value;
      if (impact.some((f) => f.delta < 0) && sensitive !== undefined) impact = [];
      const worst = worstEffect(ownToolEffects(effects));
      for (const server of untrusted) {
        const serverTools = graph.toolsOf(agent).filter((t) => t.server === server.id).map((t) => t.id);
        const factors: Factor[] = [...attackerFactor(graph, server.id), ...impact];
        // The digest is the pin a pinned-artifacts control on the server would be: counted once, here.
        const pins = server.pinned === "digest" ? controlsOfType(graph, "pinned-artifacts", [server.id]) : [];
        if (server.pinned === "digest") {
          const same = pins.length ? `; ${pins.map((c) => `${c} (pinned-artifacts)`).join(" and ")} is this same pin, counted once here` : "";
          factors.push({ dimension: "likelihood", delta: -1, reason: `${graph.nameOf(server.id)} is pinned by digest: its descriptions change only when the team moves the pin${same}` });
        }
        const path: PathStep[] = [
          { element: server.id, action: `${graph.nameOf(server.id)} serves tool descriptions that carry hidden instructions`, technique: TECHNIQUE.toolPoisoning },
          { element: agent, action: `${graph.nameOf(agent)} loads the descriptions into its context and follows them`, technique: TECHNIQUE.indirectInjection },
        ];
        if (worst) path.push(effectStep(graph, worst));
        detections.push({
          anchors: [agent, server.id],
          summary: `${graph.nameOf(agent)} loads the tool descriptions of ${graph.nameOf(server.id)} from a ${server.publisherTrust} publisher (${server.publisher}) into its context; instructions hidden there act with everything ${graph.nameOf(agent)} can do${worst ? `, up to ${worst.action} through ${graph.nameOf(worst.tool!)}` : ""}.`,
          evidence: [
            { element: server.id, note: `${publisherNote(server)}; its tool descriptions reach ${graph.nameOf(agent)}` },
            { element: agent, note: `connects to ${graph.nameOf(server.id)}${serverTools.length ? ` and is given its tools ${serverTools.map((t) => graph.nameOf(t)).join(", ")}` : ""}` },
            ...(worst ? [{ element: worst.tool!, note: `most damaging capability within reach: ${worst.action}${worst.resource ? ` on ${graph.nameOf(worst.resource)}` : ""}` }] : []),
            ...(sensitive !== undefined ? [{ element: sensitive, note: "sensitive data in the agent's context that the descriptions can ask for as tool arguments" }] : []),
          ],
          factors,
          path,
          scope: [...serverTools],
          ...(server.pinned === "digest" ? { accountedFor: ["pinned-artifacts" as const] } : {}),
        });
      }
    }
    return detections;
  },
};
