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

/** The model, fine-tuned on `data`, served by an inference server partners call with an API key each. */
function servedToPartners(data: Record<string, unknown>, server: Record<string, unknown> = {}) {
  return spec(tunedOn(data, { hosting: "self-hosted", runsOn: "scoring-api" }), {
    actors: [{ id: "partner", type: "partner", authenticated: true }],
    services: [{ id: "scoring-api", type: "inference-server", exposure: "internet", authentication: "api-key", ...server }],
    flows: [
      { id: "partner-to-api", from: "partner", to: "scoring-api", channel: "api" },
      { id: "api-to-model", from: "scoring-api", to: "tuned", channel: "api" },
    ],
  });
}

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
      name: "an inference server on the internet that asks for a key, called only by the team's nightly batch job",
      model: spec(tunedOn(notes, { hosting: "self-hosted", runsOn: "scoring-api" }), {
        services: [
          { id: "scoring-api", type: "inference-server", exposure: "internet", authentication: "api-key" },
          { id: "batch", type: "other" },
        ],
        flows: [
          { id: "batch-to-api", from: "batch", to: "scoring-api", channel: "api" },
          { id: "api-to-model", from: "scoring-api", to: "tuned", channel: "api" },
        ],
      }),
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
      name: "partners hold API keys to the model's server on the internet, and nothing bounds their queries",
      model: servedToPartners(patients),
      findings: [
        {
          anchors: ["tuned"],
          // likelihood: default 3, +1 entry on the internet, -1 the API keys identify callers but do not
          // bound their queries = 3 (the partner actor itself, exposure 3, would be -1: the endpoint ranks first);
          // impact: 3, +1 restricted = 4; 3 x 4 = 12, high (open, it would be 4 x 4 = 16)
          severity: "high",
          summary: /^Holders of API keys for scoring-api \(partner\) can query Tuned/i,
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 3);
            assert.equal(finding.inherent.score, 12);
            assert.match(finding.reasons[0]!, /\+1 entry scoring-api \(inference endpoint on the internet\); -1 scoring-api takes API keys, held by partner: only they can query it, though credentials identify callers without bounding how many queries each sends/);
            assert.ok(finding.missingControls.includes("rate-limit"));
            assert.ok(!finding.missingControls.includes("authentication"), "the keys are counted in the likelihood");
          },
        },
      ],
    },
    {
      name: "a verified per-key rate limit on the server lowers it; the finding stays",
      model: spec(servedToPartners(patients), { controls: [{ id: "quota", type: "rate-limit", covers: ["scoring-api"], verified: true }] }),
      findings: [
        {
          anchors: ["tuned"],
          // inherent 3 x 4 = 12 as above; quota on the model's host (rate-limit, verified) -1: residual 2 x 4 = 8, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 8);
          },
        },
      ],
    },
    {
      name: "labels only: output obfuscation on the model's server lowers it",
      model: spec(servedToPartners(patients), { controls: [{ id: "labels-only", type: "output-obfuscation", covers: ["scoring-api"], verified: true }] }),
      findings: [
        {
          anchors: ["tuned"],
          // inherent 12; labels-only (output-obfuscation, verified) on the model's host -1: residual 2 x 4 = 8, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.residual.score, 8);
            assert.deepEqual(finding.controls.map((c) => c.control), ["labels-only"]);
          },
        },
      ],
    },
    {
      name: "the keyed server is on partner networks only: the partner, whose own key stops nothing it does, is the top querier",
      model: servedToPartners(patients, { exposure: "partner" }),
      findings: [
        {
          anchors: ["tuned"],
          // the endpoint: -1 partner networks, -1 keys = -2; the partner actor: -1 (exposure 3), so it ranks first.
          // likelihood: 3, -1 = 2; impact 4; 2 x 4 = 8, medium
          severity: "medium",
          summary: /^Partner can query Tuned/i,
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.doesNotMatch(finding.reasons[0]!, /API keys/);
          },
        },
      ],
    },
    {
      name: "an authentication control on the keyed server is not counted again",
      model: spec(servedToPartners(patients), { controls: [{ id: "key-check", type: "authentication", covers: ["scoring-api"], verified: true }] }),
      findings: [
        {
          anchors: ["tuned"],
          // inherent 12 with the -1 for the keys in it; key-check says the same: residual 12, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.residual.score, 12);
            assert.ok(finding.evidence.some((e) => e.element === "key-check" && e.note.includes("not counted again")));
          },
        },
      ],
    },
    {
      name: "anyone may sign up in the app for a token: the token stops no one, and an authentication control saying so counts nothing",
      model: spec(tunedOn(notes, { hosting: "self-hosted", runsOn: "scoring-api" }), {
        actors: [{ id: "shopper", type: "public" }],
        clients: [{ id: "app", type: "mobile-app", handles: ["renders-markdown"] }],
        services: [{ id: "scoring-api", type: "inference-server", exposure: "internet", authentication: "oauth" }],
        flows: [
          { id: "shopper-to-app", from: "shopper", to: "app", channel: "api" },
          { id: "app-to-api", from: "app", to: "scoring-api", channel: "api" },
          { id: "api-to-model", from: "scoring-api", to: "tuned", channel: "api" },
        ],
        controls: [{ id: "token-check", type: "authentication", covers: ["scoring-api"], verified: true }],
      }),
      findings: [
        {
          anchors: ["tuned"],
          // tokens the public holds take no step off: the endpoint is +1 (internet), as the shopper is (public), and ranks
          // first by ID. likelihood 3, +1 = 4; impact 3 (confidential); 4 x 3 = 12, high.
          // token-check says what the field says, and narrows no one: residual 12, high
          severity: "high",
          summary: /^Holders of OAuth tokens for scoring-api \(shopper\) can query Tuned/i,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.doesNotMatch(finding.reasons[0]!, /-1/);
            assert.equal(finding.residual.score, 12);
            assert.ok(finding.evidence.some((e) => e.element === "token-check" && e.note.includes("that anyone can get: the control narrows no one")));
            assert.ok(!finding.missingControls.includes("authentication"));
          },
        },
      ],
    },
    {
      name: "authentication on an open model's own interface counts, one step",
      model: spec(tunedOn(notes, openEndpoint), { controls: [{ id: "model-keys", type: "authentication", covers: ["tuned"], verified: true }] }),
      findings: [
        {
          anchors: ["tuned"],
          // likelihood: 3, +1 open to the internet = 4; impact 3: 12; model-keys (authentication, verified) -1: residual 3 x 3 = 9, medium
          severity: "medium",
          check: (finding) => assert.equal(finding.residual.score, 9),
        },
      ],
    },
    {
      name: "the public chats with an agent on the model: authentication and output obfuscation on the agent take nothing off",
      model: spec(publicChat("agent", { models: ["tuned"] }), tunedOn(patients), {
        controls: [
          { id: "agent-auth", type: "authentication", covers: ["agent"], verified: true },
          { id: "agent-rounding", type: "output-obfuscation", covers: ["agent"], verified: true },
        ],
      }),
      findings: [
        {
          anchors: ["tuned"],
          // 4 x 4 = 16 as in the first case. The user talks to the agent, so checking the agent's callers stops nothing,
          // and output obfuscation counts on the model or its host only: residual 16, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.residual.score, 16);
            assert.deepEqual(finding.controls, []);
          },
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
