import { runsCodeWhereItRuns } from "../../analysis/capabilities.js";
import type { SystemGraph } from "../../graph/graph.js";
import type { Agent, Identity, Tool } from "../../model/schema.js";
import { agentsByMcpServer, injectableAgentsReaching, names, powerfulGrantsFactor } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, Rule } from "../rule.js";

/**
 * Whether the agent runs the tool in its own process (pod, job): one of its own tools, not an MCP
 * server's, that runs on the agent's host or has no host of its own.
 */
function inAgentProcess(tool: Tool, agent: Agent): boolean {
  return tool.server === undefined && (tool.runsOn === undefined || tool.runsOn === agent.runsOn);
}

interface Workloads {
  /** Components that run as the identity or hold one of its credentials, in ID order. */
  users: string[];
  /** The separate workloads among them, in ID order. */
  roots: string[];
  /** Agents acting as it: running as it, holding a credential of it, or running a tool that does in their own process. In ID order. */
  agents: string[];
  /** Tools among the users that agents run in their own process, each with those agents in ID order. */
  inProcess: Map<string, string[]>;
  /** Agents that act as it only through such tools, each with the tools in ID order. */
  throughTools: Map<string, string[]>;
}

/**
 * The separate workloads using an identity: components that run as it or hold
 * one of its credentials. A component that runs on a host using the same
 * identity, or a tool of an MCP server using it, is part of that workload; a
 * tool an agent runs in its own process is part of the agent's workload, once
 * for each agent that does.
 */
function workloads(graph: SystemGraph, identity: Identity): Workloads {
  const users = new Set(graph.runningAs(identity.id));
  for (const credential of identity.credentials ?? []) for (const holder of credential.presentIn ?? []) users.add(holder);
  const rootOf = (id: string): string => {
    const seen = new Set<string>();
    let current = id;
    while (!seen.has(current)) {
      seen.add(current);
      const element = graph.node(current)?.element;
      const server = typeof element?.server === "string" && users.has(element.server) ? element.server : undefined;
      const host = typeof element?.runsOn === "string" && users.has(element.runsOn) ? element.runsOn : undefined;
      const next = server ?? host;
      if (!next) break;
      current = next;
    }
    return current;
  };
  const sorted = [...users].sort();
  const roots = new Set<string>();
  const agents = new Set<string>();
  const inProcess = new Map<string, string[]>();
  const throughTools = new Map<string, string[]>();
  for (const user of sorted) {
    if (graph.kindOf(user) === "agent") agents.add(user);
    const tool = graph.tool(user);
    const callers = tool ? graph.agentsUsingTool(user).filter((agent) => inAgentProcess(tool, agent)) : [];
    if (callers.length === 0) roots.add(rootOf(user));
    else inProcess.set(user, callers.map((agent) => agent.id));
    for (const agent of callers) {
      roots.add(rootOf(agent.id));
      agents.add(agent.id);
      if (users.has(agent.id)) continue;
      const tools = throughTools.get(agent.id);
      if (tools) tools.push(user);
      else throughTools.set(agent.id, [user]);
    }
  }
  return { users: sorted, roots: [...roots].sort(), agents: [...agents].sort(), inProcess, throughTools };
}

/**
 * How a steered agent acts as the identity: through one of its tools that runs as it or holds one of
 * its credentials; through a tool without an identity of its own that runs where the identity is (in
 * its MCP server, on its host, or in the agent's own process when the agent or its host uses it) and acts on
 * what the identity is granted or runs code there; or through code that reads one of its credentials.
 * Undefined when none: an agent that merely runs as the identity uses it in its own code, which the
 * model's answers do not steer.
 */
function steeredUse(context: AnalysisContext, identity: Identity, users: ReadonlySet<string>, agentId: string): string | undefined {
  const { graph } = context;
  const agent = graph.agent(agentId)!;
  const granted = new Set((identity.permissions ?? []).map((p) => p.resource));
  for (const tool of graph.toolsOf(agentId)) {
    if (users.has(tool.id)) return `through ${graph.nameOf(tool.id)}`;
    if (tool.runsAs !== undefined) continue;
    const ownProcess = inAgentProcess(tool, agent) && (users.has(agentId) || (agent.runsOn !== undefined && users.has(agent.runsOn)));
    const ambient = ownProcess || (tool.server !== undefined && users.has(tool.server)) || (tool.runsOn !== undefined && users.has(tool.runsOn));
    if (ambient && (runsCodeWhereItRuns(tool) || tool.capabilities.some((c) => (c.on ?? []).some((r) => granted.has(r))))) return `through ${graph.nameOf(tool.id)}`;
  }
  for (const credential of identity.credentials ?? []) {
    const reach = injectableAgentsReaching(context, credential.id).find((h) => h.agent === agentId);
    if (reach) return `through code that reads ${graph.nameOf(credential.id)} (${reach.via.map((id) => graph.nameOf(id)).join(" → ")})`;
  }
  return undefined;
}

/** The first agent, in ID order, reached by untrusted text that acts as the identity when steered (steeredUse), with how. */
function firstHijackable(context: AnalysisContext, identity: Identity, users: readonly string[], byServer: ReadonlyMap<string, Agent[]>): { agent: string; how: string } | undefined {
  const { graph, untrusted } = context;
  const userSet = new Set(users);
  // Only agents near the identity can act as it: those among its users, calling a tool among them, or whose tools run in or on one.
  const candidates = new Set<string>();
  for (const user of users) {
    if (graph.kindOf(user) === "agent") candidates.add(user);
    for (const agent of graph.agentsUsingTool(user)) candidates.add(agent.id);
    for (const hosted of graph.hostedOn(user)) {
      if (graph.kindOf(hosted) === "agent") candidates.add(hosted);
      for (const agent of graph.agentsUsingTool(hosted)) candidates.add(agent.id);
    }
    for (const agent of byServer.get(user) ?? []) candidates.add(agent.id);
  }
  for (const credential of identity.credentials ?? []) for (const { agent } of injectableAgentsReaching(context, credential.id)) candidates.add(agent);
  for (const agent of [...candidates].sort()) {
    if (!untrusted.reaches(agent)) continue;
    const how = steeredUse(context, identity, userSet, agent);
    if (how) return { agent, how };
  }
  return undefined;
}

export const sharedIdentity: Rule = {
  id: "TW-NHI-004",
  title: "One identity shared by several components",
  category: "identity",
  rationale:
    "When separate workloads or agents act as one identity, each gets the access all of them need, a compromise of the most exposed one reaches everything the others may do, and the audit trail cannot say which of them acted. Rotating or revoking the credential stops all of them at once.",
  appliesWhen:
    "Two or more separate workloads run as the identity or hold its credentials, or two or more agents act as it. A component running on a host that uses the same identity, or a tool of an MCP server that does, counts as part of that host or server; a tool an agent runs in its own process (its own tool, on the agent's host or with no host of its own) counts as part of that agent, so a tool several agents run that way is shared by them. Likelihood +1 when an agent that reads untrusted text can act as the identity: through a tool, or code that reads its credential.",
  mappings: {
    stride: ["E", "R"],
    owaspNhi: ["NHI9:2025"],
    owaspAgentic: ["ASI03"],
    owaspAgenticThreats: ["T3"],
    atlasMitigations: ["AML.M0026"],
    maestro: ["L4", "L6"],
    nistAiRmf: ["MANAGE"],
    nistCsf: ["PR.AA-01", "PR.AA-05"],
  },
  likelihood: 2,
  impact: 2,
  mitigations: [{ control: "least-privilege", reduces: "impact", by: 1, how: "the shared grants are cut to what every user needs" }],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    let byServer: Map<string, Agent[]> | undefined;
    for (const identity of [...graph.model.identities].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const { users, roots, agents, inProcess, throughTools } = workloads(graph, identity);
      if (roots.length < 2 && agents.length < 2) continue;
      const sharing = roots.length < 2 ? agents : roots;
      const factors: Factor[] = [];
      byServer ??= agentsByMcpServer(context);
      const hijackable = firstHijackable(context, identity, users, byServer);
      if (hijackable) factors.push({ dimension: "likelihood", delta: 1, reason: `${graph.nameOf(hijackable.agent)} reads untrusted text and acts as it ${hijackable.how}, so a hijack of it acts with the access the others need` });
      factors.push(...powerfulGrantsFactor(context, identity));
      const runsAs = new Set(graph.runningAs(identity.id));
      const evidence: EvidenceItem[] = users.map((u) => {
        const held = (identity.credentials ?? []).filter((c) => c.presentIn?.includes(u)).map((c) => graph.nameOf(c.id));
        const calledBy = inProcess.get(u);
        return { element: u, note: [runsAs.has(u) ? "runs as it" : "", held.length ? `holds ${held.join(", ")}` : "", calledBy ? `runs in the process of ${names(context, calledBy)}` : ""].filter(Boolean).join("; ") };
      });
      for (const [agent, tools] of [...throughTools].sort(([a], [b]) => (a < b ? -1 : 1))) evidence.push({ element: agent, note: `acts as it through ${names(context, tools)}, which it runs in its own process` });
      const viaTools = [...new Set(sharing.flatMap((id) => throughTools.get(id) ?? []))].sort();
      const kind = sharing.every((id) => graph.kindOf(id) === "agent") ? "agents" : "workloads";
      detections.push({
        anchors: [identity.id],
        summary: `${graph.nameOf(identity.id)} is used by ${sharing.length} separate ${kind}: ${names(context, sharing)}${viaTools.length ? ` (through ${names(context, viaTools)})` : ""}.`,
        evidence: [{ element: identity.id, note: `shared identity` }, ...evidence],
        factors,
        scope: [...sharing, ...viaTools],
      });
    }
    return detections;
  },
};
