import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildContext } from "../../src/analysis/analyze.js";
import type { Effect } from "../../src/analysis/capabilities.js";
import { ACTION_SEVERITY, byDamage, DAMAGE_ORDER, entryControls, entryWays, SEVERE_ACTIONS, worstEffect } from "../../src/rules/helpers.js";
import { ACTIONS } from "../../src/model/vocabulary.js";
import { internalAgent } from "./building-blocks.js";
import { loadSpec, spec, TODAY } from "./rule-tester.js";

describe("one scale of how damaging an action is", () => {
  it("orders every action once, never against the severity scale", () => {
    assert.deepEqual([...DAMAGE_ORDER].sort(), [...ACTIONS].sort());
    for (let i = 1; i < DAMAGE_ORDER.length; i++) {
      assert.ok(ACTION_SEVERITY[DAMAGE_ORDER[i - 1]!] >= ACTION_SEVERITY[DAMAGE_ORDER[i]!], `${DAMAGE_ORDER[i - 1]} is ranked above ${DAMAGE_ORDER[i]}`);
    }
  });

  it("calls severe exactly the actions of severity 4 and above", () => {
    assert.deepEqual([...SEVERE_ACTIONS].sort(), ACTIONS.filter((a) => ACTION_SEVERITY[a] >= 4).sort());
  });

  it("names running code before spending, spending before deleting, as the worst effect and in sorted lists", () => {
    const effect = (action: Effect["action"], tool: string): Effect => ({ action, tool, resource: "r", via: [] });
    assert.equal(worstEffect([effect("delete", "a"), effect("spend", "b"), effect("execute", "c"), effect("spend", "d")])?.tool, "c");
    assert.equal(worstEffect([effect("spend", "b"), effect("delete", "a")])?.tool, "b");
    assert.equal(worstEffect([effect("read", "x"), effect("read", "y")])?.tool, "x", "the first of equals");
    assert.deepEqual((["read", "spend", "write", "execute"] as const).slice().sort(byDamage), ["execute", "spend", "write", "read"]);
  });
});

describe("controls on the way in (entryControls)", () => {
  // Nine web sources feed one store the agent retrieves from: more origins than the trace tracks per element
  // (ORIGINS_PER_NODE, 8), so the store is saturated and one source reaches the agent unnamed.
  const sources = Array.from({ length: 9 }, (_, i) => `site-${i}`);
  const model = (controls: Record<string, unknown>[]) =>
    loadSpec(
      spec(internalAgent("agent"), {
        sources: sources.map((id) => ({ id, type: "web" })),
        datastores: [{ id: "hub", type: "document" }],
        flows: [...sources.map((id) => ({ id: `${id}-to-hub`, from: id, to: "hub", channel: "ingestion" })), { id: "hub-to-agent", from: "hub", to: "agent", channel: "retrieval" }],
        controls,
      }),
    );
  const isolate = (id: string, covers: string[], extra: Record<string, unknown> = {}) => ({ id, type: "content-isolation", covers, verified: true, ...extra });
  const rule = { mitigations: [{ control: "content-isolation" as const, reduces: "likelihood" as const, by: 1, how: "", countsOn: "entry-path" as const }] };
  const run = (controls: Record<string, unknown>[]) => {
    const context = buildContext(model(controls), TODAY);
    return entryControls(context, rule, entryWays(context.untrusted.originsReaching("agent"), "agent"));
  };

  it("counts a control after the point where untraced entries join", () => {
    assert.deepEqual(run([isolate("tags", ["hub-to-agent"])]).scope, ["tags"]);
  });

  it("does not count controls before it, even on every traced entry's way: the untraced one passes none of them", () => {
    const found = run([isolate("site-filter", sources.slice(0, 8).map((id) => `${id}-to-hub`))]);
    assert.deepEqual(found.scope, []);
    assert.match(found.evidence.find((e) => e.element === "site-filter")?.note ?? "", /part of the way in only: text from hub reaches agent/);
  });

  it("names the control of the least protected way when several together cover them all", () => {
    const found = run([isolate("strong", ["hub-to-agent"]), isolate("weak", ["agent"], { status: "partial" })]);
    // Both cut every way on their own; the stronger (verified, implemented) sets the protection.
    assert.deepEqual(found.scope, ["strong"]);
  });

  it("across several ways, takes the protection of the least protected one: the attacker uses that way", () => {
    // One poisoned store read by two agents, each read covered by its own control: a strong one and a partial one.
    const context = buildContext(
      loadSpec(
        spec(internalAgent("reader-a"), {
          agents: [{ id: "reader-b", models: ["llm"] }],
          sources: [{ id: "site", type: "web" }],
          datastores: [{ id: "kb", type: "document" }],
          flows: [
            { id: "site-to-kb", from: "site", to: "kb", channel: "ingestion" },
            { id: "kb-to-a", from: "kb", to: "reader-a", channel: "retrieval" },
            { id: "kb-to-b", from: "kb", to: "reader-b", channel: "retrieval" },
          ],
          controls: [isolate("strong", ["kb-to-a"]), isolate("weak", ["kb-to-b"], { status: "partial" })],
        }),
      ),
      TODAY,
    );
    const ways = ["reader-a", "reader-b"].map((reader) => ({ stages: [{ from: ["site"], to: reader }] }));
    assert.deepEqual(entryControls(context, rule, ways).scope, ["weak"]);
    // Either way alone is protected by its own control.
    assert.deepEqual(entryControls(context, rule, ways.slice(0, 1)).scope, ["strong"]);
  });
});
