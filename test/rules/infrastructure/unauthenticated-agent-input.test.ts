import assert from "node:assert/strict";
import { unauthenticatedAgentInput } from "../../../src/rules/infrastructure/unauthenticated-agent-input.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const boundaries = {
  boundaries: [
    { id: "corp", type: "corporate" },
    { id: "vendor", type: "vendor" },
    { id: "internet", type: "internet" },
  ],
};
const mailTool = { tools: [{ id: "mail", capabilities: [{ action: "send", destination: "any" }] }] };
/** A vendor's webhook service posts events to the agent. */
const webhook = (flow: Record<string, unknown>, senderBoundary = "vendor") => ({
  services: [{ id: "crm-webhook", type: "api", boundary: senderBoundary }],
  flows: [{ id: "crm-event", from: "crm-webhook", to: "agent", channel: "event", ...flow }],
});

ruleTester(unauthenticatedAgentInput, {
  valid: [
    { name: "near miss: the same webhook, signed", model: spec(boundaries, internalAgent("agent", { boundary: "corp", tools: ["mail"] }), mailTool, webhook({ authenticated: true })) },
    { name: "authentication not stated", model: spec(boundaries, internalAgent("agent", { boundary: "corp", tools: ["mail"] }), mailTool, webhook({})) },
    { name: "unauthenticated, but inside the agent's boundary", model: spec(boundaries, internalAgent("agent", { boundary: "corp", tools: ["mail"] }), mailTool, webhook({ authenticated: false }, "corp")) },
    {
      name: "a chat client is the user's own way in, not a system to impersonate",
      model: spec(boundaries, internalAgent("agent", { boundary: "corp" }), {
        clients: [{ id: "widget", type: "web-chat", boundary: "internet", handles: ["plain-text"] }],
        flows: [{ id: "widget-to-agent", from: "widget", to: "agent", channel: "api", authenticated: false }],
      }),
    },
    {
      name: "messages from a peer agent are left to TW-A2A-001",
      model: spec(boundaries, internalAgent("agent", { boundary: "corp" }), {
        agents: [{ id: "peer", models: ["llm"], boundary: "vendor" }],
        flows: [{ id: "peer-message", from: "peer", to: "agent", channel: "message", authenticated: false }],
      }),
    },
  ],
  invalid: [
    {
      name: "a vendor webhook posts unauthenticated events to an agent that can email",
      model: spec(boundaries, internalAgent("agent", { boundary: "corp", tools: ["mail"] }), mailTool, webhook({ authenticated: false })),
      findings: [
        {
          anchors: ["crm-event"],
          // likelihood 3; impact 3 (send: neither severe nor read-only). 3 x 3 = 9, medium.
          severity: "medium",
          summary: /pose as crm-webhook/,
          check: (finding) => assert.equal(finding.inherent.score, 9),
        },
      ],
    },
    {
      name: "a feed on the internet pushes documents to an agent that runs code",
      model: spec(boundaries, internalAgent("agent", { boundary: "corp", tools: ["runner"] }), {
        tools: [{ id: "runner", capabilities: [{ action: "execute" }] }],
        sources: [{ id: "feed", type: "feed", boundary: "internet" }],
        flows: [{ id: "feed-push", from: "feed", to: "agent", channel: "event", authenticated: false }],
      }),
      findings: [
        {
          anchors: ["feed-push"],
          // likelihood 3 + 1 (sender on the internet) = 4; impact 3 + 1 (execute) = 4. 4 x 4 = 16, high.
          severity: "high",
          check: (finding) => assert.equal(finding.inherent.score, 16),
        },
      ],
    },
    {
      name: "a queue in another boundary feeds a read-only agent; verified signed messages lower it",
      model: spec(boundaries, internalAgent("agent", { boundary: "corp" }), {
        services: [{ id: "queue", type: "queue", boundary: "vendor" }],
        flows: [{ id: "queue-event", from: "queue", to: "agent", channel: "event", authenticated: false }],
        controls: [{ id: "signed", type: "authentication", covers: ["queue-event"], verified: true, evidence: [{ type: "config", ref: "queue/signing.yaml" }] }],
      }),
      findings: [
        {
          anchors: ["queue-event"],
          check: (finding) => {
            // likelihood 3; impact 3 - 1 (no tool with effects) = 2. inherent 3 x 2 = 6, medium;
            // verified authentication takes 2 off likelihood: 1 x 2 = 2, info.
            assert.equal(finding.inherent.score, 6);
            assert.equal(finding.residual.score, 2);
            assert.equal(finding.severity, "info");
          },
        },
      ],
    },
  ],
});
