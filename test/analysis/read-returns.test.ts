// What a read hands back (Capability.returns): the data in the agent's context, and whether an
// attacker's text in the resource comes back with it. A check that answers only yes or no
// (returns: []) brings back neither.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exfiltrationPath } from "../../src/rules/exfiltration/exfiltration-path.js";
import { indirectPromptInjection } from "../../src/rules/prompt-injection/indirect-prompt-injection.js";
import { internalAgent } from "../rules/building-blocks.js";
import { findingsOf, spec } from "../rules/rule-tester.js";
import type { ModelSpec } from "../rules/rule-tester.js";

/**
 * Staff ask an agent that can email anyone; its one tool reads a customer database whose notes
 * customers write, with `read` as the capability (returns and all).
 */
const crm = (read: Record<string, unknown>): ModelSpec =>
  spec(internalAgent("agent", { tools: ["check-customer", "email"] }), {
    actors: [{ id: "customers", type: "customer" }],
    datastores: [{ id: "crm", type: "relational", writableBy: ["customers"], holds: ["customer-notes", "card-numbers"] }],
    data: [
      { id: "customer-notes", classification: "confidential", flags: ["personal"] },
      { id: "card-numbers", classification: "restricted", flags: ["payment"] },
    ],
    tools: [
      { id: "check-customer", capabilities: [{ action: "read", on: ["crm"], ...read }] },
      { id: "email", capabilities: [{ action: "send", destination: "any" }] },
    ],
  });

const injection = (model: ModelSpec) => findingsOf(indirectPromptInjection, model);
const exfiltration = (model: ModelSpec) => findingsOf(exfiltrationPath, model);

describe("what a read returns", () => {
  it("by default, a read brings back what the store holds, the customers' notes included", () => {
    assert.deepEqual(injection(crm({})).map((f) => f.id), ["TW-PI-002@agent"]);
    const [finding] = exfiltration(crm({}));
    assert.equal(finding?.id, "TW-EXF-001@agent+email");
    // Card numbers (restricted) are at stake: impact 4 + 1.
    assert.equal(finding!.inherent.impact, 5);
    assert.match(finding!.reasons[1]!, /most sensitive data at stake is card-numbers \(restricted\)/);
  });

  it("a check that answers yes or no brings back no text to inject and no data to leak", () => {
    assert.deepEqual(injection(crm({ returns: [] })), []);
    assert.deepEqual(exfiltration(crm({ returns: [] })), []);
  });

  it("a read that returns some fields puts only those in the agent's context", () => {
    const [finding] = exfiltration(crm({ returns: ["customer-notes"] }));
    assert.equal(finding?.id, "TW-EXF-001@agent+email");
    // Confidential notes only: the rule's default impact 4, without the +1 for restricted data.
    assert.equal(finding!.reasons[1], "Impact 4/5: rule default 4.");
    assert.ok(!finding!.evidence.some((e) => e.element === "card-numbers"), "card numbers stay in the store");
    // The notes still carry the customers' text into the agent.
    assert.deepEqual(injection(crm({ returns: ["customer-notes"] })).map((f) => f.id), ["TW-PI-002@agent"]);
  });
});
