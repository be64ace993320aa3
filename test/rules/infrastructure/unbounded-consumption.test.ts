import assert from "node:assert/strict";
import { unboundedConsumption } from "../../../src/rules/infrastructure/unbounded-consumption.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
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

ruleTester(unboundedConsumption, {
  valid: [
    { name: "only employees talk to the agent", model: spec(internalAgent()) },
    {
      name: "near miss: customers reach the agent only through stored tickets, not by talking to it",
      model: spec(internalAgent("agent", { tools: ["read-tickets"] }), customerTickets("agent")),
    },
  ],
  invalid: [
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
