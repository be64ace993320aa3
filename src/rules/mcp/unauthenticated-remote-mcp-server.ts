import { sensitivityFactor } from "../../analysis/factors.js";
import { readReturns } from "../../analysis/sensitivity.js";
import type { Tool } from "../../model/schema.js";
import { SEVERE_ACTIONS, isRemoteServer, publisherNote } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

const EXPOSURE_LIKELIHOOD: Record<string, { delta: number; words: string }> = {
  internet: { delta: 1, words: "anyone on the internet reaches it" },
  partner: { delta: 0, words: "partners' networks reach it" },
  internal: { delta: -1, words: "only the internal network reaches it" },
};

export const unauthenticatedRemoteMcpServer: Rule = {
  id: "TW-MCP-005",
  title: "Remote MCP server without authentication",
  category: "mcp",
  rationale:
    "A remote MCP server is an API: whoever can reach its endpoint can list its tools and call them with any arguments, without an agent, a prompt or a guardrail in between. Without authentication it cannot tell the agent from anyone else on the network, and every tool runs with the server's own credentials.",
  appliesWhen: "An MCP server uses a network transport (http, sse or streamable-http), is not local-only, and its authentication is none or not stated.",
  mappings: {
    stride: ["S", "E"],
    owaspAgentic: ["ASI02", "ASI03"],
    owaspAgenticThreats: ["T2", "T9"],
    owaspMcp: ["MCP07:2025"],
    atlasTechniques: ["AML.T0049", "AML.T0053"],
    atlasMitigations: ["AML.M0019"],
    maestro: ["L4"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 15"],
    nistCsf: ["PR.AA-03"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "authentication", reduces: "likelihood", by: 2, how: "a gateway or proxy in front of the server requires a token or client certificate" },
    { control: "authorization", reduces: "impact", by: 1, how: "each caller may use only the tools it needs" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the server's tools run with narrow credentials" },
  ],
  detect(context) {
    const { graph } = context;
    const toolsByServer = new Map<string, Tool[]>();
    for (const tool of graph.model.tools) {
      if (!tool.server) continue;
      const list = toolsByServer.get(tool.server);
      if (list) list.push(tool);
      else toolsByServer.set(tool.server, [tool]);
    }
    const detections: Detection[] = [];
    for (const node of graph.ofKind("mcp-server")) {
      const server = graph.server(node.id)!;
      if (!isRemoteServer(server) || server.exposure === "local") continue;
      if (server.authentication !== undefined && server.authentication !== "none") continue;
      const name = graph.nameOf(server.id);
      const tools = [...(toolsByServer.get(server.id) ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1));
      const factors: Factor[] = [];
      const exposure = server.exposure ? EXPOSURE_LIKELIHOOD[server.exposure] : undefined;
      if (exposure && exposure.delta !== 0) factors.push({ dimension: "likelihood", delta: exposure.delta, reason: `exposure ${server.exposure}: ${exposure.words}` });
      const severe = tools.flatMap((t) => t.capabilities.filter((c) => SEVERE_ACTIONS.has(c.action)).map((c) => ({ tool: t.id, action: c.action })));
      if (severe.length > 0) {
        factors.push({ dimension: "impact", delta: 1, reason: `callers can ${[...new Set(severe.map((p) => p.action))].join(", ")} through ${[...new Set(severe.map((p) => graph.nameOf(p.tool)))].join(", ")}` });
      } else if (tools.length > 0 && tools.every((t) => t.capabilities.every((c) => c.action === "read"))) {
        // Read-only tools: the data they return decides the impact.
        const read = tools.flatMap((t) => t.capabilities.flatMap((c) => readReturns(graph, c).map((r) => r.data)));
        factors.push(...sensitivityFactor(graph, [...new Set(read)]));
      }
      const stated = server.authentication === "none" ? "with authentication none" : "with no authentication stated";
      detections.push({
        anchors: [server.id],
        summary: `${name} serves ${server.transport}${server.url ? ` at ${server.url}` : ""} ${stated}${server.exposure ? ` and exposure ${server.exposure}` : ""}; anyone who reaches it can call ${tools.length ? tools.map((t) => graph.nameOf(t.id)).slice(0, 4).join(", ") + (tools.length > 4 ? " and more" : "") : "its tools"} directly.`,
        evidence: [
          { element: server.id, note: `${publisherNote(server)}; transport ${server.transport}, exposure ${server.exposure ?? "not stated"}, authentication ${server.authentication ?? "not stated"}` },
          ...tools.slice(0, 5).map((t) => ({ element: t.id, note: `callable without authentication: ${t.capabilities.map((c) => `${c.action}${c.on?.length ? ` on ${c.on.map((r) => graph.nameOf(r)).join(", ")}` : ""}`).join("; ")}` })),
        ],
        factors,
        scope: tools.map((t) => t.id),
      });
    }
    return detections;
  },
};
