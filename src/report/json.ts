// The machine-readable report: the analysis result under a versioned envelope (docs/analysis-json.md).
// Each rule's metadata is written once under `rules`; findings refer to it by ruleId, and name the
// frameworks of its mappings that do not hold for them, where there are such.
import type { AnalysisResult } from "../analysis/analyze.js";
import { frameworksLeftOut } from "../catalog/frameworks.js";
import type { Mappings } from "../rules/rule.js";
import { RULES } from "../rules/index.js";

const RULE_MAPPINGS: ReadonlyMap<string, Mappings> = new Map(RULES.map((rule) => [rule.id, rule.mappings]));

export const TOOL = { name: "threatwright", version: "0.1.0", informationUri: "https://github.com/threatwright/threatwright" } as const;

export function jsonReport(result: AnalysisResult): string {
  const rules: Record<string, { title: string; category: string; mappings: unknown }> = {};
  const findings = result.findings.map(({ mappings, ...finding }) => {
    const ruleMappings = RULE_MAPPINGS.get(finding.ruleId) ?? mappings;
    rules[finding.ruleId] ??= { title: finding.title, category: finding.category, mappings: ruleMappings };
    // A finding for which fewer of its rule's mappings hold (MCP items where no MCP server takes part) names the frameworks left out.
    const leftOut = frameworksLeftOut(ruleMappings, mappings);
    return leftOut.length > 0 ? { ...finding, frameworksLeftOut: leftOut } : finding;
  });
  const sortedRules = Object.fromEntries(Object.entries(rules).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify({ tool: { name: TOOL.name, version: TOOL.version }, ...result, findings, rules: sortedRules }, null, 2) + "\n";
}
