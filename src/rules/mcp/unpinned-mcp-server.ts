import { agentsByMcpServer, effectImpactFactors, isRemoteServer, publisherNote } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

const TRUST_LIKELIHOOD = { "first-party": -1, vendor: 0, community: 1, unknown: 1 } as const;

export const unpinnedMcpServer: Rule = {
  id: "TW-MCP-002",
  title: "Rug pull: MCP server can change after it was reviewed",
  category: "mcp",
  rationale:
    "An MCP server that is installed at whatever version is current (npx -y, latest tags), or that runs remotely under someone else's control, can change after it was reviewed: new tool descriptions with hidden instructions, tools that do more than they say, or, for a local server, new code that runs with the environment it is started in. The change reaches every agent at its next start, and nobody is asked.",
  appliesWhen:
    "An MCP server is not pinned (pinned is none or not stated), or it is a remote server (http, sse or streamable-http transport) from a publisher other than the team itself, whose operator can change its tools at any time. A remote server the team runs itself is left out.",
  mappings: {
    stride: ["T"],
    owaspLlm: ["LLM03:2025"],
    owaspAgentic: ["ASI04"],
    owaspAgenticThreats: ["T17"],
    owaspMcp: ["MCP04:2025", "MCP03:2025"],
    atlasTechniques: ["AML.T0109", "AML.T0010.005"],
    atlasMitigations: ["AML.M0014", "AML.M0013", "AML.M0023"],
    maestro: ["L4", "L7"],
    nistAiRmf: ["MAP", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "pinned-artifacts", reduces: "likelihood", by: 2, how: "the install (version or digest) or the tool definitions (a hash the client checks) are pinned, so a change needs a deliberate update" },
    { control: "signed-artifacts", reduces: "likelihood", by: 1, how: "only releases signed by the publisher's key are installed" },
    { control: "dependency-scanning", reduces: "likelihood", by: 1, how: "new versions and changed tool descriptions are scanned before use" },
    { control: "sandbox", reduces: "impact", by: 1, how: "the server's process cannot read the environment and files it is started in" },
  ],
  detect(context) {
    const { graph, capabilities } = context;
    const users = agentsByMcpServer(context);
    const detections: Detection[] = [];
    for (const node of graph.ofKind("mcp-server")) {
      const server = graph.server(node.id)!;
      const name = graph.nameOf(server.id);
      const ownRemote = isRemoteServer(server) && server.publisherTrust === "first-party"; // the team deploys it; nothing to pin
      const unpinned = !ownRemote && (server.pinned === undefined || server.pinned === "none");
      const remote = isRemoteServer(server) && !ownRemote;
      if (!unpinned && !remote) continue;
      const agents = users.get(server.id) ?? [];
      const factors: Factor[] = [];
      const trust = TRUST_LIKELIHOOD[server.publisherTrust];
      if (trust !== 0) factors.push({ dimension: "likelihood", delta: trust, reason: trust > 0 ? `a ${server.publisherTrust} publisher (${server.publisher}) is easier to take over or turn` : `published by the team itself (${server.publisher})` });
      // What changes reach: the agents that load its tools (the worst of them counts) ...
      const agentImpact = agents.map((a) => effectImpactFactors(context, a.id, capabilities.agentEffects(a.id))).sort((a, b) => (b[0]?.delta ?? 0) - (a[0]?.delta ?? 0))[0];
      if (agentImpact && agentImpact.length > 0) factors.push(...agentImpact);
      // ... and, for a local server, new code runs where the secrets of its runtime are.
      const host = typeof server.runsOn === "string" ? server.runsOn : undefined;
      const secrets = [...graph.credentialsIn(server.id), ...(host ? graph.credentialsIn(host) : [])].map((c) => c.id).filter((id, i, all) => all.indexOf(id) === i);
      if (!isRemoteServer(server) && secrets.length > 0) {
        factors.push({ dimension: "impact", delta: 1, reason: `a new release runs as code next to ${secrets.slice(0, 3).map((c) => graph.nameOf(c)).join(", ")}${secrets.length > 3 ? " and more" : ""}` });
      }
      const why = unpinned
        ? `${server.pinned === "none" ? "is not pinned" : "has no pinning stated"}${server.version ? ` (version ${server.version})` : ""}, so every start installs whatever was last published`
        : `runs remotely (${server.transport}) under ${server.publisher}'s control, so its tool definitions can change at any time`;
      const evidence: EvidenceItem[] = [
        { element: server.id, note: `${publisherNote(server)}; transport ${server.transport}` },
        ...agents.slice(0, 5).map((a) => ({ element: a.id, note: `loads the tools and descriptions of ${name}` })),
        ...secrets.slice(0, 3).map((c) => ({ element: c, note: `present where ${name} runs` })),
      ];
      detections.push({
        anchors: [server.id],
        summary: `${name} ${why}${agents.length ? `; the change reaches ${agents.map((a) => graph.nameOf(a.id)).join(", ")}` : ""}.`,
        evidence,
        factors,
        scope: agents.map((a) => a.id),
      });
    }
    return detections;
  },
};
