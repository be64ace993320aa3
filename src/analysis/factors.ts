// The documented score factors rules attach to their detections.
import type { SystemGraph } from "../graph/graph.js";
import type { Factor } from "../rules/rule.js";
import type { Data } from "../model/schema.js";
import { integrityValue, SENSITIVITY_WORDS, sensitivity } from "./sensitivity.js";
import type { UntrustedOrigin } from "./untrusted-content.js";

/** Exposure of the entry point: anyone on the internet +1, customers 0, partners -1, insiders -2. */
export function exposureFactor(graph: SystemGraph, origin: UntrustedOrigin): Factor[] {
  const delta = Math.max(-2, Math.min(1, origin.exposure - 4));
  if (delta === 0) return [];
  return [{ dimension: "likelihood", delta, reason: `entry ${graph.nameOf(origin.id)} (${origin.reason})` }];
}

/** Attacker capability: the most capable adversary in the model; none modelled counts as medium. */
export function attackerFactor(graph: SystemGraph): Factor[] {
  const adversaries = graph.model.adversaries;
  if (adversaries.length === 0) return [];
  const top = [...adversaries].sort((a, b) => rank(b.capability) - rank(a.capability) || (a.id < b.id ? -1 : 1))[0]!;
  const delta = rank(top.capability) - 2;
  if (delta === 0) return [];
  return [{ dimension: "likelihood", delta, reason: `most capable adversary in the model is ${top.name ?? top.id} (${top.capability} capability)` }];
}

const rank = (level: "low" | "medium" | "high") => (level === "low" ? 1 : level === "medium" ? 2 : 3);

/** Sensitivity of the data at stake (its confidentiality): restricted +1, confidential 0, internal -1, public -2. */
export function sensitivityFactor(graph: SystemGraph, dataIds: readonly string[]): Factor[] {
  return dataFactor(graph, dataIds, sensitivity, "most sensitive data at stake");
}

/** Value of the data an attacker can alter (its integrity), on the same scale as sensitivityFactor. */
export function integrityFactor(graph: SystemGraph, dataIds: readonly string[]): Factor[] {
  return dataFactor(graph, dataIds, integrityValue, "most valuable data it can change");
}

function dataFactor(graph: SystemGraph, dataIds: readonly string[], measure: (data: Data) => number, words: string): Factor[] {
  let top: Data | undefined;
  let topRank = 0;
  for (const id of dataIds) {
    const data = graph.data(id);
    if (!data) continue;
    const rank = measure(data);
    if (rank > topRank) [top, topRank] = [data, rank];
  }
  if (!top || topRank === 3) return [];
  return [{ dimension: "impact", delta: topRank - 3, reason: `${words} is ${top.name ?? top.id} (${SENSITIVITY_WORDS[topRank]})` }];
}

/** Long chains need more to go right for the attacker. */
export function pathLengthFactor(hops: number): Factor[] {
  return hops > 4 ? [{ dimension: "likelihood", delta: -1, reason: `attacker text passes through ${hops - 1} steps before it acts` }] : [];
}
