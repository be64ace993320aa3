// Questions many rules ask of the analysed system, answered one way.
import type { Effect } from "../analysis/capabilities.js";
import { isDirect } from "../analysis/attack-paths.js";
import { isSensitive, sensitivity } from "../analysis/sensitivity.js";
import type { UntrustedOrigin } from "../analysis/untrusted-content.js";
import type { Agent } from "../model/schema.js";
import type { AnalysisContext, EvidenceItem } from "./rule.js";

export interface InjectableAgent {
  agent: Agent;
  /** Most exposed origin first. */
  origins: UntrustedOrigin[];
  /** Whether the most exposed origin talks to the agent directly (not through stored content). */
  direct: boolean;
}

/** Agents whose context can hold attacker-controlled text, in ID order. */
export function injectableAgents(context: AnalysisContext): InjectableAgent[] {
  const { graph, untrusted } = context;
  const found: InjectableAgent[] = [];
  for (const node of graph.ofKind("agent")) {
    const origins = untrusted.originsReaching(node.id);
    if (origins.length === 0) continue;
    const top = origins[0]!;
    found.push({ agent: graph.agent(node.id)!, origins, direct: isDirect(graph, untrusted.pathFrom(top.id, node.id)) });
  }
  return found;
}

/** Evidence lines for how attacker text reaches an element. */
export function originEvidence(context: AnalysisContext, origins: readonly UntrustedOrigin[], target: string, limit = 3): EvidenceItem[] {
  return origins.slice(0, limit).map((origin) => {
    const hops = context.untrusted.pathFrom(origin.id, target);
    return { element: origin.id, note: `untrusted entry (${origin.reason}); reaches ${context.graph.nameOf(target)} via ${hops.map((h) => h.node).join(" → ")}` };
  });
}

export interface DataAtStake {
  data: string;
  /** The element the data comes from. */
  from: string;
}

/**
 * Sensitive data in an agent's context that an attacker would want. When every
 * origin speaks to the agent directly, what those actors type themselves is not
 * a secret from them, so it is left out.
 */
export function sensitiveDataAtStake(context: AnalysisContext, injectable: InjectableAgent): DataAtStake[] {
  const { graph } = context;
  const allDirect = injectable.origins.every((origin) => isDirect(graph, context.untrusted.pathFrom(origin.id, injectable.agent.id)));
  const directPath = new Set(allDirect ? injectable.origins.flatMap((o) => context.untrusted.pathFrom(o.id, injectable.agent.id).map((h) => h.node)) : []);
  const found: DataAtStake[] = [];
  for (const [data, from] of context.contextData.of(injectable.agent.id)) {
    const record = graph.data(data);
    if (!record || !isSensitive(record)) continue;
    if (directPath.has(from)) continue;
    found.push({ data, from });
  }
  return found.sort((a, b) => sensitivity(graph.data(b.data)!) - sensitivity(graph.data(a.data)!) || (a.data < b.data ? -1 : 1));
}

/** Ways out: tool effects that carry data to recipients the attacker can choose. */
export function outboundEffects(effects: readonly Effect[]): Effect[] {
  return ownToolEffects(effects).filter((e) => (e.action === "send" || e.action === "publish" || e.action === "fetch") && e.destination !== "fixed");
}

/** Effects of the agent's own tools, leaving out what it reaches laterally through an identity's permissions. */
export function ownToolEffects(effects: readonly Effect[]): Effect[] {
  return effects.filter((e) => e.tool !== undefined && e.identity === undefined);
}

/** One effect per tool (the first), for rules that anchor on agent and tool. */
export function firstPerTool(effects: readonly Effect[]): Effect[] {
  const seen = new Set<string>();
  return effects.filter((e) => {
    const key = e.tool ?? e.resource ?? "";
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function names(context: AnalysisContext, ids: readonly string[]): string {
  const named = ids.map((id) => context.graph.nameOf(id));
  return named.length <= 1 ? (named[0] ?? "") : `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}`;
}
