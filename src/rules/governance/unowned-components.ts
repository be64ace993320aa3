import type { ElementKind } from "../../model/vocabulary.js";
import type { Detection, Rule } from "../rule.js";

// Identities without an owner are TW-NHI-007 findings of their own.
const KINDS = ["agent", "mcp-server", "tool", "model"] as const satisfies readonly ElementKind[];
const SUMMARY_LIMIT = 6;

export const unownedComponents: Rule = {
  id: "TW-GOV-001",
  title: "Components without an owner",
  category: "governance",
  rationale:
    "The system's owner is accountable for the whole, but agents, tools, MCP servers and models change on their own schedules: a prompt is edited, a server updated or a model version moved. Without a named owner, nobody reviews those changes, answers for a finding on them, or decommissions them.",
  appliesWhen:
    "At least one agent, tool, MCP server or model has no owner of its own (a tool of an MCP server that has an owner counts as owned). One finding for the system lists them all; identities without an owner are TW-NHI-007.",
  mappings: {
    stride: ["R"],
    owaspNhi: ["NHI1:2025"],
    maestro: ["L6"],
    nistAiRmf: ["GOVERN"],
    euAiAct: ["Art. 26"],
  },
  likelihood: 2,
  impact: 2,
  mitigations: [],
  detect(context) {
    const { graph } = context;
    const unowned: string[] = [];
    for (const kind of KINDS) {
      for (const { id } of graph.ofKind(kind)) {
        const element = graph.node(id)?.element;
        if (!element || typeof element.owner === "string") continue;
        const server = typeof element.server === "string" ? graph.server(element.server) : undefined;
        if (server) continue; // the server stands for its tools: listed itself when it has no owner
        unowned.push(id);
      }
    }
    if (unowned.length === 0) return [];
    const actors = unowned.filter((id) => graph.kindOf(id) === "agent");
    const shown = unowned.slice(0, SUMMARY_LIMIT).map((id) => graph.nameOf(id));
    const system = graph.model.system;
    const detection: Detection = {
      anchors: [system.id],
      summary: `${unowned.length} component${unowned.length === 1 ? " has" : "s have"} no owner of ${unowned.length === 1 ? "its" : "their"} own: ${shown.join(", ")}${unowned.length > SUMMARY_LIMIT ? ` and ${unowned.length - SUMMARY_LIMIT} more` : ""}.`,
      evidence: unowned.map((id) => ({ element: id, note: `${graph.kindOf(id)} without an owner` })),
      factors: actors.length
        ? [{ dimension: "impact", delta: 1, reason: `nobody answers for ${actors.map((id) => graph.nameOf(id)).join(", ")}, which act or hold access` }]
        : [],
    };
    return [detection];
  },
};
