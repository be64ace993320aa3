import assert from "node:assert/strict";
import { publishingInOrgName } from "../../../src/rules/excessive-agency/publishing-in-org-name.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const forum = (action = "publish") => ({
  sources: [{ id: "forum", type: "comments" }],
  tools: [{ id: "post", capabilities: [{ action, on: ["forum"], destination: "fixed" }] }],
});

ruleTester(publishingInOrgName, {
  valid: [
    { name: "no untrusted input reaches the agent", model: spec(internalAgent("agent", { tools: ["post"] }), forum()) },
    { name: "near miss: the tool sends rather than publishes", model: spec(publicChat("agent", { tools: ["post"] }), forum("send")) },
    {
      name: "publishing only reachable laterally through a shell's identity",
      model: spec(publicChat("agent", { tools: ["shell"] }), {
        sources: [{ id: "forum", type: "comments" }],
        tools: [{ id: "shell", runsAs: "bot", capabilities: [{ action: "execute" }] }],
        identities: [{ id: "bot", type: "bot", permissions: [{ resource: "forum", actions: ["publish"] }] }],
      }),
    },
  ],
  invalid: [
    {
      name: "public chat agent posts on the forum",
      model: spec(publicChat("agent", { tools: ["post"] }), forum()),
      findings: [
        {
          anchors: ["agent", "post"],
          // Likelihood 4 +1 (public entry) = 5; impact 3. 5 x 3 = 15: high.
          severity: "high",
          summary: /can publish through post on forum/,
          check: (finding) => assert.equal(finding.path?.at(-1)?.technique, "AML.T0048.001"),
        },
      ],
    },
    {
      name: "ticket-steered agent with a verified approval before posting",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "post"] }), customerTickets("agent"), forum(), {
        controls: [{ id: "review-posts", type: "human-approval", covers: ["post"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "post"],
          // Inherent: likelihood 4 +0 (tickets, exposure 4); impact 3: 12, high. Residual (4 - 2) x 3 = 6: medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 6);
          },
        },
      ],
    },
  ],
});
