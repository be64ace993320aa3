import assert from "node:assert/strict";
import { indirectPromptInjection } from "../../../src/rules/prompt-injection/indirect-prompt-injection.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const email = { tools: [{ id: "email", capabilities: [{ action: "send", destination: "any" }] }] };
const staffTickets = {
  sources: [{ id: "tickets", type: "tickets", writableBy: ["staff"], holds: ["ticket-text"] }],
  data: [{ id: "ticket-text", classification: "internal" }],
  flows: [{ id: "tickets-to-agent", from: "tickets", to: "agent", channel: "retrieval", data: ["ticket-text"] }],
};

ruleTester(indirectPromptInjection, {
  valid: [
    { name: "only the user talking to the agent directly is untrusted (that is TW-PI-001)", model: spec(publicChat("agent", { tools: ["email"] }), email) },
    { name: "no untrusted input at all", model: spec(internalAgent("agent", { tools: ["email"] }), email) },
    { name: "near miss: the tickets are written by employees and no insider adversary is modelled", model: spec(internalAgent("agent", { tools: ["email"] }), email, staffTickets) },
  ],
  invalid: [
    {
      name: "customer tickets reach a read-only agent",
      model: spec(internalAgent("agent", { tools: ["read-tickets"] }), customerTickets("agent")),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 4 (default; customer entry exposure 4 gives 0; no adversary; 2 hops). Impact 3 - 1 (no side-effecting tool) = 2. 4 x 2 = 8: medium.
          severity: "medium",
          summary: /Tickets|tickets/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0051.001", "AML.T0051.001"]);
          },
        },
      ],
    },
    {
      name: "customer tickets reach an agent that can send email",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "email"] }), customerTickets("agent"), email),
      // Likelihood 4, impact 3 (a side-effecting tool keeps the default): 12, high.
      findings: [{ anchors: ["agent"], severity: "high", check: (finding) => assert.ok(finding.evidence.some((e) => e.element === "email")) }],
    },
    {
      name: "the same employee-written tickets count once an insider adversary is modelled",
      model: spec(internalAgent("agent", { tools: ["email"] }), email, staffTickets, { adversaries: [{ id: "insider", type: "insider", capability: "medium" }] }),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 4 - 2 (employee entry, exposure 2) = 2; medium-capability adversary adds 0. Impact 3. 2 x 3 = 6: medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.inherent.likelihood, 2),
        },
      ],
    },
    {
      name: "a content-isolation control lowers the residual, the finding stays",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "email"] }), customerTickets("agent"), email, {
        controls: [{ id: "tags", type: "content-isolation", covers: ["agent"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // 4 x 3 inherent; a verified, implemented content-isolation takes the full 1 off likelihood: 3 x 3 = 9.
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 9);
            assert.equal(finding.residual.severity, "medium");
          },
        },
      ],
    },
  ],
});
