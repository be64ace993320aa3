// Condensing a diagram too large to lay out or read: keep what matters for the
// threat model, count the rest in one stand-in node per boundary. Pure.
import type { Severity } from "../analysis/scoring.js";
import { SEVERITY_RANK, worseSeverity } from "../analysis/scoring.js";
import type { DiagramEdge, DiagramNode } from "./diagram.js";


const rank = (severity: Severity | undefined) => (severity === undefined ? -1 : SEVERITY_RANK[severity]);
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const worstFirst = (a: DiagramNode, b: DiagramNode) => rank(b.severity) - rank(a.severity) || byId(a, b);
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** ID of the stand-in node for components left out of a boundary ("" outside any boundary). */
const groupId = (boundary: string) => `more~${boundary}`;

export interface Condensed {
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  omitted: string;
}

/**
 * Chooses at most maxNodes nodes, stand-ins included. First the `keep` elements, in the
 * order given, as far as they fit. Then, round by round, the next untrusted entry point,
 * injectable agent and component with high or critical findings (worst first), followed
 * by their direct neighbours, so the diagram shows what each risky part touches. Then neighbours
 * further out, breadth first. The rest are counted in stand-ins; edges to them are not
 * drawn but counted on the kept node as `hiddenLinks` (hundreds of edges into a few
 * stand-ins would tangle the drawing and double the layout time). Nodes come in ID
 * order, stand-ins last.
 */
export function condense(nodes: readonly DiagramNode[], edges: readonly DiagramEdge[], keep: readonly string[], maxNodes: number): Condensed {
  const known = new Set(nodes.map((n) => n.id));
  const boundaries = new Set(nodes.map((n) => n.boundary ?? ""));
  // One stand-in per boundary while they take at most a quarter of the room, else one for everything left out.
  const perBoundary = boundaries.size <= maxNodes / 4;
  const budget = Math.max(0, maxNodes - (perBoundary ? boundaries.size : 1));

  const chosen = new Set<string>();
  const requested = [...new Set(keep)].filter((id) => known.has(id));
  for (const id of requested.slice(0, budget)) chosen.add(id);

  const adjacent = new Map<string, string[]>();
  for (const edge of edges) {
    (adjacent.get(edge.from) ?? adjacent.set(edge.from, []).get(edge.from)!).push(edge.to);
    (adjacent.get(edge.to) ?? adjacent.set(edge.to, []).get(edge.to)!).push(edge.from);
  }
  const tiers: { words: [string, string]; members: DiagramNode[] }[] = [
    { words: ["untrusted entry point", "untrusted entry points"], members: nodes.filter((n) => n.untrusted).sort(worstFirst) },
    { words: ["injectable agent", "injectable agents"], members: nodes.filter((n) => n.injectable).sort(worstFirst) },
    { words: ["component with high or critical findings", "components with high or critical findings"], members: nodes.filter((n) => rank(n.severity) >= SEVERITY_RANK.high).sort(worstFirst) },
  ];
  const longest = Math.max(...tiers.map((t) => t.members.length));
  // Round by round: the next member of each tier, then their direct neighbours.
  for (let i = 0; i < longest && chosen.size < budget; i++) {
    const seeds: string[] = [];
    for (const tier of tiers) {
      const seed = tier.members[i];
      if (!seed || chosen.has(seed.id) || chosen.size >= budget) continue;
      chosen.add(seed.id);
      seeds.push(seed.id);
    }
    for (const seed of seeds) {
      for (const next of adjacent.get(seed) ?? []) {
        if (chosen.size >= budget) break;
        chosen.add(next);
      }
    }
  }

  // Neighbours further out, breadth first, in edge order, while there is room.
  const queue = [...chosen];
  for (let head = 0; head < queue.length && chosen.size < budget; head++) {
    for (const next of adjacent.get(queue[head]!) ?? []) {
      if (chosen.size >= budget) break;
      if (chosen.has(next)) continue;
      chosen.add(next);
      queue.push(next);
    }
  }

  const hidden = new Map<string, number>();
  const keptEdges: DiagramEdge[] = [];
  for (const edge of edges) {
    const from = chosen.has(edge.from);
    const to = chosen.has(edge.to);
    if (from && to) keptEdges.push(edge);
    else if (from) hidden.set(edge.from, (hidden.get(edge.from) ?? 0) + 1);
    else if (to) hidden.set(edge.to, (hidden.get(edge.to) ?? 0) + 1);
  }

  const groups = new Map<string, DiagramNode>();
  const kept: DiagramNode[] = [];
  for (const node of nodes) {
    if (chosen.has(node.id)) {
      const links = hidden.get(node.id);
      kept.push(links === undefined ? node : { ...node, hiddenLinks: links });
      continue;
    }
    const boundary = perBoundary ? node.boundary : undefined;
    const id = groupId(boundary ?? "");
    const group = groups.get(id) ?? groups.set(id, { id, label: "", kind: "group", ...(boundary !== undefined ? { boundary } : {}), untrusted: false, injectable: false, count: 0 }).get(id)!;
    group.count! += 1;
    const severity = worseSeverity(group.severity, node.severity);
    if (severity !== undefined) group.severity = severity;
  }
  const standIns = [...groups.values()].sort(byId);
  for (const group of standIns) group.label = `${count(group.count!, "more component", "more components")}`;

  const left = nodes.length - kept.length;
  const where = perBoundary ? ` by boundary (${standIns.map((g) => `${g.boundary ?? "outside any boundary"}: ${g.count}`).join(", ")})` : "";
  const shortfalls = tiers.map((tier) => tier.members.filter((n) => !chosen.has(n.id)).length).map((missed, i) => (missed > 0 ? count(missed, ...tiers[i]!.words) : "")).filter(Boolean);
  const parts = [
    `Condensed to ${kept.length} of ${nodes.length} components to stay within ${maxNodes} nodes.`,
    `Kept ${requested.length > 0 ? "the requested elements, then " : ""}untrusted entry points, injectable agents and components with high or critical findings in turn, each with its neighbours, then further neighbours.`,
    `${count(left, "component is", "components are")} counted in "more" nodes${where}; links to them are not drawn.`,
  ];
  if (requested.length > budget) parts.push(`Only the first ${budget} of the ${requested.length} requested elements fit.`);
  if (shortfalls.length > 0) parts.push(`Left out for lack of room: ${shortfalls.join(", ")}.`);
  return { nodes: [...kept, ...standIns], edges: keptEdges, omitted: parts.join(" ") };
}
