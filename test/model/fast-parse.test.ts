// The fast parser must agree with the careful one: same value, and every node and key
// at the same line and column as yaml's document model puts it.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Node } from "yaml";
import { fastParse } from "../../src/model/fast-parse.js";
import { LIMITS } from "../../src/model/parse.js";

function positionsByYaml(text: string): Map<string, string> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true });
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
        // With merge keys on, yaml holds << as a symbol.
        const key = typeof pair.key.value === "symbol" ? "<<" : String(pair.key.value);
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
      const fast = fastParse(text, LIMITS);
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
    const undefinedAlias = "a: *x\n";
    const aliasInItsOwnAnchor = "a: &x [*x]\n";
    const aliasAsKey = "a: &x k\n*x : 1\n";
    for (const text of ["a: 1\na: 2\n", "a: [\n", "a: 1\n---\nb: 2\n", "a: !!str 1\n", "? [a]\n: 1\n", "?\n: 1\n", undefinedAlias, aliasInItsOwnAnchor, aliasAsKey, "<<: 3\n"]) {
      assert.equal(fastParse(text, LIMITS).handled, false, JSON.stringify(text));
    }
  });

  describe("anchors, aliases and merge keys", () => {
    // Shared defaults as teams write them: an anchored mapping merged into elements, explicit keys winning.
    const text = [
      "defaults: &defaults",
      "  owner: team",
      "  boundary: cloud",
      "agents:",
      "  - <<: *defaults",
      "    id: a",
      "    owner: other",
      "  - id: b",
      "    <<: [*defaults, {tier: 2}]",
      "tags: &tags [x, y]",
      "more: *tags",
      "name: &name hello",
      "again: *name",
      "",
    ].join("\n");

    it("reads them to the value yaml gives with merge keys on", () => {
      const fast = fastParse(text, LIMITS);
      assert.ok(fast.handled);
      assert.deepEqual(fast.value, parseDocument(text, { merge: true }).toJS());
      // Checked by hand too: a's own owner wins over the merged one; b takes every merged key.
      assert.deepEqual((fast.value as { agents: unknown[] }).agents, [
        { owner: "other", boundary: "cloud", id: "a" },
        { id: "b", owner: "team", boundary: "cloud", tier: 2 },
      ]);
    });

    it("places each alias at its '*', as yaml does, and the nodes around it", () => {
      const fast = fastParse(text, LIMITS);
      assert.ok(fast.handled);
      let checked = 0;
      for (const [trail, expected] of positionsByYaml(text)) {
        const segments = JSON.parse(trail) as (string | number | { key: string })[];
        const last = segments[segments.length - 1];
        const position: { line: number; col: number } | undefined = typeof last === "object" ? fast.index.locateKey(segments.slice(0, -1) as (string | number)[], last.key) : fast.index.locate(segments as (string | number)[]);
        assert.equal(position && `${position.line}:${position.col}`, expected, trail);
        checked++;
      }
      assert.ok(checked > 20);
      assert.deepEqual(fast.index.locate(["more"]), { line: 11, col: 7 });
      // Inside an alias nothing has a place of its own: a merged key is at its mapping.
      assert.deepEqual(fast.index.locate(["agents", 1, "tier"]), { line: 8, col: 5 });
    });

    it("gives each alias its own copy, so nothing in the model is shared", () => {
      const fast = fastParse(text, LIMITS);
      assert.ok(fast.handled);
      const value = fast.value as { tags: string[]; more: string[] };
      assert.deepEqual(value.more, value.tags);
      assert.notEqual(value.more, value.tags);
    });

    it("stops at the limits: aliases, anchors, and the nodes aliases stand for", () => {
      const limits = { aliases: 3, aliasedNodes: 20 };
      assert.ok(fastParse("a: &a x\nb: [*a, *a, *a]\n", limits).handled);
      assert.equal(fastParse("a: &a x\nb: [*a, *a, *a, *a]\n", limits).handled, false, "four aliases");
      assert.equal(fastParse("a: &a x\nb: &b x\nc: &c x\nd: &d x\n", limits).handled, false, "four anchors");
      // A list of five scalars is six nodes: three aliases to it stand for 18, four aliases to a
      // list holding it and one more scalar for 4 x 8, over 20.
      assert.ok(fastParse("a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a]\n", limits).handled);
      assert.equal(fastParse("a: &a [1, 2, 3, 4, 5]\nb: &b [*a, 6]\nc: [*b, *b]\n", limits).handled, false, "6 + 2 x 8 = 22 nodes");
    });
  });

  it("places quoted and block scalars at their quote or indicator, and empty values at their key", () => {
    const fast = fastParse('a: "x"\nb: |\n  text\nc:\nd: \'y\'\n', LIMITS);
    assert.ok(fast.handled);
    assert.deepEqual(fast.index.locate(["a"]), { line: 1, col: 4 });
    assert.deepEqual(fast.index.locate(["b"]), { line: 2, col: 4 });
    assert.deepEqual(fast.index.locate(["c"]), { line: 4, col: 1 });
    assert.deepEqual(fast.index.locate(["d"]), { line: 5, col: 4 });
  });
});
