// The fast parser must agree with the careful one: same value, and every node and key
// at the same line and column as yaml's document model puts it.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Node } from "yaml";
import { fastParse } from "../../src/model/fast-parse.js";

function positionsByYaml(text: string): Map<string, string> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const found = new Map<string, string>();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${line}:${col}`;
  };
  const walk = (node: Node | null | undefined, trail: (string | number)[]) => {
    if (!node) return;
    if (node.range) found.set(JSON.stringify(trail), at(node.range[0]));
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (pair.key.range) found.set(JSON.stringify([...trail, { key }]), at(pair.key.range[0]));
        walk(pair.value as Node, [...trail, key]);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item as Node, [...trail, i]));
  };
  walk(doc.contents as Node, []);
  return found;
}

function exampleFiles(): string[] {
  return readdirSync("examples").flatMap((name) => {
    const folder = path.join("examples", name);
    if (!folder.endsWith(".md")) return readdirSync(folder).filter((f) => f.endsWith(".yaml")).map((f) => path.join(folder, f));
    return [];
  });
}

describe("fast parser", () => {
  for (const file of exampleFiles()) {
    it(`places every node and key of ${file} where yaml does`, () => {
      const text = readFileSync(file, "utf8");
      const fast = fastParse(text);
      assert.ok(fast.handled, "a plain example takes the fast path");
      assert.deepEqual(fast.value, parseDocument(text).toJS());
      let checked = 0;
      for (const [trail, expected] of positionsByYaml(text)) {
        const segments = JSON.parse(trail) as (string | number | { key: string })[];
        const last = segments[segments.length - 1];
        const position: { line: number; col: number } | undefined =
          typeof last === "object" && last !== null
            ? fast.index.locateKey(segments.slice(0, -1) as (string | number)[], last.key)
            : fast.index.locate(segments as (string | number)[]);
        assert.equal(position && `${position.line}:${position.col}`, expected, `${file} ${trail}`);
        checked++;
      }
      assert.ok(checked > 20, "the example has nodes to check");
    });
  }

  it("leaves to the careful path what it does not handle plainly", () => {
    for (const text of ["a: 1\na: 2\n", "a: &x 1\nb: *x\n", "a: [\n", "a: 1\n---\nb: 2\n", "a: !!str 1\n", "<<: {a: 1}\n", "? [a]\n: 1\n", "?\n: 1\n"]) {
      assert.equal(fastParse(text).handled, false, JSON.stringify(text));
    }
  });

  it("places quoted and block scalars at their quote or indicator, and empty values at their key", () => {
    const fast = fastParse('a: "x"\nb: |\n  text\nc:\nd: \'y\'\n');
    assert.ok(fast.handled);
    assert.deepEqual(fast.index.locate(["a"]), { line: 1, col: 4 });
    assert.deepEqual(fast.index.locate(["b"]), { line: 2, col: 4 });
    assert.deepEqual(fast.index.locate(["c"]), { line: 4, col: 1 });
    assert.deepEqual(fast.index.locate(["d"]), { line: 5, col: 4 });
  });
});
