import assert from "node:assert/strict";
import { contextExportedToThirdParty } from "../../../src/rules/data-and-model/context-exported-to-third-party.js";
import { customerTickets, internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** An internal agent that reads customer tickets (confidential, personal) and sends traces to `traces`, in the given boundary. */
const tracing = (boundaryType: string, flow: Record<string, unknown> = {}, store: Record<string, unknown> = {}) =>
  spec(
    internalAgent("agent", { tools: ["read-tickets"] }),
    customerTickets("agent"),
    { boundaries: [{ id: "tracing-vendor", type: boundaryType }] },
    { datastores: [{ id: "traces", type: "log", boundary: "tracing-vendor", ...store }] },
    { flows: [{ id: "agent-to-traces", from: "agent", to: "traces", channel: "log", ...flow }] },
  );
const cardData = { data: [{ id: "card-numbers", classification: "restricted", flags: ["payment"] }] };

ruleTester(contextExportedToThirdParty, {
  valid: [
    { name: "traces stay in the team's own cloud account", model: tracing("cloud-account") },
    { name: "the agent's context holds nothing sensitive", model: spec(internalAgent("agent"), { boundaries: [{ id: "tracing-vendor", type: "vendor" }], datastores: [{ id: "traces", type: "log", boundary: "tracing-vendor" }], flows: [{ id: "agent-to-traces", from: "agent", to: "traces", channel: "log" }] }) },
    {
      name: "an API call to a vendor service that is no log store (an email API): sending is the tool's job, not a trace",
      model: spec(internalAgent("agent", { tools: ["read-tickets"] }), customerTickets("agent"), {
        boundaries: [{ id: "mail-vendor", type: "vendor" }],
        services: [{ id: "mailer", type: "api", boundary: "mail-vendor" }],
        flows: [{ id: "agent-to-mailer", from: "agent", to: "mailer", channel: "api", data: ["ticket-text"] }],
      }),
    },
    {
      name: "the model provider gets the context (TW-DAT-009's case)",
      model: spec(internalAgent("agent", { tools: ["read-tickets"] }), customerTickets("agent"), {
        boundaries: [{ id: "llm-vendor", type: "vendor" }],
        models: [{ id: "vendor-llm", provider: "Vendor", hosting: "hosted-api", boundary: "llm-vendor", version: "m-2026-01-01", pinned: true }],
        flows: [{ id: "agent-to-vendor-llm", from: "agent", to: "vendor-llm", channel: "log" }],
      }),
    },
  ],
  invalid: [
    {
      name: "a log flow that lists nothing still exports the prompt, with the tickets in it",
      model: tracing("vendor"),
      findings: [
        {
          anchors: ["agent", "traces"],
          // Default 2 x 3 = 6, medium: the ticket text is confidential, not restricted.
          severity: "medium",
          summary: /^agent exports its conversations to traces at tracing-vendor, a third party that then keeps ticket-text\.$/,
          check: (finding) => assert.match(finding.evidence.find((e) => e.element === "ticket-text")!.note, /^confidential data in agent's context from tickets, and a trace holds the whole prompt$/),
        },
      ],
    },
    {
      name: "restricted data listed on an API flow to a vendor analytics store; masking lowers it and it stays visible",
      model: spec(
        tracing("vendor", { channel: "api", data: ["card-numbers"] }, { type: "analytics" }),
        cardData,
        { controls: [{ id: "redaction", type: "data-minimisation", covers: ["traces"], verified: true, evidence: [{ type: "test", ref: "tests/redaction.test.ts" }] }] },
      ),
      findings: [
        {
          anchors: ["agent", "traces"],
          check: (finding) => {
            // Only what the API flow lists goes (it is no trace of the prompt): card-numbers, restricted, +1 impact: 2 x 4 = 8.
            assert.equal(finding.inherent.score, 8);
            assert.deepEqual(finding.evidence.filter((e) => e.element.startsWith("card") || e.element === "ticket-text").map((e) => e.element), ["card-numbers"]);
            // Verified masking takes 2 off the impact: 2 x 2 = 4.
            assert.equal(finding.residual.score, 4);
          },
        },
      ],
    },
  ],
});
