// The helpers the data-and-model rules share: training sets, who can query a model, open endpoints.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildContext } from "../../../src/analysis/analyze.js";
import { modelQueriers, openInferenceEndpoint, trainingSets, unauthenticatedExposure } from "../../../src/rules/data-and-model/model-access.js";
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
    const { graph } = contextOf({
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
    assert.equal(unauthenticatedExposure(graph, "closed-server"), undefined);
    assert.deepEqual(openInferenceEndpoint(graph, "on-open"), { element: "open-server", exposure: "partner" });
    assert.equal(openInferenceEndpoint(graph, "on-closed"), undefined);
    assert.deepEqual(openInferenceEndpoint(graph, "own-endpoint"), { element: "own-endpoint", exposure: "internet" });
    assert.equal(openInferenceEndpoint(graph, "vendor"), undefined, "a vendor API's endpoint is the vendor's");
  });
});
