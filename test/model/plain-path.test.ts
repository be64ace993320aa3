// The loader's plain path must be invisible: for any input, loadModel gives exactly what the
// careful path alone gives (same model with keys in the same order, same locations, same
// diagnostics), and its compiled checker accepts only what zod accepts, with zod's value.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseDocument } from "yaml";
import { memoryFiles } from "../../src/model/files.js";
import type { LoadResult } from "../../src/model/load.js";
import { loadModel, loadModelCarefully } from "../../src/model/load.js";
import { compilePlainCheck, NOT_PLAIN } from "../../src/model/plain-check.js";
import type { ReferenceUse } from "../../src/model/plain-check.js";
import { IncludedFile, RootFile } from "../../src/model/schema.js";

type Files = Record<string, string>;

function exampleModels(): Files[] {
  return readdirSync("examples")
    .filter((name) => !name.endsWith(".md"))
    .map((name) => {
      const folder = path.join("examples", name);
      return Object.fromEntries(readdirSync(folder).filter((f) => f.endsWith(".yaml")).map((f) => [f, readFileSync(path.join(folder, f), "utf8")]));
    });
}

/** Everything a caller can observe of a load, with object keys and map entries in their order. */
function observed(result: LoadResult): string {
  if (!result.ok) return JSON.stringify(result);
  const { model, locations, kinds, files } = result.loaded;
  return JSON.stringify({ ok: true, model, locations: [...locations], kinds: [...kinds], files, diagnostics: result.diagnostics });
}

function assertSameLoad(files: Files): LoadResult {
  const fast = loadModel("threatwright.yaml", memoryFiles(files));
  const careful = loadModelCarefully("threatwright.yaml", memoryFiles(files));
  assert.equal(observed(fast), observed(careful));
  return fast;
}

const EXAMPLES = exampleModels();

describe("the plain path", () => {
  it("compiles a checker for both kinds of model file", () => {
    assert.notEqual(compilePlainCheck(RootFile), undefined);
    assert.notEqual(compilePlainCheck(IncludedFile), undefined);
  });

  it("loads every example exactly as the careful path does", () => {
    assert.equal(EXAMPLES.length, 3);
    for (const files of EXAMPLES) assert.ok(assertSameLoad(files).ok);
  });

  it("gives each element its keys in schema order, as zod does, whatever the file's order", () => {
    const files = {
      "threatwright.yaml": "threatwright: 1\nsystem: {owner: o, id: shop, name: Shop}\nactors:\n  - type: public\n    id: visitors\n    name: Visitors\n",
    };
    const result = assertSameLoad(files);
    assert.ok(result.ok);
    assert.deepEqual(Object.keys(result.loaded.model.actors[0]!), ["id", "name", "type"]);
    assert.deepEqual(Object.keys(result.loaded.model.system), ["id", "name", "owner"]);
    assert.deepEqual(result.loaded.locations.get("visitors"), { file: "threatwright.yaml", line: 5, col: 9 });
  });

  it("reads anchors, aliases and merge keys as the careful path does, with explicit keys winning", () => {
    const text = [
      "threatwright: 1",
      "system: {id: shop, name: Shop, owner: o}",
      "actors:",
      "  - id: visitors",
      "    <<: &external",
      "      type: public",
      "      boundary: internet",
      "  - id: partners",
      "    <<: *external",
      "    type: partner",
      "boundaries:",
      "  - id: internet",
      "    type: internet",
      "",
    ].join("\n");
    const result = assertSameLoad({ "threatwright.yaml": text });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.loaded.model.actors, [
      { id: "visitors", type: "public", boundary: "internet" },
      { id: "partners", type: "partner", boundary: "internet" },
    ]);
    assert.deepEqual(result.loaded.locations.get("partners"), { file: "threatwright.yaml", line: 8, col: 9 });
    // An anchored ID is placed at its value; a reference written as an alias resolves like any other.
    const aliasedReference = assertSameLoad({
      "threatwright.yaml": "threatwright: 1\nsystem: {id: shop, name: Shop, owner: o}\nboundaries:\n  - id: &net internet\n    type: internet\nactors:\n  - id: visitors\n    type: public\n    boundary: *net\n",
    });
    assert.ok(aliasedReference.ok, JSON.stringify(aliasedReference));
    assert.equal(aliasedReference.loaded.model.actors[0]!.boundary, "internet");
    assert.deepEqual(aliasedReference.loaded.locations.get("internet"), { file: "threatwright.yaml", line: 4, col: 14 });
  });

  it("hands a merge of something other than a mapping to the careful path, which says where", () => {
    const text = "threatwright: 1\nsystem: {id: shop, name: Shop, owner: o}\nactors:\n  - id: visitors\n    <<: public\n";
    const result = assertSameLoad({ "threatwright.yaml": text });
    assert.ok(!result.ok);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.line, d.col, d.code, d.message]),
      [[5, 9, "yaml-syntax", "a merge key (<<) takes a mapping, an alias to one, or a list of those"]],
    );
  });

  it("hands a model with a broken reference, a duplicate ID or an unknown key to the careful path", () => {
    const base = "threatwright: 1\nsystem: {id: shop, name: Shop, owner: o}\nactors:\n  - {id: visitors, type: public}\n";
    for (const text of [
      `${base}flows:\n  - {id: f, from: visitors, to: nowhere, channel: api}\n`,
      `${base}  - {id: visitors, type: employee}\n`,
      `${base}  - {id: staff, type: employee, role: x}\n`,
      `${base}  - {id: staff, type: employee, name: 3}\n`,
    ]) {
      const result = assertSameLoad({ "threatwright.yaml": text });
      assert.equal(result.ok, false, text);
    }
  });

  it("agrees with the careful path on examples with lines deleted, doubled, swapped or edited", () => {
    const edit = fc.record({
      model: fc.integer({ min: 0, max: EXAMPLES.length - 1 }),
      file: fc.nat(),
      line: fc.nat(),
      other: fc.nat(),
      kind: fc.constantFrom("delete", "double", "swap", "replace-word", "indent", "retype"),
      word: fc.constantFrom("x", "1", "true", "null", "~", "[]", "{}", "public", "read", "send", "tool", '"a b"', "2026-13-01", "P90D", "-1", "id"),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const files = { ...EXAMPLES[edits[0]!.model]! };
        for (const e of edits) {
          const names = Object.keys(files).sort();
          const name = names[e.file % names.length]!;
          const lines = files[name]!.split("\n");
          const at = e.line % lines.length;
          const other = e.other % lines.length;
          if (e.kind === "delete") lines.splice(at, 1);
          else if (e.kind === "double") lines.splice(at, 0, lines[at]!);
          else if (e.kind === "swap") [lines[at], lines[other]] = [lines[other]!, lines[at]!];
          else if (e.kind === "indent") lines[at] = `  ${lines[at]}`;
          else if (e.kind === "retype") lines[at] = lines[at]!.replace(/:\s.*$/, `: ${e.word}`);
          else lines[at] = lines[at]!.replace(/[A-Za-z0-9-]+\s*$/, e.word);
          files[name] = lines.join("\n");
        }
        assertSameLoad(files);
      }),
      { numRuns: 300, seed: 20261122 },
    );
  });
});

describe("the plain checker", () => {
  const checks = [RootFile, IncludedFile].map((schema) => ({ schema, check: compilePlainCheck(schema)! }));
  const values = EXAMPLES.flatMap((files) => Object.entries(files).map(([name, text]) => ({ root: name === "threatwright.yaml", value: parseDocument(text).toJS() as unknown })));

  it("accepts only what zod accepts, and then returns zod's value with its keys in zod's order", () => {
    const mutate = fc.record({ file: fc.nat(), path: fc.array(fc.nat(), { maxLength: 6 }), replacement: fc.constantFrom<unknown>(undefined, null, 0, -1, 1.5, "", "x", "public", true, [], {}, ["x"], { id: "x" }) });
    fc.assert(
      fc.property(mutate, ({ file, path: steps, replacement }) => {
        const { root, value } = values[file % values.length]!;
        const copy = structuredClone(value);
        // Walk down by the steps (each picks a key or an item) and replace what is found there.
        let parent: Record<string, unknown> | unknown[] | undefined;
        let key: string | number | undefined;
        let current: unknown = copy;
        for (const step of steps) {
          if (current === null || typeof current !== "object") break;
          const keys = Array.isArray(current) ? current.map((_, i) => i) : Object.keys(current);
          if (keys.length === 0) break;
          parent = current as Record<string, unknown>;
          key = keys[step % keys.length]!;
          current = (parent as Record<string | number, unknown>)[key];
        }
        if (parent && key !== undefined) {
          if (replacement === undefined && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
          else (parent as Record<string | number, unknown>)[key] = replacement;
        }
        const { schema, check } = checks[root ? 0 : 1]!;
        const references: ReferenceUse[] = [];
        const plain = check(copy, references);
        const zod = schema.safeParse(copy);
        if (plain !== NOT_PLAIN) {
          assert.ok(zod.success, "the plain checker accepted what zod rejects");
          assert.equal(JSON.stringify(plain), JSON.stringify(zod.data));
        } else {
          assert.equal(zod.success, false, "the plain checker refused what zod accepts");
        }
      }),
      { numRuns: 500, seed: 20261122 },
    );
  });

  it("lists every reference with the kinds it may name", () => {
    const references: ReferenceUse[] = [];
    const value = { threatwright: 1, system: { id: "s", name: "S", owner: "o" }, agents: [{ id: "a", models: ["m"], tools: ["t"] }] };
    assert.notEqual(checks[0]!.check(value, references), NOT_PLAIN);
    assert.deepEqual(
      references.map((r) => r.target),
      ["m", "t"],
    );
    assert.deepEqual(references[0]!.kinds, ["model"]);
    assert.deepEqual(references[1]!.kinds, ["tool"]);
  });
});
