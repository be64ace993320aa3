import assert from "node:assert/strict";
import { sentInOrganisationName } from "../../../src/rules/output-handling/sent-in-organisation-name.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const mailer = (destination = "any", handles = ["sends-email"]) => ({
  services: [{ id: "mailer", type: "email", handles }],
  tools: [{ id: "send-mail", capabilities: [{ action: "send", on: ["mailer"], destination }] }],
  flows: [{ id: "tool-to-mailer", from: "send-mail", to: "mailer", channel: "api" }],
});

ruleTester(sentInOrganisationName, {
  valid: [
    { name: "only employees reach the agent", model: spec(internalAgent("agent", { tools: ["send-mail"] }), mailer()) },
    { name: "near miss: the service the tool calls does not send or publish", model: spec(publicChat("agent", { tools: ["send-mail"] }), mailer("any", ["plain-text"])) },
  ],
  invalid: [
    {
      name: "a public chat agent's mail goes out through the email service",
      model: spec(publicChat("agent", { tools: ["send-mail"] }), mailer()),
      findings: [
        {
          anchors: ["agent", "mailer"],
          // Likelihood 4 + 1 (public) = 5. Impact 3. 15: high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.equal(finding.path?.at(-1)?.technique, "AML.T0052");
          },
        },
      ],
    },
    {
      name: "the tool only mails a fixed address",
      model: spec(publicChat("agent", { tools: ["send-mail"] }), mailer("fixed")),
      // Impact 3 - 1 (fixed recipient) = 2: 5 x 2 = 10, medium.
      findings: [{ anchors: ["agent", "mailer"], severity: "medium" }],
    },
    {
      name: "the tool mails colleagues only (internal): phishing inside the organisation, a step less harm",
      model: spec(publicChat("agent", { tools: ["send-mail"] }), mailer("internal")),
      findings: [
        {
          anchors: ["agent", "mailer"],
          // Impact 3 - 1 (internal recipients) = 2: 5 x 2 = 10, medium.
          severity: "medium",
          check: (finding) => assert.match(finding.reasons[1]!, /-1 goes only to recipients inside the organisation, not anyone the attacker names/),
        },
      ],
    },
    {
      name: "the agent publishes directly to a social account, with human approval",
      model: spec(publicChat("agent"), {
        services: [{ id: "social", type: "api", handles: ["publishes"] }],
        flows: [{ id: "agent-to-social", from: "agent", to: "social", channel: "api" }],
        controls: [{ id: "review", type: "human-approval", covers: ["agent-to-social"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "social"],
          check: (finding) => {
            assert.equal(finding.path?.at(-1)?.technique, "AML.T0048.001");
            // 5 x 3 inherent; approval on the flow takes 2 off likelihood: 3 x 3 = 9, medium.
            assert.equal(finding.residual.score, 9);
          },
        },
      ],
    },
  ],
});
