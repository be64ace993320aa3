import { sessionOwner } from "../../analysis/askers.js";
import { effectStep, entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, sensitivityFactor } from "../../analysis/factors.js";
import { sensitivity } from "../../analysis/sensitivity.js";
import type { Effect } from "../../analysis/capabilities.js";
import { directEntry, effectImpactFactors, entryControls, entryWays, injectableAgents, names, noGainTo, originEvidence, ownToolEffects, ownToolsFirst, storeNote, worstEffect } from "../helpers.js";
import type { DataAtStake } from "../helpers.js";
import type { Detection, EvidenceItem, PathStep, Rule } from "../rule.js";

/** How many data items a finding cites. */
const KEEP = 6;
const SIDE_EFFECTS = new Set<Effect["action"]>(["write", "delete", "execute", "send", "publish", "spend", "fetch", "admin"]);

export const directPromptInjection: Rule = {
  id: "TW-PI-001",
  title: "Direct prompt injection by untrusted users",
  category: "prompt-injection",
  rationale:
    "Whoever types into the agent writes part of its prompt. Instructions in a system prompt do not reliably outrank a user's message, so an untrusted user can talk the agent into using its tools against the operator or into revealing data the agent can read on other people's behalf. A read-only assistant over public content gives them nothing; tools with side effects or other people's data do.",
  appliesWhen:
    "An untrusted actor (public, customer or partner; employees and contractors when an insider adversary is modelled, only those it names when its `via` names any) reaches an agent through clients and services only, and the agent has a tool with side effects or sensitive data in its context that does not come from that actor's own messages. A tool that calls with the user's own token (delegated) does only what they may do themselves, and does not count for users who ask in their own name; nor does the data such a tool reads for them, or data from a place that lets them read it (readableBy): it is theirs to read already.",
  mappings: {
    stride: ["T", "E", "I"],
    owaspLlm: ["LLM01:2025", "LLM06:2025"],
    owaspAgentic: ["ASI01", "ASI02"],
    owaspAgenticThreats: ["T6", "T2"],
    atlasTechniques: ["AML.T0051.000", "AML.T0054", "AML.T0093"],
    atlasMitigations: ["AML.M0020", "AML.M0033", "AML.M0029", "AML.M0028"],
    maestro: ["L3"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 4,
  impact: 3,
  mitigations: [
    { control: "input-filtering", reduces: "likelihood", by: 1, how: "screens the user's messages for injection attempts before they reach the model", countsOn: "entry-path" },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a person other than the user approves side-effecting actions" },
    { control: "authorization", reduces: "impact", by: 1, how: "tools check what this user may do and see, so a steered agent cannot act beyond the user's own rights" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "limits what the agent's tools can do when steered" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const { agent } of injectableAgents(context)) {
      const entry = directEntry(context, agent.id);
      if (!entry) continue;
      const { origin: top, origins: direct, hops } = entry;
      // What the users type themselves is no secret from them: only data from elsewhere is at stake.
      const ownInput = new Set(direct.flatMap((origin) => untrusted.pathFrom(origin.id, agent.id).map((h) => h.node)));
      // Agents' contexts can be large: keep only the most sensitive few (for evidence) and a count.
      const atStake: (DataAtStake & { rank: number })[] = [];
      let stakeCount = 0;
      const leftOut: EvidenceItem[] = [];
      for (const [data, from] of context.contextData.of(agent.id)) {
        if (ownInput.has(from)) continue;
        const noGain = noGainTo(context, agent.id, data, direct, true);
        if (noGain) {
          if (leftOut.length < 3) leftOut.push(noGain);
          continue;
        }
        // Contexts hold only sensitive data, by known data IDs.
        const rank = sensitivity(graph.data(data)!);
        stakeCount++;
        const weakest = atStake[atStake.length - 1];
        if (atStake.length >= KEEP && weakest && (rank < weakest.rank || (rank === weakest.rank && data > weakest.data))) continue;
        let at = atStake.findIndex((d) => rank > d.rank || (rank === d.rank && data < d.data));
        if (at < 0) at = atStake.length;
        atStake.splice(at, 0, { data, from, rank });
        if (atStake.length > KEEP) atStake.pop();
      }
      // Fetching a fixed URL is reading; every other capability changes something or reaches outside.
      const sideEffects = ownToolEffects(capabilities.agentEffects(agent.id)).filter((e) => SIDE_EFFECTS.has(e.action) && !(e.action === "fetch" && e.destination === "fixed"));
      // A tool that calls with the user's own token does only what they may do themselves: no gain for users asking in their own
      // name. One who speaks in someone else's session (sessionOwner) uses that owner's token, and still gains.
      const ownName = direct.every((origin) => sessionOwner(graph, origin.id) === undefined);
      const asThemselves = ownName ? [...new Set(sideEffects.filter((e) => graph.tool(e.tool!)?.delegated === true).map((e) => e.tool!))] : [];
      const effects = sideEffects.filter((e) => !asThemselves.includes(e.tool!));
      if (effects.length === 0 && stakeCount === 0) continue;

      const tools = [...new Set(effects.map((e) => e.tool!))];
      const worst = worstEffect(ownToolsFirst(context, agent.id, effects));
      const richest = atStake[0];
      const last: PathStep[] = worst
        ? [effectStep(graph, worst)]
        : richest
          ? [{ element: richest.from, action: `answers with ${graph.nameOf(richest.data)} from ${graph.nameOf(richest.from)} that the user should not see`, technique: "AML.T0057" }]
          : [];
      const flows = hops.map((h) => h.ref).filter((ref): ref is string => ref !== undefined && graph.kindOf(ref) === "flow");
      // A filter on one user-facing way in does nothing for users who come in another way.
      const onTheWayIn = entryControls(context, directPromptInjection, entryWays(direct, agent.id, true));
      const stakes = [
        ...(tools.length ? [`can call ${names(context, tools.slice(0, 4))}${tools.length > 4 ? " and more" : ""}`] : []),
        ...(stakeCount ? [`holds ${names(context, atStake.slice(0, 3).map((d) => d.data))}${stakeCount > 3 ? " and more" : ""}`] : []),
      ];
      detections.push({
        anchors: [agent.id],
        summary: `Messages from ${graph.nameOf(top.id)} reach ${graph.nameOf(agent.id)} directly via ${hops.map((h) => graph.nameOf(h.node)).join(" → ")}, and the agent ${stakes.join(" and ")}.`,
        evidence: [
          ...originEvidence(context, direct, agent.id),
          ...tools.map((tool) => ({ element: tool, note: `side effects within the user's reach: ${[...new Set(effects.filter((e) => e.tool === tool).map((e) => e.action))].join(", ")}` })),
          ...asThemselves.slice(0, 3).map((tool) => ({ element: tool, note: "not counted: calls with the user's own token, so a steered agent does only what the user may do themselves" })),
          ...atStake.slice(0, 6).map((d) => ({ element: d.data, note: `sensitive data in the agent's context from ${graph.nameOf(d.from)}, not from the user${storeNote(context, agent.id, d.data)}` })),
          ...leftOut,
          ...onTheWayIn.evidence,
        ],
        factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...(effects.length ? effectImpactFactors(context, agent.id, effects) : []), ...sensitivityFactor(graph, atStake.slice(0, 1).map((d) => d.data))],
        path: [...entrySteps(graph, untrusted, top, agent.id), ...last],
        scope: [...hops.map((h) => h.node), ...flows, ...tools, ...onTheWayIn.scope],
      });
    }
    return detections;
  },
};
