// The terminal report: summary, top attack paths, then findings grouped by severity with their evidence and reasons.
import type { AnalysisResult, Finding } from "../analysis/analyze.js";
import { SEVERITIES } from "../analysis/scoring.js";
import { FRAMEWORKS, mappedIds, techniqueName } from "../catalog/frameworks.js";
import { attackTrees, drawTreeCommand, goalText, GOALS_LISTED } from "../analysis/attack-trees.js";
import { isSettled } from "../lifecycle/decisions.js";
import type { RootCause } from "../analysis/root-causes.js";
import { CAUSES_LISTED, causeCounts, causeText, sharedCauses, sharedCauseText } from "../analysis/root-causes.js";
import { terminalText } from "./terminal-text.js";

export interface TextOptions {
  /** How many attack paths to show in full. */
  paths?: number;
  /** The workflow the result was scoped to: tree ranks are the workflow's, so the hint names it. */
  workflow?: string;
  /** List the findings under their severity (the default) or under their root cause. */
  groupBy?: FindingGrouping;
}

export const FINDING_GROUPINGS = ["severity", "cause"] as const;
export type FindingGrouping = (typeof FINDING_GROUPINGS)[number];

export function textReport(result: AnalysisResult, options: TextOptions = {}): string {
  const lines: string[] = [];
  const { summary } = result;
  lines.push(`Threatwright analysis of ${result.system.name} (${result.date})`);
  lines.push(`${summary.findings} finding${summary.findings === 1 ? "" : "s"}: ${[...SEVERITIES].reverse().map((s) => `${summary.bySeverity[s]} ${s}`).join(", ")}`);
  lines.push(`Injectable agents: ${idList(summary.injectableAgents)}`);
  lines.push(`Untrusted entry points: ${idList(summary.untrustedEntryPoints)}`);
  const decided = result.decisions.summary;
  lines.push(`Decisions: ${decided.undecided} undecided, ${decided.reopened} reopened, ${decided.overdue} overdue, ${decided.expiringSoon} acceptance${decided.expiringSoon === 1 ? "" : "s"} expiring within 30 days`);
  for (const orphan of result.decisions.orphans) lines.push(`  decision for a finding that no longer exists: ${orphan.hint}`);
  // Findings still to act on are what the plan weighs.
  if (result.findings.some((f) => !isSettled(f.status))) lines.push(`What to do first: 'threatwright plan${options.workflow ? ` --workflow ${options.workflow}` : ""}' measures which controls bring the worst findings down first`);

  const shared = sharedCauses(result.causes);
  if (shared.length > 0) {
    const alone = result.causes.length - shared.length;
    lines.push("", `Root causes (the ${summary.findings} findings follow from ${result.causes.length} weaknesses; '--group-by cause' lists them so)`);
    for (const cause of shared.slice(0, CAUSES_LISTED)) lines.push(`  - ${causeLine(cause)}`);
    if (shared.length > CAUSES_LISTED) lines.push(`  … ${shared.length - CAUSES_LISTED} more shared causes`);
    if (alone > 0) lines.push(alone === 1 ? "  1 other finding has a cause of its own" : `  ${alone} other findings each have a cause of their own`);
  }

  const paths = result.attackPaths.slice(0, options.paths ?? 3);
  if (paths.length > 0) {
    lines.push("", "Top attack paths");
    for (const path of paths) {
      lines.push(`  ${path.rank}. [${path.severity} ${path.score}] ${path.title}`, `     ${path.finding}`);
      path.steps.forEach((step, index) => lines.push(`     ${index + 1}) ${step.element}: ${step.action}  [${step.technique} ${techniqueName(step.technique)}]`));
    }
    const trees = attackTrees(result.attackPaths);
    lines.push("", `Attack goals (${trees.length}; '${drawTreeCommand(options.workflow)}' draws every path to one)`);
    for (const tree of trees.slice(0, GOALS_LISTED)) lines.push(`  ${tree.rank}. [${tree.severity} ${tree.score}] ${goalText(tree, (id) => id)}: ${tree.findings.length} path${tree.findings.length === 1 ? "" : "s"}`);
    if (trees.length > GOALS_LISTED) lines.push(`  … ${trees.length - GOALS_LISTED} more`);
  }
  const causes = new Map(result.causes.map((c) => [c.id, c]));
  if (options.groupBy === "cause") {
    const byId = new Map(result.findings.map((f) => [f.id, f]));
    for (const cause of result.causes) {
      lines.push("", `CAUSE: ${causeLine(cause)}`);
      for (const id of cause.findings) lines.push(...findingLines(byId.get(id)!));
    }
  } else {
    for (const severity of [...SEVERITIES].reverse()) {
      const group = result.findings.filter((f) => f.severity === severity);
      if (group.length === 0) continue;
      lines.push("", `${severity.toUpperCase()} (${group.length})`);
      for (const finding of group) lines.push(...findingLines(finding, causes.get(finding.cause)));
    }
  }
  if (result.truncated.length > 0) lines.push("", "The search was bounded:", ...result.truncated.map((t) => `  - ${t}`));
  // Every line quotes model text somewhere; none of ours holds a control character.
  return lines.map(terminalText).join("\n") + "\n";
}

/** IDs the header lists before '… and N more': a large model's hundreds would bury the rest of the summary (the JSON has them all). */
const IDS_LISTED = 20;

function idList(ids: readonly string[]): string {
  if (ids.length === 0) return "none";
  return ids.length > IDS_LISTED ? `${ids.slice(0, IDS_LISTED).join(", ")} … and ${ids.length - IDS_LISTED} more` : ids.join(", ");
}

/** A cause, its worst finding and its findings by severity, on one line. */
function causeLine(cause: RootCause): string {
  return `[${cause.severity} ${cause.score}] ${causeText(cause, (id) => id)}: ${cause.findings.length} finding${cause.findings.length === 1 ? "" : "s"} (${causeCounts(cause)})`;
}

/** `cause`: the finding's root cause, named when other findings share it (under a cause heading it goes without saying). */
function findingLines(finding: Finding, cause?: RootCause): string[] {
  const lines = [``, `  ${finding.id}  ${finding.title}`];
  if (finding.location) lines.push(`    at ${finding.location.file}:${finding.location.line}:${finding.location.col}`);
  lines.push(`    ${finding.summary}`);
  lines.push(`    status: ${finding.status}${finding.overdue ? ", overdue" : ""}: ${finding.statusReason}${finding.decision?.owner ? ` (owner ${finding.decision.owner})` : ""}`);
  if (cause && cause.findings.length > 1) lines.push(`    cause: ${sharedCauseText(cause, (id) => id)}`);
  lines.push(`    risk: inherent ${finding.inherent.likelihood}x${finding.inherent.impact}=${finding.inherent.score}, residual ${finding.residual.likelihood}x${finding.residual.impact}=${finding.residual.score}`);
  lines.push("    evidence:");
  for (const item of finding.evidence) lines.push(`      - ${item.element}: ${item.note}`);
  lines.push("    why:");
  for (const reason of finding.reasons) lines.push(`      - ${reason}`);
  if (finding.missingControls.length > 0) lines.push(`    would reduce it: ${finding.missingControls.join(", ")}`);
  const maps = FRAMEWORKS.filter((f) => f.key !== "stride" && f.key !== "nistAiRmf").flatMap((f) => mappedIds(finding.mappings, f));
  if (maps.length > 0) lines.push(`    maps to: ${maps.join(", ")}`);
  return lines;
}
