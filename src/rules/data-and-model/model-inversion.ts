import { attackerFactor, exposureFactor, sensitivityFactor } from "../../analysis/factors.js";
import { sensitiveSorted } from "../../analysis/sensitivity.js";
import { someNames } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";
import { EVIDENCE_LIMIT, capitalised, modelQueriers, trainingSets } from "./model-access.js";

export const modelInversion: Rule = {
  id: "TW-DAT-003",
  title: "Model inversion and membership inference",
  category: "data-and-model",
  rationale:
    "A model trained on sensitive records answers differently for inputs it has seen. An attacker who can send it many queries and read the answers can test whether a given person or record was in the training data (membership inference) or reconstruct attributes of the records (model inversion), without ever touching the store they came from.",
  appliesWhen:
    "A model trained or fine-tuned on a dataset that holds sensitive data can be queried by untrusted actors: an agent that uses it is reachable by untrusted content, a flow from an untrusted origin reaches it, or its inference endpoint is open to the internet or partners without authentication.",
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
    { control: "authentication", reduces: "likelihood", by: 1, how: "only known callers can query the model" },
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
      const queriers = modelQueriers(context, node.id);
      const top = queriers[0];
      if (!top) continue;
      const datasets = sets.filter((s) => s.data.some((d) => sensitive.includes(d))).map((s) => s.dataset);
      const factors: Factor[] = top.direct
        ? [...exposureFactor(graph, top.origin)]
        : [
            {
              dimension: "likelihood",
              delta: -2,
              reason: `input from ${top.who} reaches the model only through content ${graph.nameOf(top.through)} processes; they do not read its answers directly, and these attacks need many observed answers`,
            },
          ];
      factors.push(...attackerFactor(graph, top.origin.id), ...sensitivityFactor(graph, sensitive));
      detections.push({
        anchors: [node.id],
        summary: `${capitalised(top.who)} can ${top.direct ? "query" : "feed input to"} ${graph.nameOf(node.id)}${top.through === node.id ? "" : ` through ${graph.nameOf(top.through)}`}, which was trained on ${someNames(context, datasets)} with ${someNames(context, sensitive)}: its answers can reveal whether a record was in the training data and reconstruct parts of it.`,
        evidence: [
          ...queriers.slice(0, 3).map((q) => ({
            element: q.origin.id,
            note: `${q.direct ? "queries the model directly" : "feeds input to the model through stored content"} (${q.origin.reason})${q.through === node.id ? "" : ` via ${graph.nameOf(q.through)}`}`,
          })),
          ...datasets.slice(0, EVIDENCE_LIMIT).map((d) => ({ element: d, note: `training data of ${graph.nameOf(node.id)}` })),
          ...sensitive.slice(0, EVIDENCE_LIMIT).map((d) => ({ element: d, note: "sensitive data in the training set" })),
        ],
        factors,
        scope: [...datasets, ...(top.through === node.id ? [] : [top.through])],
      });
    }
    return detections;
  },
};
