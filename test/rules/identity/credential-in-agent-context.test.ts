import assert from "node:assert/strict";
import { credentialInAgentContext } from "../../../src/rules/identity/credential-in-agent-context.js";
import { backendCredential, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const vault = (flags: string[]) => ({
  datastores: [{ id: "vault", type: "secrets", holds: ["api-secrets"] }],
  data: [{ id: "api-secrets", classification: "restricted", flags }],
  tools: [{ id: "read-config", capabilities: [{ action: "read", on: ["vault"] }] }],
});

ruleTester(credentialInAgentContext, {
  valid: [
    { name: "the key sits in a tool's configuration, not the agent's", model: spec(publicChat("agent", { tools: ["call-api"] }), backendCredential({ presentIn: ["call-api"] }), { tools: [{ id: "call-api", capabilities: [{ action: "read", on: ["orders-api"] }] }] }) },
    { name: "restricted data the agent reads is not credentials", model: spec(publicChat("agent", { tools: ["read-config"] }), vault(["payment"])) },
    { name: "secrets in a store the agent does not read", model: spec(publicChat("agent"), vault(["credentials"])) },
    // Customers' session tokens in the logs it reads are people's credentials: their leak is TW-EXF-001's, not an NHI finding.
    { name: "people's own credentials (flagged personal too) the agent reads", model: spec(publicChat("agent", { tools: ["read-config"] }), vault(["credentials", "personal"])) },
    {
      name: "credentials that belong to the customers they are about",
      model: spec(publicChat("agent", { tools: ["read-config"] }), {
        actors: [{ id: "customers", type: "customer" }],
        datastores: [{ id: "vault", type: "secrets", holds: ["customer-tokens"] }],
        data: [{ id: "customer-tokens", classification: "restricted", flags: ["credentials"], belongsTo: ["customers"] }],
        tools: [{ id: "read-config", capabilities: [{ action: "read", on: ["vault"] }] }],
      }),
    },
    // The agent's code uses the key; the model never sees it, and no tool of the agent runs code to read it.
    { name: "the key sits in a public agent's own runtime environment", model: spec(publicChat("agent"), backendCredential({ presentIn: ["agent"] })) },
  ],
  invalid: [
    {
      name: "a public agent reads secrets through a tool",
      model: spec(publicChat("agent", { tools: ["read-config"] }), vault(["credentials"])),
      findings: [
        {
          anchors: ["agent", "api-secrets"],
          // Likelihood 4 (untrusted text reaches it) + 1 (public entry) = 5, impact 3 + 1 (restricted) = 4: 20, critical.
          severity: "critical",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            // The entry is named once, by its exposure: no second step for untrusted text reaching the agent.
            assert.equal(finding.reasons[0], "Likelihood 5/5: rule default 4; +1 entry public-user (public actor: writes whatever they like).");
            assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0051.000", "AML.T0051.000", "AML.T0098", "AML.T0057"]);
          },
        },
      ],
    },
    {
      name: "a key pasted into the system prompt",
      model: spec(internalAgent("agent", { prompts: ["system"] }), backendCredential({ presentIn: ["system"] }), { prompts: [{ id: "system", role: "system" }] }),
      findings: [
        {
          anchors: ["agent", "backend-key"],
          // Likelihood 4 - 2 (only trusted people talk to it) = 2, impact 3: 6, medium; no attack path.
          severity: "medium",
          summary: /The credential backend-key can enter the context of agent from the prompt system/,
          check: (finding) => assert.equal(finding.path, undefined),
        },
      ],
    },
  ],
});
