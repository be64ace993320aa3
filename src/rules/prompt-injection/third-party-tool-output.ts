import { effectStep } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor } from "../../analysis/factors.js";
import { admittingAllowLists, allowListAdmits, effectImpactFactors, isUntrustedServer, names, ownToolEffects, ownToolsFirst, worstEffect } from "../helpers.js";
import type { McpServer } from "../../model/schema.js";
import { reachesOutside } from "../../model/vocabulary.js";
import type { Detection, EvidenceItem, Factor, PathStep, Rule } from "../rule.js";

export const thirdPartyToolOutput: Rule = {
  id: "TW-PI-003",
  title: "Injection through third-party tool output or fetched web content",
  category: "prompt-injection",
  rationale:
    "A tool that fetches pages at URLs the agent chooses returns text that anyone on the internet may have written, and a tool served by a community or unknown MCP server returns whatever its publisher (or whoever compromises the package) wants. That output goes straight into the agent's context, where instructions in it are read like any other. The agent's own choice of URL is easily steered by a link in an issue, an email or a search result. (Instructions hidden in an MCP server's tool descriptions are a separate finding, TW-MCP-001; this one is about what the tools return.)",
  appliesWhen:
    "An agent has a tool that fetches at a destination that is not fixed (any URL adds a step of likelihood; an allow-listed fetch is scored by the exposure of the sites it names, as other injection rules score an entry), or a tool served by an MCP server whose publisher trust is community or unknown; the tool's output returns into the agent. A fetch is one finding per tool; the other tools of one such server are one finding for the server (they share its publisher and its package).",
  mappings: {
    stride: ["T", "E"],
    owaspLlm: ["LLM01:2025"],
    owaspAgentic: ["ASI01", "ASI04"],
    owaspAgenticThreats: ["T6", "T17"],
    owaspMcp: ["MCP06:2025", "MCP10:2025"],
    atlasTechniques: ["AML.T0051.001", "AML.T0100", "AML.T0099"],
    atlasMitigations: ["AML.M0030", "AML.M0033", "AML.M0020"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "tool output is marked as data the model should not obey" },
    { control: "input-filtering", reduces: "likelihood", by: 1, how: "tool output is screened for instructions before it reaches the model" },
    { control: "egress-allowlist", reduces: "likelihood", by: 1, how: "the tool only fetches from sites the team trusts (not against an adversary of the model who gets in through a site on the list, such as a self-onboarded merchant's)" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "limits what a steered agent can do" },
  ],
  detect(context) {
    const { graph, capabilities, untrusted } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agentId = node.id;
      const effects = ownToolEffects(capabilities.agentEffects(agentId));
      const ordered = ownToolsFirst(context, agentId, effects);
      const impact = effectImpactFactors(context, agentId, effects);
      // The tools one untrusted server serves share one publisher and one package: one finding per server, not per tool.
      const served = new Map<string, string[]>();
      for (const tool of graph.toolsOf(agentId)) {
        const fetch = tool.capabilities.find((c) => c.action === "fetch" && reachesOutside(c));
        const server = tool.server ? graph.server(tool.server) : undefined;
        const thirdParty = server && isUntrustedServer(server) ? server : undefined;
        if (!fetch && thirdParty) served.set(thirdParty.id, [...(served.get(thirdParty.id) ?? []), tool.id]);
        if (!fetch) continue;

        const toolName = graph.nameOf(tool.id);
        // The fetched sites the model names are entries like any other: the most exposed one is scored as TW-PI-002 and TW-PI-005 score it.
        const fetched = fetch.on?.length ? untrusted.originsReaching(agentId).filter((o) => fetch.on!.includes(o.id)) : [];
        const likelihood: Factor[] =
          fetch.destination !== "allow-listed"
            ? [{ dimension: "likelihood", delta: 1, reason: `${toolName} fetches any URL the agent chooses: anyone who can publish a page can write into the agent's context` }]
            : fetched[0]
              ? exposureFactor(graph, fetched[0])
              : [];
        const admits = allowListAdmits(graph, tool.id);
        const admitted = admits ? `; the list takes in ${graph.nameOf(admits.target)}, where ${graph.nameOf(admits.adversary)} gets in` : "";
        const evidence: EvidenceItem[] = [{ element: tool.id, note: `fetch capability${fetch.on?.length ? ` on ${fetch.on.map((r) => graph.nameOf(r)).join(", ")}` : ""}, destination ${fetch.destination ?? "not restricted"}${admitted}; its output returns into the agent` }];
        if (thirdParty) evidence.push(serverEvidence(thirdParty, toolName));
        const what = `fetches ${fetch.destination === "allow-listed" ? "allow-listed" : "arbitrary"} web content${thirdParty ? ` and is served by ${graph.nameOf(thirdParty.id)}, a ${thirdParty.publisherTrust} MCP server` : ""}`;
        detections.push(
          finding([tool.id], what, likelihood, evidence, tool.id, [
            { element: fetched[0]?.id ?? fetch.on?.[0] ?? tool.id, action: `attacker publishes a page with hidden instructions and puts its link where ${graph.nameOf(agentId)} will follow it`, technique: "AML.T0100" },
            { element: tool.id, action: `${toolName} fetches the page and returns its text to the agent`, technique: "AML.T0051.001" },
          ], [tool.id, ...(thirdParty ? [thirdParty.id] : []), ...(fetch.on ?? [])], tool.id, admits ? admittingAllowLists(context, tool.id, admits, [agentId, tool.id, ...(fetch.on ?? [])]) : {}),
        );
      }
      for (const [serverId, tools] of served) {
        const server = graph.server(serverId)!;
        const serverName = graph.nameOf(serverId);
        const toolNames = names(context, tools);
        detections.push(
          finding(tools, `${tools.length === 1 ? "is" : "are"} served by ${serverName}, a ${server.publisherTrust} MCP server`, [], [
            serverEvidence(server, toolNames),
            ...tools.map((id): EvidenceItem => ({ element: id, note: `tool served by ${serverName}; its output returns into the agent` })),
          ], serverId, [
            { element: serverId, action: `${serverName} returns tool output that carries instructions`, technique: "AML.T0099" },
            { element: tools[0]!, action: `${tools.length === 1 ? graph.nameOf(tools[0]!) : `${graph.nameOf(tools[0]!)} (or another of its tools)`} hands the output to the agent`, technique: "AML.T0051.001" },
          ], [serverId, ...tools], serverId),
        );
      }

      function serverEvidence(server: McpServer, served: string): EvidenceItem {
        return { element: server.id, note: `MCP server from a ${server.publisherTrust} publisher (${server.publisher})${server.pinned ? `, pinned: ${server.pinned}` : ", not pinned"}; it serves ${served}` };
      }

      /** One finding: the way the text comes in (`what`, `steps`) through `tools`, then what a steered agent can do with the agent's other tools. */
      function finding(tools: string[], what: string, likelihood: Factor[], evidence: EvidenceItem[], attackerAt: string, steps: PathStep[], scope: string[], anchor = tools[0]!, discounted: Pick<Detection, "accountedFor" | "notCounted"> = {}): Detection {
        // On a tie, the tool that lets the text in is the one named.
        const worst = worstEffect([...ordered.filter((e) => tools.includes(e.tool!)), ...ordered.filter((e) => !tools.includes(e.tool!))]);
        const sideEffectTools = [...new Set(effects.filter((e) => e.action !== "read" && !tools.includes(e.tool!)).map((e) => e.tool!))];
        const subject = tools.length === 1 ? graph.nameOf(tools[0]!) : names(context, tools);
        return {
          anchors: [agentId, anchor],
          summary: `${graph.nameOf(agentId)} calls ${subject}, which ${what}; ${tools.length === 1 ? "its" : "their"} output lands in the agent's context${worst && worst.action !== "read" ? ` next to the power to ${worst.action} through ${graph.nameOf(worst.tool!)}` : ""}.`,
          evidence: [...evidence, ...sideEffectTools.slice(0, 4).map((other): EvidenceItem => ({ element: other, note: "side-effecting tool within reach of the injected instructions" }))],
          factors: [...likelihood, ...attackerFactor(graph, attackerAt), ...impact],
          path: [
            ...steps,
            { element: agentId, action: `${graph.nameOf(agentId)} reads the output and follows the injected instructions`, technique: "AML.T0051.001" },
            ...(worst ? [effectStep(graph, worst)] : []),
          ],
          scope,
          ...discounted,
        };
      }
    }
    return detections;
  },
};
