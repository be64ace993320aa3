import assert from "node:assert/strict";
import { uncheckedConsequentialOutput } from "../../../src/rules/output-handling/unchecked-consequential-output.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/**
 * A chat backend that runs as the workload identity the agent's paying tool uses, and gets the agent's
 * answer (`answerFlow`); `onward` is what it does with it (commerce review P4).
 */
const chatBackend = (answerFlow: Record<string, unknown>, onward: Record<string, unknown>[], grant: Record<string, unknown> = {}) =>
  spec(publicChat("shop-agent", { tools: ["pay"], runsAs: "wi" }), {
    services: [
      { id: "bff", type: "api", runsAs: "wi" },
      { id: "payments", type: "api" },
    ],
    identities: [{ id: "wi", type: "workload-identity", permissions: [{ resource: "payments", actions: ["spend"], ...grant }] }],
    tools: [{ id: "pay", runsAs: "wi", capabilities: [{ action: "spend", on: ["payments"] }] }],
    flows: [{ id: "answer", from: "shop-agent", to: "bff", data: ["chat"], ...answerFlow }, ...onward],
  });
const relayToWidget = { id: "bff-to-widget", from: "bff", to: "widget", channel: "output", data: ["chat"] };

/** An extraction agent passes fields to a payer agent that can pay. */
const handOff = (payerTools: string[], extra: Record<string, unknown> = {}) =>
  spec(internalAgent("extractor"), {
    agents: [{ id: "payer", models: ["llm"], tools: payerTools, ...extra }],
    services: [{ id: "erp", type: "erp" }],
    data: [{ id: "fields", classification: "confidential", flags: ["financial"] }],
    tools: [
      { id: "pay", capabilities: [{ action: "spend", on: ["erp"] }] },
      { id: "lookup", capabilities: [{ action: "read", on: ["erp"] }] },
    ],
    flows: [{ id: "fields-to-payer", from: "extractor", to: "payer", channel: "message", data: ["fields"] }],
  });

ruleTester(uncheckedConsequentialOutput, {
  valid: [
    { name: "near miss: the receiving agent can only read", model: handOff(["lookup"]) },
    {
      name: "a model's output to the agent that uses it as its own model (the agent deciding)",
      model: spec(internalAgent("agent", { tools: ["pay"] }), {
        services: [{ id: "erp", type: "erp" }],
        tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["erp"] }] }],
        flows: [{ id: "llm-to-agent", from: "llm", to: "agent", channel: "api" }],
      }),
    },
    {
      // The backend pays for the model call that produced the answer and logs the exchange: neither acts on what the model said.
      name: "a RAG backend whose identity only pays for model usage and writes traces",
      model: spec(internalAgent("agent"), {
        services: [{ id: "rag-api", type: "api", runsAs: "rag-sa" }],
        datastores: [{ id: "traces", type: "log" }],
        identities: [{ id: "rag-sa", type: "service-account", permissions: [{ resource: "llm", actions: ["read", "spend"] }, { resource: "traces", actions: ["write"] }] }],
        flows: [{ id: "llm-to-rag", from: "llm", to: "rag-api", channel: "api" }],
      }),
    },
    {
      // It acts on nothing the answer says; that the agent's tool pays through the same identity is TW-NHI-004's finding.
      name: "a chat backend that only relays the agent's answer to the app, on the identity the agent's paying tool uses",
      model: chatBackend({ channel: "output" }, [relayToWidget]),
    },
    {
      name: "a service with no identity in the model",
      model: spec(internalAgent("agent"), { services: [{ id: "crm", type: "api" }], flows: [{ id: "agent-to-crm", from: "agent", to: "crm", channel: "api" }] }),
    },
  ],
  invalid: [
    {
      name: "a merchant's agent sends offers to a shop agent that pays; shoppers who ask it also approve: against the merchant, their approval is not self-approval",
      model: spec(publicChat("agent", { tools: ["pay"] }), {
        actors: [{ id: "shoppers", type: "customer", authenticated: true }],
        agents: [{ id: "merchant-agent", thirdParty: true }],
        services: [{ id: "payments", type: "api" }],
        tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["payments"] }] }],
        flows: [
          { id: "shoppers-to-widget", from: "shoppers", to: "widget", channel: "api" },
          { id: "offers", from: "merchant-agent", to: "agent", channel: "message" },
        ],
        controls: [{ id: "confirm", type: "human-approval", covers: ["pay"], approvers: ["shoppers"], verified: true }],
      }),
      findings: [
        {
          anchors: ["merchant-agent", "agent"],
          // Likelihood 3 + 1 (attacker text reaches the merchant's agent) = 4, impact 3 + 1 (can spend) = 4. The approval's 1 step is halved
          // once, for approvers outside the organisation; the halving for approving one's own request holds against shoppers only: 4 - 0.5.
          check: (finding) => assert.deepEqual([finding.inherent.likelihood, finding.residual.likelihood], [4, 3.5]),
        },
      ],
    },
    {
      name: "extracted fields drive an autonomous payer agent",
      model: handOff(["pay", "lookup"]),
      findings: [
        {
          anchors: ["extractor", "payer"],
          // Likelihood 3 (nothing untrusted reaches the extractor). Impact 3 + 1 (the payer can spend) = 4. 12: high.
          severity: "high",
          summary: /fields|Fields/,
          check: (finding) => assert.equal(finding.inherent.score, 12),
        },
      ],
    },
    {
      // Near misses of the relay: the backend keeps the answer (no onward answer to a client or person), or, below, gets
      // it on an API call (a caller acting on what the agent returns). Likelihood 3 + 1 (the public reaches the agent).
      // Impact 3 + 1 (the backend's identity can spend). 16: high.
      name: "a backend that gets the answer and passes nothing on acts on it",
      model: chatBackend({ channel: "output" }, []),
      findings: [{ anchors: ["shop-agent", "bff"], severity: "high", check: (finding) => assert.equal(finding.inherent.score, 16) }],
    },
    {
      name: "a backend that gets the agent's output by API and also shows it to the user still acts on it",
      model: chatBackend({ channel: "api" }, [relayToWidget]),
      findings: [{ anchors: ["shop-agent", "bff"], severity: "high", check: (finding) => assert.equal(finding.inherent.score, 16) }],
    },
    {
      // Spending through a grant capped at 100 EUR a day is a known cost (docs/scoring.md), not money moved at will:
      // no +1 for it. Likelihood 4; impact 3. 12: high.
      name: "a backend whose identity's spending is capped in total per day acts on the answer, without the spending step",
      model: chatBackend({ channel: "api" }, [], { limit: { amount: 100, currency: "EUR", per: "day" } }),
      findings: [{ anchors: ["shop-agent", "bff"], severity: "high", check: (finding) => assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact], [4, 3]) }],
    },
    {
      name: "the rule fires with validation in place; the check lowers the residual",
      model: spec(handOff(["pay"]), { controls: [{ id: "validate", type: "output-validation", covers: ["fields-to-payer"], verified: true }] }),
      // 3 x 4 inherent; verified output validation on the flow takes 1 off likelihood: 2 x 4 = 8, medium.
      findings: [{ anchors: ["extractor", "payer"], severity: "medium", check: (finding) => assert.equal(finding.residual.score, 8) }],
    },
    {
      name: "an injectable producer and a supervised consumer",
      model: spec(publicChat("extractor"), {
        agents: [{ id: "payer", models: ["llm"], tools: ["pay"], autonomy: "supervised" }],
        services: [{ id: "erp", type: "erp" }],
        tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["erp"] }] }],
        flows: [{ id: "fields-to-payer", from: "extractor", to: "payer", channel: "message" }],
      }),
      // Likelihood 3 + 1 (attacker text reaches the producer) - 1 (supervised payer) = 3. Impact 4. 12: high.
      findings: [{ anchors: ["extractor", "payer"], severity: "high", check: (finding) => assert.equal(finding.inherent.likelihood, 3) }],
    },
    {
      name: "a model writes records through a service whose identity may only write",
      model: spec(internalAgent("agent"), {
        services: [{ id: "importer", type: "api", runsAs: "importer-sa" }],
        datastores: [{ id: "records", type: "relational" }],
        identities: [{ id: "importer-sa", type: "service-account", permissions: [{ resource: "records", actions: ["write"] }] }],
        flows: [{ id: "llm-to-importer", from: "llm", to: "importer", channel: "api" }],
      }),
      // Likelihood 3. Impact 3 - 1 (only writes) = 2. 6: medium.
      findings: [{ anchors: ["llm", "importer"], severity: "medium" }],
    },
    {
      name: "near miss of the RAG backend: the same identity also writes records, which counts",
      model: spec(internalAgent("agent"), {
        services: [{ id: "rag-api", type: "api", runsAs: "rag-sa" }],
        datastores: [
          { id: "traces", type: "log" },
          { id: "records", type: "relational" },
        ],
        identities: [{ id: "rag-sa", type: "service-account", permissions: [{ resource: "llm", actions: ["spend"] }, { resource: "traces", actions: ["write"] }, { resource: "records", actions: ["write"] }] }],
        flows: [{ id: "llm-to-rag", from: "llm", to: "rag-api", channel: "api" }],
      }),
      // Likelihood 3. Impact 3 - 1 (only writes: the spend on the model is not counted) = 2. 6: medium, naming only the records.
      findings: [{ anchors: ["llm", "rag-api"], severity: "medium", summary: /can write on records;/ }],
    },
  ],
});
