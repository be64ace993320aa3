import { effectStep, entrySteps, isDirect, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor, sensitivityFactor } from "../../analysis/factors.js";
import { admittingAllowLists, allowListAdmits, controlsOfType, entryControls, entryWays, firstPerTool, impactSources, injectableAgents, joinWords, names, originEvidence, outboundEffects, readableBy, sensitiveDataAtStake, storeNote, type DataAtStake, type EntryControls } from "../helpers.js";
import type { SystemGraph } from "../../graph/graph.js";
import { peopleBehind, type UntrustedContent, type UntrustedOrigin } from "../../analysis/untrusted-content.js";
import type { Flow } from "../../model/schema.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, PathStep, Rule } from "../rule.js";

/**
 * The data-minimisation controls on the agent, or where the most sensitive data at stake comes from (impactSources):
 * only they lower the impact that data sets, not one where less sensitive data comes from.
 */
function minimisedAt(graph: SystemGraph, agentId: string, atStake: readonly DataAtStake[]): string[] {
  return controlsOfType(graph, "data-minimisation", [agentId, ...impactSources(graph, atStake)], { runtime: true });
}

export const exfiltrationPath: Rule = {
  id: "TW-EXF-001",
  title: "Exfiltration path: untrusted input, private data and a way out in one agent",
  category: "exfiltration",
  rationale:
    "An agent that reads attacker-controlled text, holds private data in its context and can send data to a recipient of its choosing can be told to send that data to the attacker. Each of the three alone is ordinary; together they are the exfiltration path. Messages to another organisation's agent are a way out too: the recipient is fixed, but it is outside the organisation and may be the attacker itself, asking in its replies for what it was never meant to get.",
  appliesWhen:
    "An injectable agent has sensitive data (confidential or restricted, or flagged personal, payment, health, credentials...) in its context, from its tools, its inputs or agents that pass it messages, and a way out: a tool that sends, publishes or fetches to a destination that is neither fixed nor internal (recipients inside the organisation only, where the attacker is not among them), or a flow to another organisation's agent (thirdParty), when the data is not what the flows to or from that agent carry by design; or a tool that writes or publishes to a place someone whose text reaches the agent may read (readableBy: an entry actor, or one who writes an entry), for data the place it comes from does not let them read." +
    " Data the people behind every entry may read already is left out, and the evidence says why: what a tool reads with their own token (delegated) when they ask in a session of their own, or what comes from a place that lets all of them read it (readableBy); from a store shared between tenants, only a delegated read, for an entry that reaches its writers' own tenant's sessions only (tenancy single).",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM01:2025", "LLM02:2025", "LLM06:2025"],
    owaspAgentic: ["ASI01", "ASI02"],
    owaspAgenticThreats: ["T2", "T6"],
    atlasTechniques: ["AML.T0051.001", "AML.T0086", "AML.T0085.001"],
    atlasMitigations: ["AML.M0030", "AML.M0029", "AML.M0028"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MAP", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 4,
  impact: 4,
  mitigations: [
    { control: "egress-allowlist", reduces: "likelihood", by: 2, how: "the attacker cannot name their own recipient or URL (not for messages to another organisation's agent, which the allow-list must let through, nor where the list takes in a site an adversary of the model gets in through: their own domain is on it). A tool whose destination is allow-listed takes a step off the likelihood where no such control enforces it; where one does, the control counts in its place, once", countsOn: "anchors" },
    { control: "human-approval", reduces: "likelihood", by: 2, how: "a person sees what is sent before it leaves: an approval of the way out or of the agent's actions, not of where the data comes from", countsOn: "anchors" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "injected text is less likely to be obeyed", countsOn: "entry-path" },
    { control: "output-validation", reduces: "likelihood", by: 1, how: "outgoing messages are checked for sensitive data", countsOn: "anchors" },
    { control: "data-minimisation", reduces: "impact", by: 1, how: "less sensitive data sits in the agent's context (on the agent, or where the most sensitive data at stake comes from, which sets the impact)", countsOn: "named" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const injectable of injectableAgents(context)) {
      const { agent, origins } = injectable;
      const { atStake, leftOut } = sensitiveDataAtStake(context, injectable);
      if (atStake.length === 0) continue;
      const { top, entryFactors } = likeliestEntry(graph, untrusted, origins, agent.id);
      // Any of the entries will do for the attacker: a control on the way in counts where it covers all of them.
      const onTheWayIn = entryControls(context, exfiltrationPath, entryWays(origins, agent.id));
      for (const channel of firstPerTool(outboundEffects(capabilities.agentEffects(agent.id)))) {
        const tool = channel.tool!;
        const dataIds = atStake.map((d) => d.data);
        // An allow-listed destination is an allow-list: where an egress-allowlist control enforces it on the tool or the agent, that
        // control is it, counted once with its status and verification; otherwise the stated allow-list takes a step off.
        // A list that admits an adversary (their own site is on it) narrows nothing for them: neither the stated list nor the control counts.
        const admits = channel.destination === "allow-listed" ? allowListAdmits(graph, tool) : undefined;
        const enforcedBy = channel.destination === "allow-listed" && !admits ? controlsOfType(graph, "egress-allowlist", [agent.id, tool], { runtime: true, inPlace: true }) : [];
        const narrowed: Factor[] = channel.destination === "allow-listed" && !admits && enforcedBy.length === 0 ? [{ dimension: "likelihood", delta: -1, reason: `${graph.nameOf(tool)} only reaches allow-listed destinations` }] : [];
        const wayOut = admits ? `, but the list takes in ${graph.nameOf(admits.target)}, where ${graph.nameOf(admits.adversary)} gets in` : enforcedBy.length ? `s, the allow-list ${enforcedBy.join(" and ")} enforces (counted once, as that control)` : "";
        detections.push({
          anchors: [agent.id, tool],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)}, holds ${names(context, dataIds.slice(0, 4))}${dataIds.length > 4 ? " and more" : ""}, and can ${channel.action} through ${graph.nameOf(tool)} to a destination the attacker can choose.`,
          evidence: [
            ...originEvidence(context, origins, agent.id),
            ...atStake.slice(0, 6).map((d) => ({ element: d.data, note: `sensitive data in the agent's context, from ${graph.nameOf(d.from)}${storeNote(context, agent.id, d.data)}` })),
            ...leftOut,
            { element: tool, note: `way out: ${channel.action} to ${channel.destination ?? "any"} destination${wayOut}` },
            ...onTheWayIn.evidence,
          ],
          factors: [...entryFactors, ...sensitivityFactor(graph, dataIds), ...narrowed],
          path: [...entrySteps(graph, untrusted, top, agent.id), gatherStep(graph, atStake[0]!), effectStep(graph, channel)],
          scope: [tool, ...atStake.map((d) => d.from), ...minimisedAt(graph, agent.id, atStake), ...onTheWayIn.scope],
          ...(admits ? admittingAllowLists(context, tool, admits, [agent.id, tool]) : {}),
        });
      }
      // A place the attacker reads is a way out too: what the steered agent writes there, they read. (A tool that is already a
      // way out above keeps that finding: the analysis keeps the first detection of an ID.)
      for (const way of placesTheAttackerReads(context, agent.id, origins, atStake)) {
        const { top, entryFactors } = likeliestEntry(graph, untrusted, way.entries, agent.id);
        const dataIds = way.leaking.map((d) => d.data);
        const [tool, place, reader] = [graph.nameOf(way.tool), graph.nameOf(way.place), graph.nameOf(way.reader)];
        detections.push({
          anchors: [agent.id, way.tool],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)}, holds ${names(context, dataIds.slice(0, 4))}${dataIds.length > 4 ? " and more" : ""}, and can ${way.action} through ${tool} to ${place}, which ${reader} read: what the steered agent puts there, the attacker reads.`,
          evidence: [
            ...originEvidence(context, way.entries, agent.id),
            ...way.leaking.slice(0, 6).map((d) => ({ element: d.data, note: `sensitive data in the agent's context, from ${graph.nameOf(d.from)}, which ${reader} may not read themselves` })),
            { element: way.tool, note: `way out: ${way.action} on ${place}, which ${reader} may read (readableBy)` },
            ...onTheWayIn.evidence,
          ],
          factors: [...entryFactors, ...sensitivityFactor(graph, dataIds)],
          path: [
            ...entrySteps(graph, untrusted, top, agent.id),
            gatherStep(graph, way.leaking[0]!),
            { element: way.tool, action: `calls ${tool} to put the data in ${place}, where ${reader} read it`, technique: TECHNIQUE.exfiltrationViaTool },
          ],
          scope: [way.tool, ...way.leaking.map((d) => d.from), ...minimisedAt(graph, agent.id, way.leaking), ...onTheWayIn.scope],
        });
      }
      for (const flow of flowsToOtherOrganisations(graph, agent.id)) {
        const detection = partnerWayOut(context, { agentId: agent.id, origins, atStake, leftOut, onTheWayIn }, flow);
        if (detection) detections.push(detection);
      }
    }
    return detections;
  },
};

/**
 * The agent's tools that write or publish to a place someone whose text reaches the agent may read (readableBy):
 * an entry actor, or one who writes an entry (a guest who comments where the agent retrieves, and reads the
 * comments too). For each tool, the first such reader in ID order for whom some data at stake is news (the place
 * it comes from does not let them read it), with the entries that are theirs.
 */
function placesTheAttackerReads(context: AnalysisContext, agentId: string, origins: readonly UntrustedOrigin[], atStake: readonly DataAtStake[]) {
  const { graph } = context;
  const found: { tool: string; action: string; place: string; reader: string; entries: UntrustedOrigin[]; leaking: DataAtStake[] }[] = [];
  for (const tool of graph.toolsOf(agentId)) {
    const way = tool.capabilities
      .filter((c) => c.action === "write" || c.action === "publish")
      .flatMap((c) => (c.on ?? []).map((place) => ({ action: c.action, place })))
      .flatMap(({ action, place }) =>
        readableBy(graph, place)
          .sort()
          .map((reader) => ({ action, place, reader, entries: origins.filter((o) => peopleBehind(graph, o.id).includes(reader)), leaking: atStake.filter((d) => !readableBy(graph, d.from).includes(reader)) })),
      )
      .find((w) => w.entries.length > 0 && w.leaking.length > 0);
    if (way) found.push({ tool: tool.id, ...way });
  }
  return found;
}

/** Flows from the agent to another organisation's agent (thirdParty), in ID order: each a way out to a recipient outside the organisation. */
function flowsToOtherOrganisations(graph: SystemGraph, agentId: string): Flow[] {
  return graph
    .flowsFrom(agentId)
    .filter((flow) => graph.agent(flow.to)?.thirdParty === true)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Data the other organisation's agent has by design: what the flows to it are meant to carry and what it sends itself. */
function sharedByDesign(graph: SystemGraph, partner: string): Set<string> {
  const shared = new Set<string>();
  for (const flow of [...graph.flowsTo(partner), ...graph.flowsFrom(partner)]) for (const data of flow.data ?? []) shared.add(data);
  return shared;
}

interface SteeredAgent {
  agentId: string;
  origins: readonly UntrustedOrigin[];
  atStake: readonly DataAtStake[];
  leftOut: readonly EvidenceItem[];
  onTheWayIn: EntryControls;
}

/**
 * A steered agent's messages to another organisation's agent as a way out. The recipient is fixed, but it is
 * outside the organisation and may be the attacker (an adversary can come in through it): what leaks is the
 * sensitive data in the agent's context that the partner does not get by design. Sending what the flows to it
 * list is the hand-off itself, not exfiltration. An egress allow-list lets the partner through, as it must, so it
 * takes nothing off.
 */
function partnerWayOut(context: AnalysisContext, steered: SteeredAgent, flow: Flow): Detection | undefined {
  const { graph, untrusted } = context;
  const { agentId, origins, onTheWayIn } = steered;
  const partner = flow.to;
  const shared = sharedByDesign(graph, partner);
  const leaking = steered.atStake.filter((d) => !shared.has(d.data));
  if (leaking.length === 0) return undefined;
  const byDesign = steered.atStake.filter((d) => shared.has(d.data));
  const { top, entryFactors } = likeliestEntry(graph, untrusted, origins, agentId, partner);
  const dataIds = leaking.map((d) => d.data);
  const agentName = graph.nameOf(agentId);
  const partnerName = graph.nameOf(partner);
  const listed = flow.data ?? [];
  const meantFor = listed.length ? `, which are meant to carry ${names(context, listed)} only` : ", whose content the model does not list";
  const held = `${names(context, dataIds.slice(0, 4))}${dataIds.length > 4 ? " and more" : ""}`;
  const asker = top.id === partner;
  const adversaries = graph.model.adversaries.filter((a) => a.via?.includes(partner)).map((a) => `${a.name ?? a.id} (${a.capability} capability)`);
  const richest = leaking[0]!;
  return {
    anchors: [agentId, flow.id],
    summary: asker
      ? `${agentName} reads text from ${partnerName}, another organisation's agent, holds ${held}, and can put them into its messages back to it over ${graph.nameOf(flow.id)}${meantFor}.`
      : `${agentName} reads text from ${graph.nameOf(top.id)}, holds ${held}, and can put them into its messages to ${partnerName}, another organisation's agent, over ${graph.nameOf(flow.id)}${meantFor}.`,
    evidence: [
      ...originEvidence(context, origins, agentId),
      ...leaking.slice(0, 6).map((d) => ({ element: d.data, note: `sensitive data in the agent's context, from ${graph.nameOf(d.from)}${storeNote(context, agentId, d.data)}; no flow to or from ${partnerName} carries it` })),
      ...steered.leftOut,
      ...byDesign.slice(0, 3).map((d) => ({ element: d.data, note: `not counted: ${partnerName} gets it by design (a flow to or from it lists it)` })),
      {
        element: flow.id,
        note: `way out: messages from ${agentName} to ${partnerName}${listed.length ? `, meant to carry ${names(context, listed)}` : ""}; the recipient is fixed, so an egress allow-list lets them through`,
      },
      { element: partner, note: `another organisation's agent: the recipient is outside the organisation${adversaries.length ? `, and ${joinWords(adversaries)} can come in through it` : ""}` },
      ...partnersControls(context, partner, flow.id, agentId),
      ...onTheWayIn.evidence,
    ],
    factors: [...entryFactors, ...sensitivityFactor(graph, dataIds)],
    path: [
      ...entrySteps(graph, untrusted, top, agentId),
      gatherStep(graph, richest),
      {
        element: partner,
        action: `puts ${graph.nameOf(richest.data)} into a message to ${partnerName} over ${graph.nameOf(flow.id)}${asker ? ", which asked for it" : ""}`,
        technique: TECHNIQUE.exfiltrationViaTool,
      },
    ],
    scope: [...leaking.map((d) => d.from), ...minimisedAt(graph, agentId, leaking), ...onTheWayIn.scope],
    accountedFor: ["egress-allowlist"],
  };
}

/**
 * Controls of the way-out types (approval, output validation) that cover the other organisation's agent: they
 * sit in the recipient, not on the way out, and count only on the team's side (the flow or the sending agent).
 */
function partnersControls(context: AnalysisContext, partner: string, flowId: string, agentId: string): EvidenceItem[] {
  const { graph } = context;
  const types = new Set(exfiltrationPath.mitigations.filter((m) => m.countsOn === "anchors" && m.control !== "egress-allowlist").map((m) => m.control));
  return graph
    .controlsCovering(partner)
    .filter((control) => types.has(control.type))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((control) => ({ element: control.id, note: `not counted: ${control.type} on ${graph.nameOf(partner)} sits in the recipient, which the other organisation runs; it counts on ${graph.nameOf(flowId)} or ${graph.nameOf(agentId)}` }));
}

/** The step in which the steered agent gathers the most sensitive data at stake: retrieved from a vector store, or read through its tools. */
function gatherStep(graph: SystemGraph, richest: DataAtStake): PathStep {
  return graph.kindOf(richest.from) === "datastore" && graph.node(richest.from)?.element.type === "vector"
    ? { element: richest.from, action: `retrieves ${graph.nameOf(richest.data)} from ${graph.nameOf(richest.from)}`, technique: TECHNIQUE.dataFromRag }
    : { element: richest.from, action: `gathers ${graph.nameOf(richest.data)} from ${graph.nameOf(richest.from)}`, technique: TECHNIQUE.dataFromAgentTools };
}

/**
 * The entry the finding is scored and told from: the one that makes the theft likeliest (exposure,
 * the attacker coming in there, the length of the way), so that naming one more entry or adversary
 * never lowers the score. Among equally likely ones, an indirect entry: the story of an exfiltration
 * is most often someone else's text stealing the victim's data. With a fixed `recipient` (another
 * organisation's agent), text from any other entry sends the data to the recipient, not to whoever
 * wrote it (-1), and among equally likely entries the recipient's own is the story: it asks for the
 * data it receives.
 */
function likeliestEntry(graph: SystemGraph, untrusted: UntrustedContent, origins: readonly UntrustedOrigin[], agentId: string, recipient?: string): { top: UntrustedOrigin; entryFactors: Factor[] } {
  let best: { top: UntrustedOrigin; entryFactors: Factor[]; sum: number; rank: number } | undefined;
  for (const origin of origins) {
    const hops = untrusted.pathFrom(origin.id, agentId);
    const elsewhere: Factor[] =
      recipient !== undefined && origin.id !== recipient ? [{ dimension: "likelihood", delta: -1, reason: `the data goes only to ${graph.nameOf(recipient)}, not to ${graph.nameOf(origin.id)}` }] : [];
    const entryFactors = [...exposureFactor(graph, origin), ...attackerFactor(graph, origin.id), ...pathLengthFactor(graph, hops), ...elsewhere];
    const sum = entryFactors.reduce((total, f) => total + f.delta, 0);
    // Ties: the recipient's own entry first, then an indirect one.
    const rank = (origin.id === recipient ? 2 : 0) + (isDirect(graph, hops) ? 0 : 1);
    if (!best || sum > best.sum || (sum === best.sum && rank > best.rank)) best = { top: origin, entryFactors, sum, rank };
  }
  return best!;
}
