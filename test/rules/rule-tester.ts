// The shared rule tester: each rule gets small models on which it must fire (with
// the exact findings) and models on which it must stay silent. Models go through
// the real loader, so a broken test model fails loudly instead of passing quietly.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { analyze } from "../../src/analysis/analyze.js";
import type { Finding } from "../../src/analysis/analyze.js";
import { formatDiagnostic } from "../../src/model/diagnostics.js";
import { memoryFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";
import type { ThreatModel } from "../../src/model/model.js";
import type { Detection, Rule } from "../../src/rules/rule.js";

/** Element lists of a model, as written in YAML (system and version are added). */
export type ModelSpec = Record<string, unknown>;

export const TODAY = "2026-11-22";

/** Merges specs: lists are concatenated, other keys taken from the last spec that has them. */
export function spec(...parts: ModelSpec[]): ModelSpec {
  const merged: ModelSpec = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const existing = merged[key];
      merged[key] = Array.isArray(existing) && Array.isArray(value) ? [...existing, ...value] : value;
    }
  }
  return merged;
}

export function loadSpec(model: ModelSpec): ThreatModel {
  const root = { threatwright: 1, system: { id: "test-system", name: "Test system", owner: "team@example.com" }, ...model };
  const result = loadModel("m/threatwright.yaml", memoryFiles({ "m/threatwright.yaml": stringify(root) }));
  if (!result.ok) assert.fail(`test model is invalid:\n${result.diagnostics.map(formatDiagnostic).join("\n")}`);
  return result.loaded.model;
}

export function findingsOf(rule: Rule, model: ModelSpec, today = TODAY): Finding[] {
  return analyze(loadSpec(model), { today, rules: [rule] }).findings;
}

/** The rule's findings and the detections they were made from (analyze keeps the first detection per finding ID). */
function findingsWithDetections(rule: Rule, model: ModelSpec, today = TODAY): { findings: Finding[]; detections: Detection[] } {
  let detections: Detection[] = [];
  const recording: Rule = { ...rule, detect: (context) => (detections = rule.detect(context)) };
  return { findings: findingsOf(recording, model, today), detections };
}

/**
 * The finding explains its score in three lines (likelihood, impact, residual), and each factor of
 * the detection is in the line of its dimension, with its delta.
 */
function assertFactorsExplained(finding: Finding, detection: Detection): void {
  const [likelihood, impact, residual, ...rest] = finding.reasons;
  assert.match(likelihood ?? "", new RegExp(`^Likelihood ${finding.inherent.likelihood}/5: rule default \\d`), finding.reasons.join("\n"));
  assert.match(impact ?? "", new RegExp(`^Impact ${finding.inherent.impact}/5: rule default \\d`), finding.reasons.join("\n"));
  assert.match(residual ?? "", /^Residual (equals inherent|\d+(\.\d+)?x\d+(\.\d+)?: )/, finding.reasons.join("\n"));
  assert.deepEqual(rest, [], `${finding.id} has three reasons`);
  for (const factor of detection.factors ?? []) {
    const heading = factor.dimension === "likelihood" ? "Likelihood " : "Impact ";
    const line = finding.reasons.find((r) => r.startsWith(heading)) ?? "";
    const part = `${factor.delta > 0 ? "+" : ""}${factor.delta} ${factor.reason}`;
    assert.ok(line.includes(part), `${finding.id} explains its score with "${part}"; its reasons:\n${finding.reasons.join("\n")}`);
  }
}

export interface ExpectedFinding {
  anchors: string[];
  severity?: Finding["severity"];
  /** Words the summary must contain. */
  summary?: RegExp;
  check?: (finding: Finding) => void;
}

export interface RuleCases {
  valid: { name: string; model: ModelSpec; today?: string }[];
  invalid: { name: string; model: ModelSpec; today?: string; findings: ExpectedFinding[] }[];
}

export function ruleTester(rule: Rule, cases: RuleCases): void {
  describe(`${rule.id} ${rule.title}`, () => {
    assert.ok(cases.valid.length > 0 && cases.invalid.length > 0, `${rule.id} needs cases where it must fire and where it must not`);
    for (const c of cases.valid) {
      it(`stays silent: ${c.name}`, () => {
        const findings = findingsOf(rule, c.model, c.today);
        assert.deepEqual(findings.map((f) => f.id), [], `${rule.id} must not fire`);
      });
    }
    for (const c of cases.invalid) {
      it(`fires: ${c.name}`, () => {
        const { findings, detections } = findingsWithDetections(rule, c.model, c.today);
        assert.deepEqual(findings.map((f) => f.anchors).sort(), c.findings.map((f) => f.anchors).sort(), `${rule.id} findings (by anchors)`);
        for (const expected of c.findings) {
          const finding = findings.find((f) => f.anchors.join("+") === expected.anchors.join("+"))!;
          if (expected.severity) assert.equal(finding.severity, expected.severity, `severity of ${finding.id}`);
          if (expected.summary) assert.match(finding.summary, expected.summary);
          assert.ok(finding.evidence.length > 0, `${finding.id} cites evidence`);
          assertFactorsExplained(finding, detections.find((d) => d.anchors.join("+") === expected.anchors.join("+"))!);
          expected.check?.(finding);
        }
      });
    }
  });
}
