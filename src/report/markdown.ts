// The Markdown report, for pull-request comments and wikis.
import type { AnalysisResult, Finding } from "../analysis/analyze.js";
import { attackTrees, drawTreeCommand, goalText, GOALS_LISTED } from "../analysis/attack-trees.js";
import { SEVERITIES } from "../analysis/scoring.js";
import { techniqueName } from "../catalog/frameworks.js";
import { terminalText } from "./terminal-text.js";

/**
 * Escapes text from the model so it cannot break out of a table cell or inject markup, nor
 * carry an escape sequence or a direction override into a comment or a terminal (as terminalText).
 */
export function mdEscape(text: string): string {
  return terminalText(text).replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

/** `workflow`: the one the result was scoped to, named in the hint since tree ranks are the workflow's. */
export function markdownReport(result: AnalysisResult, workflow?: string): string {
  const out: string[] = [];
  const { summary } = result;
  out.push(`## Threatwright: ${mdEscape(result.system.name)}`, "");
  out.push(`Analysis of ${result.date}: **${summary.findings}** finding${summary.findings === 1 ? "" : "s"}.`, "");
  out.push(`| ${[...SEVERITIES].reverse().join(" | ")} |`, `|${SEVERITIES.map(() => "---:").join("|")}|`, `| ${[...SEVERITIES].reverse().map((s) => summary.bySeverity[s]).join(" | ")} |`, "");
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
    out.push("### Findings", "", "| Severity | Finding | Summary | Status | Residual |", "|---|---|---|---|---:|");
    for (const f of result.findings) out.push(`| ${f.severity} | \`${f.id}\` ${mdEscape(f.title)} | ${mdEscape(f.summary)} | ${f.status}${f.overdue ? " (overdue)" : ""} | ${f.residual.score} |`);
    out.push("");
    out.push("<details><summary>Why each finding scored as it did</summary>", "");
    for (const f of result.findings) out.push(...details(f));
    out.push("</details>", "");
  }
  return out.join("\n");
}

function details(f: Finding): string[] {
  return [
    `#### \`${f.id}\``,
    "",
    ...f.reasons.map((r) => `- ${mdEscape(r)}`),
    ...f.evidence.map((e) => `- evidence \`${e.element}\`: ${mdEscape(e.note)}`),
    ...(f.missingControls.length ? [`- would reduce it: ${f.missingControls.join(", ")}`] : []),
    "",
  ];
}
