// Property tests: whatever the input, loading ends in either a model or located
// errors, never an exception, and within a time bound. Inputs are arbitrary
// text and bytes, YAML-like token soup, and mutations of a valid model.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isPair, isScalar, isSeq, parseDocument, stringify, visit } from "yaml";
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from "yaml";
import { starterModel } from "../../src/cli/starter-model.js";
import { byPosition } from "../../src/model/diagnostics.js";
import type { DiagnosticCode } from "../../src/model/diagnostics.js";
import { memoryFiles } from "../../src/model/files.js";
import { RootFile } from "../../src/model/schema.js";
import { collectReferences } from "../../src/model/schema-walk.js";
import type { LoadResult } from "../../src/model/load.js";
import { loadModel } from "../../src/model/load.js";

/** Longest one load may take, however hostile its input. */
const TIME_BOUND_MS = 2000;

const CODES = new Set<DiagnosticCode>([
  "io-error",
  "file-too-large",
  "model-too-large",
  "not-utf8",
  "empty-file",
  "yaml-syntax",
  "multiple-documents",
  "duplicate-key",
  "too-deep",
  "alias-limit",
  "not-a-mapping",
  "unknown-key",
  "missing-field",
  "wrong-type",
  "invalid-value",
  "duplicate-id",
  "duplicate-decision",
  "unresolved-reference",
  "wrong-reference-kind",
  "include-not-found",
  "include-cycle",
  "include-outside-root",
  "too-many-files",
]);

const BASE = starterModel("threatwright.schema.json");

/**
 * Loads `files` from memory starting at `root` and checks the outcome: a model, or at least
 * one error, each in one of the files, at a line and column that exist in it, with a known
 * code, a message and a hint, all sorted by position.
 */
function assertLocatedOutcome(files: Record<string, string | Uint8Array>, root: string): LoadResult {
  const started = performance.now();
  const result = loadModel(root, memoryFiles(files));
  const elapsed = performance.now() - started;
  assert.ok(elapsed < TIME_BOUND_MS, `loading took ${Math.round(elapsed)} ms`);
  if (result.ok) {
    assert.ok(result.loaded.model.system, "a loaded model has its system");
    assert.ok(!result.diagnostics.some((d) => d.severity === "error"), "a loaded model has no errors");
    return result;
  }
  assert.ok(result.diagnostics.length >= 1, "an invalid model has at least one diagnostic");
  for (const d of result.diagnostics) {
    const content = files[d.file];
    assert.ok(content !== undefined, `diagnostic in an unknown file: ${d.file}`);
    const lines = (typeof content === "string" ? content : Buffer.from(content).toString("utf8")).split("\n");
    assert.ok(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines.length, `line ${d.line} is not in the file (${lines.length} lines): ${d.code}`);
    assert.ok(Number.isInteger(d.col) && d.col >= 1 && d.col <= (lines[d.line - 1]?.length ?? 0) + 1, `column ${d.col} is not on line ${d.line}: ${d.code}`);
    assert.ok(CODES.has(d.code), `unknown code ${d.code}`);
    assert.equal(d.severity, "error");
    assert.ok(d.message.length > 0, "empty message");
    assert.ok((d.hint ?? "").length > 0, `no hint for ${d.code}: ${d.message}`);
  }
  for (let i = 1; i < result.diagnostics.length; i++) {
    assert.ok(byPosition(result.diagnostics[i - 1]!, result.diagnostics[i]!) <= 0, "diagnostics are sorted by position");
  }
  return result;
}

/** Pieces of YAML and of models, so random text often gets past the parser into the checks behind it. */
const YAML_PIECES = [
  "threatwright: 1\n",
  "system:\n",
  "  id: shop\n",
  "  name: Shop\n",
  "  owner: o\n",
  "agents:\n",
  "  - id: a\n",
  "    models: [m]\n",
  "models:\n",
  "  - {id: m, provider: p, hosting: hosted-api}\n",
  "include: [x.yaml]\n",
  "include: [m.yaml]\n",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ": ",
  ", ",
  "? ",
  "&a ",
  "*a",
  "*b",
  "<<: *a\n",
  "---\n",
  "...\n",
  '"',
  "'",
  "# c\n",
  "\t",
  "\n",
  "  ",
  "!!str ",
  "!!binary ",
  "!x ",
  "|\n",
  ">-\n",
  "%YAML 1.2\n",
  "\ufeff",
  "\u0000",
  "\r\n",
  "\r",
  "é",
  "😀",
  "~",
  "null",
  "true",
  "0x1F",
  "1e3",
  ".inf",
  "-",
  "@",
  "`",
];

const yamlSoup = fc.array(fc.constantFrom(...YAML_PIECES), { maxLength: 60 }).map((pieces) => pieces.join(""));

describe("arbitrary input ends in a model or located errors", () => {
  it("holds for arbitrary text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 }), yamlSoup), (text) => {
        assertLocatedOutcome({ "m.yaml": text }, "m.yaml");
      }),
      { numRuns: 400 },
    );
  });

  it("holds for arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        assertLocatedOutcome({ "m.yaml": bytes }, "m.yaml");
      }),
      { numRuns: 200 },
    );
  });

  it("holds for arbitrary text in an included file, and for includes that point anywhere", () => {
    const includePath = fc.oneof(
      fc.constantFrom("part.yaml", "./part.yaml", "../part.yaml", "/part.yaml", "m/part.yaml", "threatwright.yaml", "sub/../part.yaml", ".", "..", "part.yaml/"),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(includePath, { maxLength: 4 }), fc.oneof(yamlSoup, fc.string({ maxLength: 200 })), (includes, part) => {
        const root = `threatwright: 1\nsystem:\n  id: shop\n  name: Shop\n  owner: o\ninclude: ${JSON.stringify(includes)}\n`;
        assertLocatedOutcome({ "m/threatwright.yaml": root, "m/part.yaml": part }, "m");
      }),
      { numRuns: 200 },
    );
  });
});

/** A place in the document that holds a value: a mapping's value or a list's item. */
interface Slot {
  get(): unknown;
  set(node: unknown): void;
  parent: YAMLMap | YAMLSeq;
}

function slotsOf(doc: Document): Slot[] {
  const slots: Slot[] = [];
  visit(doc, {
    Map(_key, map) {
      for (const pair of map.items) slots.push({ get: () => pair.value, set: (node) => (pair.value = node), parent: map });
    },
    Seq(_key, seq) {
      seq.items.forEach((_item, index) => slots.push({ get: () => seq.items[index], set: (node) => (seq.items[index] = node), parent: seq }));
    },
  });
  return slots;
}

function pairsOf(doc: Document): { map: YAMLMap; pair: Pair }[] {
  const pairs: { map: YAMLMap; pair: Pair }[] = [];
  visit(doc, {
    Map(_key, map) {
      for (const pair of map.items) if (isPair(pair)) pairs.push({ map, pair });
    },
  });
  return pairs;
}

type Mutation =
  | { kind: "delete-key"; pick: number }
  | { kind: "rename-key"; pick: number; name: string }
  | { kind: "retype"; pick: number; value: unknown }
  | { kind: "duplicate"; pick: number }
  | { kind: "reference"; pick: number; id: string }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; text: string };

const BASE_VALUE = parseDocument(BASE).toJS() as Record<string, unknown>;
/** Where the base model refers to elements, as paths into the document. */
const REFERENCE_PATHS = collectReferences(RootFile, BASE_VALUE).map((site) => site.path);
const BASE_IDS = [...new Set(collectReferences(RootFile, BASE_VALUE).map((site) => site.target))];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete-key" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("rename-key" as const), pick: fc.nat(), name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("id", "type", "agents", "tools", "name", "<<", "descripton")) }),
  fc.record({
    kind: fc.constant("retype" as const),
    pick: fc.nat(),
    value: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 10 }), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.nat(), { maxKeys: 3 })),
  }),
  fc.record({ kind: fc.constant("duplicate" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("reference" as const), pick: fc.nat(), id: fc.oneof(fc.constantFrom(...BASE_IDS), fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), fc.string({ maxLength: 12 })) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...YAML_PIECES)) }),
);

/** Applies mutations in order: structural ones on the YAML document, then text ones on its text. */
function mutate(base: string, mutations: Mutation[]): string {
  const doc = parseDocument(base);
  const textual: Extract<Mutation, { kind: "truncate" | "insert" }>[] = [];
  for (const m of mutations) {
    if (m.kind === "truncate" || m.kind === "insert") {
      textual.push(m);
      continue;
    }
    if (m.kind === "delete-key" || m.kind === "rename-key") {
      const pairs = pairsOf(doc);
      const chosen = pairs[m.pick % pairs.length];
      if (!chosen) continue;
      if (m.kind === "delete-key") chosen.map.items.splice(chosen.map.items.indexOf(chosen.pair), 1);
      else chosen.pair.key = doc.createNode(m.name);
      continue;
    }
    const slots = slotsOf(doc);
    if (m.kind === "retype") {
      const slot = slots[m.pick % slots.length];
      slot?.set(doc.createNode(m.value));
    } else if (m.kind === "duplicate") {
      const items = slots.filter((s) => isSeq(s.parent));
      const slot = items[m.pick % items.length];
      const item = slot?.get() as Node | undefined;
      if (slot && item) (slot.parent as YAMLSeq).items.push(item.clone());
    } else {
      // A reference: one of the base model's reference fields, where it still holds text.
      const path = REFERENCE_PATHS[m.pick % REFERENCE_PATHS.length];
      if (path && isScalar(doc.getIn(path, true))) doc.setIn(path, doc.createNode(m.id));
    }
  }
  let text = doc.toString();
  for (const m of textual) {
    const at = m.at % (text.length + 1);
    text = m.kind === "truncate" ? text.slice(0, at) : `${text.slice(0, at)}${m.text}${text.slice(at)}`;
  }
  return text;
}

describe("mutations of a valid model end in a model or located errors", () => {
  it("starts from a model that loads", () => {
    const result = assertLocatedOutcome({ "m.yaml": BASE }, "m.yaml");
    assert.ok(result.ok);
    assert.deepEqual(mutate(BASE, []), parseDocument(BASE).toString());
  });

  it("holds after deleting and renaming keys, changing types, duplicating elements, replacing references, truncating and inserting text", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        assertLocatedOutcome({ "m.yaml": mutate(BASE, mutations) }, "m.yaml");
      }),
      { numRuns: 300 },
    );
  });

  it("reports a replaced reference that names no element as unresolved, at the reference", () => {
    fc.assert(
      fc.property(fc.nat(), fc.stringMatching(/^zz[a-z0-9-]{1,10}$/), (pick, id) => {
        const text = mutate(BASE, [{ kind: "reference", pick, id }]);
        const result = assertLocatedOutcome({ "m.yaml": text }, "m.yaml");
        assert.equal(result.ok, false);
        const [d] = result.diagnostics;
        assert.equal(result.diagnostics.length, 1);
        assert.equal(d?.code, "unresolved-reference");
        assert.match(d?.message ?? "", new RegExp(`^'${id}' is not the ID of `));
        // The diagnostic points at the new ID in the text.
        const line = text.split("\n")[(d?.line ?? 1) - 1] ?? "";
        assert.equal(line.slice((d?.col ?? 1) - 1, (d?.col ?? 1) - 1 + id.length), id);
      }),
      { numRuns: 100 },
    );
  });
});

describe("a secret pasted anywhere is never echoed", () => {
  // Not a plain word, ID or path ('+', '/' and '='), so no message may quote it.
  const SECRET = "sk+live/1234567890abcdef=";
  const placed = fc.oneof(
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.constantFrom(SECRET, ` ${SECRET}`, `${SECRET}: x\n`, `"${SECRET}`, `!${SECRET} `, `&${SECRET} `, `*${SECRET}`, `[${SECRET}`, `|${SECRET}\n`) }),
    fc.record({ kind: fc.constant("retype" as const), pick: fc.nat(), value: fc.constant(SECRET) }),
    fc.record({ kind: fc.constant("rename-key" as const), pick: fc.nat(), name: fc.constant(SECRET) }),
    fc.record({ kind: fc.constant("reference" as const), pick: fc.nat(), id: fc.constant(SECRET) }),
  );

  it("holds wherever it lands: as a value, a key, a reference, or text cutting through the YAML", () => {
    fc.assert(
      fc.property(placed, fc.array(mutation, { maxLength: 2 }), (secret, others) => {
        const result = assertLocatedOutcome({ "m.yaml": mutate(BASE, [secret, ...others]) }, "m.yaml");
        for (const d of result.diagnostics) {
          assert.ok(!`${d.message}\n${d.hint ?? ""}`.includes("1234567890abcdef"), `${d.code}: ${d.message} / ${d.hint}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** The model's lists with their elements shuffled, and its top-level keys in another order. */
function reordered(value: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(value).map(([key, v]) =>
    Array.isArray(v) && v.length > 1 ? fc.shuffledSubarray(v, { minLength: v.length, maxLength: v.length }).map((list) => [key, list] as const) : fc.constant([key, v] as const),
  );
  return fc
    .tuple(...entries)
    .chain((pairs) => fc.shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length }))
    .map((pairs) => Object.fromEntries(pairs));
}

describe("a valid model reordered and written out again", () => {
  const original = loadModel("m.yaml", memoryFiles({ "m.yaml": BASE }));
  assert.ok(original.ok);
  const kinds = [...original.loaded.kinds].sort();

  it("loads with the same IDs of the same kinds", () => {
    fc.assert(
      fc.property(reordered(BASE_VALUE), (shuffled) => {
        const result = assertLocatedOutcome({ "m.yaml": stringify(shuffled) }, "m.yaml");
        assert.ok(result.ok, "a reordered valid model stays valid");
        assert.deepEqual([...result.loaded.kinds].sort(), kinds);
        assert.equal(result.loaded.model.decisions.length, original.loaded.model.decisions.length);
      }),
      { numRuns: 100 },
    );
  });
});
