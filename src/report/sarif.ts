// SARIF 2.1.0 for code scanning: one result per finding, located at the anchoring element in
// the model file. An attack path becomes a code flow whose steps point at each element's
// declaration (code scanning shows it as the result's path), and the evidence becomes
// related locations. Typed against @types/sarif, so a misspelt property does not compile.
import type { CodeFlow, Location, Log, PhysicalLocation, ReportingDescriptor, Result } from "sarif";
import type { AnalysisResult, Finding } from "../analysis/analyze.js";
import type { Severity } from "../analysis/scoring.js";
import { techniqueName } from "../catalog/frameworks.js";
import type { SourceLocation } from "../model/diagnostics.js";
import type { Rule } from "../rules/rule.js";
import { isSettled } from "../lifecycle/decisions.js";
import { TOOL } from "./json.js";

const LEVEL: Record<Severity, Result.level> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
/** GitHub's security-severity scale (0-10), from the residual score (1-25). */
const securitySeverity = (score: number) => (Math.round((score / 25) * 100) / 10).toFixed(1);

export interface SarifOptions {
  /** Where each element is declared (the loader's locations): steps and evidence point there. */
  locations?: ReadonlyMap<string, SourceLocation>;
  /** The baseline's findings and their residual scores: each result is then new, updated (re-scored) or unchanged. */
  baseline?: ReadonlyMap<string, number>;
}

export function sarifReport(result: AnalysisResult, rules: readonly Rule[], options: SarifOptions = {}): string {
  const used = rules.filter((rule) => result.findings.some((f) => f.ruleId === rule.id));
  const index = new Map(used.map((rule, i) => [rule.id, i]));
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "Threatwright", version: TOOL.version, informationUri: TOOL.informationUri, rules: used.map(descriptor) } },
        results: result.findings.map((finding) => toResult(finding, index.get(finding.ruleId) ?? 0, options)),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}

function descriptor(rule: Rule): ReportingDescriptor {
  return {
    id: rule.id,
    name: rule.title.replace(/[^A-Za-z0-9]+/g, " ").trim().replace(/ (\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: `${rule.rationale}\n\nApplies when: ${rule.appliesWhen}`, markdown: `${rule.rationale}\n\n**Applies when:** ${rule.appliesWhen}` },
    properties: { tags: ["security", "threat-model", rule.category], precision: "high" },
  };
}

function physical(place: SourceLocation): PhysicalLocation {
  return { artifactLocation: { uri: place.file.split("\\").join("/") }, region: { startLine: place.line, startColumn: place.col } };
}

/** A location in the model file, with a message; without a known place, the message alone. */
function at(place: SourceLocation | undefined, text: string): Location {
  return { ...(place ? { physicalLocation: physical(place) } : {}), message: { text } };
}

function toResult(finding: Finding, ruleIndex: number, options: SarifOptions): Result {
  const { locations, baseline } = options;
  const related = locations ? finding.evidence.filter((item) => locations.has(item.element)) : [];
  const codeFlows: CodeFlow[] = finding.path?.length
    ? [
        {
          message: { text: finding.title },
          threadFlows: [
            {
              locations: finding.path.map((step, i) => ({
                location: at(locations?.get(step.element), `${i + 1}. ${step.element}: ${step.action} (${step.technique} ${techniqueName(step.technique)})`),
                executionOrder: i + 1,
              })),
            },
          ],
        },
      ]
    : [];
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: `${finding.summary} ${finding.reasons.join(" ")}` },
    locations: finding.location ? [{ physicalLocation: physical(finding.location) }] : [],
    ...(related.length > 0 ? { relatedLocations: related.map((item, id) => ({ id, ...at(locations!.get(item.element), `${item.element}: ${item.note}`) })) } : {}),
    ...(codeFlows.length > 0 ? { codeFlows } : {}),
    partialFingerprints: { threatwrightFindingId: finding.id },
    ...(baseline ? { baselineState: !baseline.has(finding.id) ? "new" : baseline.get(finding.id) === finding.residual.score ? "unchanged" : "updated" } : {}),
    // Settled findings stay in the log, marked as suppressed by the team's decision, so code scanning does not raise them again.
    ...(isSettled(finding.status) ? { suppressions: [{ kind: "external", status: "accepted", justification: finding.statusReason }] } : {}),
    properties: { severity: finding.severity, "security-severity": securitySeverity(finding.residual.score), residualScore: finding.residual.score, anchors: finding.anchors },
  };
}
