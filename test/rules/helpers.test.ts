import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Effect } from "../../src/analysis/capabilities.js";
import { ACTION_SEVERITY, byDamage, DAMAGE_ORDER, SEVERE_ACTIONS, worstEffect } from "../../src/rules/helpers.js";
import { ACTIONS } from "../../src/model/vocabulary.js";

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
