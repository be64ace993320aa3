import assert from "node:assert/strict";
import { memoryPoisoning } from "../../../src/rules/memory-and-rag/memory-poisoning.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/**
 * An intake agent that reads customer tickets and writes notes to a memory store,
 * and a payment agent (started by staff) that recalls them and can pay.
 */
const sharedMemory = (store: Record<string, unknown> = {}, payerTools = ["pay"]) =>
  spec(internalAgent("payer", { tools: payerTools }), customerTickets("intake"), {
    agents: [{ id: "intake", models: ["llm"], tools: ["read-tickets"] }],
    datastores: [{ id: "memory", type: "memory", ...store }],
    services: [{ id: "bank", type: "api" }],
    tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] }],
    flows: [
      { id: "intake-remembers", from: "intake", to: "memory", channel: "memory" },
      { id: "payer-recalls", from: "memory", to: "payer", channel: "memory" },
    ],
  });

/** One public chat agent that remembers and recalls through tools. */
const chatWithMemory = (controls: Record<string, unknown>[] = []) =>
  spec(publicChat("agent", { tools: ["remember", "recall"] }), {
    datastores: [{ id: "memory", type: "memory" }],
    tools: [
      { id: "remember", capabilities: [{ action: "write", on: ["memory"] }] },
      { id: "recall", capabilities: [{ action: "read", on: ["memory"] }] },
    ],
    controls,
  });

ruleTester(memoryPoisoning, {
  valid: [
    {
      name: "near miss: the agent writing the memory reads no untrusted text",
      model: spec(internalAgent("writer"), {
        agents: [{ id: "payer", models: ["llm"] }],
        datastores: [{ id: "memory", type: "memory" }],
        flows: [
          { id: "w", from: "writer", to: "memory", channel: "memory" },
          { id: "r", from: "memory", to: "payer", channel: "memory" },
        ],
      }),
    },
    { name: "the store is not a memory store", model: sharedMemory({ type: "document" }) },
    {
      name: "nobody recalls what is written",
      model: spec(publicChat("agent", { tools: ["remember"] }), { datastores: [{ id: "memory", type: "memory" }], tools: [{ id: "remember", capabilities: [{ action: "write", on: ["memory"] }] }] }),
    },
  ],
  invalid: [
    {
      name: "ticket text persists in memory the payment agent recalls",
      model: sharedMemory(),
      findings: [
        {
          anchors: ["memory"],
          // Likelihood 4 +0 (customer-written tickets, exposure 4; tickets → intake → memory is 3 steps).
          // Impact 3 +1 (payer recalls it and can spend) = 4. 4 x 4 = 16: high.
          severity: "high",
          summary: /intake reads text from tickets and writes to memory, which payer recalls/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.deepEqual(finding.path?.slice(-3).map((s) => s.technique), ["AML.T0080.000", "AML.T0080.000", "AML.T0048.000"]);
          },
        },
      ],
    },
    {
      name: "a recalling agent that can both run code and pay is named by the most damaging of the two (running code), as every rule names it",
      model: spec(sharedMemory({}, ["pay", "shell"]), { services: [{ id: "runner", type: "ci-runner" }], tools: [{ id: "shell", capabilities: [{ action: "execute", on: ["runner"] }] }] }),
      findings: [
        {
          anchors: ["memory"],
          check: (finding) => {
            assert.ok(finding.reasons.some((r) => r.includes("payer recalls it and can execute through shell")), finding.reasons.join("\n"));
            assert.equal(finding.path?.at(-1)?.element, "shell");
          },
        },
      ],
    },
    {
      name: "a public chat agent remembers and recalls through tools; verified memory hardening lowers the residual",
      model: chatWithMemory([{ id: "provenance", type: "memory-hardening", covers: ["memory"], verified: true }]),
      findings: [
        {
          anchors: ["memory"],
          // Likelihood 4 +1 (public entry) = 5; impact 3 (the agent can only write). Inherent 15, high.
          // Residual: memory hardening takes 2 off likelihood: 3 x 3 = 9, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.equal(finding.residual.score, 9);
          },
        },
      ],
    },
  ],
});
