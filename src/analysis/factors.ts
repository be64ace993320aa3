// The documented score factors rules attach to their detections.
import type { SystemGraph } from "../graph/graph.js";
import { isRelay } from "./attack-paths.js";
import type { Factor } from "../rules/rule.js";
import type { Adversary, Data, Model } from "../model/schema.js";
import { reachesOutside } from "../model/vocabulary.js";
import { integrityValue, SENSITIVITY_WORDS, sensitivity } from "./sensitivity.js";
import type { Hop, UntrustedOrigin } from "./untrusted-content.js";

const exposureDelta = (origin: UntrustedOrigin) => Math.max(-2, Math.min(1, origin.exposure - 4));

/** Exposure of the entry point: anyone on the internet +1, customers 0, partners -1, insiders -2. */
export function exposureFactor(graph: SystemGraph, origin: UntrustedOrigin): Factor[] {
  const delta = exposureDelta(origin);
  if (delta === 0) return [];
  return [{ dimension: "likelihood", delta, reason: `entry ${graph.nameOf(origin.id)} (${origin.reason})` }];
}

/**
 * The most capable adversary that comes in through an entry: one whose `via` names the entry or an
 * actor who writes to it, or one that names no way in (it may use any). For a tool that fetches whatever
 * URL the agent chooses, one that comes in as a public actor too: anyone may publish a page. Undefined when no adversary
 * is modelled or none comes this way. Asked for every finding, so answered once per entry.
 */
export function adversaryAt(graph: SystemGraph, entry: string): Adversary | undefined {
  let byEntry = adversariesAt.get(graph);
  if (!byEntry) adversariesAt.set(graph, (byEntry = new Map()));
  if (byEntry.has(entry)) return byEntry.get(entry);
  const ways = waysIn(graph, entry);
  let top: Adversary | undefined;
  for (const adversary of graph.model.adversaries) {
    if (adversary.via && !adversary.via.some((id) => ways.has(id))) continue;
    if (!top || rank(adversary.capability) > rank(top.capability) || (rank(adversary.capability) === rank(top.capability) && adversary.id < top.id)) top = adversary;
  }
  byEntry.set(entry, top);
  return top;
}

/** What an adversary may name to come in through an entry: the entry, the actors who write to it, and for a tool that fetches, what it fetches and who writes that (any public actor, where it fetches any URL). */
function waysIn(graph: SystemGraph, entry: string): Set<string> {
  const ways = new Set<string>();
  const add = (id: string) => {
    ways.add(id);
    const writers = graph.node(id)?.element.writableBy;
    if (Array.isArray(writers)) for (const writer of writers as string[]) ways.add(writer);
  };
  add(entry);
  for (const capability of graph.tool(entry)?.capabilities ?? []) {
    if (capability.action !== "fetch") continue;
    for (const target of capability.on ?? []) add(target);
    // Any URL the agent chooses: pages anyone may publish, so whoever comes in as the public comes in here too.
    if (reachesOutside(capability) && capability.destination !== "allow-listed") for (const actor of graph.model.actors) if (actor.type === "public") ways.add(actor.id);
  }
  return ways;
}

const adversariesAt = new WeakMap<SystemGraph, Map<string, Adversary | undefined>>();

/** Attacker capability at an entry: the most capable adversary coming in that way (adversaryAt) high +1, medium 0, low -1; none counts as medium. */
export function attackerFactor(graph: SystemGraph, entry: string): Factor[] {
  const top = adversaryAt(graph, entry);
  const delta = capabilityStep(top);
  if (!top || delta === 0) return [];
  // Without `via` on any adversary, each may come in anywhere: the most capable in the model.
  const where = graph.model.adversaries.some((a) => a.via) ? `coming in through ${graph.nameOf(entry)}` : "in the model";
  return [{ dimension: "likelihood", delta, reason: `most capable adversary ${where} is ${top.name ?? top.id} (${top.capability} capability)` }];
}

/** How many likelihood steps an entry adds (exposure and the attacker coming in there): ranks entries, most dangerous first. */
export function entryThreat(graph: SystemGraph, origin: UntrustedOrigin): number {
  return exposureDelta(origin) + capabilityStep(adversaryAt(graph, origin.id));
}

/** Orders entries most dangerous first (entryThreat), then most exposed, so ties keep the exposure order. */
export function moreDangerous(graph: SystemGraph, a: UntrustedOrigin, b: UntrustedOrigin): number {
  return entryThreat(graph, b) - entryThreat(graph, a) || b.exposure - a.exposure;
}

type Level = "low" | "medium" | "high";
const rank = (level: Level) => (level === "low" ? 1 : level === "medium" ? 2 : 3);
/** The likelihood step of an adversary's capability: high +1, medium 0, low -1; none modelled counts as medium. */
const capabilityStep = (adversary: Adversary | undefined) => (adversary ? rank(adversary.capability) - 2 : 0);

/**
 * What the models' answers decide (Model.decision): high stakes +1, low -1, medium 0, taken from the
 * model with the highest, where a model that declares no decision counts as medium; none when no model
 * declares one. `what` says what the attacker gains.
 */
export function decisionFactor(graph: SystemGraph, models: readonly string[], what: string): Factor[] {
  let top: { id: string; stakes: Level; what: string } | undefined;
  let undeclared = false;
  for (const id of models) {
    const node = graph.node(id);
    const decision = node?.kind === "model" ? (node.element as Model).decision : undefined;
    if (!decision) undeclared = true;
    else if (!top || rank(decision.stakes) > rank(top.stakes)) top = { id, stakes: decision.stakes, what: decision.what };
  }
  const delta = top ? rank(top.stakes) - 2 : 0;
  if (!top || delta === 0 || (delta < 0 && undeclared)) return [];
  return [{ dimension: "impact", delta, reason: `${graph.nameOf(top.id)} decides ${top.what} (${top.stakes} stakes): ${what}` }];
}

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

/**
 * Long chains need more to go right for the attacker: -1 when the text must pass three or more places
 * that each take a step of their own (a store it waits in, a pipeline that processes it, another agent or
 * a person who must pass it on). Clients and services that relay it count for nothing, so drawing the
 * phone or the gateway in front of an agent does not lower a score, and nor do tools: a search tool
 * between an index and the agent hands the agent what the index holds, as a retrieval flow would. `beyondTarget`: the finding's harm
 * is one step past the path's last hop (the agent writes to memory), so that hop is on the way too.
 */
export function pathLengthFactor(graph: SystemGraph, hops: readonly Hop[], beyondTarget = false): Factor[] {
  const between = hops.slice(1, beyondTarget ? hops.length : -1).filter((hop) => !isRelay(graph, hop.node) && graph.kindOf(hop.node) !== "tool");
  if (between.length < 3) return [];
  const named = between.slice(0, 3).map((hop) => graph.nameOf(hop.node));
  return [{ dimension: "likelihood", delta: -1, reason: `attacker text must pass ${between.length > 3 ? `${named.join(", ")} and ${between.length - 3} more` : `${named[0]}, ${named[1]} and ${named[2]}`} before it acts` }];
}
