// Trust boundaries nest (a boundary's parent); every renderer walks them the same way:
// each cluster inside its parent, each node inside its boundary.
import type { Diagram, DiagramCluster, DiagramNode } from "./diagram.js";

export interface NestingVisitor {
  open(cluster: DiagramCluster, depth: number): void;
  close(cluster: DiagramCluster, depth: number): void;
  node(node: DiagramNode, depth: number): void;
}

/** Depth 0 is the top level. A parent cycle or an unknown parent puts a cluster at the top, drawn once. */
export function walkNesting(diagram: Diagram, visit: NestingVisitor): void {
  const known = new Set(diagram.clusters.map((c) => c.id));
  const children = new Map<string, DiagramCluster[]>();
  for (const cluster of diagram.clusters) {
    const parent = cluster.parent !== undefined && known.has(cluster.parent) ? cluster.parent : "";
    (children.get(parent) ?? children.set(parent, []).get(parent)!).push(cluster);
  }
  const members = new Map<string, DiagramNode[]>();
  for (const node of diagram.nodes) {
    const where = node.boundary !== undefined && known.has(node.boundary) ? node.boundary : "";
    (members.get(where) ?? members.set(where, []).get(where)!).push(node);
  }
  const drawn = new Set<string>();
  const enter = (cluster: DiagramCluster, depth: number) => {
    if (drawn.has(cluster.id)) return;
    drawn.add(cluster.id);
    visit.open(cluster, depth);
    emit(cluster.id, depth + 1);
    visit.close(cluster, depth);
  };
  const emit = (boundary: string, depth: number) => {
    for (const cluster of children.get(boundary) ?? []) enter(cluster, depth);
    for (const node of members.get(boundary) ?? []) visit.node(node, depth);
  };
  emit("", 0);
  // Clusters only reachable through a parent cycle.
  for (const cluster of diagram.clusters) enter(cluster, 0);
}
