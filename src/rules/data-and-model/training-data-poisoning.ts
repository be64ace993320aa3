import { attackerFactor, decisionFactor, exposureFactor, moreDangerous, pathLengthFactor } from "../../analysis/factors.js";
import { isTrainingPipeline, type Hop, type UntrustedOrigin } from "../../analysis/untrusted-content.js";
import { someNames } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, Rule } from "../rule.js";

/** Provenances where outsiders decide what records say. */
const OUTSIDE_PROVENANCE: Readonly<Record<string, { delta: number; who: string }>> = {
  scraped: { delta: 1, who: "whoever publishes the scraped pages" },
  public: { delta: 0, who: "the contributors to the public dataset and its mirrors" },
  customer: { delta: 0, who: "the customers who supplied the records" },
};

/** An untrusted entry whose records reach a dataset, and the hops they take, entry first. */
interface RecordEntry {
  origin: UntrustedOrigin;
  hops: readonly Hop[];
}

/**
 * The untrusted entries whose records reach the dataset, most dangerous first (then shortest way, then
 * ID): the content trace covers writableBy (the set is an entry itself), flows, ingestion, an agent's
 * writes and records written out into it on the training channel.
 */
function entriesReaching(context: AnalysisContext, datasetId: string): RecordEntry[] {
  const { graph, untrusted } = context;
  return untrusted
    .originsReaching(datasetId)
    .map((origin) => ({ origin, hops: untrusted.pathFrom(origin.id, datasetId) }))
    .sort((a, b) => moreDangerous(graph, a.origin, b.origin) || a.hops.length - b.hops.length || (a.origin.id < b.origin.id ? -1 : 1));
}

export const trainingDataPoisoning: Rule = {
  id: "TW-DAT-002",
  title: "Poisoning of training or fine-tuning data",
  category: "data-and-model",
  rationale:
    "Records an outsider can write end up in the weights. A few crafted examples are enough to plant a backdoor (a trigger phrase that flips the answer), bias a classifier or teach an extraction model to take a field from the wrong place, and the result passes ordinary evaluation because it behaves normally without the trigger.",
  appliesWhen:
    "A dataset that untrusted content reaches (untrusted actors can write it, writableBy, or what they write flows into it: through flows, ingestion, stores or an agent's writes), or whose provenance is scraped, public or customer, is used to train a model: a model lists it in fineTunedOn, or it flows into a training or fine-tuning pipeline. The most dangerous entry sets the exposure and the attacker capability, and a way in of more than three steps lowers the likelihood. A trained model's declared decision sets the impact: high stakes +1, low -1 (the highest among the models it trains).",
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
    /** The untrusted actors who may write an element (writableBy). */
    const writersOf = (id: string) => ((graph.node(id)?.element.writableBy as string[] | undefined) ?? []).filter((w) => originById.has(w));
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
      const entries = entriesReaching(context, node.id);
      const top = entries[0];
      const provenance = OUTSIDE_PROVENANCE[String(node.element.provenance)];
      if (!top && !provenance) continue;
      const factors: Factor[] = top
        ? [...exposureFactor(graph, top.origin), ...attackerFactor(graph, top.origin.id), ...pathLengthFactor(graph, top.hops)]
        : [
            ...(provenance!.delta !== 0 ? [{ dimension: "likelihood" as const, delta: provenance!.delta, reason: `${String(node.element.provenance)} provenance: ${provenance!.who} can shape the records` }] : []),
            ...attackerFactor(graph, node.id),
          ];
      const produced = [...new Set([...models, ...pipelines.flatMap((p) => graph.flowsFrom(p).map((f) => f.to).filter((to) => graph.kindOf(to) === "model"))])].sort();
      // What the trained model decides is what a backdoor in it buys.
      factors.push(...decisionFactor(graph, produced, "a planted trigger gets the decision the attacker wants"));
      const own = entries.find((e) => e.origin.id === node.id);
      const writers = own ? writersOf(node.id) : [];
      const wayOf = (e: RecordEntry) => e.hops.map((h) => h.node).join(" → ");
      // A writer whose records also flow in gets one line with both; entries further up get theirs (the three most dangerous).
      const alsoFlowing = new Map(entries.filter((e) => e !== own && writers.includes(e.origin.id)).map((e) => [e.origin.id, e]));
      const upstream = entries.filter((e) => e !== own && !alsoFlowing.has(e.origin.id)).slice(0, 3);
      // Who shapes the records: people by name (an actor, or who writes a store on the way), otherwise the entry itself (a web source, an MCP server).
      const shapers = [...new Set(entries.flatMap((e) => (graph.kindOf(e.origin.id) === "actor" ? [e.origin.id] : writersOf(e.origin.id).length > 0 ? writersOf(e.origin.id) : [e.origin.id])))];
      const evidence: EvidenceItem[] = [
        ...(own ? [{ element: node.id, note: `untrusted entry: ${own.origin.reason}` }] : top ? [] : [{ element: node.id, note: `provenance ${String(node.element.provenance)}: ${provenance!.who} can shape the records` }]),
        ...writers.map((w) => {
          const flowing = alsoFlowing.get(w);
          return { element: w, note: `can write records into ${graph.nameOf(node.id)}${flowing ? `; their records also reach it via ${wayOf(flowing)}` : ""}` };
        }),
        ...upstream.map((e) => ({ element: e.origin.id, note: `untrusted entry (${e.origin.reason}); its records reach ${graph.nameOf(node.id)} via ${wayOf(e)}` })),
        ...pipelines.map((p) => ({ element: p, note: `${String(graph.node(p)?.element.type)} pipeline fed by ${graph.nameOf(node.id)}` })),
        ...produced.map((m) => ({ element: m, note: `model trained on ${graph.nameOf(node.id)}` })),
      ];
      const who = top ? someNames(context, shapers) : provenance!.who;
      const way = top && top.hops.length > 1 ? ` (${top.hops.map((h) => graph.nameOf(h.node)).join(" → ")})` : "";
      detections.push({
        anchors: [node.id],
        summary: `${graph.nameOf(node.id)} trains ${produced.length > 0 ? someNames(context, produced) : someNames(context, pipelines)}, and ${who} can shape its records${way}: a few crafted records can plant a backdoor or skew the model.`,
        evidence,
        factors,
        scope: [...pipelines, ...produced],
      });
    }
    return detections;
  },
};
