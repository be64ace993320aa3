import { attackerFactor } from "../../analysis/factors.js";
import type { SystemGraph } from "../../graph/graph.js";
import { someNames } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";
import { EVIDENCE_LIMIT, trainingSets, unauthenticatedExposure } from "./model-access.js";

/** What the served models are worth to someone who copies them. */
function valueFactors(graph: SystemGraph, models: readonly string[]): Factor[] {
  const tuned = models.filter((m) => trainingSets(graph, m).length > 0);
  if (tuned.length > 0) return [{ dimension: "impact", delta: 1, reason: `${tuned.map((m) => graph.nameOf(m)).join(", ")} ${tuned.length === 1 ? "was" : "were"} trained or fine-tuned in-house: the behaviour an attacker copies is the organisation's own work` }];
  const artifactSource = (m: string) => (graph.node(m)?.element.artifact as { source?: string } | undefined)?.source;
  if (models.length > 0 && models.every((m) => artifactSource(m) === "public-hub")) {
    return [{ dimension: "impact", delta: -1, reason: "the served weights are public: a copy gains the attacker little beyond free compute" }];
  }
  return [];
}

export const modelExtraction: Rule = {
  id: "TW-DAT-004",
  title: "Model extraction through an open inference API",
  category: "data-and-model",
  rationale:
    "An inference endpoint that answers anyone without authentication lets an attacker query it at will: enough answers train a copy of the model (extraction), and every query runs on the owner's compute. Nothing ties the traffic to a caller, so neither limits nor investigations have anyone to act on.",
  appliesWhen:
    "A self-hosted model with exposure internet or partner, or a service of type inference-server with such exposure, has authentication none or none stated. Rate-limit and authentication controls lower the score; the finding stays.",
  mappings: {
    stride: ["I", "D"],
    owaspLlm: ["LLM10:2025"],
    atlasTechniques: ["AML.T0024.002", "AML.T0040", "AML.T0048.004", "AML.T0034"],
    atlasMitigations: ["AML.M0004", "AML.M0019", "AML.M0024"],
    maestro: ["L1", "L4"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 15"],
    nistCsf: ["PR.AA-03"],
  },
  likelihood: 4,
  impact: 3,
  mitigations: [
    { control: "authentication", reduces: "likelihood", by: 2, how: "only known callers reach the endpoint" },
    { control: "rate-limit", reduces: "likelihood", by: 1, how: "extraction needs many queries; a per-caller limit slows it" },
    { control: "model-monitoring", reduces: "likelihood", by: 1, how: "extraction query patterns are noticed" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    const covered = new Set<string>();
    const detection = (element: string, exposure: "internet" | "partner", models: string[]): Detection => {
      const stated = graph.node(element)?.element.authentication === "none" ? "authentication none" : "no authentication stated";
      const factors: Factor[] = [];
      if (exposure === "partner") factors.push({ dimension: "likelihood", delta: -1, reason: `${graph.nameOf(element)} is reachable from partner networks, not the whole internet` });
      factors.push(...attackerFactor(graph, element), ...valueFactors(graph, models));
      const served = models.filter((m) => m !== element);
      return {
        anchors: [element],
        summary: `${graph.nameOf(element)} answers ${exposure === "internet" ? "anyone on the internet" : "anyone on partner networks"} without authentication${served.length ? `, serving ${someNames(context, served)}` : ""}: callers can copy the model's behaviour through its answers and run queries on your compute.`,
        evidence: [
          { element, note: `exposure ${exposure}, ${stated}` },
          ...served.slice(0, EVIDENCE_LIMIT).map((m) => ({ element: m, note: `model served by ${graph.nameOf(element)}` })),
        ],
        factors,
        scope: served,
      };
    };
    for (const node of graph.ofKind("service")) {
      if (node.element.type !== "inference-server") continue;
      const exposure = unauthenticatedExposure(graph, node.id);
      if (!exposure) continue;
      const models = graph.hostedOn(node.id).filter((id) => graph.kindOf(id) === "model");
      for (const m of models) covered.add(m);
      detections.push(detection(node.id, exposure, models));
    }
    for (const node of graph.ofKind("model")) {
      if (node.element.hosting !== "self-hosted" || covered.has(node.id)) continue;
      const exposure = unauthenticatedExposure(graph, node.id);
      if (exposure) detections.push(detection(node.id, exposure, [node.id]));
    }
    return detections;
  },
};
