import { attackerFactor, exposureFactor } from "../../analysis/factors.js";
import { isTrainingPipeline } from "../../analysis/untrusted-content.js";
import { someNames } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

/** Provenances where outsiders decide what records say. */
const OUTSIDE_PROVENANCE: Readonly<Record<string, { delta: number; who: string }>> = {
  scraped: { delta: 1, who: "whoever publishes the scraped pages" },
  public: { delta: 0, who: "the contributors to the public dataset and its mirrors" },
  customer: { delta: 0, who: "the customers who supplied the records" },
};

export const trainingDataPoisoning: Rule = {
  id: "TW-DAT-002",
  title: "Poisoning of training or fine-tuning data",
  category: "data-and-model",
  rationale:
    "Records an outsider can write end up in the weights. A few crafted examples are enough to plant a backdoor (a trigger phrase that flips the answer), bias a classifier or teach an extraction model to take a field from the wrong place, and the result passes ordinary evaluation because it behaves normally without the trigger.",
  appliesWhen:
    "A dataset that untrusted actors can write (writableBy), or whose provenance is scraped, public or customer, is used to train a model: a model lists it in fineTunedOn, or it flows into a training or fine-tuning pipeline.",
  mappings: {
    stride: ["T"],
    owaspLlm: ["LLM04:2025"],
    owaspAgenticThreats: ["T17"],
    atlasTechniques: ["AML.T0020", "AML.T0019", "AML.T0018.000"],
    atlasMitigations: ["AML.M0007", "AML.M0025", "AML.M0008"],
    maestro: ["L1", "L2"],
    nistAiRmf: ["MAP", "MEASURE", "MANAGE"],
    euAiAct: ["Art. 10", "Art. 15"],
  },
  likelihood: 3,
  impact: 4,
  mitigations: [
    { control: "input-filtering", reduces: "likelihood", by: 1, how: "records are screened, de-duplicated and checked for outliers and trigger patterns before training" },
    { control: "red-teaming", reduces: "likelihood", by: 1, how: "the trained model is evaluated against held-out data and known trigger patterns before release" },
    { control: "model-monitoring", reduces: "impact", by: 1, how: "drift or odd answers in production are noticed and the model can be rolled back" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const originById = new Map(untrusted.origins.map((o) => [o.id, o]));
    const fineTuned = new Map<string, string[]>();
    for (const model of graph.ofKind("model")) {
      for (const dataset of (model.element.fineTunedOn as string[] | undefined) ?? []) {
        const list = fineTuned.get(dataset);
        if (list) list.push(model.id);
        else fineTuned.set(dataset, [model.id]);
      }
    }
    const detections: Detection[] = [];
    for (const node of graph.ofKind("dataset")) {
      const models = fineTuned.get(node.id) ?? [];
      const pipelines = [...new Set(graph.flowsFrom(node.id).map((f) => f.to))].filter((to) => isTrainingPipeline(graph, to));
      if (models.length === 0 && pipelines.length === 0) continue;
      const origin = originById.get(node.id);
      const provenance = OUTSIDE_PROVENANCE[String(node.element.provenance)];
      if (!origin && !provenance) continue;
      const factors: Factor[] = origin ? exposureFactor(graph, origin) : provenance!.delta !== 0 ? [{ dimension: "likelihood", delta: provenance!.delta, reason: `${String(node.element.provenance)} provenance: ${provenance!.who} can shape the records` }] : [];
      factors.push(...attackerFactor(graph, node.id));
      const produced = [...new Set([...models, ...pipelines.flatMap((p) => graph.flowsFrom(p).map((f) => f.to).filter((to) => graph.kindOf(to) === "model"))])].sort();
      const writers = origin ? ((node.element.writableBy as string[] | undefined) ?? []).filter((w) => originById.has(w)) : [];
      const evidence: EvidenceItem[] = [
        origin ? { element: node.id, note: `untrusted entry: ${origin.reason}` } : { element: node.id, note: `provenance ${String(node.element.provenance)}: ${provenance!.who} can shape the records` },
        ...writers.map((w) => ({ element: w, note: `can write records into ${graph.nameOf(node.id)}` })),
        ...pipelines.map((p) => ({ element: p, note: `${String(graph.node(p)?.element.type)} pipeline fed by ${graph.nameOf(node.id)}` })),
        ...produced.map((m) => ({ element: m, note: `model trained on ${graph.nameOf(node.id)}` })),
      ];
      const who = origin ? someNames(context, writers) || graph.nameOf(node.id) : provenance!.who;
      detections.push({
        anchors: [node.id],
        summary: `${graph.nameOf(node.id)} trains ${produced.length > 0 ? someNames(context, produced) : someNames(context, pipelines)}, and ${who} can shape its records: a few crafted records can plant a backdoor or skew the model.`,
        evidence,
        factors,
        scope: [...pipelines, ...produced],
      });
    }
    return detections;
  },
};
