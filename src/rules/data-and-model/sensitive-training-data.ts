import { attackerFactor, sensitivityFactor } from "../../analysis/factors.js";
import { SENSITIVITY_WORDS, sensitiveSorted, sensitivity } from "../../analysis/sensitivity.js";
import { controlsOfType, someNames } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";
import { EVIDENCE_LIMIT, modelQueriers, trainingSets } from "./model-access.js";

export const sensitiveTrainingData: Rule = {
  id: "TW-DAT-001",
  title: "Sensitive data in training or fine-tuning data",
  category: "data-and-model",
  rationale:
    "A model trained or fine-tuned on records learns some of them by heart: account numbers, names, addresses and rare strings come back when the right input asks for them, or slip into answers unasked. Whoever can query the model, or steer an agent that uses it, can draw them out, and access controls on the original store no longer apply.",
  appliesWhen:
    "A generative model (no task, or task generation) lists a dataset in fineTunedOn, or a dataset flows into a training or fine-tuning pipeline that flows into the model, and the dataset holds sensitive data (confidential or restricted, or flagged personal, payment, credentials, health...). A classification or embedding model answers with labels, scores or vectors and repeats no record; TW-DAT-003 covers what its answers reveal.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM02:2025"],
    atlasTechniques: ["AML.T0057", "AML.T0024"],
    atlasMitigations: ["AML.M0007", "AML.M0020"],
    maestro: ["L1", "L2"],
    nistAiRmf: ["MAP", "MEASURE", "MANAGE"],
    euAiAct: ["Art. 10"],
  },
  likelihood: 2,
  impact: 3,
  mitigations: [
    {
      control: "data-minimisation",
      reduces: "impact",
      by: 2,
      how: "sensitive fields are removed or replaced with synthetic values before training, so there is less to memorise (on the training data, the flows into it, the training pipeline or the model; not on an agent that queries the model, whose context is not what was learnt)",
      countsOn: "named",
    },
    { control: "differential-privacy", reduces: "likelihood", by: 2, how: "training with differential privacy bounds how much any single record can be recalled" },
    { control: "output-validation", reduces: "likelihood", by: 1, how: "answers are checked for data the caller should not get (account numbers, personal data) before they are used" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("model")) {
      // A classifier or embedding model answers with labels, scores or vectors, not text: it cannot repeat a record (membership inference and inversion are TW-DAT-003's).
      const task = node.element.task;
      if (task === "classification" || task === "embedding") continue;
      const sets = trainingSets(graph, node.id);
      if (sets.length === 0) continue;
      const queriers = modelQueriers(context, node.id);
      const top = queriers[0];
      for (const set of sets) {
        const sensitive = sensitiveSorted(graph, set.data);
        if (sensitive.length === 0) continue;
        const factors: Factor[] = [...sensitivityFactor(graph, sensitive)];
        if (top) {
          factors.push({
            dimension: "likelihood",
            delta: 1,
            reason: `${top.who} can choose input to the model${top.through === node.id ? "" : ` through ${graph.nameOf(top.through)}`} and probe it for memorised records`,
          });
          if (top.direct) factors.push({ dimension: "likelihood", delta: 1, reason: `the answers go straight back to ${top.who}` });
          factors.push(...attackerFactor(graph, top.origin.id));
        }
        const how = set.via === "fineTunedOn" ? "fine-tuned on" : `trained through ${graph.nameOf(set.via)} on`;
        detections.push({
          anchors: [node.id, set.dataset],
          summary: `${graph.nameOf(node.id)} was ${how} ${graph.nameOf(set.dataset)}, which holds ${someNames(context, sensitive)}; the model can repeat memorised records to ${top ? `anyone who can steer its input, including ${top.who}` : "anyone who queries it"}.`,
          evidence: [
            { element: set.dataset, note: `training data of ${graph.nameOf(node.id)}${set.via === "fineTunedOn" ? " (fineTunedOn)" : ""}` },
            ...sensitive.slice(0, EVIDENCE_LIMIT).map((id) => ({ element: id, note: `${SENSITIVITY_WORDS[sensitivity(graph.data(id)!)]} data in the training set` })),
            ...(set.via === "fineTunedOn" ? [] : [{ element: set.via, note: `training pipeline from ${graph.nameOf(set.dataset)} to ${graph.nameOf(node.id)}` }]),
            ...queriers.slice(0, 3).map((q) => ({ element: q.origin.id, note: `untrusted input to the model (${q.origin.reason})${q.through === node.id ? "" : ` through ${graph.nameOf(q.through)}`}` })),
          ],
          factors,
          scope: [
            ...(set.via === "fineTunedOn" ? [] : [set.via]),
            ...(top && top.through !== node.id ? [top.through] : []),
            // Minimisation counts where the training data is made, not in an agent that queries the model.
            ...controlsOfType(graph, "data-minimisation", [node.id, set.dataset, ...graph.flowsTo(set.dataset).map((f) => f.id), ...(set.via === "fineTunedOn" ? [] : [set.via])]),
          ],
        });
      }
    }
    return detections;
  },
};
