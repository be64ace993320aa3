import assert from "node:assert/strict";
import { unboundedConsumption } from "../../../src/rules/infrastructure/unbounded-consumption.js";
import { customerTickets, internalAgent, linkedSpeaker, publicChat, recordedVisit } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** Customers call an API backend that hosts the agent. */
const customerApi = (extra: Record<string, unknown> = {}) => ({
  actors: [{ id: "customer", type: "customer", authenticated: true }],
  services: [{ id: "backend", type: "api", exposure: "internet", authentication: "session" }],
  models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
  agents: [{ id: "agent", models: ["llm"], runsOn: "backend", ...extra }],
  flows: [
    { id: "customer-to-backend", from: "customer", to: "backend", channel: "api" },
    { id: "backend-to-agent", from: "backend", to: "agent", channel: "api" },
  ],
});

/** A self-hosted scoring model on an inference server on the internet that takes API keys; `callers` query it. */
const scoringApi = (callers: "partners" | "backend", controls: Record<string, unknown>[] = []) => ({
  actors: [{ id: "partners", type: "partner" }],
  services: [
    { id: "scoring-api", type: "inference-server", exposure: "internet", authentication: "api-key" },
    { id: "shop", type: "web-app" },
  ],
  models: [{ id: "scorer", provider: "Team", hosting: "self-hosted", runsOn: "scoring-api", task: "classification" }],
  flows:
    callers === "partners"
      ? [{ id: "partners-query", from: "partners", to: "scoring-api", channel: "api" }]
      : [
          { id: "partners-shop", from: "partners", to: "shop", channel: "api" },
          { id: "shop-query", from: "shop", to: "scoring-api", channel: "api" },
        ],
  controls,
});

ruleTester(unboundedConsumption, {
  valid: [
    { name: "only employees talk to the agent", model: spec(internalAgent()) },
    { name: "patients speak in a visit clinicians start: one run per visit, and the patients start none", model: spec(recordedVisit()) },
    { name: "near miss: a keyed inference endpoint only the team's own web app calls (partners reach the app, not the endpoint)", model: spec(scoringApi("backend")) },
    {
      name: "near miss: customers reach the agent only through stored tickets, not by talking to it",
      model: spec(internalAgent("agent", { tools: ["read-tickets"] }), customerTickets("agent")),
    },
  ],
  invalid: [
    {
      name: "bystanders ask a linked speaker in the account holders' session: each of their requests starts a run",
      model: spec(linkedSpeaker()),
      // Likelihood 3 + 1 (public entry) = 4, impact 2: 8, medium.
      findings: [{ anchors: ["agent"], severity: "medium", summary: /^Requests from bystanders and others go straight to agent through device/, check: (finding) => assert.equal(finding.inherent.score, 8) }],
    },
    {
      name: "partners query a self-hosted model's inference endpoint with their API keys: keys identify them, they do not bound their queries",
      model: spec(scoringApi("partners")),
      findings: [
        {
          anchors: ["scoring-api"],
          // likelihood 3 + 1 (on the internet) - 1 (keys held by partners) = 3; impact 2. 3 x 2 = 6, medium.
          severity: "medium",
          summary: /^Holders of API keys for scoring-api \(partners\) query scoring-api themselves; each request costs inference on scorer/,
          check: (finding) => assert.equal(finding.inherent.score, 6),
        },
      ],
    },
    {
      name: "the same endpoint with a verified rate limit on it",
      model: spec(scoringApi("partners", [{ id: "per-key-limit", type: "rate-limit", covers: ["scoring-api"], verified: true }])),
      findings: [
        {
          anchors: ["scoring-api"],
          // Inherent 6; the rate limit takes 2 off likelihood: 1 x 2 = 2, info.
          check: (finding) => assert.deepEqual([finding.inherent.score, finding.residual.score], [6, 2]),
        },
      ],
    },
    {
      name: "anonymous public chat",
      model: spec(publicChat("agent")),
      findings: [
        {
          anchors: ["agent"],
          // likelihood 3 + 1 (anyone on the internet) = 4; impact 2 (no autonomous tool loop). 4 x 2 = 8, medium.
          severity: "medium",
          summary: /Requests from public-user go straight to agent through widget/,
          check: (finding) => assert.equal(finding.inherent.score, 8),
        },
      ],
    },
    {
      name: "customers drive an autonomous agent with tools; a verified rate limit on the backend it runs on",
      model: spec(customerApi({ autonomy: "autonomous", tools: ["lookup"] }), {
        tools: [{ id: "lookup", capabilities: [{ action: "read" }] }],
        controls: [{ id: "per-user-limit", type: "rate-limit", covers: ["backend"], verified: true, evidence: [{ type: "config", ref: "gateway/limits.yaml" }] }],
      }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // likelihood 3 (customers: no change); impact 2 + 1 (autonomous tool loop) = 3. inherent 3 x 3 = 9, medium;
            // the verified rate limit on the host takes 2 off likelihood: 1 x 3 = 3, low.
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 3);
            assert.equal(finding.severity, "low");
            assert.deepEqual(finding.controls.map((c) => c.control), ["per-user-limit"]);
          },
        },
      ],
    },
  ],
});
