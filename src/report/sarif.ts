// SARIF 2.1.0 for code scanning: one result per finding, located at the anchoring element in the model file.
import type { AnalysisResult, Finding } from "../analysis/analyze.js";
import type { Severity } from "../analysis/scoring.js";
import type { Rule } from "../rules/rule.js";
import { isSettled } from "../lifecycle/decisions.js";
import { TOOL } from "./json.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
/** GitHub's security-severity scale (0-10), from the residual score (1-25). */
const securitySeverity = (score: number) => (Math.round((score / 25) * 100) / 10).toFixed(1);

export function sarifReport(result: AnalysisResult, rules: readonly Rule[]): string {
  const used = rules.filter((rule) => result.findings.some((f) => f.ruleId === rule.id));
  const index = new Map(used.map((rule, i) => [rule.id, i]));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "Threatwright",
            version: TOOL.version,
            informationUri: TOOL.informationUri,
            rules: used.map((rule) => ({
              id: rule.id,
              name: rule.title.replace(/[^A-Za-z0-9]+/g, " ").trim().replace(/ (\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.rationale },
              help: { text: `${rule.rationale}\n\nApplies when: ${rule.appliesWhen}`, markdown: `${rule.rationale}\n\n**Applies when:** ${rule.appliesWhen}` },
              properties: { tags: ["security", "threat-model", rule.category], precision: "high" },
            })),
          },
        },
        results: result.findings.map((finding) => toResult(finding, index.get(finding.ruleId) ?? 0)),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}

function toResult(finding: Finding, ruleIndex: number) {
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: `${finding.summary} ${finding.reasons.join(" ")}` },
    locations: finding.location
      ? [{ physicalLocation: { artifactLocation: { uri: finding.location.file.split("\\").join("/") }, region: { startLine: finding.location.line, startColumn: finding.location.col } } }]
      : [],
    partialFingerprints: { threatwrightFindingId: finding.id },
    // Settled findings stay in the log, marked as suppressed by the team's decision, so code scanning does not raise them again.
    ...(isSettled(finding.status) ? { suppressions: [{ kind: "external", status: "accepted", justification: finding.statusReason }] } : {}),
    properties: { severity: finding.severity, "security-severity": securitySeverity(finding.residual.score), residualScore: finding.residual.score, anchors: finding.anchors },
  };
}
