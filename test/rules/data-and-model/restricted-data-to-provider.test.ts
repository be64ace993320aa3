import assert from "node:assert/strict";
import { restrictedDataToProvider } from "../../../src/rules/data-and-model/restricted-data-to-provider.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** The agent reads a store holding the given data. */
function reads(data: Record<string, unknown>[]) {
  return {
    datastores: [{ id: "db", type: "relational", holds: data.map((d) => d.id) }],
    data,
    tools: [{ id: "lookup", capabilities: [{ action: "read", on: ["db"] }] }],
  };
}

const cards = { id: "card-data", classification: "confidential", flags: ["payment"] }; // restricted through the payment flag
const orders = { id: "orders", classification: "confidential", flags: ["personal"] }; // confidential

ruleTester(restrictedDataToProvider, {
  valid: [
    { name: "near miss: only confidential personal data in the context", model: spec(internalAgent("agent", { tools: ["lookup"] }), reads([orders])) },
    {
      name: "restricted data, but the model is self-hosted inside the company",
      model: spec(internalAgent("agent", { models: ["local"], tools: ["lookup"] }), reads([cards]), { models: [{ id: "local", provider: "Team", hosting: "self-hosted" }] }),
    },
    {
      name: "the modelled call carries only confidential data, though the context holds more",
      model: spec(internalAgent("agent", { tools: ["lookup"] }), reads([cards, orders]), { flows: [{ id: "call", from: "agent", to: "llm", channel: "api", data: ["orders"] }] }),
    },
  ],
  invalid: [
    {
      name: "an agent reads payment data and calls a vendor API model",
      model: spec(internalAgent("agent", { tools: ["lookup"] }), reads([cards, orders])),
      findings: [
        {
          anchors: ["agent", "llm"],
          // likelihood 2, impact 4 (defaults; restricted only): 8, medium
          severity: "medium",
          summary: /card-data/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.ok(!finding.summary.includes("orders"), "confidential data is not listed");
          },
        },
      ],
    },
    {
      name: "a self-hosted model in a vendor boundary, restricted data on the modelled call; verified data minimisation",
      model: spec(internalAgent("agent", { models: ["managed"] }), {
        boundaries: [{ id: "cloud-ml", type: "vendor" }],
        models: [{ id: "managed", provider: "Cloud ML", hosting: "self-hosted", boundary: "cloud-ml" }],
        data: [cards],
        flows: [{ id: "call", from: "agent", to: "managed", channel: "api", data: ["card-data"] }],
        controls: [{ id: "tokenise", type: "data-minimisation", covers: ["agent"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "managed"],
          // inherent 2 x 4 = 8; data-minimisation (verified) -2 impact: 2 x 2 = 4, low
          severity: "low",
          check: (finding) => assert.equal(finding.residual.score, 4),
        },
      ],
    },
  ],
});
