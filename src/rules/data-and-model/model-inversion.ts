import { attackerFactor, sensitivityFactor } from "../../analysis/factors.js";
import { sensitiveSorted } from "../../analysis/sensitivity.js";
import type { ControlType } from "../../model/vocabulary.js";
import { someNames } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, Rule } from "../rule.js";
import { EVIDENCE_LIMIT, authenticationAgainNote, authenticationControlsOn, capitalised, entryFactors, modelQueriers, trainingSets, type InferenceEndpoint, type ModelQuerier } from "./model-access.js";

export const modelInversion: Rule = {
  id: "TW-DAT-003",
  title: "Model inversion and membership inference",
  category: "data-and-model",
  rationale:
    "A model trained on sensitive records answers differently for inputs it has seen. An attacker who can send it many queries and read the answers can test whether a given person or record was in the training data (membership inference) or reconstruct attributes of the records (model inversion), without ever touching the store they came from.",
  appliesWhen:
    "A model trained or fine-tuned on a dataset that holds sensitive data can be queried by untrusted actors: an agent that uses it is reachable by untrusted content, a flow from an untrusted origin reaches it, or its inference endpoint (a self-hosted model's own, or the inference server it runs on) is exposed to the internet or partners. An endpoint without authentication is open to anyone there; one that asks for credentials (API keys, tokens) counts when untrusted actors call it themselves, one step less likely: credentials identify callers but do not bound their queries. An endpoint that asks for credentials and that only the team's own services call is no way in of its own (the people those services serve still are).",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM02:2025"],
    atlasTechniques: ["AML.T0024.000", "AML.T0024.001", "AML.T0040"],
    atlasMitigations: ["AML.M0004", "AML.M0019", "AML.M0002"],
    maestro: ["L1"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 10", "Art. 15"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "differential-privacy", reduces: "likelihood", by: 2, how: "training with differential privacy bounds what answers reveal about any single record" },
    { control: "rate-limit", reduces: "likelihood", by: 1, how: "these attacks need many queries; a per-caller limit makes them slow and visible" },
    {
      control: "output-obfuscation",
      reduces: "likelihood",
      by: 1,
      how: "the model answers with a label or a coarse, rounded score instead of full confidences, so each answer tells much less about whether a record was in the training data. It counts on the model or its host",
      countsOn: "anchors",
    },
    {
      control: "authentication",
      reduces: "likelihood",
      by: 1,
      how: "only known callers can query the model. It counts on the model or its host where the attacker queries that interface and it does not already ask for credentials (the likelihood weighs those); through an agent, the attacker talks to the agent, and checking the agent's calls stops nothing",
      countsOn: "named",
    },
    { control: "model-monitoring", reduces: "likelihood", by: 1, how: "probing query patterns are noticed" },
    { control: "data-minimisation", reduces: "impact", by: 1, how: "fewer sensitive fields were in the training data" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("model")) {
      const sets = trainingSets(graph, node.id);
      const sensitive = sensitiveSorted(graph, new Set(sets.flatMap((s) => s.data)));
      if (sensitive.length === 0) continue;
      const queriers = modelQueriers(context, node.id, { credentialed: true });
      const top = queriers[0];
      if (!top) continue;
      const datasets = sets.filter((s) => s.data.some((d) => sensitive.includes(d))).map((s) => s.dataset);
      const factors: Factor[] = top.direct
        ? entryFactors(graph, top.origin, top.endpoint)
        : [
            {
              dimension: "likelihood",
              delta: -2,
              reason: `input from ${top.who} reaches the model only through content ${graph.nameOf(top.through)} processes; they do not read its answers directly, and these attacks need many observed answers`,
            },
            ...attackerFactor(graph, top.origin.id),
          ];
      factors.push(...sensitivityFactor(graph, sensitive));
      const auth = authenticationControls(context, node.id, top, queriers.find((q) => q.endpoint)?.endpoint);
      detections.push({
        anchors: [node.id],
        summary: `${capitalised(top.who)} can ${top.direct ? "query" : "feed input to"} ${graph.nameOf(node.id)}${top.through === node.id ? "" : ` through ${graph.nameOf(top.through)}`}, which was trained on ${someNames(context, datasets)} with ${someNames(context, sensitive)}: its answers can reveal whether a record was in the training data and reconstruct parts of it.`,
        evidence: [
          ...queriers.slice(0, 3).map((q) => ({
            element: q.origin.id,
            note: `${q.direct ? "queries the model directly" : `feeds input to the model through ${graph.kindOf(q.origin.id) === "actor" ? "what they say where the agent reads it, not by asking" : "stored content"}`} (${q.origin.reason})${q.through === node.id ? "" : ` via ${graph.nameOf(q.through)}`}`,
          })),
          ...datasets.slice(0, EVIDENCE_LIMIT).map((d) => ({ element: d, note: `training data of ${graph.nameOf(node.id)}` })),
          ...sensitive.slice(0, EVIDENCE_LIMIT).map((d) => ({ element: d, note: "sensitive data in the training set" })),
          ...auth.evidence,
        ],
        factors,
        scope: [...datasets, ...(top.through === node.id ? [] : [top.through]), ...auth.named],
        ...(auth.accountedFor.length > 0 ? { accountedFor: auth.accountedFor } : {}),
      });
    }
    return detections;
  },
};

/**
 * Authentication controls that count: on the interface the attacker queries (the model or its host),
 * where that interface is the model's and its endpoint does not already ask for credentials. Where the
 * attacker comes in at an endpoint that does, the field says what such a control would (the likelihood
 * took its step for the credentials, or the public holds them), so the type is accounted for: a control
 * is named in the evidence, neither counted again nor listed as missing. Where they come in another way
 * (through an agent, or a service of the team's that holds the key), such a control stops nothing.
 */
function authenticationControls(
  context: AnalysisContext,
  model: string,
  top: ModelQuerier,
  endpoint: InferenceEndpoint | undefined,
): { named: string[]; evidence: EvidenceItem[]; accountedFor: ControlType[] } {
  const { graph } = context;
  if (top.through !== model) return { named: [], evidence: [], accountedFor: [] };
  const controls = authenticationControlsOn(graph, model);
  if (endpoint?.authentication === undefined) return { named: controls.map((c) => c.id), evidence: [], accountedFor: [] };
  if (top.endpoint === undefined) return { named: [], evidence: [], accountedFor: [] };
  return { named: [], evidence: controls.map((c) => ({ element: c.id, note: authenticationAgainNote(graph, top.endpoint!) })), accountedFor: ["authentication"] };
}
