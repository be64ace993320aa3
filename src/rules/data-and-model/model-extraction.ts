import type { SystemGraph } from "../../graph/graph.js";
import { someNames } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, Rule } from "../rule.js";
import { EVIDENCE_LIMIT, authenticationAgainNote, authenticationControlsOn, credentialFactor, credentialWords, endpointAt, strongestAttacker, trainingSets, type InferenceEndpoint } from "./model-access.js";

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
  title: "Model extraction through an exposed inference API",
  category: "data-and-model",
  rationale:
    "An inference endpoint that outsiders can query at will lets them train a copy of the model on its answers (extraction), and every query runs on the owner's compute. Without authentication, nothing even ties the traffic to a caller. API keys or tokens given to partners or customers identify each caller, but they do not bound how much one asks: a partner, or anyone holding a leaked or bought key, can send as many queries as the copy needs. What bounds extraction is a limit on each caller's queries, someone watching for extraction patterns, and how little each answer reveals.",
  appliesWhen:
    "A self-hosted model with exposure internet or partner, or a service of type inference-server with such exposure: with authentication none or none stated, or with authentication (api-key, oauth, ...) when untrusted actors (partners, customers, the public) call it themselves, through clients only. Asking for credentials takes a step off the likelihood, partner networks another. An endpoint only the team's own services call is out of scope. Rate-limit, monitoring and output-obfuscation controls lower the score; the finding stays.",
  mappings: {
    stride: ["I", "D"],
    owaspLlm: ["LLM10:2025"],
    atlasTechniques: ["AML.T0024.002", "AML.T0040", "AML.T0048.004", "AML.T0034"],
    atlasMitigations: ["AML.M0004", "AML.M0019", "AML.M0024", "AML.M0002"],
    maestro: ["L1", "L4"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 15"],
    nistCsf: ["PR.AA-03"],
  },
  likelihood: 4,
  impact: 3,
  mitigations: [
    {
      control: "authentication",
      reduces: "likelihood",
      by: 1,
      how: "only known callers reach the endpoint, though each may still query at will. It counts on an endpoint that answers without authentication (or the models it serves); where the endpoint asks for credentials, the likelihood counts them already",
      countsOn: "named",
    },
    { control: "rate-limit", reduces: "likelihood", by: 1, how: "extraction needs many queries; a per-caller limit (a quota per key) slows it" },
    { control: "model-monitoring", reduces: "likelihood", by: 1, how: "extraction query patterns are noticed" },
    {
      control: "output-obfuscation",
      reduces: "likelihood",
      by: 1,
      how: "the endpoint answers with a label or a coarse, rounded score instead of full confidences: each answer carries less of the model, so a copy takes far more queries and comes out poorer",
    },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    const covered = new Set<string>();
    const detection = (endpoint: InferenceEndpoint, models: string[]): Detection => {
      const { element, exposure, authentication, callers } = endpoint;
      const name = graph.nameOf(element);
      const stated = authentication !== undefined ? `authentication ${authentication}` : graph.node(element)?.element.authentication === "none" ? "authentication none" : "no authentication stated";
      const factors: Factor[] = [];
      if (exposure === "partner") factors.push({ dimension: "likelihood", delta: -1, reason: `${name} is reachable from partner networks, not the whole internet` });
      factors.push(...credentialFactor(graph, endpoint), ...strongestAttacker(graph, [element, ...callers]), ...valueFactors(graph, models));
      const served = models.filter((m) => m !== element);
      const serving = served.length ? `, serving ${someNames(context, served)}` : "";
      const auth = authenticationControls(context, endpoint, served);
      const summary =
        authentication === undefined
          ? `${name} answers ${exposure === "internet" ? "anyone on the internet" : "anyone on partner networks"} without authentication${serving}: callers can copy the model's behaviour through its answers and run queries on your compute.`
          : `${name} answers ${someNames(context, callers)} ${exposure === "internet" ? "over the internet" : "on partner networks"} with ${credentialWords(authentication)}${serving}; the ${credentialWords(authentication)} identify callers but do not bound their queries, so any of them, or anyone with a leaked or bought one, can copy the model's behaviour through its answers and run queries on your compute.`;
      return {
        anchors: [element],
        summary,
        evidence: [
          { element, note: `exposure ${exposure}, ${stated}` },
          ...callers.slice(0, EVIDENCE_LIMIT).map((c) => ({ element: c, note: `calls ${name} itself${authentication === undefined ? "" : `, with its own ${credentialWords(authentication)}`}${graph.node(c)?.element.type === "public" && authentication !== undefined ? ": a public actor, so anyone can get them, and they narrow no one" : ""}` })),
          ...served.slice(0, EVIDENCE_LIMIT).map((m) => ({ element: m, note: `model served by ${name}` })),
          ...auth.evidence,
        ],
        factors,
        scope: [...served, ...auth.named],
        // The field says what an authentication control would (its step is in the likelihood, or the public holds the keys): neither counted again nor missing.
        ...(authentication !== undefined ? { accountedFor: ["authentication" as const] } : {}),
      };
    };
    for (const node of graph.ofKind("service")) {
      if (node.element.type !== "inference-server") continue;
      const endpoint = endpointAt(context, node.id);
      if (!endpoint) continue;
      const models = graph.hostedOn(node.id).filter((id) => graph.kindOf(id) === "model");
      for (const m of models) covered.add(m);
      detections.push(detection(endpoint, models));
    }
    for (const node of graph.ofKind("model")) {
      if (node.element.hosting !== "self-hosted" || covered.has(node.id)) continue;
      const host = node.element.runsOn;
      const endpoint = endpointAt(context, node.id, typeof host === "string" && graph.node(host)?.element.type === "inference-server" ? host : undefined);
      if (endpoint) detections.push(detection(endpoint, [node.id]));
    }
    return detections;
  },
};

/**
 * Authentication controls that count: on an endpoint that answers without authentication, or on the
 * models it serves (a gateway that checks keys in front of them). On one that asks for credentials
 * they say what the field says already, so they are named in the evidence, not counted.
 */
function authenticationControls(context: AnalysisContext, endpoint: InferenceEndpoint, served: readonly string[]): { named: string[]; evidence: EvidenceItem[] } {
  const { graph } = context;
  const controls = authenticationControlsOn(graph, endpoint.element, served);
  if (endpoint.authentication === undefined) return { named: controls.map((c) => c.id), evidence: [] };
  return {
    named: [],
    evidence: controls.map((c) => ({ element: c.id, note: authenticationAgainNote(graph, endpoint) })),
  };
}
