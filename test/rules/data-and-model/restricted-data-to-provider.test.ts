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

/** PII redaction of the given type on the given elements, implemented and verified unless `extra` says otherwise. */
const redaction = (covers: string[], extra: Record<string, unknown> = {}) => ({ id: "redact", type: "data-minimisation", covers, verified: true, ...extra });

/** The agent reads payment data and calls a second vendor model (an extractor) as well as llm. */
const twoModels = (flows: Record<string, unknown>[], controls: Record<string, unknown>[]) =>
  spec(internalAgent("agent", { models: ["llm", "extractor"], tools: ["lookup"] }), reads([cards, orders]), {
    models: [{ id: "extractor", provider: "Vendor", hosting: "hosted-api" }],
    flows,
    controls,
  });

/**
 * A backend (no agent) sends visit audio to a speech-to-text model of `stt` (a hosted API unless overridden),
 * on a call of `channel`, carrying `data`.
 */
const transcription = (stt: Record<string, unknown> = {}, data = ["audio"], channel = "api", controls: Record<string, unknown>[] = []) => ({
  services: [{ id: "backend", type: "api" }],
  models: [{ id: "stt", provider: "Speech vendor", hosting: "hosted-api", ...stt }],
  data: [
    { id: "audio", classification: "restricted", flags: ["health", "biometric"] },
    { id: "status", classification: "internal" },
  ],
  flows: [{ id: "to-stt", from: "backend", to: "stt", channel, data }],
  controls,
});

ruleTester(restrictedDataToProvider, {
  valid: [
    { name: "a backend sends a speech vendor only internal data", model: transcription({}, ["status"]) },
    { name: "the speech model runs in the team's own account (self-hosted, no vendor boundary)", model: transcription({ hosting: "self-hosted" }) },
    { name: "restricted data on a training flow to the vendor's model is the training rules'", model: transcription({}, ["audio"], "training") },
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
      name: "a backend, not an agent, sends visit audio to a hosted speech-to-text API: what its call lists goes to the vendor",
      model: transcription(),
      findings: [
        {
          anchors: ["backend", "stt"],
          // Likelihood 2, impact 4: 8, medium.
          severity: "medium",
          summary: /^backend sends audio to stt at Speech vendor\.$/,
          check: (finding) => assert.equal(finding.evidence[1]!.note, "restricted data listed on to-stt"),
        },
      ],
    },
    {
      name: "the backend's call to the speech vendor masks what it can first: the redaction on the call counts",
      model: transcription({}, ["audio"], "api", [redaction(["to-stt"])]),
      // Impact 4 - 2 (verified masking on the only call): 2 x 2 = 4, low.
      findings: [{ anchors: ["backend", "stt"], severity: "low", check: (finding) => assert.equal(finding.residual.impact, 2) }],
    },
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
    {
      name: "PII redaction on the call to the vendor model counts (partial, not verified)",
      model: spec(internalAgent("agent", { tools: ["lookup"] }), reads([cards]), {
        flows: [{ id: "call", from: "agent", to: "llm", channel: "api", data: ["card-data"] }],
        controls: [redaction(["call"], { status: "partial", verified: false })],
      }),
      findings: [
        {
          anchors: ["agent", "llm"],
          // inherent 2 x 4 = 8; data-minimisation 2 steps x 0.5 (not verified) x 0.5 (partial) = 0.5 off impact: 2 x 3.5 = 7, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.equal(finding.residual.score, 7);
            assert.deepEqual(finding.controls.map((c) => c.control), ["redact"]);
          },
        },
      ],
    },
    {
      name: "redaction on the call to the extractor does not count for the other model, which gets the whole context",
      model: twoModels(
        [
          { id: "extract", from: "agent", to: "extractor", channel: "api", data: ["card-data"] },
          { id: "plan", from: "agent", to: "llm", channel: "api" },
        ],
        [redaction(["extract"])],
      ),
      findings: [
        {
          anchors: ["agent", "extractor"],
          // inherent 2 x 4 = 8; data-minimisation (verified) -2 impact: 2 x 2 = 4, low
          severity: "low",
          check: (finding) => assert.equal(finding.residual.score, 4),
        },
        {
          anchors: ["agent", "llm"],
          // inherent 2 x 4 = 8; the redaction covers only the call to the extractor: residual 8, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.residual.score, 8);
            assert.deepEqual(finding.controls, []);
          },
        },
      ],
    },
    {
      name: "split context: redaction on the extractor's call that carries the payment data counts, though its other call (confidential only) has none",
      model: twoModels(
        [
          { id: "extract-card", from: "agent", to: "extractor", channel: "api", data: ["card-data"] },
          { id: "extract-order", from: "agent", to: "extractor", channel: "api", data: ["orders"] },
          { id: "plan", from: "agent", to: "llm", channel: "api", data: ["orders"] },
        ],
        [redaction(["extract-card"])],
      ),
      findings: [
        {
          anchors: ["agent", "extractor"],
          // inherent 2 x 4 = 8; data-minimisation (verified) -2 impact: 2 x 2 = 4, low. No finding on llm: its only call lists confidential data.
          severity: "low",
          check: (finding) => assert.equal(finding.residual.score, 4),
        },
      ],
    },
    {
      name: "near miss: two calls to the model carry the whole context, redaction covers only one of them",
      model: spec(internalAgent("agent", { tools: ["lookup"] }), reads([cards]), {
        flows: [
          { id: "plan", from: "agent", to: "llm", channel: "api" },
          { id: "summarise", from: "agent", to: "llm", channel: "api" },
        ],
        controls: [redaction(["summarise"])],
      }),
      findings: [
        {
          anchors: ["agent", "llm"],
          // inherent 2 x 4 = 8; the unmasked plan call still sends the card data: residual 8, medium
          severity: "medium",
          check: (finding) => assert.equal(finding.residual.score, 8),
        },
      ],
    },
    {
      name: "near miss: controls on the call that do not mask data (authentication, least privilege of the API key) change nothing",
      model: spec(internalAgent("agent", { tools: ["lookup"] }), reads([cards]), {
        flows: [{ id: "call", from: "agent", to: "llm", channel: "api", data: ["card-data"] }],
        controls: [
          { id: "api-auth", type: "authentication", covers: ["call"], verified: true },
          { id: "key-scope", type: "least-privilege", covers: ["call"], verified: true },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "llm"],
          // inherent 2 x 4 = 8; neither control counts on the call: residual 8, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.residual.score, 8);
            assert.deepEqual(finding.controls, []);
            assert.deepEqual(finding.missingControls, ["data-minimisation", "least-privilege"]);
          },
        },
      ],
    },
  ],
});
