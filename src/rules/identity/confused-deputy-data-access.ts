import { exposureFactor, sensitivityFactor } from "../../analysis/factors.js";
import { askerBinding, isSensitive, readReturns, sensitiveSorted } from "../../analysis/sensitivity.js";
import type { UntrustedOrigin } from "../../analysis/untrusted-content.js";
import type { Tool } from "../../model/schema.js";
import { actingIdentity, askedHow, askers, askerSignIn, names, outsideCallers, readableBy, servedIdentity, sessionAuthorization } from "../helpers.js";
import type { AnalysisContext, Detection, Factor, Rule } from "../rule.js";

export const confusedDeputyDataAccess: Rule = {
  id: "TW-PRV-001",
  title: "One service identity acts on every user's data, for whoever asks",
  category: "identity",
  rationale:
    "When an agent that anyone can talk to reads records through a tool that runs as one service identity, the identity may read every user's records and nothing checks that the person asking is the one they belong to. One user asks for another's data (\"look up the orders for jane@example.com\") and the agent, a confused deputy, fetches it: broken object-level authorisation through the model. A tool of an MCP server the team serves is the same: people's own agents call it for them, and if it reads as a service identity, nothing but its code stands between one caller and another's records.",
  appliesWhen:
    "An agent that untrusted actors talk to directly (through clients and services only), or that other agents pass their request on to (a flow between the agents carries the data of the request), has a tool that reads a resource holding sensitive data and hands it back (a read whose returns list no sensitive data, such as a check that answers yes or no, does not count; nor does a resource the asker may read themselves, readableBy), and the tool runs as a service identity (its own, the agent's, or its host's) rather than on behalf of the person asking (a tool marked delegated calls with the asker's own token, and does not count). Someone whose words are only content in another's session (a flow's session, asks: false) does not ask; against someone who asks in another's session (asks: true), authorization checks that session's owner and does not count, and where it binds the reads to the person asking, the owner's records are what the asker gets (impact -1). A tool of an MCP server the team serves counts the same way for the untrusted people who call that server from outside: by flows straight to it, through clients and services, or through their own organisation's agent (thirdParty), which they talk to directly or through a client; its identity is its own, its host's or else the server's.",
  mappings: {
    stride: ["I", "E"],
    owaspLlm: ["LLM06:2025", "LLM02:2025"],
    owaspAgentic: ["ASI03"],
    owaspAgenticThreats: ["T3"],
    atlasTechniques: ["AML.T0053", "AML.T0085.001"],
    atlasMitigations: ["AML.M0027", "AML.M0028"],
    maestro: ["L3", "L6"],
    nistAiRmf: ["MAP", "MANAGE"],
    nistCsf: ["PR.AA-05"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "authorization", reduces: "likelihood", by: 2, how: "the tool checks that the records belong to the person asking" },
    { control: "tenant-isolation", reduces: "likelihood", by: 1, how: "the store only returns the caller's own rows" },
    { control: "data-minimisation", reduces: "impact", by: 1, how: "the tool returns fewer and less sensitive fields" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agent = graph.agent(node.id)!;
      const top = askers(context, agent.id)[0];
      if (!top) continue;
      const how = askedHow(context, agent.id, top.id);
      for (const tool of graph.toolsOf(agent.id)) {
        const identity = actingIdentity(graph, tool, agent);
        const detection = identity && deputyRead(context, { asked: agent.id, how, top, tool, identity });
        if (detection) detections.push(detection);
      }
    }
    // A tool of an MCP server the team serves: people call it through their own agent (or a client), so the
    // server is what they ask; the tool reads as its own identity, its host's or the server's.
    for (const { id: serverId } of graph.ofKind("mcp-server")) {
      const callers = outsideCallers(graph, serverId);
      if (callers.length === 0) continue;
      const top = context.untrusted.originsReaching(serverId).find((o) => callers.some((c) => c.actor === o.id));
      if (!top) continue;
      const through = callers.find((c) => c.actor === top.id)!.through;
      const how = through.length === 0 ? "directly" : `through ${names(context, through)}`;
      for (const tool of graph.toolsOfServer(serverId)) {
        const identity = servedIdentity(graph, tool);
        const detection = identity && deputyRead(context, { asked: serverId, how, top, tool, identity });
        if (detection) detections.push(detection);
      }
    }
    return detections;
  },
};

/** Who asks for the reads and how: the agent (or served MCP server) asked, the most dangerous asker and how they reach it, the tool and the identity it reads as. */
interface DeputyRead {
  asked: string;
  how: string;
  top: UntrustedOrigin;
  tool: Tool;
  identity: string;
}

/** The finding for one tool that reads sensitive records as a service identity for the asker; undefined when it reads none the asker may not open themselves. */
function deputyRead(context: AnalysisContext, { asked, how, top, tool, identity }: DeputyRead): Detection | undefined {
  const { graph } = context;
  const { actor, factors: signIn, session } = askerSignIn(context, top, "user the records could be checked against");
  const direct = how === "directly";
  const reads: { resource: string; data: string[] }[] = [];
  for (const capability of tool.capabilities) {
    if (capability.action !== "read") continue;
    // Only what the read hands back comes back in the answer: a check that answers yes or no returns no record.
    for (const { data, resource } of readReturns(graph, capability)) {
      // Askers who may open the resource themselves (readableBy) gain nothing by asking the agent for it.
      if (readableBy(graph, resource).includes(actor.id)) continue;
      const record = graph.data(data);
      if (record === undefined || !isSensitive(record)) continue;
      const read = reads.find((r) => r.resource === resource);
      if (!read) reads.push({ resource, data: [data] });
      else if (!read.data.includes(data)) read.data.push(data);
    }
  }
  if (reads.length === 0) return undefined;
  const dataIds = sensitiveSorted(graph, new Set(reads.flatMap((r) => r.data)));
  const factors: Factor[] = [...exposureFactor(graph, top), ...signIn, ...sensitivityFactor(graph, dataIds)];
  // Speaking in the owner's session, the asker gets what a check lets the owner see: with reads bound to the
  // person asking (askerBinding), that is the owner's records, one person's rather than every user's.
  const scope = [tool.id, identity, ...reads.map((r) => r.resource)];
  const riding = sessionAuthorization(context, session, actor.id, [asked, ...scope]);
  const binding = riding && session ? askerBinding(graph, tool.id) : undefined;
  if (binding && session) factors.push({ dimension: "impact", delta: -1, reason: `${graph.nameOf(binding)} binds the reads to the session's owner (${graph.nameOf(session)}), so ${graph.nameOf(actor.id)} reach one person's records, not every user's` });
  const server = graph.kindOf(asked) === "mcp-server";
  return {
    anchors: [asked, tool.id],
    summary: `${graph.nameOf(asked)} is ${server ? "called" : "reached"} ${direct ? `directly by ${graph.nameOf(actor.id)}` : `by ${graph.nameOf(actor.id)} ${how}`}, and its tool ${graph.nameOf(tool.id)} reads ${names(context, dataIds.slice(0, 3))}${dataIds.length > 3 ? " and more" : ""} from ${names(context, reads.map((r) => r.resource))} as ${graph.nameOf(identity)}, whoever the records belong to.`,
    evidence: [
      { element: actor.id, note: `${actor.type} actor ${server ? "calling the MCP server" : "talking to the agent"} ${how}${actor.authenticated === true ? "" : ", not signed in"}` },
      { element: tool.id, note: `reads ${reads.map((r) => graph.nameOf(r.resource)).join(", ")} as ${graph.nameOf(identity)}` },
      ...reads.map((r) => ({ element: r.resource, note: `holds ${names(context, r.data)}` })),
      { element: identity, note: "service identity the reads run as: it may read every user's records" },
    ],
    factors,
    path: [
      server
        ? { element: actor.id, action: `${graph.nameOf(actor.id)} call${direct ? "" : ` (${how})`} ${graph.nameOf(tool.id)} on ${graph.nameOf(asked)} for someone else's records, naming them by a detail such as a project or an email address`, technique: "AML.T0049" }
        : { element: actor.id, action: `${graph.nameOf(actor.id)} asks ${graph.nameOf(asked)}${direct ? "" : ` (${how})`} for someone else's records, naming them by a detail such as an email address`, technique: "AML.T0049" },
      { element: tool.id, action: server ? `${graph.nameOf(tool.id)} reads as ${graph.nameOf(identity)}` : `${graph.nameOf(asked)} calls ${graph.nameOf(tool.id)}, which reads as ${graph.nameOf(identity)}`, technique: "AML.T0053" },
      { element: reads[0]!.resource, action: `another user's ${graph.nameOf(dataIds[0]!)} come back in the answer`, technique: "AML.T0085.001" },
    ],
    scope,
    ...riding,
  };
}
