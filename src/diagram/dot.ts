// The diagram as Graphviz DOT. Pure. Every piece of model text goes through
// dotString or escapeHtml, so no name can end a string or open a tag.
import { SEVERITIES } from "../analysis/scoring.js";
import { walkNesting } from "./nesting.js";
import { escapeHtml } from "../report/html/escape.js";
import type { Diagram, DiagramEdge, DiagramNode, DiagramNodeKind } from "./diagram.js";
import { INJECTABLE_COLOR, KIND_STYLE, SEVERITY_COLOR, UNTRUSTED_COLOR, displayText, edgeLabelLimit, hiddenText, kindLine, wrapText } from "./style.js";

/** LR: flows run left to right; TB: top to bottom. */
export type LayoutDirection = "LR" | "TB";

export interface RenderOptions {
  /** Draw the key to shapes, marks and colours (default true); an embedding page may show its own. */
  legend?: boolean;
  /** Default: the one that suits the diagram's shape (layoutDirection). */
  direction?: LayoutDirection;
  /**
   * Rank all nodes together rather than cluster by cluster. Off by default: ranking each
   * boundary on its own gives narrower drawings whose edge labels do not overlap; svg.ts
   * turns it on only for a graph Graphviz cannot lay out without it.
   */
  newrank?: boolean;
}

/** A DOT quoted string. '&' is escaped too: Graphviz passes entities through to SVG as they are. */
export function dotString(text: string): string {
  return `"${text.replace(/&/g, "&amp;").replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/[\r\n]/g, " ")}"`;
}


/** An HTML-like label, built only from escaped text; any other value is written as a quoted string. */
class HtmlLabel {
  constructor(readonly markup: string) {}
}

/** A label of several centred lines: each line quoted as dotString does, joined by DOT's line break. */
class DotLines {
  constructor(readonly lines: string[]) {}
}

function attrValue(value: string | number | HtmlLabel | DotLines): string {
  if (typeof value === "number") return String(value);
  if (value instanceof HtmlLabel) return `<${value.markup}>`;
  if (value instanceof DotLines) return `"${value.lines.map((line) => dotString(line).slice(1, -1)).join("\\n")}"`;
  return dotString(value);
}

const attrs = (pairs: Record<string, string | number | HtmlLabel | DotLines | undefined>) =>
  Object.entries(pairs)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${attrValue(value!)}`)
    .join(" ");

const DARK_TEXT = new Set(["medium"]);
/** Above this many nodes, Graphviz spends less effort on crossings (no second pass over clusters): the layout stays fast, a little less tidy. */
const LARGE = 80;

/** Text sizes in points; an embedding page keeps 1 pt at 1 px or more, so the smallest stays legible. */
const NAME_SIZE = 11;
const EDGE_SIZE = 11;
const SMALL_SIZE = 9;
/** Characters per line: node names and edge labels wrap here, so long names do not widen a rank. */
const NAME_WIDTH = 18;
const EDGE_WIDTH = 20;

function nodeLabel(node: DiagramNode): HtmlLabel {
  const rows: string[] = [];
  const small = (color: string, text: string) => `<TR><TD><FONT POINT-SIZE="${SMALL_SIZE}" COLOR="${color}">${text}</FONT></TD></TR>`;
  if (node.severity) {
    const color = DARK_TEXT.has(node.severity) ? "#212121" : "#ffffff";
    rows.push(`<TR><TD BGCOLOR="${SEVERITY_COLOR[node.severity]}"><FONT POINT-SIZE="${SMALL_SIZE}" COLOR="${color}"><B>${node.severity.toUpperCase()}</B></FONT></TD></TR>`);
  }
  // Every line of the name is kept (displayText already caps it at 60 characters): a name is how the reader finds a node.
  for (const line of wrapText(displayText(node.label), NAME_WIDTH)) rows.push(`<TR><TD><B>${escapeHtml(line)}</B></TD></TR>`);
  const what = kindLine(node);
  rows.push(small("#37474f", escapeHtml(displayText(what))));
  if (node.untrusted) rows.push(small(UNTRUSTED_COLOR, "<B>⚠ UNTRUSTED ENTRY</B>"));
  if (node.injectable) rows.push(small(INJECTABLE_COLOR, "<B>⚡ INJECTABLE</B>"));
  if (node.hiddenLinks) rows.push(small("#616161", `+${hiddenText(node.hiddenLinks)}`));
  return new HtmlLabel(`<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${rows.join("")}</TABLE>`);
}

function nodeClass(node: DiagramNode): string {
  return [`kind-${node.kind}`, node.untrusted ? "untrusted" : "", node.injectable ? "injectable" : "", node.severity ? `sev-${node.severity}` : ""].filter(Boolean).join(" ");
}

function nodeLine(node: DiagramNode, indent: string): string {
  const style = KIND_STYLE[node.kind];
  const marked = node.untrusted || node.injectable;
  return `${indent}${dotString(node.id)} [${attrs({
    id: `n-${node.id}`,
    class: nodeClass(node),
    shape: style.shape,
    style: node.kind === "group" ? "dashed" : "filled",
    fillcolor: style.fill,
    color: node.untrusted ? UNTRUSTED_COLOR : node.injectable ? INJECTABLE_COLOR : style.stroke,
    penwidth: marked ? 2.5 : 1,
    peripheries: node.untrusted ? 2 : undefined,
    label: nodeLabel(node),
  })}];`;
}

// Label colours stay dark enough to read on white at 10 px; relations differ by line style, not by faint text.
const EDGE_LOOK: Record<string, Record<string, string | number>> = {
  flow: { color: "#37474f", fontcolor: "#263238" },
  prompt: { color: "#8e24aa", fontcolor: "#6a1b9a", style: "dotted", arrowsize: 0.7 },
  step: { color: "#c62828", fontcolor: "#b71c1c", penwidth: 2 },
};
const RELATION_LOOK = { color: "#78909c", fontcolor: "#455a64", style: "dashed", arrowsize: 0.7 };

function edgeLine(edge: DiagramEdge): string {
  return `  ${dotString(edge.from)} -> ${dotString(edge.to)} [${attrs({
    id: `e-${edge.id}`,
    class: `rel-${edge.relation}`,
    label: new DotLines(wrapText(displayText(edge.label, edgeLabelLimit(edge.relation)), edge.relation === "step" ? 2 * EDGE_WIDTH : EDGE_WIDTH, 3)),
    ...(EDGE_LOOK[edge.relation] ?? RELATION_LOOK),
  })}];`;
}

/** How to read an attack tree, for its key. */
export const TREE_READING = "Attack tree: read from the goal down; each arrow leads to the step before; several arrows out of one step: any one of them suffices (OR); the leaves are where the attacker starts.";

function legend(diagram: Diagram): string[] {
  const kinds = [...new Set(diagram.nodes.map((n) => n.kind))].sort() as DiagramNodeKind[];
  const swatch = (fill: string, stroke: string, text: string) =>
    `<TR><TD BGCOLOR="${fill}" BORDER="1" COLOR="${stroke}" WIDTH="14"> </TD><TD ALIGN="LEFT"><FONT POINT-SIZE="8">${escapeHtml(text)}</FONT></TD></TR>`;
  const tree = diagram.nodes.some((n) => n.kind === "goal");
  const rows = kinds.map((kind) => swatch(KIND_STYLE[kind].fill, KIND_STYLE[kind].stroke, `${KIND_STYLE[kind].noun} (${KIND_STYLE[kind].shape})`));
  if (diagram.nodes.some((n) => n.untrusted)) rows.push(swatch("#ffffff", UNTRUSTED_COLOR, "untrusted entry point (red double border)"));
  if (diagram.nodes.some((n) => n.injectable)) rows.push(swatch("#ffffff", INJECTABLE_COLOR, "injectable agent (orange border)"));
  for (const severity of [...SEVERITIES].reverse()) {
    if (diagram.nodes.some((n) => n.severity === severity)) rows.push(swatch(SEVERITY_COLOR[severity], SEVERITY_COLOR[severity], `${tree ? "worst path through it" : "worst finding"}: ${severity}`));
  }
  if (diagram.edges.some((e) => e.relation === "flow")) rows.push(`<TR><TD>→</TD><TD ALIGN="LEFT"><FONT POINT-SIZE="8">flow: channel: data</FONT></TD></TR>`);
  // One clause a line, so the key stays narrow.
  if (tree) rows.push(`<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="8">${TREE_READING.split("; ").map(escapeHtml).join('<BR ALIGN="LEFT"/>')}<BR ALIGN="LEFT"/></FONT></TD></TR>`);
  if (diagram.edges.some((e) => e.relation === "step")) rows.push(`<TR><TD><FONT COLOR="#c62828">➔</FONT></TD><TD ALIGN="LEFT"><FONT POINT-SIZE="8">attack step: action · ATLAS technique</FONT></TD></TR>`);
  if (diagram.edges.some((e) => e.relation !== "flow" && e.relation !== "step")) rows.push(`<TR><TD>⇢</TD><TD ALIGN="LEFT"><FONT POINT-SIZE="8">agent relation (dashed)</FONT></TD></TR>`);
  const table = new HtmlLabel(`<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1"><TR><TD COLSPAN="2"><B>Key</B></TD></TR>${rows.join("")}</TABLE>`);
  return [
    // "~" cannot occur in a model ID, so the key never shares a name with a boundary.
    `  subgraph "cluster~key" {`,
    `    ${attrs({ id: "diagram-key", class: "diagram-key", label: "", style: "rounded", color: "#cfd8dc" })};`,
    `    "key~table" [${attrs({ id: "diagram-key-table", class: "diagram-key", shape: "plain", label: table })}];`,
    `  }`,
  ];
}

/** Rough sizes in points of a node and of an edge label, to compare the two directions. */
const NODE_BOX = { width: 150, height: 62 };
const EDGE_LABEL = { width: 140, height: 30 };
/** The area a page shows at 1 pt per px without scrolling sideways; height matters less, pages scroll down. */
const VIEW = { width: 1100, height: 1600 };

/** How much a drawing of this size must shrink to fit that area: lower is more readable. */
export function shrinkToFit(width: number, height: number): number {
  return Math.max(width / VIEW.width, height / VIEW.height);
}

/**
 * The direction that needs the least shrinking to fit a page: the flows are layered by longest
 * path (an edge that closes a cycle is left out), then each direction's width and height are
 * estimated from the number of layers (depth) and the widest layer (breadth). Long chains
 * go top to bottom (left to right, every layer adds a node and an edge label to the width);
 * broad layers go left to right (top to bottom, each node in a layer adds to it). LR on a tie.
 */
export function layoutDirection(diagram: Diagram): LayoutDirection {
  const outgoing = new Map<string, string[]>();
  for (const edge of diagram.edges) (outgoing.get(edge.from) ?? outgoing.set(edge.from, []).get(edge.from)!).push(edge.to);
  const layer = new Map<string, number>();
  const onStack = new Set<string>();
  // Iterative depth-first search: the deepest chain below each node, in node order.
  for (const start of diagram.nodes) {
    if (layer.has(start.id)) continue;
    const stack: [string, number][] = [[start.id, 0]];
    onStack.add(start.id);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = (outgoing.get(top[0]) ?? [])[top[1]++];
      if (next === undefined) {
        const below = (outgoing.get(top[0]) ?? []).map((to) => (onStack.has(to) ? -1 : (layer.get(to) ?? -1)));
        layer.set(top[0], Math.max(-1, ...below) + 1);
        onStack.delete(top[0]);
        stack.pop();
      } else if (!layer.has(next) && !onStack.has(next)) {
        onStack.add(next);
        stack.push([next, 0]);
      }
    }
  }
  const perLayer = new Map<number, number>();
  for (const depth of layer.values()) perLayer.set(depth, (perLayer.get(depth) ?? 0) + 1);
  const depth = Math.max(1, perLayer.size);
  const breadth = Math.max(1, ...perLayer.values());
  const labelled = diagram.edges.length > 0 ? 1 : 0;
  const lr = { width: depth * NODE_BOX.width + (depth - 1) * (EDGE_LABEL.width + 20) * labelled, height: breadth * (NODE_BOX.height + 20) };
  const tb = { width: breadth * (NODE_BOX.width + 20), height: depth * NODE_BOX.height + (depth - 1) * (EDGE_LABEL.height + 30) * labelled };
  return shrinkToFit(tb.width, tb.height) < shrinkToFit(lr.width, lr.height) ? "TB" : "LR";
}

export function toDot(diagram: Diagram, options: RenderOptions = {}): string {
  const lines: string[] = [];
  lines.push(`digraph "threatwright" {`);
  const direction = options.direction ?? diagram.direction ?? layoutDirection(diagram);
  const large = diagram.nodes.length > LARGE;
  lines.push(
    `  graph [${attrs({ rankdir: direction, fontname: "Helvetica", fontsize: 13, labelloc: "t", label: displayText(diagram.title, 100), nodesep: 0.25, ranksep: direction === "LR" ? 0.45 : 0.4, newrank: options.newrank ? "true" : undefined, ...(large ? { mclimit: 0.5, remincross: "false" } : {}) })}];`,
  );
  lines.push(`  node [${attrs({ fontname: "Helvetica", fontsize: NAME_SIZE, margin: "0.1,0.05" })}];`);
  lines.push(`  edge [${attrs({ fontname: "Helvetica", fontsize: EDGE_SIZE })}];`);

  const indent = (depth: number) => "  ".repeat(depth + 1);
  walkNesting(diagram, {
    open: (cluster, depth) => {
      lines.push(`${indent(depth)}subgraph ${dotString(`cluster_${cluster.id}`)} {`);
      lines.push(
        `${indent(depth)}  ${attrs({ id: `b-${cluster.id}`, class: `boundary-${cluster.type}`, label: `${displayText(cluster.label)} · ${cluster.type}`, style: "rounded,dashed", color: "#78909c", fontcolor: "#37474f", fontsize: NAME_SIZE })};`,
      );
    },
    close: (_cluster, depth) => lines.push(`${indent(depth)}}`),
    node: (node, depth) => lines.push(nodeLine(node, indent(depth))),
  });
  for (const edge of diagram.edges) lines.push(edgeLine(edge));
  if (options.legend !== false) lines.push(...legend(diagram));
  lines.push("}");
  return lines.join("\n") + "\n";
}
