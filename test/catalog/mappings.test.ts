// Every framework ID a rule maps to exists, in the shipped catalogue and in the
// source data in ../shared/data; the catalogue covers every OWASP Top 10 item.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { ATLAS_MITIGATIONS, ATLAS_TACTICS, ATLAS_TECHNIQUES } from "../../src/catalog/atlas-data.js";
import { FRAMEWORKS, mappedIds } from "../../src/catalog/frameworks.js";
import { FRAMEWORK_ITEMS } from "../../src/catalog/frameworks-data.js";
import { RULES } from "../../src/rules/index.js";
import { RULE_CATEGORIES } from "../../src/rules/rule.js";

const SHARED_DATA = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..", "..", "shared", "data");

describe("rule mappings", () => {
  it("every mapped ID is a known item of its framework", () => {
    const unknown: string[] = [];
    for (const rule of RULES) {
      for (const framework of FRAMEWORKS) {
        for (const id of mappedIds(rule.mappings, framework)) if (!(id in framework.items)) unknown.push(`${rule.id}: ${framework.slug} ${id}`);
      }
    }
    assert.deepEqual(unknown, []);
  });

  it("rule IDs are unique and well formed, and every rule has STRIDE, MAESTRO and NIST AI RMF mappings", () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const rule of RULES) {
      assert.match(rule.id, /^TW-[A-Z0-9]+-\d{3}$/);
      assert.ok(rule.mappings.stride.length > 0 && rule.mappings.maestro.length > 0 && rule.mappings.nistAiRmf.length > 0, rule.id);
      assert.ok(RULE_CATEGORIES.includes(rule.category), rule.id);
      assert.ok(rule.likelihood >= 1 && rule.likelihood <= 5 && rule.impact >= 1 && rule.impact <= 5, rule.id);
      assert.ok(rule.rationale.length > 40 && rule.appliesWhen.length > 20, `${rule.id} explains itself`);
    }
  });

  it("the catalogue has at least 60 rules and covers every item of OWASP LLM 2025, Agentic 2026 and NHI 2025", () => {
    assert.ok(RULES.length >= 60, `only ${RULES.length} rules`);
    for (const slug of ["owasp-llm", "owasp-agentic", "owasp-nhi"]) {
      const framework = FRAMEWORKS.find((f) => f.slug === slug)!;
      const uncovered = Object.keys(framework.items).filter((id) => !RULES.some((r) => mappedIds(r.mappings, framework).includes(id)));
      assert.deepEqual(uncovered, [], `${slug} items without a rule`);
    }
  });

  it("every rule module has a test module beside it in test/rules", () => {
    const missing: string[] = [];
    for (const category of RULE_CATEGORIES) {
      const folder = path.join("src", "rules", category);
      for (const file of readdirSync(folder).filter((f) => f.endsWith(".ts") && f !== "index.ts")) {
        if (!existsSync(path.join("test", "rules", category, file.replace(/\.ts$/, ".test.ts")))) missing.push(`${category}/${file}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});

describe("shipped catalogue", () => {
  it("matches ../shared/data (frameworks.yaml and ATLAS 5.6.0)", (t) => {
    if (!existsSync(SHARED_DATA)) {
      t.skip(`${SHARED_DATA} is not present on this machine`);
      return;
    }
    const frameworks = parse(readFileSync(path.join(SHARED_DATA, "frameworks.yaml"), "utf8")) as Record<string, { items?: Record<string, string> }>;
    for (const key of ["owasp-llm-2025", "owasp-agentic-2026", "owasp-agentic-threats", "owasp-nhi-2025", "owasp-mcp-2025", "csa-maestro", "stride", "nist-csf-2"] as const) {
      assert.deepEqual(FRAMEWORK_ITEMS[key], frameworks[key]?.items, key);
    }
    const atlas = parse(readFileSync(path.join(SHARED_DATA, "atlas", "ATLAS-5.6.0.yaml"), "utf8"), { maxAliasCount: -1 }) as {
      matrices: { tactics: { id: string }[]; techniques: { id: string }[]; mitigations: { id: string }[] }[];
    };
    const matrix = atlas.matrices[0]!;
    assert.deepEqual(Object.keys(ATLAS_TECHNIQUES).sort(), matrix.techniques.map((t) => t.id).sort());
    assert.deepEqual(Object.keys(ATLAS_MITIGATIONS).sort(), matrix.mitigations.map((m) => m.id).sort());
    assert.deepEqual(Object.keys(ATLAS_TACTICS).sort(), matrix.tactics.map((m) => m.id).sort());
  });
});
