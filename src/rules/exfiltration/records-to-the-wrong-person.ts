import { entrySteps, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor, sensitivityFactor } from "../../analysis/factors.js";
import { sensitiveSorted } from "../../analysis/sensitivity.js";
import type { SystemGraph } from "../../graph/graph.js";
import type { Flow } from "../../model/schema.js";
import { entryControls, entryWays, injectableAgents, names, originEvidence, writtenBy } from "../helpers.js";
import type { Detection, Rule } from "../rule.js";

/** Flows that deliver something to people; logs and training data are read by nobody the document is for. */
const IGNORED_CHANNELS = new Set<Flow["channel"]>(["log", "training"]);
/** How many places a document may pass on its way from where the agent puts it to the person who reads it. */
const MAX_HOPS = 4;

const listed = (flow: Flow) => flow.data !== undefined && flow.data.length > 0;

/**
 * The people a document the agent puts in `place` is delivered to: actors reached from it along flows
 * through clients and services only (a portal, a mail service), each flow carrying no listed data or
 * data about the reader (belongsTo names them), so that what arrives is their own document. Where the
 * flows say what the tool puts there (`written`), the first flow out must carry some of it, or list
 * nothing: orders pended in a record system do not travel with the summary it releases. With the flows that carry it.
 */
function deliveredTo(graph: SystemGraph, place: string, written: ReadonlySet<string>): Map<string, Flow[]> {
  const found = new Map<string, Flow[]>();
  const aboutReader = (flow: Flow, reader: string) => !listed(flow) || flow.data!.some((d) => graph.data(d)?.belongsTo?.includes(reader) === true);
  const carriesWritten = (flow: Flow) => written.size === 0 || !listed(flow) || flow.data!.some((d) => written.has(d));
  const seen = new Set([place]);
  for (let frontier: { at: string; via: Flow[] }[] = [{ at: place, via: [] }]; frontier.length > 0; ) {
    const next: { at: string; via: Flow[] }[] = [];
    for (const { at, via } of frontier) {
      for (const flow of graph.flowsFrom(at)) {
        if (IGNORED_CHANNELS.has(flow.channel) || seen.has(flow.to) || (via.length === 0 && !carriesWritten(flow))) continue;
        const kind = graph.kindOf(flow.to);
        const path = [...via, flow];
        if (kind === "actor") {
          if (path.every((f) => aboutReader(f, flow.to)) && !found.has(flow.to)) found.set(flow.to, path);
        } else if ((kind === "client" || kind === "service") && path.length < MAX_HOPS) {
          seen.add(flow.to);
          next.push({ at: flow.to, via: path });
        }
      }
    }
    frontier = next;
  }
  return found;
}

export const recordsToTheWrongPerson: Rule = {
  id: "TW-EXF-008",
  title: "Another person's records in what the agent sends the person it serves",
  category: "exfiltration",
  rationale:
    "An agent that writes a document for the person a case is about (an after-visit summary for the patient, a letter to the customer) sends it to a fixed recipient, so it looks safe from exfiltration. But when the agent can read everyone's records, text an attacker placed in its context (an outside document, a message, words spoken in the session) can have it look up someone else's record and copy it into the document. The recipient then holds another person's data: a disclosure the organisation must report (GDPR Art. 33, HIPAA breach notification) even when the recipient is not the attacker, and a theft when the attacker is the recipient.",
  appliesWhen:
    "An injectable agent has a tool that writes to a place, or sends or publishes to a fixed destination there, from which flows through clients and services only reach people (each flow listing no data, or data about them: belongsTo names them), and sensitive data in the agent's context belongs to those people (belongsTo) and comes from a store of everyone's records (a store it holds, a resource a tool reads), not only passed on for the case at hand nor read through a tool that a verified authorization binds to the person asking. A send to a destination the attacker can choose is TW-EXF-001's.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM01:2025", "LLM02:2025"],
    owaspAgentic: ["ASI01", "ASI02"],
    owaspAgenticThreats: ["T2", "T6"],
    atlasTechniques: ["AML.T0051.001", "AML.T0085.001", "AML.T0057"],
    atlasMitigations: ["AML.M0028", "AML.M0029"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MAP", "MANAGE"],
    euAiAct: ["Art. 15"],
    nistCsf: ["PR.AA-05"],
  },
  // The attacker has to name another person and have the record copied: less likely than a send to their own address.
  likelihood: 3,
  // Another person's record in someone's hands is a reportable disclosure whoever reads it.
  impact: 4,
  mitigations: [
    { control: "authorization", reduces: "likelihood", by: 2, how: "the read tool returns only the records of the case at hand" },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a person reads the document before it goes out, though another person's details in a long document are easy to miss", countsOn: "anchors" },
    { control: "output-validation", reduces: "likelihood", by: 1, how: "the document is checked for identifiers of anyone but its recipient before it goes out", countsOn: "anchors" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "injected text is less likely to be obeyed", countsOn: "entry-path" },
    { control: "data-minimisation", reduces: "impact", by: 1, how: "the read returns fewer and less sensitive fields" },
  ],
  detect(context) {
    const { graph, untrusted, contextData } = context;
    const detections: Detection[] = [];
    for (const { agent, origins } of injectableAgents(context)) {
      // Everyone's records in the agent's context, by the people they belong to: only a store of them lets the attacker
      // pick another's (a read that authorization binds to the person asking is no such store, fromStore says).
      const others = new Map<string, string[]>();
      for (const [data] of contextData.of(agent.id)) {
        if (contextData.fromStore(agent.id, data) === undefined) continue;
        for (const owner of graph.data(data)?.belongsTo ?? []) (others.get(owner) ?? others.set(owner, []).get(owner)!).push(data);
      }
      if (others.size === 0) continue;
      const top = origins[0]!;
      const hops = untrusted.pathFrom(top.id, agent.id);
      const onTheWayIn = entryControls(context, recordsToTheWrongPerson, entryWays(origins, agent.id));
      for (const tool of graph.toolsOf(agent.id)) {
        // Where the tool puts what the agent writes: a fixed recipient's place, or a store or service it writes to.
        const places = tool.capabilities.filter((c) => c.action === "write" || ((c.action === "send" || c.action === "publish") && c.destination === "fixed")).flatMap((c) => c.on ?? []);
        // What the agent hands the tool and the tool puts there, where the flows say.
        const written = writtenBy(graph, agent.id, tool.id);
        const delivery = [...new Set(places)]
          .flatMap((place) => [...deliveredTo(graph, place, written)].map(([reader, flows]) => ({ place, reader, flows, data: others.get(reader) })))
          .find((d) => d.data !== undefined);
        if (!delivery) continue;
        const dataIds = sensitiveSorted(graph, new Set(delivery.data));
        const readerName = graph.nameOf(delivery.reader);
        const source = contextData.fromStore(agent.id, dataIds[0]!)!;
        detections.push({
          anchors: [agent.id, tool.id],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)} and holds ${names(context, dataIds.slice(0, 3))}${dataIds.length > 3 ? " and more" : ""} of all ${readerName} (from ${graph.nameOf(source)}), and ${graph.nameOf(tool.id)} puts what it writes in ${graph.nameOf(delivery.place)}, which reaches ${readerName}: a steered agent can copy one person's records into what another receives.`,
          evidence: [
            ...originEvidence(context, origins, agent.id),
            ...dataIds.slice(0, 4).map((d) => ({ element: d, note: `belongs to ${names(context, graph.data(d)!.belongsTo!)}; in the agent's context from ${graph.nameOf(contextData.fromStore(agent.id, d)!)}, a store of everyone's records` })),
            { element: tool.id, note: `puts what the agent writes in ${graph.nameOf(delivery.place)}, delivered to ${readerName} by ${delivery.flows.map((f) => f.id).join(" → ")}` },
            ...onTheWayIn.evidence,
          ],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops), ...sensitivityFactor(graph, dataIds)],
          path: [
            ...entrySteps(graph, untrusted, top, agent.id),
            { element: source, action: `${graph.nameOf(agent.id)} reads the ${graph.nameOf(dataIds[0]!)} of someone else among ${readerName}, named in the injected text`, technique: TECHNIQUE.dataFromAgentTools },
            { element: tool.id, action: `copies it into what ${graph.nameOf(tool.id)} puts in ${graph.nameOf(delivery.place)}`, technique: TECHNIQUE.toolInvocation },
            { element: delivery.reader, action: `one of ${readerName} receives someone else's ${graph.nameOf(dataIds[0]!)}`, technique: "AML.T0057" },
          ],
          scope: [tool.id, source, delivery.place, ...onTheWayIn.scope],
        });
      }
    }
    return detections;
  },
};
