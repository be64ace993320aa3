import { moreDangerous } from "../../analysis/factors.js";
// Questions the data-and-model rules share: what a model was trained on, who can
// put input into it, and which inference endpoints answer without authentication.
import { isDirect } from "../../analysis/attack-paths.js";
import { heldData } from "../../analysis/sensitivity.js";
import { isTrainingPipeline, toolsFeeding } from "../../analysis/untrusted-content.js";
import type { UntrustedOrigin } from "../../analysis/untrusted-content.js";
import type { SystemGraph } from "../../graph/graph.js";
import type { AnalysisContext } from "../rule.js";

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

/** "internet" or "partner" when the element's interface is reachable from there with no authentication (none or not stated). */
export function unauthenticatedExposure(graph: SystemGraph, id: string): "internet" | "partner" | undefined {
  const element = graph.node(id)?.element;
  if (!element || !OPEN_EXPOSURE.has(String(element.exposure))) return undefined;
  if (element.authentication !== undefined && element.authentication !== "none") return undefined;
  return element.exposure as "internet" | "partner";
}

/** A self-hosted model with an open endpoint, or the open inference server it runs on. */
export function openInferenceEndpoint(graph: SystemGraph, modelId: string): { element: string; exposure: "internet" | "partner" } | undefined {
  const model = graph.node(modelId);
  if (!model || model.kind !== "model") return undefined;
  const own = model.element.hosting === "self-hosted" ? unauthenticatedExposure(graph, modelId) : undefined;
  if (own) return { element: modelId, exposure: own };
  const host = model.element.runsOn;
  if (typeof host === "string" && graph.node(host)?.element.type === "inference-server") {
    const exposure = unauthenticatedExposure(graph, host);
    if (exposure) return { element: host, exposure };
  }
  return undefined;
}

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
}

/**
 * Untrusted origins that choose input to a model: through an agent that uses it, a
 * flow into the model, a tool acting on it that an agent they reach calls, or an
 * inference endpoint open without authentication. Direct
 * access first, then the most exposed. Training flows are no way in: the untrusted-content
 * trace does not follow them (training data shapes weights, it is not a query).
 */
export function modelQueriers(context: AnalysisContext, modelId: string): ModelQuerier[] {
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
  const open = openInferenceEndpoint(graph, modelId);
  if (open) {
    const who = open.exposure === "internet" ? "anyone on the internet" : "anyone on partner networks";
    offer({
      origin: { id: open.element, reason: `inference endpoint open to ${who} without authentication`, exposure: open.exposure === "internet" ? 5 : 3 },
      who,
      through: modelId,
      direct: true,
    });
  }
  return [...best.values()].sort((a, b) => Number(b.direct) - Number(a.direct) || moreDangerous(graph, a.origin, b.origin) || (a.origin.id < b.origin.id ? -1 : 1));
}

/** The sentence-initial form of a phrase. */
export const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** How many data items a finding cites as evidence. */
export const EVIDENCE_LIMIT = 6;
