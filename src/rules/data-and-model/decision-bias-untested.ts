import { decisionsAboutPeople, names, peopleDecisionImpact } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";
import { trainingSets } from "./model-access.js";

export const decisionBiasUntested: Rule = {
  id: "TW-DAT-014",
  title: "Automated decision about people not tested for bias",
  category: "data-and-model",
  rationale:
    "A model that decides about people learns whatever patterns its data holds, including the unfair ones: trained on past human decisions (who was hired, whose claim was paid), it repeats those decisions' bias, and proxies such as postcode, school or gaps in a CV carry gender, age or ethnicity even when those fields are left out. A general-purpose LLM asked to decide brings the bias of its own training data. No attacker is needed: the harm is systematic and falls on a group. Only comparing decisions across groups, before release and after each retraining, shows it. The EU AI Act requires high-risk systems to examine their data for bias (Art. 10) and to perform consistently (Art. 15).",
  appliesWhen:
    "A model or agent declares a decision about people (decision.aboutPeople) whose stakes are medium or high. A model trained or fine-tuned on a dataset whose labels are past-decisions is likelier to be biased. One finding per model or agent. A fairness-testing control on it, its training data or its training pipeline lowers the finding; red-teaming and drift monitoring do not count: they look for attackers and for change, not for unequal treatment.",
  mappings: {
    stride: ["T"],
    atlasMitigations: ["AML.M0008"],
    maestro: ["L2", "L5"],
    nistAiRmf: ["MAP", "MEASURE", "MANAGE"],
    euAiAct: ["Art. 10", "Art. 15", "Art. 72"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "fairness-testing", reduces: "likelihood", by: 2, how: "decisions are compared across groups of people before release, after each retraining and in production, and a gap stops the model" },
    { control: "human-review-path", reduces: "impact", by: 1, how: "a person the decision concerns can have it reviewed and reversed" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const { kind, element, decision } of decisionsAboutPeople(graph)) {
      const sets = kind === "model" ? trainingSets(graph, element.id) : [];
      const fromDecisions = sets.filter((set) => graph.node(set.dataset)?.element.labels === "past-decisions");
      const factors: Factor[] = [
        ...(fromDecisions.length > 0 ? [{ dimension: "likelihood" as const, delta: 1, reason: `it learns from past human decisions (${names(context, fromDecisions.map((s) => s.dataset))}), and repeats their bias` }] : []),
        ...peopleDecisionImpact(graph, decision, "examine its data for bias (Art. 10)"),
      ];
      const evidence: EvidenceItem[] = [
        { element: element.id, note: `decides ${decision.what} (stakes ${decision.stakes}, about people)` },
        ...fromDecisions.map((set): EvidenceItem => ({ element: set.dataset, note: `training data labelled by past decisions${set.via === "fineTunedOn" ? " (fineTunedOn)" : ` (through ${graph.nameOf(set.via)})`}` })),
      ];
      detections.push({
        anchors: [element.id],
        summary: `${graph.nameOf(element.id)} decides ${decision.what}, a decision about people${fromDecisions.length > 0 ? ", learnt from past human decisions" : ""}; without comparing its decisions across groups, a bias against some of them goes unseen.`,
        evidence,
        factors,
        // A bias test is often run where the model is trained: on the training data or its pipeline.
        scope: [...new Set(sets.flatMap((set) => (set.via === "fineTunedOn" ? [set.dataset] : [set.dataset, set.via])))],
      });
    }
    return detections;
  },
};
