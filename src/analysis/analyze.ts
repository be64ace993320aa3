// The analysis: model in, findings out. Pure: no files, no printing, no clock
// (the date is a parameter); the same model gives the same result byte for byte.
import { buildGraph } from "../graph/graph.js";
import type { SystemGraph } from "../graph/graph.js";
import type { SourceLocation } from "../model/diagnostics.js";
import { systemLocationKey } from "../model/diagnostics.js";
import type { ThreatModel } from "../model/model.js";
import type { Decision } from "../model/schema.js";
import type { ControlType, DecisionStatus } from "../model/vocabulary.js";
import type { DecisionReview, ReopenCause } from "../lifecycle/decisions.js";
import { reviewDecisions } from "../lifecycle/decisions.js";
import { RULES } from "../rules/index.js";
import type { AnalysisContext, Detection, EvidenceItem, Mappings, PathStep, Rule, RuleCategory } from "../rules/rule.js";
import { approvalLimits, forEntry, type ApprovalLimits } from "./approval-limits.js";
import { analyseCapabilities } from "./capabilities.js";
import type { AppliedControl, Score, Severity } from "./scoring.js";
import { countBySeverity, SEVERITY_RANK, score } from "./scoring.js";
import { traceContextData } from "./sensitivity.js";
import type { RootCause } from "./root-causes.js";
import { causeId, causeOf, rootCauses } from "./root-causes.js";
import { entryPoints, ORIGINS_PER_NODE, traceUntrustedContent } from "./untrusted-content.js";

export const RESULT_SCHEMA_VERSION = "1.2";

/** Upper bound on findings one rule may raise; a dense worst-case model stops here and says so. */
export const MAX_FINDINGS_PER_RULE = 2000;

export interface Finding {
  id: string;
  ruleId: string;
  title: string;
  category: RuleCategory;
  summary: string;
  severity: Severity;
  inherent: Score;
  residual: Score;
  reasons: string[];
  anchors: string[];
  evidence: EvidenceItem[];
  path?: PathStep[];
  controls: AppliedControl[];
  missingControls: ControlType[];
  /** The rule's mappings that hold for this finding: MCP Top 10 items only where MCP takes part (findingMappings). */
  mappings: Mappings;
  workflows: string[];
  /** The root cause it follows from (see root-causes.ts): the ID of one of the result's causes. */
  cause: string;
  location?: SourceLocation;
  decision?: Decision;
  /** Where the finding stands once the team's decision is judged (no decision: open). */
  status: DecisionStatus;
  /** The status in words: the decision, or why it no longer holds. */
  statusReason: string;
  /** Past its due date and not yet settled. */
  overdue: boolean;
  /** Why the recorded decision no longer holds (an acceptance expired, a control is gone), when it does not. */
  reopened?: ReopenCause;
}

export interface AttackPath {
  finding: string;
  rank: number;
  severity: Severity;
  score: number;
  title: string;
  steps: PathStep[];
}

export interface AnalysisResult {
  schemaVersion: string;
  system: { id: string; name: string };
  date: string;
  summary: {
    findings: number;
    bySeverity: Record<Severity, number>;
    injectableAgents: string[];
    untrustedEntryPoints: string[];
  };
  findings: Finding[];
  attackPaths: AttackPath[];
  /** Findings grouped by the weakness they follow from, in the order of their worst finding. */
  causes: RootCause[];
  /** Where the bounded search stopped short, in words; empty when nothing was cut. */
  truncated: string[];
  /** Decisions whose finding no longer exists, acceptances about to lapse, and counts by status. */
  decisions: Pick<DecisionReview, "orphans" | "expiringSoon" | "summary">;
}

export interface AnalyzeOptions {
  today: string;
  rules?: readonly Rule[];
  locations?: ReadonlyMap<string, SourceLocation>;
  /** The model's graph and traces when the caller has built them already (the diff builds them for its checks). */
  prepared?: PreparedModel;
}

/** What the analysis derives from the model alone, before any rule runs; the same for any date. */
export type PreparedModel = Pick<AnalysisContext, "graph" | "untrusted" | "capabilities">;

export function prepareModel(model: ThreatModel): PreparedModel {
  const graph = buildGraph(model);
  return { graph, untrusted: traceUntrustedContent(graph), capabilities: analyseCapabilities(graph) };
}

export function findingId(ruleId: string, anchors: readonly string[]): string {
  return `${ruleId}@${anchors.join("+")}`;
}

export function buildContext(model: ThreatModel, today: string, prepared?: PreparedModel): AnalysisContext {
  // Only a preparation of this very model object is used; anything else is rebuilt.
  const { graph, untrusted, capabilities } = prepared?.graph.model === model ? prepared : prepareModel(model);
  return { graph, untrusted, capabilities, contextData: traceContextData(graph, untrusted), approvalLimits: approvalLimits(graph, untrusted), today };
}

export function analyze(model: ThreatModel, options: AnalyzeOptions): AnalysisResult {
  const context = buildContext(model, options.today, options.prepared);
  const { graph } = context;
  const decisions = new Map(model.decisions.map((d) => [d.finding, d]));
  const findings: Finding[] = [];
  const truncated: string[] = [];

  for (const rule of options.rules ?? RULES) {
    const seen = new Set<string>();
    const detections = rule.detect(context);
    if (detections.length > MAX_FINDINGS_PER_RULE) truncated.push(`${rule.id}: ${detections.length} findings, the first ${MAX_FINDINGS_PER_RULE} kept`);
    for (const detection of detections.slice(0, MAX_FINDINGS_PER_RULE)) {
      const id = findingId(rule.id, detection.anchors);
      if (seen.has(id)) continue;
      seen.add(id);
      findings.push(toFinding(rule, detection, id, graph, context.approvalLimits, options.locations, decisions.get(id)));
    }
  }
  findings.sort(bySeverityThenId);
  const saturated = context.untrusted.saturated;
  if (saturated.length > 0) {
    truncated.push(`untrusted content: ${saturated.length} element${saturated.length === 1 ? " is" : "s are"} reached by more than ${ORIGINS_PER_NODE} entry points; paths name the ${ORIGINS_PER_NODE} nearest (${saturated.slice(0, 5).join(", ")}${saturated.length > 5 ? ", …" : ""})`);
  }

  const attackPaths = findings
    .filter((f) => f.path && f.path.length > 0)
    .map((f, index) => ({ finding: f.id, rank: index + 1, severity: f.severity, score: f.residual.score, title: f.title, steps: f.path! }));

  const entries = entryPoints(graph, context.untrusted);
  const entryIds = new Set(entries.map((o) => o.id));
  const causes = rootCauses(findings, (agent) => context.untrusted.originsReaching(agent).map((o) => o.id).filter((id) => entryIds.has(id)).sort());
  const bySeverity = countBySeverity(findings);
  const review = reviewDecisions({ findings }, model, options.today);
  review.findings.forEach((standing, index) => {
    const finding = findings[index]!;
    finding.status = standing.status;
    finding.statusReason = standing.reason;
    finding.overdue = standing.overdue;
    if (standing.reopened) finding.reopened = standing.reopened;
  });
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    system: { id: model.system.id, name: model.system.name },
    date: options.today,
    summary: {
      findings: findings.length,
      bySeverity,
      injectableAgents: graph.ofKind("agent").map((a) => a.id).filter((id) => context.untrusted.reaches(id)).sort(),
      untrustedEntryPoints: entries.map((o) => o.id).sort(),
    },
    findings,
    attackPaths,
    causes,
    truncated,
    decisions: { orphans: review.orphans, expiringSoon: review.expiringSoon, summary: review.summary },
  };
}

function toFinding(rule: Rule, detection: Detection, id: string, graph: SystemGraph, limits: ApprovalLimits, locations: ReadonlyMap<string, SourceLocation> | undefined, decision: Decision | undefined): Finding {
  // Where a mitigation that counts on the anchors must sit: the anchors and their runtime; built only for rules that have one.
  const anchored = rule.mitigations.some((m) => m.countsOn === "anchors") ? new Set(detection.anchors) : undefined;
  if (anchored) addRuntime(graph, detection.anchors, anchored);
  // The anchors and the detection's scope, then the hosts they run on and the identities they act
  // as: controls on the host a component runs on (a rate limit on the backend an agent runs in)
  // protect it too, and so does least privilege on the identity a tool runs as. One
  // insertion-ordered set; hosts and identities are looked up for the anchors and scope only.
  const named = new Set(detection.anchors);
  const extra = detection.scope ?? [];
  for (const id of extra) named.add(id);
  addRuntime(graph, detection.anchors, named);
  addRuntime(graph, extra, named, false);
  const scope = [...named];
  // Control types the detection's factors already count are left out of the scoring: not applied twice, not listed as missing.
  const scored = detection.accountedFor ? { ...rule, mitigations: rule.mitigations.filter((m) => !detection.accountedFor!.includes(m.control)) } : rule;
  const scoring = score(scored, detection.factors ?? [], scope, graph, anchored ? [...anchored] : scope, forEntry(graph, limits, detection.path?.[0]?.element ?? detection.entry), detection.notCounted);
  const inWorkflows = new Set<string>();
  for (const element of scope) for (const workflow of graph.workflowsOf(element)) inWorkflows.add(workflow);
  const workflows = [...inWorkflows].sort();
  let location: SourceLocation | undefined;
  for (const anchor of detection.anchors) if ((location = locations?.get(anchor))) break;
  // A system-level finding (anchored at the system's ID, no element's) is at the system's declaration.
  const system = graph.model.system.id;
  if (!location && detection.anchors.includes(system)) location = locations?.get(systemLocationKey(system));
  return {
    id,
    ruleId: rule.id,
    title: rule.title,
    category: rule.category,
    summary: detection.summary,
    severity: scoring.residual.severity,
    inherent: scoring.inherent,
    residual: scoring.residual,
    reasons: scoring.reasons,
    anchors: detection.anchors,
    evidence: detection.evidence,
    ...(detection.path ? { path: detection.path } : {}),
    controls: scoring.applied,
    missingControls: scoring.missing,
    mappings: findingMappings(rule, graph, detection, scope),
    workflows,
    cause: detection.causeAt !== undefined ? causeId("element", detection.causeAt) : causeOf(graph, detection.anchors, detection.path),
    ...(location ? { location } : {}),
    ...(decision ? { decision } : {}),
    // Set from the decision review once all findings are known.
    status: "open",
    statusReason: "",
    overdue: false,
  };
}

/**
 * The rule's mappings as they hold for one finding. OWASP MCP Top 10 items name threats to MCP: a rule
 * outside the MCP category maps to them for its findings where an MCP server, or a tool one serves, takes
 * part (in the scope, the evidence or the path), and an over-privileged CI account is no MCP02 finding.
 */
function findingMappings(rule: Rule, graph: SystemGraph, detection: Detection, scope: readonly string[]): Mappings {
  if (!rule.mappings.owaspMcp || rule.category === "mcp") return rule.mappings;
  const mcp = (id: string) => graph.kindOf(id) === "mcp-server" || graph.tool(id)?.server !== undefined;
  if (scope.some(mcp) || detection.evidence.some((e) => mcp(e.element)) || detection.path?.some((s) => mcp(s.element))) return rule.mappings;
  let without = withoutMcp.get(rule);
  if (!without) {
    const { owaspMcp: _, ...rest } = rule.mappings;
    withoutMcp.set(rule, (without = rest));
  }
  return without;
}

const withoutMcp = new WeakMap<Rule, Mappings>();

/** Adds the host each element runs on (runsOn) and the identity it acts as (runsAs), in the elements' order; the set skips duplicates. */
function addRuntime(graph: SystemGraph, ids: readonly string[], into: Set<string>, identities = true): void {
  for (const id of ids) {
    const host = graph.hostOf(id);
    if (host !== undefined) into.add(host);
    const identity = identities ? graph.identityOf(id) : undefined;
    if (identity !== undefined && actsAs(graph, id, identity.id, ids)) into.add(identity.id);
  }
}

/**
 * Whether what a finding about the element is about is done as the identity. An agent whose tools each
 * run as an identity of their own acts through those: its own (the one it calls its model and reads its
 * context with) bounds none of its actions, so a control on it, least privilege above all, does not
 * lower what a steered agent can do; where the finding names the agent's tools among its anchors, only
 * those tools are asked. A tool that calls with the asker's own token (delegated) acts as no identity of
 * the model's: the grants it uses are the asker's.
 */
function actsAs(graph: SystemGraph, id: string, identity: string, anchors: readonly string[]): boolean {
  const kind = graph.kindOf(id);
  if (kind === "tool") return graph.tool(id)?.delegated !== true;
  if (kind !== "agent") return true;
  const tools = graph.toolsOf(id);
  if (tools.length === 0) return true;
  // A finding about one of the agent's tools is about what that tool does: the agent's identity counts only
  // where that tool acts as it, not because some other tool of the agent's (one that reads runbooks) does.
  const named = tools.filter((tool) => anchors.includes(tool.id));
  return (named.length > 0 ? named : tools).some((tool) => tool.delegated !== true && (tool.runsAs ?? identity) === identity);
}

function bySeverityThenId(a: Finding, b: Finding): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.residual.score - a.residual.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
