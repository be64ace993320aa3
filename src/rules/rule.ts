// What a rule is: metadata (ID, rationale, mappings, default likelihood and
// impact, the controls that reduce it) and a detect function over the analysed
// system that returns detections with their evidence.
import type { Capabilities } from "../analysis/capabilities.js";
import type { ApprovalLimits } from "../analysis/approval-limits.js";
import type { ContextData } from "../analysis/sensitivity.js";
import type { UntrustedContent } from "../analysis/untrusted-content.js";
import type { SystemGraph } from "../graph/graph.js";
import type { ControlType } from "../model/vocabulary.js";

export type Stride = "S" | "T" | "R" | "I" | "D" | "E";
export type Maestro = "L1" | "L2" | "L3" | "L4" | "L5" | "L6" | "L7";
export type NistAiRmf = "GOVERN" | "MAP" | "MEASURE" | "MANAGE";

export interface Mappings {
  stride: Stride[];
  owaspLlm?: string[];
  owaspAgentic?: string[];
  owaspAgenticThreats?: string[];
  owaspNhi?: string[];
  owaspMcp?: string[];
  atlasTechniques?: string[];
  atlasMitigations?: string[];
  maestro: Maestro[];
  nistAiRmf: NistAiRmf[];
  euAiAct?: string[];
  nistCsf?: string[];
}

/** A control type that lowers the rule's likelihood or impact, and by how much (in steps of the 1-5 scale). */
export interface Mitigation {
  control: ControlType;
  reduces: "likelihood" | "impact";
  by: number;
  /** Why this control helps against this threat. */
  how: string;
  /**
   * Where a control of the type must sit to count. Without it: on any element of the finding's
   * scope, or the host or identity of one.
   * - "entry-path": the control acts on attacker text on its way in (content isolation, input
   *   filtering); it counts only where the detection names it in its scope, having checked that it
   *   sits on every way the untrusted text reaches the finding's target (entryControls in helpers.ts):
   *   a control on one entry's path does nothing against another entry, unless that entry is less
   *   dangerous by at least what the control takes off.
   * - "named": it counts only where the detection names it in its scope, having checked what the
   *   mitigation's \`how\` says (approvals on every way a steered agent writes into a memory).
   * - "anchors": on the finding's anchors (or their hosts or identities): who may read a log store
   *   is decided at the store, not by an authorization check in the agent that writes to it.
   */
  countsOn?: "entry-path" | "named" | "anchors";
  /**
   * For spend-limit: the steps a control that caps each payment (not a total per period) takes off,
   * when the detection names it. Rules that already count the spend capability's own limit in the
   * impact do not name it, so one per-payment cap is counted once. Without this, only caps on a
   * total per hour, day or month count.
   */
  perPayment?: number;
}

/** A likelihood or impact adjustment with its reason, so every score explains itself. */
export interface Factor {
  dimension: "likelihood" | "impact";
  delta: number;
  reason: string;
}

export interface EvidenceItem {
  element: string;
  note: string;
}

export interface PathStep {
  element: string;
  action: string;
  /** MITRE ATLAS technique ID. */
  technique: string;
}

export interface Detection {
  /** The elements that make the finding what it is; the stable finding ID is derived from them. */
  anchors: string[];
  /** One sentence that names this system's elements. */
  summary: string;
  evidence: EvidenceItem[];
  factors?: Factor[];
  /** Ordered attack steps, for rules that describe a path. */
  path?: PathStep[];
  /**
   * Further elements whose controls count against this finding (anchors always count), and controls
   * the rule has checked apply to it in a way coverage alone does not show (a control on every way
   * attacker text gets in; a cap on each payment that the impact has not counted already).
   */
  scope?: string[];
  /**
   * Control types the detection's own factors already count (an artifact's digest is the pin a
   * pinned-artifacts control would be): the scorer neither applies nor lists them as missing.
   */
  accountedFor?: ControlType[];
  /**
   * Where the finding's attacker comes in, for a finding without a path (whose first step says it): an
   * approval its own requesters give is weaker only against them (approval-limits.ts forEntry).
   */
  entry?: string;
  /** Controls the detection has found do not count against it, by ID, with why: named in the residual reason. */
  notCounted?: ReadonlyMap<string, string>;
  /**
   * The element whose weakness the finding follows from, where it is not what the first anchor says
   * (root-causes.ts): a third party's MCP server that holds several of the organisation's credentials
   * is one weakness, not one per credential's identity.
   */
  causeAt?: string;
}

export interface AnalysisContext {
  graph: SystemGraph;
  untrusted: UntrustedContent;
  capabilities: Capabilities;
  contextData: ContextData;
  /** What limits each human approval: a router an attacker steers, approvers outside the organisation, approvers who may approve their own requests. */
  approvalLimits: ApprovalLimits;
  /** The analysis date (YYYY-MM-DD): the only clock rules see. */
  today: string;
}

export interface Rule {
  id: string;
  title: string;
  /** Why the threat matters, for the rule's page and the finding's explanation. */
  rationale: string;
  /** When the rule applies, in words (the docs page shows it). */
  appliesWhen: string;
  category: RuleCategory;
  mappings: Mappings;
  /** Default likelihood and impact, 1 (lowest) to 5. */
  likelihood: number;
  impact: number;
  mitigations: Mitigation[];
  /**
   * The rule says how a control falls short (an approval that payments can be split under, approvers shown text an
   * attacker shaped, a control with no evidence). Its harm is that of the findings the control gates, so summed
   * residual risk leaves it out (residualTotal): otherwise removing the control would take its shortfall off the total.
   */
  controlShortfall?: true;
  detect(context: AnalysisContext): Detection[];
}

export const RULE_CATEGORIES = [
  "prompt-injection",
  "exfiltration",
  "excessive-agency",
  "code-execution",
  "output-handling",
  "memory-and-rag",
  "data-and-model",
  "mcp",
  "identity",
  "infrastructure",
  "multi-agent",
  "governance",
] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];
