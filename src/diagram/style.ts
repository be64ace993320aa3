// How each kind of component looks, shared by the DOT and Mermaid renderers so
// the two formats read alike.
import type { Severity } from "../analysis/scoring.js";
import type { DiagramNode, DiagramNodeKind } from "./diagram.js";
import { DIRECTION_OVERRIDES } from "../report/terminal-text.js";

export interface KindStyle {
  /** Graphviz shape. */
  shape: string;
  fill: string;
  stroke: string;
  /** Shown under the name: what the shape stands for. */
  noun: string;
}

export const KIND_STYLE: Record<DiagramNodeKind, KindStyle> = {
  actor: { shape: "box", fill: "#ede7f6", stroke: "#5e35b1", noun: "actor" },
  client: { shape: "box", fill: "#e3f2fd", stroke: "#1e88e5", noun: "client" },
  service: { shape: "box3d", fill: "#eceff1", stroke: "#546e7a", noun: "service" },
  agent: { shape: "hexagon", fill: "#fff3e0", stroke: "#ef6c00", noun: "agent" },
  model: { shape: "ellipse", fill: "#fce4ec", stroke: "#c2185b", noun: "model" },
  tool: { shape: "component", fill: "#e8f5e9", stroke: "#2e7d32", noun: "tool" },
  "mcp-server": { shape: "tab", fill: "#e0f2f1", stroke: "#00796b", noun: "MCP server" },
  datastore: { shape: "cylinder", fill: "#e8eaf6", stroke: "#3949ab", noun: "datastore" },
  source: { shape: "folder", fill: "#fffde7", stroke: "#f9a825", noun: "source" },
  pipeline: { shape: "cds", fill: "#f5f5f5", stroke: "#616161", noun: "pipeline" },
  prompt: { shape: "note", fill: "#f3e5f5", stroke: "#8e24aa", noun: "prompt" },
  dataset: { shape: "cylinder", fill: "#efebe9", stroke: "#6d4c41", noun: "dataset" },
  identity: { shape: "octagon", fill: "#fbe9e7", stroke: "#bf360c", noun: "identity" },
  credential: { shape: "parallelogram", fill: "#fff8e1", stroke: "#ff8f00", noun: "credential" },
  control: { shape: "septagon", fill: "#e0f7fa", stroke: "#00838f", noun: "control" },
  data: { shape: "note", fill: "#fafafa", stroke: "#757575", noun: "data" },
  group: { shape: "box", fill: "#ffffff", stroke: "#9e9e9e", noun: "left out" },
  goal: { shape: "doubleoctagon", fill: "#ffebee", stroke: "#b71c1c", noun: "attacker's goal" },
};

export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: "#b71c1c",
  high: "#e65100",
  medium: "#f9a825",
  low: "#1565c0",
  info: "#78909c",
};

export const UNTRUSTED_COLOR = "#d50000";
export const INJECTABLE_COLOR = "#ff6d00";

/** Text for one line of a label: no control characters, direction overrides or unpaired surrogates, and at most `max` characters. */
export function displayText(text: string, max = 60): string {
  const clean = text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    .replace(/\p{Cc}/gu, " ")
    // Bidirectional overrides could make a label read differently from what it holds.
    .replace(DIRECTION_OVERRIDES, "")
    .replace(/\s+/g, " ")
    .trim();
  const chars = [...clean];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : clean;
}

/**
 * Label text broken at spaces into lines of at most `width` characters (a longer word keeps a
 * line of its own), at most `maxLines` of them (if given), the last cut with "…" when text is left over.
 * Short lines keep the layout narrow: Graphviz sizes a node or an edge's label by its widest line.
 */
export function wrapText(text: string, width: number, maxLines = Infinity): string[] {
  const lines: string[] = [];
  let current = "";
  const words = text.split(" ").filter((w) => w !== "");
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = current === "" ? word : `${current} ${word}`;
    if ([...next].length <= width || current === "") {
      current = next;
      continue;
    }
    if (lines.length === maxLines - 1) {
      lines.push(cut(`${current} ${words.slice(i).join(" ")}`, width));
      return lines;
    }
    lines.push(current);
    current = word;
  }
  if (current !== "") lines.push(lines.length === maxLines - 1 ? cut(current, width) : current);
  return lines;
}

function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, width - 1).join("").trimEnd()}…` : text;
}

/** "3 links not shown": a kept node's flows and relations to components a condensed diagram left out. */
export function hiddenText(links: number): string {
  return `${links} link${links === 1 ? "" : "s"} not shown`;
}

/** Longest edge label shown: an attack step says what happens and which technique, a flow only its channel and data. */
export function edgeLabelLimit(relation: string): number {
  return relation === "step" ? 120 : 48;
}

/** The line under a node's name: what its shape stands for (and its type), or that it stands for left-out components. */
export function kindLine(node: Pick<DiagramNode, "kind" | "subtype">): string {
  return node.kind === "group" ? "left out of this view" : [KIND_STYLE[node.kind].noun, node.subtype].filter(Boolean).join(" · ");
}
