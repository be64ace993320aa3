// The machine-readable report: the analysis result under a versioned envelope (docs/analysis-json.md).
// Each rule's metadata is written once under `rules`; findings refer to it by ruleId.
import type { AnalysisResult } from "../analysis/analyze.js";

export const TOOL = { name: "threatwright", version: "0.1.0", informationUri: "https://github.com/threatwright/threatwright" } as const;

export function jsonReport(result: AnalysisResult): string {
  const rules: Record<string, { title: string; category: string; mappings: unknown }> = {};
  const findings = result.findings.map(({ mappings, ...finding }) => {
    rules[finding.ruleId] ??= { title: finding.title, category: finding.category, mappings };
    return finding;
  });
  const sortedRules = Object.fromEntries(Object.entries(rules).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify({ tool: { name: TOOL.name, version: TOOL.version }, ...result, findings, rules: sortedRules }, null, 2) + "\n";
}
