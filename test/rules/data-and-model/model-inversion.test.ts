import assert from "node:assert/strict";
import { modelInversion } from "../../../src/rules/data-and-model/model-inversion.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const patients = { id: "patient-records", classification: "confidential", flags: ["health"] }; // restricted (4)
const notes = { id: "case-notes", classification: "confidential" }; // confidential (3)

function tunedOn(data: Record<string, unknown>, model: Record<string, unknown> = {}) {
  return {
    models: [{ id: "tuned", provider: "Vendor", hosting: "hosted-api", version: "ft-1", pinned: true, fineTunedOn: ["ds"], ...model }],
    datasets: [{ id: "ds", provenance: "internal", holds: [data.id] }],
    data: [data],
  };
}

const openEndpoint = { hosting: "self-hosted", exposure: "internet" };

ruleTester(modelInversion, {
  valid: [
    {
      name: "near miss: the public can query it, but the training data is not sensitive",
      model: spec(publicChat("agent", { models: ["tuned"] }), tunedOn({ id: "faq", classification: "public" })),
    },
    { name: "sensitive training data, but only employees reach the model", model: spec(internalAgent("agent", { models: ["tuned"] }), tunedOn(notes)) },
    {
      name: "a self-hosted model on the internet that requires an API key",
      model: spec(tunedOn(notes, { hosting: "self-hosted", exposure: "internet", authentication: "api-key" })),
    },
    {
      name: "attacker text reaches the model only as training data (poisoning, not querying)",
      model: spec(internalAgent("agent", { models: ["tuned"] }), {
        actors: [{ id: "anyone", type: "public" }],
        models: [{ id: "tuned", provider: "Team", hosting: "self-hosted" }],
        datasets: [{ id: "ds", provenance: "internal", holds: ["case-notes"], writableBy: ["anyone"] }],
        data: [notes],
        pipelines: [{ id: "ft", type: "fine-tuning" }],
        flows: [
          { id: "ds-to-ft", from: "ds", to: "ft", channel: "training" },
          { id: "ft-to-model", from: "ft", to: "tuned", channel: "training" },
          { id: "model-to-agent", from: "tuned", to: "agent", channel: "api", data: ["case-notes"] },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: "anonymous public users chat with an agent on a model fine-tuned on health records",
      model: spec(publicChat("agent", { models: ["tuned"] }), tunedOn(patients)),
      findings: [
        {
          anchors: ["tuned"],
          // likelihood: default 3, +1 public entry (exposure 5, direct) = 4; impact: default 3, +1 restricted = 4; 16, high
          severity: "high",
          summary: /^Public-user can query Tuned/i,
          check: (finding) => assert.equal(finding.inherent.score, 16),
        },
      ],
    },
    {
      name: "customers reach the model only through tickets the agent reads",
      model: spec(internalAgent("agent", { models: ["tuned"], tools: ["read-tickets"] }), customerTickets("agent"), tunedOn(notes)),
      findings: [
        {
          anchors: ["tuned"],
          // likelihood: 3, -2 indirect (no direct view of the answers) = 1; impact 3 (confidential): 3, low
          severity: "low",
          check: (finding) => assert.equal(finding.inherent.score, 3),
        },
      ],
    },
    {
      name: "customers reach a risk classifier only through a scoring tool an agent reading their tickets calls",
      model: spec(
        internalAgent("agent", { tools: ["read-tickets", "score"] }),
        customerTickets("agent"),
        tunedOn(notes, { id: "risk", hosting: "self-hosted", task: "classification" }),
        { tools: [{ id: "score", capabilities: [{ action: "read", on: ["risk"] }] }] },
      ),
      findings: [
        {
          anchors: ["risk"],
          // likelihood: 3, -2 through content the scoring tool processes (no direct view of the answers) = 1; impact 3 (confidential): 3, low
          severity: "low",
          summary: /^Those who can write to tickets can feed input to risk through score, which was trained on ds/,
          check: (finding) => assert.equal(finding.inherent.score, 3),
        },
      ],
    },
    {
      name: "a self-hosted model open to the internet without authentication; a verified rate limit lowers it",
      model: spec(tunedOn(notes, openEndpoint), { controls: [{ id: "limit", type: "rate-limit", covers: ["tuned"], verified: true }] }),
      findings: [
        {
          anchors: ["tuned"],
          // likelihood: 3, +1 open to the internet (exposure 5) = 4; impact 3: inherent 12, high.
          // rate-limit (verified) takes 1 off likelihood: residual 3 x 3 = 9, medium
          severity: "medium",
          summary: /anyone on the internet/i,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 9);
          },
        },
      ],
    },
  ],
});
