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
      name: "near miss: the modelled call lists only confidential data, and the context holds nothing more sensitive",
      model: spec(internalAgent("agent", { tools: ["lookup"] }), reads([orders]), { flows: [{ id: "call", from: "agent", to: "llm", channel: "api", data: ["orders"] }] }),
    },
    {
      name: "restricted data sits in a store the agent has no tool or flow to",
      model: spec(internalAgent("agent"), reads([cards])),
    },
    {
      name: "restricted data in the context of an agent whose model runs on the user's device",
      model: spec(internalAgent("agent", { models: ["phone"], tools: ["lookup"] }), reads([cards]), { models: [{ id: "phone", provider: "Vendor", hosting: "on-device" }] }),
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
      name: "the modelled call lists only confidential data, but a tool reads payment data into the context, and the whole context goes with the call",
      model: spec(internalAgent("agent", { tools: ["lookup"] }), reads([cards, orders]), { flows: [{ id: "call", from: "agent", to: "llm", channel: "api", data: ["orders"] }] }),
      findings: [
        {
          anchors: ["agent", "llm"],
          // likelihood 2, impact 4 (defaults; the payment data is restricted): 8, medium
          severity: "medium",
          summary: /sends card-data to llm/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.equal(finding.evidence.find((e) => e.element === "card-data")?.note, "restricted data in agent's context from db, not listed on call; the whole context goes with the call");
          },
        },
      ],
    },
    {
      name: "the call lists two restricted items, one of which a tool also reads into the context: the evidence says where each comes from",
      model: spec(internalAgent("agent", { tools: ["lookup"] }), reads([cards]), {
        data: [{ id: "passport-scans", classification: "restricted", flags: ["government-id"] }],
        flows: [{ id: "call", from: "agent", to: "llm", channel: "api", data: ["passport-scans", "card-data"] }],
      }),
      findings: [
        {
          anchors: ["agent", "llm"],
          // likelihood 2, impact 4 (defaults): 8, medium
          severity: "medium",
          summary: /sends card-data and passport-scans to llm/,
          check: (finding) => {
            const notes = Object.fromEntries(finding.evidence.map((e) => [e.element, e.note]));
            assert.equal(notes["card-data"], "restricted data listed on call, and in agent's context from db");
            assert.equal(notes["passport-scans"], "restricted data listed on call");
          },
        },
      ],
    },
    {
      name: "an agent that calls two models sends its context to the one whose call lists nothing, and only the listed data to the other",
      model: spec(internalAgent("agent", { models: ["llm", "extractor"], tools: ["lookup"] }), reads([cards, orders]), {
        models: [{ id: "extractor", provider: "Vendor", hosting: "hosted-api" }],
        // The extraction model is sent the document alone; the planning model's call lists nothing, so it gets the whole context.
        flows: [
          { id: "extract", from: "agent", to: "extractor", channel: "api", data: ["orders"] },
          { id: "plan", from: "agent", to: "llm", channel: "api" },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "llm"],
          // likelihood 2, impact 4 (defaults): 8, medium; no finding on the extractor, whose call carries only confidential data
          severity: "medium",
          check: (finding) => assert.equal(finding.evidence.find((e) => e.element === "card-data")?.note, "restricted data in agent's context from db"),
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
