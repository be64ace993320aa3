// The helpers the data-and-model rules share: training sets, who can query a model, open endpoints.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildContext } from "../../../src/analysis/analyze.js";
import { endpointAt, endpointOrigin, entryFactors, inferenceEndpoint, modelQueriers, trainingSets } from "../../../src/rules/data-and-model/model-access.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { TODAY, loadSpec, spec } from "../rule-tester.js";
import type { ModelSpec } from "../rule-tester.js";

const contextOf = (model: ModelSpec) => buildContext(loadSpec(model), TODAY);

/** A model trained both ways: listed in fineTunedOn, and through a fine-tuning pipeline. */
const trained: ModelSpec = {
  actors: [{ id: "anyone", type: "public" }],
  models: [{ id: "tuned", provider: "Team", hosting: "self-hosted", fineTunedOn: ["listed"] }],
  datasets: [
    { id: "listed", provenance: "internal", holds: ["a"] },
    { id: "piped", provenance: "internal", writableBy: ["anyone"] },
    { id: "embedded", provenance: "internal", holds: ["a"] },
  ],
  data: [
    { id: "a", classification: "internal" },
    { id: "b", classification: "confidential" },
  ],
  pipelines: [
    { id: "ft", type: "fine-tuning" },
    { id: "embed", type: "embedding-ingestion" },
  ],
  flows: [
    { id: "piped-to-ft", from: "piped", to: "ft", channel: "training", data: ["b"] },
    { id: "ft-to-tuned", from: "ft", to: "tuned", channel: "training" },
    { id: "embedded-to-embed", from: "embedded", to: "embed", channel: "ingestion" },
    { id: "embed-to-tuned", from: "embed", to: "tuned", channel: "api" },
  ],
};

describe("data-and-model helpers", () => {
  it("trainingSets: fineTunedOn and training pipelines, with held and carried data, in dataset order", () => {
    const { graph } = contextOf(spec(internalAgent("agent", { models: ["tuned"] }), trained));
    assert.deepEqual(trainingSets(graph, "tuned"), [
      { dataset: "listed", via: "fineTunedOn", data: ["a"] },
      { dataset: "piped", via: "ft", data: ["b"] },
    ]);
    assert.deepEqual(trainingSets(graph, "llm"), []);
  });

  it("modelQueriers: training input is not a query; an agent's users are", () => {
    const internal = contextOf(spec(internalAgent("agent", { models: ["tuned"] }), trained, { flows: [{ id: "tuned-to-agent", from: "tuned", to: "agent", channel: "api" }] }));
    assert.equal(internal.untrusted.reaches("agent"), false, "training data shapes the weights; it is not text in the agent's context");
    assert.deepEqual(modelQueriers(internal, "tuned"), []);

    const chat = contextOf(spec(publicChat("agent", { models: ["tuned"] }), trained));
    const queriers = modelQueriers(chat, "tuned");
    assert.deepEqual(queriers.map((q) => [q.origin.id, q.through, q.direct, q.who]), [["public-user", "agent", true, "public-user"]]);
  });

  it("open endpoints: self-hosted models and inference servers without authentication, on the internet or partner networks", () => {
    const context = contextOf({
      services: [
        { id: "open-server", type: "inference-server", exposure: "partner" },
        { id: "closed-server", type: "inference-server", exposure: "internet", authentication: "mtls" },
      ],
      models: [
        { id: "on-open", provider: "Team", hosting: "self-hosted", runsOn: "open-server" },
        { id: "on-closed", provider: "Team", hosting: "self-hosted", runsOn: "closed-server" },
        { id: "own-endpoint", provider: "Team", hosting: "self-hosted", exposure: "internet", authentication: "none" },
        { id: "vendor", provider: "Vendor", hosting: "hosted-api", exposure: "internet", authentication: "none" },
      ],
    });
    assert.equal(endpointAt(context, "closed-server"), undefined);
    assert.deepEqual(inferenceEndpoint(context, "on-open"), { element: "open-server", exposure: "partner", callers: [] });
    assert.equal(inferenceEndpoint(context, "on-closed"), undefined);
    assert.deepEqual(inferenceEndpoint(context, "own-endpoint"), { element: "own-endpoint", exposure: "internet", callers: [] });
    assert.equal(inferenceEndpoint(context, "vendor"), undefined, "a vendor API's endpoint is the vendor's");
  });

  it("inferenceEndpoint: an open endpoint answers anyone; one that asks for credentials counts only where outsiders call it themselves", () => {
    const context = contextOf({
      actors: [
        { id: "partner", type: "partner", authenticated: true },
        { id: "shopper", type: "public" },
        { id: "staff", type: "employee", authenticated: true },
      ],
      clients: [{ id: "app", type: "mobile-app", handles: ["renders-markdown"] }],
      services: [
        { id: "keyed", type: "inference-server", exposure: "internet", authentication: "api-key" },
        { id: "open", type: "inference-server", exposure: "partner" },
        { id: "backend-only", type: "inference-server", exposure: "internet", authentication: "api-key" },
        { id: "shop", type: "web-app", exposure: "internet" },
        { id: "internal", type: "inference-server", exposure: "internal", authentication: "api-key" },
        { id: "via-app", type: "inference-server", exposure: "internet", authentication: "oauth" },
      ],
      models: [
        { id: "on-keyed", provider: "Team", hosting: "self-hosted", runsOn: "keyed", exposure: "internet", authentication: "api-key" },
        { id: "on-open", provider: "Team", hosting: "self-hosted", runsOn: "open" },
        { id: "on-backend-only", provider: "Team", hosting: "self-hosted", runsOn: "backend-only" },
        { id: "on-internal", provider: "Team", hosting: "self-hosted", runsOn: "internal" },
        { id: "on-via-app", provider: "Team", hosting: "self-hosted", runsOn: "via-app" },
        { id: "own-open", provider: "Team", hosting: "self-hosted", runsOn: "keyed", exposure: "internet", authentication: "none" },
        { id: "no-callers", provider: "Team", hosting: "self-hosted", exposure: "internet", authentication: "api-key" },
      ],
      flows: [
        { id: "partner-to-keyed", from: "partner", to: "keyed", channel: "api" },
        { id: "keyed-to-model", from: "keyed", to: "on-keyed", channel: "api" },
        // The shop calls the server with its own key; the shoppers hold none.
        { id: "shopper-to-shop", from: "shopper", to: "shop", channel: "api" },
        { id: "shop-to-server", from: "shop", to: "backend-only", channel: "api" },
        { id: "staff-to-internal", from: "staff", to: "internal", channel: "api" },
        // A token in the app on the shopper's phone is the shopper's.
        { id: "shopper-to-app", from: "shopper", to: "app", channel: "api" },
        { id: "app-to-server", from: "app", to: "via-app", channel: "api" },
      ],
    });
    // The server takes the partner's calls; the model's own exposure says the same, so the server is the endpoint.
    assert.deepEqual(inferenceEndpoint(context, "on-keyed"), { element: "keyed", exposure: "internet", authentication: "api-key", callers: ["partner"] });
    assert.deepEqual(inferenceEndpoint(context, "on-open"), { element: "open", exposure: "partner", callers: [] });
    assert.equal(inferenceEndpoint(context, "on-backend-only"), undefined, "only the team's shop holds a key");
    assert.equal(inferenceEndpoint(context, "on-internal"), undefined, "internal only");
    assert.deepEqual(inferenceEndpoint(context, "on-via-app"), { element: "via-app", exposure: "internet", authentication: "oauth", callers: ["shopper"] });
    // An open interface is worse than a keyed one, whichever is the model's own.
    assert.equal(inferenceEndpoint(context, "own-open")?.element, "own-open");
    assert.equal(inferenceEndpoint(context, "no-callers"), undefined, "asks for a key and no outsider is shown calling it");
  });

  it("entryFactors: a keyed endpoint on the internet is one step less than an open one, said in words; the key holders' adversaries count", () => {
    const model = (authentication: string, exposure = "internet") => ({
      actors: [{ id: "partner", type: "partner", authenticated: true }],
      services: [{ id: "server", type: "inference-server", exposure, authentication }],
      models: [{ id: "clf", provider: "Team", hosting: "self-hosted", runsOn: "server" }],
      flows: [{ id: "partner-to-server", from: "partner", to: "server", channel: "api" }],
      adversaries: [{ id: "rogue-partner", type: "competitor", capability: "high", via: ["partner"] }],
    });
    const sum = (authentication: string, exposure?: string) => {
      const context = contextOf(model(authentication, exposure));
      const endpoint = inferenceEndpoint(context, "clf")!;
      const factors = entryFactors(context.graph, endpointOrigin(context.graph, endpoint), endpoint);
      return { total: factors.reduce((s, f) => s + f.delta, 0), reasons: factors.map((f) => f.reason) };
    };
    // Open on the internet: +1 exposure, +1 high adversary at the partner who calls it = 2.
    assert.equal(sum("none").total, 2);
    // Keyed on the internet: +1 exposure, -1 the keys, +1 adversary = 1.
    const keyed = sum("api-key");
    assert.equal(keyed.total, 1);
    assert.ok(keyed.reasons.some((r) => r.includes("only they can query it, though credentials identify callers without bounding how many queries each sends")), keyed.reasons.join("\n"));
    // Keyed on partner networks: -1 exposure, -1 the keys, +1 adversary = -1.
    assert.equal(sum("api-key", "partner").total, -1);
  });

  it("modelQueriers: an endpoint that asks for credentials is a querier only when asked for (credentialed)", () => {
    const context = contextOf({
      actors: [{ id: "partner", type: "partner", authenticated: true }],
      services: [{ id: "server", type: "inference-server", exposure: "internet", authentication: "api-key" }],
      models: [{ id: "clf", provider: "Team", hosting: "self-hosted", runsOn: "server" }],
      flows: [
        { id: "partner-to-server", from: "partner", to: "server", channel: "api" },
        { id: "server-to-clf", from: "server", to: "clf", channel: "api" },
      ],
    });
    assert.deepEqual(modelQueriers(context, "clf").map((q) => q.origin.id), ["partner"]);
    // Keyed endpoint: exposure 4 (0 steps) outranks the partner actor (exposure 3, -1).
    const queriers = modelQueriers(context, "clf", { credentialed: true });
    assert.deepEqual(queriers.map((q) => [q.origin.id, q.endpoint?.authentication]), [["server", "api-key"], ["partner", undefined]]);
    assert.equal(queriers[0]!.who, "holders of API keys for server (partner)");
  });
});
