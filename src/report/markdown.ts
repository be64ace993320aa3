// The Markdown report, for pull-request comments and wikis.
import type { AnalysisResult, Finding } from "../analysis/analyze.js";
import { attackTrees, drawTreeCommand, goalText, GOALS_LISTED } from "../analysis/attack-trees.js";
import { SEVERITIES } from "../analysis/scoring.js";
import { techniqueName } from "../catalog/frameworks.js";
import type { RootCause } from "../analysis/root-causes.js";
import { CAUSES_LISTED, causeCounts, causeText, sharedCauses, sharedCauseText } from "../analysis/root-causes.js";
import { terminalText } from "./terminal-text.js";
import type { FindingGrouping } from "./text.js";

export interface MarkdownOptions {
  /** The workflow the result was scoped to, named in the hint since tree ranks are the workflow's. */
  workflow?: string;
  /** One findings table (by severity, the default) or one table per root cause. */
  groupBy?: FindingGrouping;
}

/**
 * Escapes text from the model so it cannot break out of a table cell or inject markup, nor
 * carry an escape sequence or a direction override into a comment or a terminal (as terminalText).
 */
export function mdEscape(text: string): string {
  return terminalText(text).replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

export function markdownReport(result: AnalysisResult, options: MarkdownOptions = {}): string {
  const { workflow } = options;
  const out: string[] = [];
  const { summary } = result;
  out.push(`## Threatwright: ${mdEscape(result.system.name)}`, "");
  out.push(`Analysis of ${result.date}: **${summary.findings}** finding${summary.findings === 1 ? "" : "s"}.`, "");
  out.push(`| ${[...SEVERITIES].reverse().join(" | ")} |`, `|${SEVERITIES.map(() => "---:").join("|")}|`, `| ${[...SEVERITIES].reverse().map((s) => summary.bySeverity[s]).join(" | ")} |`, "");
  const shared = sharedCauses(result.causes);
  if (shared.length > 0) {
    const alone = result.causes.length - shared.length;
    out.push("### Root causes", "", `The ${summary.findings} findings follow from ${result.causes.length} weaknesses.${alone > 0 ? ` ${alone === 1 ? "One finding has a cause" : `${alone} findings each have a cause`} of ${alone === 1 ? "its" : "their"} own.` : ""}`, "");
    out.push("| Cause | Findings | Worst |", "|---|---:|---|");
    for (const cause of shared.slice(0, CAUSES_LISTED)) out.push(`| ${mdEscape(causeText(cause, (id) => id))} | ${cause.findings.length} (${causeCounts(cause)}) | ${cause.severity}, ${cause.score} |`);
    out.push("");
    if (shared.length > CAUSES_LISTED) out.push(`…and ${shared.length - CAUSES_LISTED} more shared causes.`, "");
  }
  if (result.attackPaths.length > 0) {
    out.push("### Top attack paths", "");
    for (const path of result.attackPaths.slice(0, 3)) {
      out.push(`**${path.rank}. ${mdEscape(path.title)}** (${path.severity}, ${path.score}) \`${path.finding}\``, "");
      path.steps.forEach((step, i) => out.push(`${i + 1}. \`${step.element}\`: ${mdEscape(step.action)} (${step.technique} ${mdEscape(techniqueName(step.technique))})`));
      out.push("");
    }
    const trees = attackTrees(result.attackPaths);
    out.push("### Attack goals", "", `Where the ${result.attackPaths.length} attack paths lead; \`${drawTreeCommand(workflow)}\` draws every path to one goal.`, "");
    for (const tree of trees.slice(0, GOALS_LISTED)) out.push(`${tree.rank}. ${mdEscape(goalText(tree, (id) => id))} (${tree.severity}, ${tree.score}): ${tree.findings.length} path${tree.findings.length === 1 ? "" : "s"}`);
    if (trees.length > GOALS_LISTED) out.push("", `…and ${trees.length - GOALS_LISTED} more.`);
    out.push("");
  }
  if (result.findings.length > 0) {
    out.push("### Findings", "");
    if (options.groupBy === "cause") {
      const byId = new Map(result.findings.map((f) => [f.id, f]));
      for (const cause of result.causes) {
        out.push(`#### Cause: ${mdEscape(causeText(cause, (id) => id))}`, "");
        findingsTable(out, cause.findings.map((id) => byId.get(id)!));
      }
    } else findingsTable(out, result.findings);
    out.push("<details><summary>Why each finding scored as it did</summary>", "");
    const causes = new Map(result.causes.map((c) => [c.id, c]));
    for (const f of result.findings) out.push(...details(f, causes.get(f.cause)));
    out.push("</details>", "");
  }
  return out.join("\n");
}

function findingsTable(out: string[], findings: readonly Finding[]): void {
  out.push("| Severity | Finding | Summary | Status | Residual |", "|---|---|---|---|---:|");
  for (const f of findings) out.push(`| ${f.severity} | \`${f.id}\` ${mdEscape(f.title)} | ${mdEscape(f.summary)} | ${f.status}${f.overdue ? " (overdue)" : ""} | ${f.residual.score} |`);
  out.push("");
}

function details(f: Finding, cause: RootCause | undefined): string[] {
  return [
    `#### \`${f.id}\``,
    "",
    ...(cause && cause.findings.length > 1 ? [`- cause: ${mdEscape(sharedCauseText(cause, (id) => id))}`] : []),
    ...f.reasons.map((r) => `- ${mdEscape(r)}`),
    ...f.evidence.map((e) => `- evidence \`${e.element}\`: ${mdEscape(e.note)}`),
    ...(f.missingControls.length ? [`- would reduce it: ${f.missingControls.join(", ")}`] : []),
    "",
  ];
}
