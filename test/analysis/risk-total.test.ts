// Summed residual risk leaves out findings about how a control falls short: their harm is that of
// the findings the control gates, so removing the control must not lower the total.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../../src/analysis/analyze.js";
import { isControlShortfall, residualTotal } from "../../src/analysis/risk-total.js";
import { diffFindings } from "../../src/lifecycle/findings-diff.js";
import { RULES } from "../../src/rules/index.js";
import { loadSpec, spec, TODAY } from "../rules/rule-tester.js";
import type { ModelSpec } from "../rules/rule-tester.js";
import { publicChat } from "../rules/building-blocks.js";

/** A public chat agent that reads sellers' listings and pays through a tool as the payments account; `approval` gates payments over 150 EUR. */
const shop = (approval: boolean): ModelSpec =>
  spec(publicChat("agent", { tools: ["pay"] }), {
    actors: [{ id: "sellers", type: "partner", authenticated: true }],
    sources: [{ id: "listings", type: "feed", writableBy: ["sellers"], holds: ["listing"] }],
    services: [{ id: "payments", type: "api" }],
    data: [{ id: "listing", classification: "public" }],
    tools: [{ id: "pay", runsAs: "payments-sa", capabilities: [{ action: "spend", on: ["payments"] }] }],
    identities: [{ id: "payments-sa", type: "service-account", permissions: [{ resource: "payments", actions: ["spend"] }] }],
    flows: [{ id: "read-listings", from: "listings", to: "agent", channel: "retrieval", data: ["listing"] }],
    ...(approval
      ? { controls: [{ id: "step-up", type: "human-approval", covers: ["pay"], verified: true, threshold: { amount: 150, currency: "EUR" }, evidence: [{ type: "config", ref: "checkout.yaml" }] }] }
      : {}),
  });

describe("residualTotal", () => {
  it("marks exactly the rules that say how a control falls short", () => {
    assert.deepEqual(RULES.filter((r) => r.controlShortfall).map((r) => r.id).sort(), ["TW-AGY-003", "TW-GOV-005", "TW-HUM-001", "TW-HUM-002"]);
  });

  it("sums the residual scores of the other findings, two decimals", () => {
    const f = (ruleId: string, score: number) => ({ ruleId, residual: { score } });
    assert.equal(residualTotal([f("TW-AGY-002", 15.5), f("TW-AGY-003", 12), f("TW-PI-001", 0.255), f("TW-HUM-001", 8)]), 15.76);
    assert.equal(isControlShortfall({ ruleId: "TW-HUM-002" }), true);
    assert.equal(isControlShortfall({ ruleId: "TW-AGY-002" }), false);
  });

  it("removing a payment approval raises the diff's total, though its shortfalls go with it", () => {
    const findings = (approval: boolean) => analyze(loadSpec(shop(approval)), { today: TODAY }).findings;
    const [gated, open] = [findings(true), findings(false)];
    // The approval's own shortfalls exist only while it does.
    const shortfalls = gated.filter(isControlShortfall).map((f) => f.id);
    assert.ok(shortfalls.includes("TW-AGY-003@pay+step-up"), shortfalls.join(", "));
    assert.equal(open.filter(isControlShortfall).length, 0);
    const diff = diffFindings(gated, open);
    assert.ok(diff.residual.delta > 0, `total ${diff.residual.before} -> ${diff.residual.after}`);
    // The gated findings rise by what the approval took off; the shortfalls resolved do not count against that.
    const rises = diff.rescored.reduce((sum, r) => sum + r.delta, 0) + diff.new.reduce((sum, f) => sum + f.residual, 0);
    assert.equal(diff.residual.delta, Math.round(rises * 100) / 100);
  });
});
