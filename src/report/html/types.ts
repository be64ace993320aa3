// The report data embedded in the page as JSON and read by the client script. Kept compact
// for large models: element, rule and workflow facts are stored once and referenced by index,
// and repeated sentences (reasons, notes, step actions) sit once in a text table.
// Types only: both the Node build and the browser bundle import this file.

export type SeverityName = "info" | "low" | "medium" | "high" | "critical";

/** One element of the model: [id, display name, kind]. */
export type ElementRow = [id: string, name: string, kind: string];

export interface RuleRow {
  id: string;
  title: string;
  category: string;
  rationale: string;
  /** Index into ClientData.frameworks, then the item IDs the rule maps to in it. */
  maps: [number, string[]][];
}

export interface FrameworkRow {
  slug: string;
  title: string;
  /** Whether the findings filter offers it (the coverage frameworks). */
  filter: boolean;
}

export interface DecisionRow {
  owner?: string;
  due?: string;
  ticket?: string;
  justification?: string;
  expires?: string;
  reviewed?: string;
  /** The status the team recorded, which may differ from the effective one. */
  recorded: string;
  controls?: string[];
}

/** Numbers that are text-table indexes are marked T. */
export type T = number;

export interface FindingRow {
  id: string;
  /** Index into rules. */
  r: number;
  summary: string;
  sev: SeverityName;
  /** Severity before controls. */
  isev: SeverityName;
  /** Inherent and residual [likelihood, impact, score]. */
  inh: [number, number, number];
  res: [number, number, number];
  reasons: T[];
  /** Element indexes. */
  anchors: number[];
  /** [element index, note]. */
  ev: [number, T][];
  /** [element index, action, technique ID]. */
  path?: [number, T, string][];
  /** Applied controls in words. */
  ctl: T[];
  missing: string[];
  /** Workflow indexes. */
  wf: number[];
  /** Index into causes: the root cause the finding follows from. */
  c: number;
  status: string;
  why: T;
  overdue?: 1;
  decision?: DecisionRow;
  /** Indexes into frameworks of the rule's mappings that do not hold for this finding (MCP items where no MCP server takes part). */
  unmapped?: number[];
}

export interface PathRow {
  rank: number;
  /** Index into findings. */
  f: number;
}

/** A rendered diagram: its scope ("" for the whole system) and its edges, to highlight a path. */
export interface DiagramRow {
  scope: string;
  /** [edge ID as in the SVG, from element ID, to element ID]. */
  edges: [string, string, string][];
}

export interface ClientData {
  elements: ElementRow[];
  rules: RuleRow[];
  frameworks: FrameworkRow[];
  /** Names of the framework items and ATLAS techniques the data mentions. */
  items: Record<string, string>;
  workflows: [id: string, name: string][];
  /** Root causes of the findings shown, worst first: [id, the cause in words, how many findings]. */
  causes: [id: string, text: string, findings: number][];
  texts: string[];
  findings: FindingRow[];
  paths: PathRow[];
  diagrams: DiagramRow[];
}
