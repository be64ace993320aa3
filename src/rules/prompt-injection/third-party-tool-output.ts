import { effectStep } from "../../analysis/attack-paths.js";
import { attackerFactor } from "../../analysis/factors.js";
import { effectImpactFactors, isUntrustedServer, ownToolEffects, ownToolsFirst, worstEffect } from "../helpers.js";
import { reachesOutside } from "../../model/vocabulary.js";
import type { Detection, EvidenceItem, Factor, PathStep, Rule } from "../rule.js";

export const thirdPartyToolOutput: Rule = {
  id: "TW-PI-003",
  title: "Injection through third-party tool output or fetched web content",
  category: "prompt-injection",
  rationale:
    "A tool that fetches pages at URLs the agent chooses returns text that anyone on the internet may have written, and a tool served by a community or unknown MCP server returns whatever its publisher (or whoever compromises the package) wants. That output goes straight into the agent's context, where instructions in it are read like any other. The agent's own choice of URL is easily steered by a link in an issue, an email or a search result. (Instructions hidden in an MCP server's tool descriptions are a separate finding, TW-MCP-001; this one is about what the tools return.)",
  appliesWhen:
    "An agent has a tool that fetches at a destination that is not fixed, or a tool served by an MCP server whose publisher trust is community or unknown; the tool's output returns into the agent.",
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
    { control: "egress-allowlist", reduces: "likelihood", by: 1, how: "the tool only fetches from sites the team trusts" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "limits what a steered agent can do" },
  ],
  detect(context) {
    const { graph, capabilities } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agentId = node.id;
      const effects = ownToolEffects(capabilities.agentEffects(agentId));
      const ordered = ownToolsFirst(context, agentId, effects);
      const impact = effectImpactFactors(context, agentId, effects);
      for (const tool of graph.toolsOf(agentId)) {
        const fetch = tool.capabilities.find((c) => c.action === "fetch" && reachesOutside(c));
        const server = tool.server ? graph.server(tool.server) : undefined;
        const thirdParty = server && isUntrustedServer(server) ? server : undefined;
        if (!fetch && !thirdParty) continue;

        const likelihood: Factor[] = [];
        const evidence: EvidenceItem[] = [];
        const path: PathStep[] = [];
        const toolName = graph.nameOf(tool.id);
        if (fetch) {
          const anyUrl = fetch.destination !== "allow-listed";
          if (anyUrl) likelihood.push({ dimension: "likelihood", delta: 1, reason: `${toolName} fetches any URL the agent chooses: anyone who can publish a page can write into the agent's context` });
          evidence.push({ element: tool.id, note: `fetch capability${fetch.on?.length ? ` on ${fetch.on.map((r) => graph.nameOf(r)).join(", ")}` : ""}, destination ${fetch.destination ?? "not restricted"}; its output returns into the agent` });
          path.push({ element: fetch.on?.[0] ?? tool.id, action: `attacker publishes a page with hidden instructions and puts its link where ${graph.nameOf(agentId)} will follow it`, technique: "AML.T0100" });
          path.push({ element: tool.id, action: `${toolName} fetches the page and returns its text to the agent`, technique: "AML.T0051.001" });
        }
        if (thirdParty) {
          evidence.push({ element: thirdParty.id, note: `MCP server from a ${thirdParty.publisherTrust} publisher (${thirdParty.publisher})${thirdParty.pinned ? `, pinned: ${thirdParty.pinned}` : ", not pinned"}; it serves ${toolName}` });
          if (!fetch) {
            evidence.push({ element: tool.id, note: `tool served by ${graph.nameOf(thirdParty.id)}; its output returns into the agent` });
            path.push({ element: thirdParty.id, action: `${graph.nameOf(thirdParty.id)} returns tool output that carries instructions`, technique: "AML.T0099" });
            path.push({ element: tool.id, action: `${toolName} hands the output to the agent`, technique: "AML.T0051.001" });
          }
        }
        // On a tie, the tool that lets the text in is the one named.
        const worst = worstEffect([...ordered.filter((e) => e.tool === tool.id), ...ordered.filter((e) => e.tool !== tool.id)]);
        path.push({ element: agentId, action: `${graph.nameOf(agentId)} reads the output and follows the injected instructions`, technique: "AML.T0051.001" });
        if (worst) path.push(effectStep(graph, worst));
        const sideEffectTools = [...new Set(effects.filter((e) => e.action !== "read" && e.tool !== tool.id).map((e) => e.tool!))];
        for (const other of sideEffectTools.slice(0, 4)) evidence.push({ element: other, note: "side-effecting tool within reach of the injected instructions" });

        const what = fetch ? `fetches ${fetch.destination === "allow-listed" ? "allow-listed" : "arbitrary"} web content` : `is served by ${graph.nameOf(thirdParty!.id)}, a ${thirdParty!.publisherTrust} MCP server`;
        detections.push({
          anchors: [agentId, tool.id],
          summary: `${graph.nameOf(agentId)} calls ${toolName}, which ${what}${fetch && thirdParty ? ` and is served by ${graph.nameOf(thirdParty.id)}, a ${thirdParty.publisherTrust} MCP server` : ""}; its output lands in the agent's context${worst && worst.action !== "read" ? ` next to the power to ${worst.action} through ${graph.nameOf(worst.tool!)}` : ""}.`,
          evidence,
          factors: [...likelihood, ...attackerFactor(graph, fetch ? tool.id : thirdParty!.id), ...impact],
          path,
          scope: [tool.id, ...(thirdParty ? [thirdParty.id] : []), ...(fetch?.on ?? [])],
        });
      }
    }
    return detections;
  },
};
