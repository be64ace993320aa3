// The diagram as Graphviz DOT. Pure. Every piece of model text goes through
// dotString or htmlText, so no name can end a string or open a tag.
import type { Diagram, DiagramCluster, DiagramEdge, DiagramNode, DiagramNodeKind } from "./diagram.js";
import { INJECTABLE_COLOR, KIND_STYLE, SEVERITY_COLOR, UNTRUSTED_COLOR, displayText, hiddenText } from "./style.js";

export interface RenderOptions {
  /** Draw the key to shapes, marks and colours (default true); an embedding page may show its own. */
  legend?: boolean;
}

/** A DOT quoted string. '&' is escaped too: Graphviz passes entities through to SVG as they are. */
export function dotString(text: string): string {
  return `"${text.replace(/&/g, "&amp;").replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/[\r\n]/g, " ")}"`;
}

/** Text inside a Graphviz HTML-like label. */
export function htmlText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** An HTML-like label, built only from escaped text; any other value is written as a quoted string. */
class HtmlLabel {
  constructor(readonly markup: string) {}
}

const attrs = (pairs: Record<string, string | number | HtmlLabel | undefined>) =>
  Object.entries(pairs)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === "number" ? value : value instanceof HtmlLabel ? `<${value.markup}>` : dotString(value!)}`)
    .join(" ");

const DARK_TEXT = new Set(["medium"]);
/** Above this many nodes, Graphviz spends less effort on crossings: the layout stays fast, a little less tidy. */
const LARGE = 80;

function nodeLabel(node: DiagramNode): HtmlLabel {
  const rows: string[] = [];
  if (node.severity) {
    const color = DARK_TEXT.has(node.severity) ? "#212121" : "#ffffff";
    rows.push(`<TR><TD BGCOLOR="${SEVERITY_COLOR[node.severity]}"><FONT POINT-SIZE="8" COLOR="${color}">${node.severity.toUpperCase()}</FONT></TD></TR>`);
  }
  rows.push(`<TR><TD><B>${htmlText(displayText(node.label))}</B></TD></TR>`);
  const what = node.kind === "group" ? "left out of this view" : [KIND_STYLE[node.kind].noun, node.subtype].filter(Boolean).join(" · ");
  rows.push(`<TR><TD><FONT POINT-SIZE="8" COLOR="#455a64">${htmlText(displayText(what))}</FONT></TD></TR>`);
  if (node.untrusted) rows.push(`<TR><TD><FONT POINT-SIZE="8" COLOR="${UNTRUSTED_COLOR}"><B>⚠ UNTRUSTED ENTRY</B></FONT></TD></TR>`);
  if (node.injectable) rows.push(`<TR><TD><FONT POINT-SIZE="8" COLOR="${INJECTABLE_COLOR}"><B>⚡ INJECTABLE</B></FONT></TD></TR>`);
  if (node.hiddenLinks) rows.push(`<TR><TD><FONT POINT-SIZE="8" COLOR="#757575">+${hiddenText(node.hiddenLinks)}</FONT></TD></TR>`);
  return new HtmlLabel(`<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${rows.join("")}</TABLE>`);
}

export function nodeClass(node: DiagramNode): string {
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

const EDGE_LOOK: Record<string, Record<string, string | number>> = {
  flow: { color: "#37474f", fontcolor: "#37474f" },
  prompt: { color: "#8e24aa", fontcolor: "#8e24aa", style: "dotted", arrowsize: 0.6 },
};
const RELATION_LOOK = { color: "#90a4ae", fontcolor: "#78909c", style: "dashed", arrowsize: 0.6 };

function edgeLine(edge: DiagramEdge): string {
  return `  ${dotString(edge.from)} -> ${dotString(edge.to)} [${attrs({
    id: `e-${edge.id}`,
    class: `rel-${edge.relation}`,
    label: displayText(edge.label, 48),
    ...(EDGE_LOOK[edge.relation] ?? RELATION_LOOK),
  })}];`;
}

function legend(diagram: Diagram): string[] {
  const kinds = [...new Set(diagram.nodes.map((n) => n.kind))].sort() as DiagramNodeKind[];
  const swatch = (fill: string, stroke: string, text: string) =>
    `<TR><TD BGCOLOR="${fill}" BORDER="1" COLOR="${stroke}" WIDTH="14"> </TD><TD ALIGN="LEFT"><FONT POINT-SIZE="8">${htmlText(text)}</FONT></TD></TR>`;
  const rows = kinds.map((kind) => swatch(KIND_STYLE[kind].fill, KIND_STYLE[kind].stroke, `${KIND_STYLE[kind].noun} (${KIND_STYLE[kind].shape})`));
  if (diagram.nodes.some((n) => n.untrusted)) rows.push(swatch("#ffffff", UNTRUSTED_COLOR, "untrusted entry point (red double border)"));
  if (diagram.nodes.some((n) => n.injectable)) rows.push(swatch("#ffffff", INJECTABLE_COLOR, "injectable agent (orange border)"));
  for (const severity of ["critical", "high", "medium", "low", "info"] as const) {
    if (diagram.nodes.some((n) => n.severity === severity)) rows.push(swatch(SEVERITY_COLOR[severity], SEVERITY_COLOR[severity], `worst finding: ${severity}`));
  }
  rows.push(`<TR><TD>→</TD><TD ALIGN="LEFT"><FONT POINT-SIZE="8">flow: channel: data</FONT></TD></TR>`);
  if (diagram.edges.some((e) => e.relation !== "flow")) rows.push(`<TR><TD>⇢</TD><TD ALIGN="LEFT"><FONT POINT-SIZE="8">agent relation (dashed)</FONT></TD></TR>`);
  const table = new HtmlLabel(`<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1"><TR><TD COLSPAN="2"><B>Key</B></TD></TR>${rows.join("")}</TABLE>`);
  return [
    // "~" cannot occur in a model ID, so the key never shares a name with a boundary.
    `  subgraph "cluster~key" {`,
    `    ${attrs({ id: "diagram-key", class: "diagram-key", label: "", style: "rounded", color: "#cfd8dc" })};`,
    `    "key~table" [${attrs({ id: "diagram-key-table", class: "diagram-key", shape: "plain", label: table })}];`,
    `  }`,
  ];
}

export function toDot(diagram: Diagram, options: RenderOptions = {}): string {
  const lines: string[] = [];
  lines.push(`digraph "threatwright" {`);
  lines.push(`  graph [${attrs({ rankdir: "LR", fontname: "Helvetica", fontsize: 12, labelloc: "t", label: displayText(diagram.title, 100), nodesep: 0.25, ranksep: 0.5, newrank: "true", mclimit: diagram.nodes.length > LARGE ? 0.5 : undefined })}];`);
  lines.push(`  node [${attrs({ fontname: "Helvetica", fontsize: 10, margin: "0.08,0.04" })}];`);
  lines.push(`  edge [${attrs({ fontname: "Helvetica", fontsize: 8 })}];`);

  const children = new Map<string, DiagramCluster[]>();
  const known = new Set(diagram.clusters.map((c) => c.id));
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
  const emit = (boundary: string, depth: number) => {
    const indent = "  ".repeat(depth + 1);
    for (const cluster of children.get(boundary) ?? []) {
      if (drawn.has(cluster.id)) continue; // a parent cycle is drawn once
      drawn.add(cluster.id);
      lines.push(`${indent}subgraph ${dotString(`cluster_${cluster.id}`)} {`);
      lines.push(
        `${indent}  ${attrs({ id: `b-${cluster.id}`, class: `boundary-${cluster.type}`, label: `${displayText(cluster.label)} · ${cluster.type}`, style: "rounded,dashed", color: "#78909c", fontcolor: "#455a64", fontsize: 10 })};`,
      );
      emit(cluster.id, depth + 1);
      lines.push(`${indent}}`);
    }
    for (const node of members.get(boundary) ?? []) lines.push(nodeLine(node, indent));
  };
  emit("", 0);
  // Clusters only reachable through a parent cycle still get drawn, at the top level.
  for (const cluster of diagram.clusters) {
    if (drawn.has(cluster.id)) continue;
    children.set(`\u0000${cluster.id}`, [cluster]);
    emit(`\u0000${cluster.id}`, 0);
  }
  for (const edge of diagram.edges) lines.push(edgeLine(edge));
  if (options.legend !== false) lines.push(...legend(diagram));
  lines.push("}");
  return lines.join("\n") + "\n";
}
