import { TECHNIQUE } from "../../analysis/attack-paths.js";
import { sensitivityFactor } from "../../analysis/factors.js";
import type { Control } from "../../model/schema.js";
import { OUTSIDER_ACTOR_TYPES } from "../../model/vocabulary.js";
import { controlsOfType, names } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";
import { ASKER_CONTROLS, minimisationOnIngestion, pipelineEvidence, retrievalAudiences, askerEvidence } from "../retrieval-audience.js";

export const permissionBlindRetrieval: Rule = {
  id: "TW-EXF-005",
  title: "Retrieval ignores the asker's permissions",
  category: "exfiltration",
  rationale:
    "A RAG index copies documents out of the systems that decide who may read them (restricted wiki spaces, shared drives, issue security levels, each customer's own tickets) and keeps them side by side. When retrieval picks chunks by similarity alone, whoever is asking, any user gets answers built from documents they could not open themselves: a colleague's salary, a performance review, an embargoed vulnerability, another customer's ticket. No prompt injection is needed: an ordinary question is enough, and the model helpfully cites its sources. The fix is to keep each document's readers with its chunks and filter every query by the asker's identity outside the model, or to keep one index per audience; an index rebuilt on a schedule also keeps serving documents whose access was revoked until the next run.",
  appliesWhen:
    "An agent retrieves from a datastore (a flow of channel retrieval from the store to the agent, or to a retrieval service that passes the passages on to it: by retrieval again, or by a flow carrying the store's data; a filter on that service counts as on the retrieval; or a tool of the agent's that reads a vector store, a search drawn as a tool, where a filter on the tool counts); the store holds, or the flow carries, confidential or restricted data; and people send requests to the agent (an actor's api, message, email or event flow to it, directly or through clients and services). " +
    "The model cannot say who may open each document, so confidential or restricted data in a store that several people query stands for documents not all of them may open; public and internal data count as readable by everyone who asks. " +
    "It does not apply to people who may read the store anyway: those its readableBy lists, and, for a store that only ingestion pipelines write into, those that every source it copies lists as readableBy (a wiki space whose members are the askers); so not at all when they are everyone who asks; nor to a store that runs on a host reachable only locally (exposure local: one person's own index); nor to a store shared between tenants that TW-EXF-004 reports (the tenant story is the precise one there); nor when an authorization or tenant-isolation control that is implemented (status implemented or not stated) and verified covers the retrieval flow or the store: retrieval then filters by the asker's permissions or reads the asker's own partition, and what is left, the sources' own permissions as last copied, is TW-EXF-007's finding. One that is not verified or only partial lowers the score; a planned one is listed. One that covers only the agent or its host does not count (it may be about something else, such as which projects a tool may touch), and the evidence says so.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM08:2025", "LLM02:2025"],
    owaspAgentic: ["ASI03"],
    atlasTechniques: ["AML.T0085.000", "AML.T0057"],
    atlasMitigations: ["AML.M0027", "AML.M0005"],
    maestro: ["L2", "L6"],
    nistAiRmf: ["MAP", "MANAGE"],
    nistCsf: ["PR.AA-05"],
  },
  // Anyone who may use the agent can ask; no skill and no injection are needed.
  likelihood: 4,
  // Colleagues reading what they should not; people outside the organisation raise it (a factor).
  impact: 3,
  mitigations: [
    { control: "authorization", reduces: "likelihood", by: 2, how: "each chunk keeps its source's readers and every query is filtered by the asker's identity outside the model (with an implemented, verified control on the retrieval the rule does not apply, and TW-EXF-007 reports what is left; an unverified or partial one, such as one source of several, counts here)", countsOn: "named" },
    { control: "tenant-isolation", reduces: "likelihood", by: 2, how: "one index or namespace per user or audience, chosen from the asker's identity rather than by the model", countsOn: "named" },
    { control: "data-minimisation", reduces: "impact", by: 1, how: "the most sensitive documents are left out of the index, or personal details are redacted before embedding" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    // A filter known to work leaves the sources' own permissions as the question: TW-EXF-007's finding.
    for (const audience of retrievalAudiences(context).filter((a) => a.filters.length === 0)) {
      const { store, agentId, flows, tools, data, askers, pipelines, onRetrieval } = audience;
      const controlOf = (id: string) => graph.node(id)!.element as unknown as Control;
      const onAgent = ASKER_CONTROLS.flatMap((type) => controlsOfType(graph, type, [agentId], { runtime: true, inPlace: true })).filter((id) => !onRetrieval.includes(id));
      const storeName = graph.nameOf(store.id);
      const agentName = graph.nameOf(agentId);
      const askerIds = askers.map((a) => a.id);
      const factors: Factor[] = [];
      const anyone = askers.filter((a) => a.type === "public" || a.authenticated === false);
      if (anyone.length > 0) {
        factors.push({ dimension: "likelihood", delta: 1, reason: `no sign-in for ${names(context, anyone.map((a) => a.id))}: there are no permissions to filter by, and anyone can ask` });
      } else if (askers.every((a) => a.type === "admin")) {
        factors.push({ dimension: "likelihood", delta: -1, reason: `only administrators ask (${names(context, askerIds)}), who can usually open most documents anyway` });
      }
      factors.push(...sensitivityFactor(graph, data));
      const outsiders = askers.filter((a) => OUTSIDER_ACTOR_TYPES.has(a.type));
      if (outsiders.length > 0) factors.push({ dimension: "impact", delta: 1, reason: `the answers reach people outside the organisation: ${names(context, outsiders.map((a) => a.id))}` });

      const dataWords = `${names(context, data.slice(0, 3))}${data.length > 3 ? " and more" : ""}`;
      const evidence: EvidenceItem[] = [
        { element: store.id, note: `${store.type} store; ${agentName} retrieves from it by similarity` },
        ...data.slice(0, 4).map((d): EvidenceItem => ({ element: d, note: `${graph.data(d)!.classification}${graph.data(d)!.flags?.length ? ` (${graph.data(d)!.flags!.join(", ")})` : ""}, in ${storeName} and retrieved for whoever asks` })),
        { element: agentId, note: `answers ${names(context, askerIds)} from what it retrieves` },
        ...askerEvidence(context, audience),
        ...flows.map((f): EvidenceItem => ({ element: f.id, note: `retrieval from ${storeName} to ${agentName}; no implemented and verified authorization or tenant-isolation control covers it` })),
        ...tools.map((t): EvidenceItem => ({ element: t, note: `${agentName}'s search of ${storeName}; no implemented and verified authorization or tenant-isolation control covers it` })),
        ...pipelines.map(({ pipeline }) => pipelineEvidence(context, pipeline, store.id)),
        ...onAgent.map((id): EvidenceItem => ({ element: id, note: `${controlOf(id).type} on ${agentName} or where it runs, not on its retrieval from ${storeName}: it does not count here, since it may be about what the agent's tools may touch; a permission filter belongs on the ${tools.length ? "search tool" : "retrieval flow"} or the store` })),
      ];
      // The path starts from the most exposed asker: anyone who need not sign in, then people outside the organisation.
      const first = anyone[0] ?? outsiders[0] ?? askers[0]!;
      detections.push({
        anchors: [store.id, agentId],
        summary: `${agentName} answers ${names(context, askerIds)} from ${storeName}, which holds ${dataWords}, and retrieval picks chunks by similarity, not by what the person asking may open: anyone who asks can get answers from documents they could not open themselves.`,
        evidence,
        factors,
        path: [
          { element: first.id, action: `asks ${agentName} a question whose answer sits in documents the asker may not open`, technique: TECHNIQUE.dataFromRag },
          { element: store.id, action: `returns the closest chunks, ${graph.nameOf(data[0]!)} among them, whoever is asking`, technique: TECHNIQUE.dataFromRag },
          // LLM Data Leakage: the answer carries what the asker could not open.
          { element: agentId, action: "answers from them and cites them", technique: "AML.T0057" },
        ],
        // Redaction or filtering on the way into the store is data minimisation for this finding; other controls on the pipeline are not about who asks.
        scope: [...flows.map((f) => f.id), ...tools, ...minimisationOnIngestion(context, pipelines), ...onRetrieval],
      });
    }
    return detections;
  },
};
