import { entrySteps, isDirect } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import { decisionFedImpact } from "../fed-decisions.js";
import { entryControls, entryWays, injectableAgents, names, originEvidence } from "../helpers.js";
import type { Factor, Rule } from "../rule.js";

// Content the agent reads: stores and sources, people relaying text, and another organisation's agent (its replies; no other agent is an origin).
const STORED_CONTENT = new Set(["actor", "source", "datastore", "dataset", "agent"]);
const SIDE_EFFECTS = new Set(["write", "delete", "execute", "send", "publish", "spend", "fetch", "admin"]);

export const indirectPromptInjection: Rule = {
  id: "TW-PI-002",
  title: "Indirect prompt injection through content the agent reads",
  category: "prompt-injection",
  rationale:
    "Text an outsider wrote (a ticket, a web page, an email, a document, a tool's output) reaches the agent's context through retrieval, tools or messages. Models do not separate data from instructions, so such text can steer the agent and every capability it has becomes the attacker's (confused deputy).",
  appliesWhen:
    "An agent's context can hold text an untrusted actor stored somewhere it reads (tickets, documents, email, web sources, data stores) or that another organisation's agent sends it (thirdParty), not only what the user talking to it types. Instruction files, fetched pages, third-party tool output and MCP tool descriptions are separate rules.",
  mappings: {
    stride: ["T", "E"],
    owaspLlm: ["LLM01:2025"],
    owaspAgentic: ["ASI01"],
    owaspAgenticThreats: ["T6"],
    atlasTechniques: ["AML.T0051.001"],
    atlasMitigations: ["AML.M0030", "AML.M0033", "AML.M0020"],
    maestro: ["L3"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 4,
  impact: 3,
  mitigations: [
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "marks retrieved text as data so the model is less likely to obey it", countsOn: "entry-path" },
    { control: "input-filtering", reduces: "likelihood", by: 1, how: "screens retrieved text for instructions before it reaches the model", countsOn: "entry-path" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "limits what a steered agent can do" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    return injectableAgents(context).flatMap(({ agent, origins }) => {
      // Stored content only: instruction files (TW-PI-004), fetched pages and third-party tool output (TW-PI-003)
      // and MCP tool descriptions (TW-MCP-001) are their own findings.
      const indirect = origins.filter((origin) => STORED_CONTENT.has(graph.kindOf(origin.id) ?? "") && !isDirect(graph, untrusted.pathFrom(origin.id, agent.id)));
      const top = indirect[0];
      if (!top) return [];
      const effects = capabilities.agentEffects(agent.id);
      const sideEffectTools = [...new Set(effects.filter((e) => SIDE_EFFECTS.has(e.action) && e.tool).map((e) => e.tool!))];
      // An agent whose answer is a decision does act through it; TW-MIS-002 rates that, this finding keeps its score.
      const outcome = agent.decision ? `its answer decides ${agent.decision.what} (TW-MIS-002 rates that)` : "a steered answer misleads but acts on nothing";
      // What it produces may be a decision model's input: then a steered answer acts through that decision.
      const impact: Factor[] = decisionFedImpact(context, agent.id) ?? (sideEffectTools.length === 0 ? [{ dimension: "impact", delta: -1, reason: `${graph.nameOf(agent.id)} has no tool with side effects; ${outcome}` }] : []);
      const hops = untrusted.pathFrom(top.id, agent.id);
      // Controls on the way in count where they cover the way of every stored-content entry, not only the top one's.
      const onTheWayIn = entryControls(context, indirectPromptInjection, entryWays(indirect, agent.id));
      return [
        {
          anchors: [agent.id],
          summary: `Text from ${graph.nameOf(top.id)} reaches ${graph.nameOf(agent.id)} via ${hops.map((h) => graph.nameOf(h.node)).join(" → ")}${sideEffectTools.length ? `; a steered agent can call ${names(context, sideEffectTools)}` : ""}.`,
          evidence: [...originEvidence(context, indirect, agent.id), ...sideEffectTools.map((tool) => ({ element: tool, note: "side-effecting tool within the attacker's reach" })), ...onTheWayIn.evidence],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops), ...impact],
          path: entrySteps(graph, untrusted, top, agent.id),
          // The path's elements (their workflows are the finding's), and the controls that count on the way in.
          scope: [...hops.map((h) => h.node), ...onTheWayIn.scope],
        },
      ];
    });
  },
};

