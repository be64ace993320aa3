// Questions the data-and-model rules share: what a model was trained on, who can
// put input into it, and which inference endpoints outsiders query, with or without credentials.
import { attackerFactor, exposureFactor } from "../../analysis/factors.js";
import { isDirect } from "../../analysis/attack-paths.js";
import { heldData } from "../../analysis/sensitivity.js";
import { isTrainingPipeline, toolsFeeding } from "../../analysis/untrusted-content.js";
import type { UntrustedOrigin } from "../../analysis/untrusted-content.js";
import type { SystemGraph } from "../../graph/graph.js";
import type { Control } from "../../model/schema.js";
import { joinWords } from "../../model/vocabulary.js";
import type { AnalysisContext, Factor } from "../rule.js";

export interface TrainingSet {
  dataset: string;
  /** Data in the set: what the dataset holds and what its flows into training carry. */
  data: string[];
  /** How the model got it: "fineTunedOn", or the ID of the training pipeline between them. */
  via: string;
}

/**
 * Datasets a model was trained or fine-tuned on: those it lists in fineTunedOn,
 * and those flowing into a training or fine-tuning pipeline that flows into the model. In dataset ID order.
 */
export function trainingSets(graph: SystemGraph, modelId: string): TrainingSet[] {
  const found = new Map<string, TrainingSet>();
  const note = (dataset: string, via: string, carried: readonly string[]) => {
    const existing = found.get(dataset);
    if (existing) {
      for (const d of carried) if (!existing.data.includes(d)) existing.data.push(d);
      return;
    }
    found.set(dataset, { dataset, via, data: [...new Set([...heldData(graph, dataset), ...carried])] });
  };
  const node = graph.node(modelId);
  const listed = node?.kind === "model" ? ((node.element.fineTunedOn as string[] | undefined) ?? []) : [];
  for (const dataset of listed) if (graph.kindOf(dataset) === "dataset") note(dataset, "fineTunedOn", []);
  for (const out of graph.flowsTo(modelId)) {
    if (!isTrainingPipeline(graph, out.from)) continue;
    for (const input of graph.flowsTo(out.from)) if (graph.kindOf(input.from) === "dataset") note(input.from, out.from, input.data ?? []);
  }
  return [...found.values()].sort((a, b) => (a.dataset < b.dataset ? -1 : 1));
}

const OPEN_EXPOSURE: ReadonlySet<string> = new Set(["internet", "partner"]);

/** An inference interface outsiders reach: a self-hosted model's own, or an inference server's. */
export interface InferenceEndpoint {
  element: string;
  exposure: "internet" | "partner";
  /** What it asks callers for (api-key, oauth, ...); undefined when it answers anyone (none, or none stated). */
  authentication?: string;
  /** Untrusted actors that call it themselves, through clients only (for a model, also through the inference server it runs on), in ID order. */
  callers: string[];
}

/** Untrusted actors whose requests reach the element with nothing of the team's in between but clients (and `via`, the server a model runs on). */
function directCallers(context: AnalysisContext, id: string, via?: string): string[] {
  const { graph, untrusted } = context;
  const callers: string[] = [];
  for (const origin of untrusted.originsReaching(id)) {
    if (graph.kindOf(origin.id) !== "actor") continue;
    const hops = untrusted.pathFrom(origin.id, id);
    if (hops.slice(1, -1).every((hop) => graph.kindOf(hop.node) === "client" || hop.node === via)) callers.push(origin.id);
  }
  return callers.sort();
}

/**
 * The element's interface as an inference endpoint outsiders reach, or undefined. One that answers
 * without authentication is open to anyone on its network. One that asks for credentials counts only
 * where untrusted actors call it themselves: they hold credentials, which identify a caller but do not
 * bound how much it asks, and leak or are sold. An endpoint only the team's own services call has no
 * outside credential holders; a stolen service credential is the identity rules' subject.
 */
export function endpointAt(context: AnalysisContext, id: string, via?: string): InferenceEndpoint | undefined {
  const element = context.graph.node(id)?.element;
  if (!element || !OPEN_EXPOSURE.has(String(element.exposure))) return undefined;
  const exposure = element.exposure as "internet" | "partner";
  const callers = directCallers(context, id, via);
  if (element.authentication === undefined || element.authentication === "none") return { element: id, exposure, callers };
  return callers.length > 0 ? { element: id, exposure, authentication: String(element.authentication), callers } : undefined;
}

/**
 * Where outsiders query a self-hosted model: the inference server it runs on or its own interface.
 * An open endpoint before one that asks for credentials, the internet before partner networks, then
 * the server: requests to a model it serves arrive there, and the model's own exposure usually says
 * the same.
 */
export function inferenceEndpoint(context: AnalysisContext, modelId: string): InferenceEndpoint | undefined {
  const { graph } = context;
  const model = graph.node(modelId);
  if (!model || model.kind !== "model" || model.element.hosting !== "self-hosted") return undefined;
  const host = typeof model.element.runsOn === "string" && graph.node(model.element.runsOn)?.element.type === "inference-server" ? model.element.runsOn : undefined;
  const found = [host === undefined ? undefined : endpointAt(context, host), endpointAt(context, modelId, host)].filter((e): e is InferenceEndpoint => e !== undefined);
  const rank = (e: InferenceEndpoint) => (e.authentication === undefined ? 0 : 2) + (e.exposure === "internet" ? 0 : 1);
  return found.sort((a, b) => rank(a) - rank(b))[0];
}

/** The credentials an endpoint asks for, in words. */
const CREDENTIAL_WORDS: Record<string, string> = {
  "api-key": "API keys",
  oauth: "OAuth tokens",
  session: "logins",
  mtls: "client certificates",
  iam: "cloud IAM credentials",
  basic: "passwords",
};
export const credentialWords = (authentication: string): string => CREDENTIAL_WORDS[authentication] ?? `${authentication} credentials`;

/** Who holds an endpoint's credentials, for reasons: the callers, at most three by name. */
function holders(graph: SystemGraph, endpoint: InferenceEndpoint): string {
  const named = endpoint.callers.slice(0, 3).map((c) => graph.nameOf(c));
  const more = endpoint.callers.length - named.length;
  return more > 0 ? `${named.join(", ")} and ${more} more` : joinWords(named);
}

/** The endpoint as an untrusted entry: open, it is as exposed as its network; asking for credentials, one step less (credentialFactor). */
export function endpointOrigin(graph: SystemGraph, endpoint: InferenceEndpoint): UntrustedOrigin {
  const open = endpoint.exposure === "internet" ? 5 : 3;
  const step = credentialFactor(graph, endpoint).length;
  if (endpoint.authentication === undefined) {
    const who = endpoint.exposure === "internet" ? "anyone on the internet" : "anyone on partner networks";
    return { id: endpoint.element, reason: `inference endpoint open to ${who} without authentication`, exposure: open };
  }
  return {
    id: endpoint.element,
    reason: `inference endpoint ${endpoint.exposure === "internet" ? "on the internet" : "on partner networks"} that takes ${credentialWords(endpoint.authentication)}, held by ${holders(graph, endpoint)}`,
    exposure: open - step,
  };
}

/** Authentication controls on an interface, the host it runs on, and further elements (the models an endpoint serves), each once. */
export function authenticationControlsOn(graph: SystemGraph, element: string, extra: readonly string[] = []): Control[] {
  const host = graph.hostOf(element);
  const places = [element, ...(host === undefined ? [] : [host]), ...extra];
  return [...new Set(places.flatMap((id) => graph.controlsCovering(id)))].filter((c) => c.type === "authentication");
}

/** Why an authentication control on an endpoint that asks for credentials is not counted: it says what the field says. */
export function authenticationAgainNote(graph: SystemGraph, endpoint: InferenceEndpoint): string {
  const asks = `authentication on ${graph.nameOf(endpoint.element)}, which already asks for ${credentialWords(endpoint.authentication ?? "none")}`;
  return credentialFactor(graph, endpoint).length > 0
    ? `${asks}: the likelihood takes its step for them, so the control is not counted again`
    : `${asks} that anyone can get: the control narrows no one, so it is not counted`;
}

/** Who queries through the endpoint, for summaries. */
export function endpointWho(graph: SystemGraph, endpoint: InferenceEndpoint): string {
  if (endpoint.authentication === undefined) return endpoint.exposure === "internet" ? "anyone on the internet" : "anyone on partner networks";
  return `holders of ${credentialWords(endpoint.authentication)} for ${graph.nameOf(endpoint.element)} (${holders(graph, endpoint)})`;
}

/** Whether the public holds the endpoint's credentials: anyone signs up for one, so they narrow no one. */
export const publicHolders = (graph: SystemGraph, endpoint: InferenceEndpoint): boolean =>
  endpoint.authentication !== undefined && endpoint.callers.some((c) => graph.node(c)?.element.type === "public");

/** A step back for an endpoint that asks for credentials outsiders other than the public hold; none for an open one. */
export function credentialFactor(graph: SystemGraph, endpoint: InferenceEndpoint): Factor[] {
  if (endpoint.authentication === undefined || publicHolders(graph, endpoint)) return [];
  return [
    {
      dimension: "likelihood",
      delta: -1,
      reason: `${graph.nameOf(endpoint.element)} takes ${credentialWords(endpoint.authentication)}, held by ${holders(graph, endpoint)}: only they can query it, though credentials identify callers without bounding how many queries each sends, and one leaked or bought is enough`,
    },
  ];
}

/**
 * Likelihood factors of an entry: its exposure and the most capable adversary coming in there. An
 * endpoint that asks for credentials counts its network's exposure and then a step back for the
 * credentials, each said in words: they identify callers but do not bound their queries. At an
 * endpoint, adversaries that come in as the actors holding its credentials count too, as those who
 * write to a store do at the store.
 */
export function entryFactors(graph: SystemGraph, origin: UntrustedOrigin, endpoint?: InferenceEndpoint): Factor[] {
  const factors: Factor[] = [];
  if (endpoint?.authentication !== undefined) {
    const name = graph.nameOf(endpoint.element);
    factors.push(
      endpoint.exposure === "internet"
        ? { dimension: "likelihood", delta: 1, reason: `entry ${name} (inference endpoint on the internet)` }
        : { dimension: "likelihood", delta: -1, reason: `entry ${name} (inference endpoint reachable from partner networks only)` },
      ...credentialFactor(graph, endpoint),
    );
  } else factors.push(...exposureFactor(graph, origin));
  return [...factors, ...strongestAttacker(graph, endpoint ? [endpoint.element, ...endpoint.callers] : [origin.id])];
}

/** attackerFactor at the most dangerous of the entries; one no adversary names counts as medium (no factor). */
export function strongestAttacker(graph: SystemGraph, entries: readonly string[]): Factor[] {
  let strongest: Factor[] | undefined;
  for (const entry of entries) {
    const candidate = attackerFactor(graph, entry);
    if (strongest === undefined || (candidate[0]?.delta ?? 0) > (strongest[0]?.delta ?? 0)) strongest = candidate;
  }
  return strongest ?? [];
}

/** How many likelihood steps an entry adds (entryFactors): ranks entries, most dangerous first. */
export const entryThreat = (graph: SystemGraph, origin: UntrustedOrigin, endpoint?: InferenceEndpoint): number =>
  entryFactors(graph, origin, endpoint).reduce((sum, f) => sum + f.delta, 0);

/** Who is behind an untrusted origin, for summaries: an actor by name, otherwise whoever writes the content. */
export function originWho(graph: SystemGraph, origin: UntrustedOrigin): string {
  const name = graph.nameOf(origin.id);
  switch (graph.kindOf(origin.id)) {
    case "actor":
      return name;
    case "tool":
      return `the authors of pages ${name} fetches`;
    case "mcp-server":
      return `the publisher of ${name}`;
    default:
      return `those who can write to ${name}`;
  }
}

export interface ModelQuerier {
  origin: UntrustedOrigin;
  /** Who chooses the input, for summaries: the origin's name, or "anyone on the internet" at an open endpoint. */
  who: string;
  /** The agent whose context carries the attacker's input to the model, or the model itself. */
  through: string;
  /** Whether the attacker talks to it directly and reads its answers (not through stored content). */
  direct: boolean;
  /** Set where the origin is the model's inference endpoint. */
  endpoint?: InferenceEndpoint;
}

/**
 * Untrusted origins that choose input to a model: through an agent that uses it, a
 * flow into the model, a tool acting on it that an agent they reach calls, or an
 * inference endpoint open without authentication (with `credentialed`, also one that asks for
 * credentials and gives them to outsiders: inferenceEndpoint). Direct
 * access first, then the most dangerous (entryThreat), then the most exposed. Training flows are no way in: the untrusted-content
 * trace does not follow them (training data shapes weights, it is not a query).
 */
export function modelQueriers(context: AnalysisContext, modelId: string, options: { credentialed?: boolean } = {}): ModelQuerier[] {
  const { graph, untrusted } = context;
  const best = new Map<string, ModelQuerier>();
  const offer = (candidate: ModelQuerier) => {
    const existing = best.get(candidate.origin.id);
    if (!existing || (candidate.direct && !existing.direct)) best.set(candidate.origin.id, candidate);
  };
  for (const agent of graph.agentsUsingModel(modelId)) {
    for (const origin of untrusted.originsReaching(agent.id)) {
      const hops = untrusted.pathFrom(origin.id, agent.id);
      offer({ origin, who: originWho(graph, origin), through: agent.id, direct: isDirect(graph, hops) });
    }
  }
  for (const origin of untrusted.originsReaching(modelId)) {
    const hops = untrusted.pathFrom(origin.id, modelId);
    offer({ origin, who: originWho(graph, origin), through: modelId, direct: isDirect(graph, hops) });
  }
  // An agent that calls a tool acting on the model (a scoring tool in front of a classifier) passes it what it read.
  for (const tool of toolsFeeding(graph, modelId)) {
    for (const agent of graph.agentsUsingTool(tool)) for (const origin of untrusted.originsReaching(agent.id)) offer({ origin, who: originWho(graph, origin), through: tool, direct: false });
  }
  // Without `credentialed`, only an open endpoint (inferenceEndpoint ranks an open one first).
  const endpoint = inferenceEndpoint(context, modelId);
  if (endpoint && (options.credentialed || endpoint.authentication === undefined)) {
    offer({ origin: endpointOrigin(graph, endpoint), who: endpointWho(graph, endpoint), through: modelId, direct: true, ...(options.credentialed ? { endpoint } : {}) });
  }
  const threat = new Map([...best.values()].map((q) => [q.origin.id, entryThreat(graph, q.origin, q.endpoint)]));
  return [...best.values()].sort(
    (a, b) => Number(b.direct) - Number(a.direct) || threat.get(b.origin.id)! - threat.get(a.origin.id)! || b.origin.exposure - a.origin.exposure || (a.origin.id < b.origin.id ? -1 : 1),
  );
}

/** The sentence-initial form of a phrase. */
export const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** How many data items a finding cites as evidence. */
export const EVIDENCE_LIMIT = 6;
