import assert from "node:assert/strict";
import { sensitiveSystemPrompt } from "../../../src/rules/data-and-model/sensitive-system-prompt.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

function prompt(data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { prompts: [{ id: "sys", role: "system", holds: [data.id], ...extra }], data: [data] };
}

const apiKey = { id: "partner-api-key", classification: "internal", flags: ["credentials"] }; // credentials flag: restricted (4)
const pricing = { id: "pricing-rules", classification: "confidential" }; // confidential (3)

ruleTester(sensitiveSystemPrompt, {
  valid: [
    { name: "near miss: the prompt holds internal data only", model: spec(publicChat("agent", { prompts: ["sys"] }), prompt({ id: "tone-guide", classification: "internal" })) },
    { name: "a sensitive prompt no agent loads", model: spec(publicChat("agent"), prompt(apiKey)) },
  ],
  invalid: [
    {
      name: "a public chat agent loads a prompt with an API key in it",
      model: spec(publicChat("agent", { prompts: ["sys"] }), prompt(apiKey)),
      findings: [
        {
          anchors: ["sys"],
          // likelihood: default 2, +1 untrusted text reaches the agent, +1 directly = 4; impact: default 3, +1 restricted = 4; 16, high
          severity: "high",
          summary: /partner-api-key/,
          check: (finding) => assert.equal(finding.inherent.score, 16),
        },
      ],
    },
    {
      name: "customers' tickets reach the agent indirectly; verified data minimisation",
      model: spec(internalAgent("agent", { prompts: ["sys"], tools: ["read-tickets"] }), customerTickets("agent"), prompt(pricing), {
        controls: [{ id: "no-secrets-in-prompts", type: "data-minimisation", covers: ["sys"], verified: true }],
      }),
      findings: [
        {
          anchors: ["sys"],
          // likelihood: 2, +1 ticket text reaches the agent (not direct) = 3; impact 3: inherent 9, medium.
          // data-minimisation (verified) takes 2 off impact: residual 3 x 1 = 3, low
          severity: "low",
          check: (finding) => {
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 3);
          },
        },
      ],
    },
    {
      name: "an internal agent; those who can write the prompt do not count as extracting it",
      model: spec(internalAgent("agent", { prompts: ["sys"] }), prompt(pricing, { writableBy: ["outsider"] }), { actors: [{ id: "outsider", type: "public" }] }),
      // likelihood 2 (only the prompt's own writers reach the agent), impact 3: 6, medium
      findings: [{ anchors: ["sys"], severity: "medium", check: (f) => assert.equal(f.inherent.score, 6) }],
    },
  ],
});
