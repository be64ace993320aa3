// The JSON report's schema: real reports (the examples, the hostile fixture, a synthetic model,
// filtered reports and one with every kind of decision) must pass both the Zod definition
// and the generated JSON Schema, checked by Ajv as a consumer would; and the schema must
// say no to what the report never writes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { Ajv } from "ajv";
import { analyze } from "../../src/analysis/analyze.js";
import { scopeResult } from "../../src/analysis/scope.js";
import { diskFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";
import type { ThreatModel } from "../../src/model/model.js";
import { ANALYSIS_SCHEMA_FILE, AnalysisReport, analysisJsonSchema } from "../../src/report/analysis-schema.js";
import { jsonReport } from "../../src/report/json.js";
import { syntheticModelFiles } from "../../bench/synthetic.js";
import { memoryFiles } from "../../src/model/files.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TODAY = "2026-11-22";

function load(target: string, files = diskFiles): ThreatModel {
  const result = loadModel(target, files);
  if (!result.ok) assert.fail(`${target} does not load: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.loaded.model;
}

const report = (model: ThreatModel, scope: Parameters<typeof scopeResult>[1] = {}) => JSON.parse(jsonReport(scopeResult(analyze(model, { today: TODAY }), scope))) as Record<string, unknown>;

/** The support assistant with a decision of every kind: expiring soon, expired, mitigated, and one for a finding that does not exist. */
function decided(): ThreatModel {
  const model = load(path.join(ROOT, "examples/support-assistant"));
  return {
    ...model,
    decisions: [
      { finding: "TW-EXF-001@support-agent+send-customer-email", status: "accepted", owner: "appsec@example.com", justification: "test", expires: "2026-12-01" },
      { finding: "TW-PI-001@support-agent", status: "accepted", owner: "appsec@example.com", justification: "test", expires: "2026-11-01" },
      { finding: "TW-RAG-001@help-vector-store", status: "mitigating", owner: "ml@example.com", due: "2026-11-01" },
      { finding: "TW-EXF-001@support-agent+gone-tool", status: "false-positive", owner: "appsec@example.com" },
    ],
  };
}

describe("the JSON report's schema", () => {
  // Decisions carry the model's dates, which the schema marks as format "date" (YYYY-MM-DD, checked by the loader).
  const ajv = new Ajv({ allErrors: true, strict: true }).addFormat("date", /^\d{4}-\d{2}-\d{2}$/);
  const validate = ajv.compile(analysisJsonSchema());
  const synthetic = load("/synthetic/threatwright.yaml", memoryFiles(Object.fromEntries(Object.entries(syntheticModelFiles(1000)).map(([name, text]) => [`/synthetic/${name}`, text]))));
  const reports: [string, Record<string, unknown>][] = [
    ...["support-assistant", "coding-agent", "invoice-agents"].map((example): [string, Record<string, unknown>] => [example, report(load(path.join(ROOT, "examples", example)))]),
    ["hostile model", report(load(path.join(ROOT, "test/fixtures/hostile-model")))],
    ["synthetic 1k", report(synthetic)],
    ["one workflow, high and above", report(load(path.join(ROOT, "examples/invoice-agents")), { workflow: "invoice-payment", minSeverity: "high" })],
    ["every kind of decision", report(decided())],
  ];

  for (const [name, json] of reports) {
    it(`${name}: the report fits the Zod definition and the generated JSON Schema`, () => {
      const parsed = AnalysisReport.safeParse(json);
      assert.ok(parsed.success, parsed.error?.message);
      assert.ok(validate(json), ajv.errorsText(validate.errors));
    });
  }

  it("is exercised by those reports: decisions, reopened findings, orphans and paths all occur", () => {
    const json = reports.find(([name]) => name === "every kind of decision")![1] as { findings: { id: string; decision?: unknown; reopened?: string; overdue: boolean }[]; decisions: { orphans: unknown[]; expiringSoon: unknown[] } };
    assert.equal(json.findings.find((f) => f.id === "TW-PI-001@support-agent")?.reopened, "acceptance-expired");
    assert.ok(json.findings.find((f) => f.id === "TW-RAG-001@help-vector-store")?.overdue);
    assert.equal(json.decisions.orphans.length, 1);
    assert.equal(json.decisions.expiringSoon.length, 1);
  });

  it("refuses what the report never writes: an unknown field, a severity out of the scale, a path without steps", () => {
    const good = reports[0]![1] as { findings: Record<string, unknown>[]; attackPaths: Record<string, unknown>[] };
    const variants: [string, unknown][] = [
      ["an unknown finding field", { ...good, findings: [{ ...good.findings[0], extra: 1 }, ...good.findings.slice(1)] }],
      ["severity 'severe'", { ...good, findings: [{ ...good.findings[0], severity: "severe" }] }],
      ["an attack path with no step", { ...good, attackPaths: [{ ...good.attackPaths[0], steps: [] }] }],
      ["schemaVersion 2.0", { ...good, schemaVersion: "2.0" }],
    ];
    for (const [what, json] of variants) {
      assert.equal(AnalysisReport.safeParse(json).success, false, `Zod takes ${what}`);
      assert.equal(validate(json), false, `the JSON Schema takes ${what}`);
    }
  });

  it("is documented field by field in docs/analysis-json.md", () => {
    const doc = readFileSync(path.join(ROOT, "docs/analysis-json.md"), "utf8");
    const documented = (heading: string) => {
      const section = heading === "" ? doc.slice(0, doc.indexOf("\n## ")) : doc.slice(doc.indexOf(`\n## ${heading}\n`), doc.indexOf("\n## ", doc.indexOf(`\n## ${heading}\n`) + 1) >>> 0 || undefined);
      return new Set([...section.matchAll(/^\| `([a-zA-Z]+)[`.[]/gm), ...section.matchAll(/^\| `[a-zA-Z]+`, `([a-zA-Z]+)`/gm), ...section.matchAll(/^\| `[a-zA-Z]+`, `[a-zA-Z]+`, `([a-zA-Z]+)`/gm)].map((m) => m[1]!));
    };
    assert.deepEqual([...documented("")].sort(), Object.keys(AnalysisReport.shape).sort());
    assert.deepEqual([...documented("Finding")].sort(), Object.keys((AnalysisReport.shape.findings.element as unknown as { shape: object }).shape).sort());
    assert.deepEqual([...documented("AttackPath")].sort(), Object.keys(AnalysisReport.shape.attackPaths.element.shape).sort());
    assert.match(doc, new RegExp(ANALYSIS_SCHEMA_FILE.replace(/\./g, "\\.")), "the page points at the JSON Schema");
  });
});
