import { TECHNIQUE } from "../../analysis/attack-paths.js";
import { sensitivityFactor } from "../../analysis/factors.js";
import { OUTSIDER_ACTOR_TYPES } from "../../model/vocabulary.js";
import { controlsOfType, names } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";
import { copiedSources, minimisationOnIngestion, pipelineEvidence, retrievalAudiences, askerEvidence } from "../retrieval-audience.js";

export const inheritedOversharing: Rule = {
  id: "TW-EXF-007",
  title: "Permission-trimmed index inherits the sources' oversharing and stale permissions",
  category: "exfiltration",
  rationale:
    "Security trimming filters every query by the permissions each document had in its source when the index last copied it. It enforces those permissions faithfully, the wrong ones included: a finance folder shared with everyone in the company, an HR file on a team site anybody can open, a restricted page whose restriction was never set. Before the assistant such documents sat unnoticed; now an ordinary question finds them and cites them. And a permission changed in a source (a revoked share, a leaver, a person moved out of a group) reaches the index only at the next run, so until then the index serves what the source no longer allows. The filter is right; what it filters by is the sources' sharing, which needs reviewing and narrowing before and while an index copies it.",
  appliesWhen:
    "An agent retrieves from a datastore (a flow of channel retrieval from the store to the agent) that ingestion pipelines copy sources into; the store holds, or the flow carries, confidential or restricted data; people who may not read the store ask the agent (as for TW-EXF-005: not those its readableBy, or that of every source it copies, names); and an authorization or tenant-isolation control that is implemented (status implemented or not stated) and verified covers the retrieval flow or the store, so retrieval is known to filter by the asker's permissions: TW-EXF-005 leaves this case out, and one of the two rules reports each agent's retrieval from each store. Not for a store no pipeline copies sources into (its permissions are its own, not copies), a store on a host reachable only locally, or a store shared between tenants (TW-EXF-004).",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM02:2025", "LLM08:2025"],
    owaspAgentic: ["ASI03"],
    atlasTechniques: ["AML.T0085.000", "AML.T0057"],
    atlasMitigations: ["AML.M0005"],
    maestro: ["L2", "L6"],
    nistAiRmf: ["MAP", "MANAGE"],
    nistCsf: ["PR.AA-05"],
  },
  // Large document estates are overshared as a rule, but the asker must ask about what is overshared or just revoked.
  likelihood: 3,
  // Colleagues reading what they should not; people outside the organisation raise it (a factor).
  impact: 3,
  mitigations: [
    { control: "least-privilege", reduces: "likelihood", by: 2, how: "the sources' sharing is reviewed and narrowed (company-wide shares and stale groups removed, access reviews of sensitive sites), so the permissions the index copies are the ones people should have", countsOn: "named" },
    { control: "data-minimisation", reduces: "impact", by: 1, how: "the most sensitive sites are left out of the index, or personal details are redacted before embedding" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const audience of retrievalAudiences(context)) {
      const { store, agentId, flows, tools, data, askers, pipelines, filters } = audience;
      // Only a filter known to work leaves the sources' permissions as the question; otherwise TW-EXF-005 reports the retrieval.
      if (filters.length === 0 || pipelines.length === 0) continue;
      const sources = [...new Set(pipelines.flatMap(({ pipeline }) => copiedSources(context, pipeline)))].sort();
      const storeName = graph.nameOf(store.id);
      const agentName = graph.nameOf(agentId);
      const askerIds = askers.map((a) => a.id);
      const factors: Factor[] = [];
      if (askers.every((a) => a.type === "admin")) factors.push({ dimension: "likelihood", delta: -1, reason: `only administrators ask (${names(context, askerIds)}), who can usually open most documents anyway` });
      factors.push(...sensitivityFactor(graph, data));
      const outsiders = askers.filter((a) => OUTSIDER_ACTOR_TYPES.has(a.type));
      if (outsiders.length > 0) factors.push({ dimension: "impact", delta: 1, reason: `the answers reach people outside the organisation: ${names(context, outsiders.map((a) => a.id))}` });
      // Narrowing the sharing happens at the sources; the same control on the index only restates the filter.
      const narrowed = controlsOfType(graph, "least-privilege", sources);
      const dataWords = `${names(context, data.slice(0, 3))}${data.length > 3 ? " and more" : ""}`;
      const sourceWords = sources.length ? names(context, sources.slice(0, 3)) + (sources.length > 3 ? " and more" : "") : "its sources";
      const evidence: EvidenceItem[] = [
        { element: store.id, note: `${store.type} store; ${agentName} retrieves from it, filtered by each document's permissions as last copied` },
        ...data.slice(0, 4).map((d): EvidenceItem => ({ element: d, note: `${graph.data(d)!.classification}${graph.data(d)!.flags?.length ? ` (${graph.data(d)!.flags!.join(", ")})` : ""}, in ${storeName}: readable through ${agentName} by whoever ${sourceWords} let open it` })),
        ...askerEvidence(context, audience),
        ...filters.map((id): EvidenceItem => ({ element: id, note: `${graph.node(id)!.element.type} on the retrieval, implemented and verified: it enforces the sources' permissions, including shares wider than intended` })),
        ...pipelines.map(({ pipeline }) => pipelineEvidence(context, pipeline, store.id, true)),
        ...sources.filter((id) => controlsOfType(graph, "least-privilege", [id]).length === 0).slice(0, 4).map((id): EvidenceItem => ({ element: id, note: "no least-privilege control reviews who this source is shared with" })),
      ];
      detections.push({
        anchors: [store.id, agentId],
        summary: `${agentName} answers ${names(context, askerIds)} from ${storeName}, which holds ${dataWords}, filtered by the permissions ${sourceWords} had when last copied: whatever a source shares too widely is one question away, and a permission revoked since the last run still works.`,
        evidence,
        factors,
        path: [
          { element: askers[0]!.id, action: `asks ${agentName} about something a source shares more widely than intended, or that the asker has just lost access to`, technique: TECHNIQUE.dataFromRag },
          { element: store.id, action: `returns chunks the copied permissions let the asker see, ${graph.nameOf(data[0]!)} among them`, technique: TECHNIQUE.dataFromRag },
          // LLM Data Leakage: the answer carries what the asker should not read.
          { element: agentId, action: "answers from them and cites them", technique: "AML.T0057" },
        ],
        scope: [...flows.map((f) => f.id), ...tools, ...minimisationOnIngestion(context, pipelines), ...narrowed],
      });
    }
    return detections;
  },
};
