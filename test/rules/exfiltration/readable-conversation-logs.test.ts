import assert from "node:assert/strict";
import { readableConversationLogs } from "../../../src/rules/exfiltration/readable-conversation-logs.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** An analytics store the agent logs its conversations to; tests set who can read it and what it holds. */
const transcripts = (store: Record<string, unknown> = {}, data: Record<string, unknown> = { classification: "confidential", flags: ["personal"] }) => ({
  actors: [{ id: "analysts", type: "employee" }],
  datastores: [{ id: "chat-logs", type: "analytics", holds: ["transcripts"], readableBy: ["analysts"], ...store }],
  data: [{ id: "transcripts", ...data }],
  flows: [{ id: "agent-logs", from: "agent", to: "chat-logs", channel: "log", data: ["transcripts"] }],
});

/** An analytics store of customer records that staff can read; tests add what feeds it. */
const warehouse = {
  actors: [{ id: "analysts", type: "employee" }],
  datastores: [{ id: "warehouse", type: "analytics", holds: ["customer-records"], readableBy: ["analysts"] }],
  data: [{ id: "customer-records", classification: "confidential", flags: ["personal"] }],
};

ruleTester(readableConversationLogs, {
  valid: [
    { name: "near miss: nobody but the system reads the logs", model: spec(internalAgent(), transcripts({ readableBy: [] })) },
    { name: "the logs hold only internal data", model: spec(internalAgent(), transcripts({}, { classification: "internal" })) },
    {
      name: "a relational store nobody's agent writes to, readable by staff",
      model: spec(internalAgent(), {
        actors: [{ id: "clerks", type: "employee" }],
        datastores: [{ id: "hr-db", type: "relational", holds: ["salaries"], readableBy: ["clerks"] }],
        data: [{ id: "salaries", classification: "restricted" }],
      }),
    },
    {
      name: "a service that stores for others but receives nothing sensitive from an agent",
      model: spec(internalAgent(), {
        services: [{ id: "wiki", type: "web-app", handles: ["stores-for-others"] }],
        data: [{ id: "summary", classification: "internal" }],
        flows: [{ id: "agent-to-wiki", from: "agent", to: "wiki", channel: "api", data: ["summary"] }],
      }),
    },
    {
      name: "an analytics store that is a data product: nothing flows in from an agent or a model",
      model: spec(internalAgent(), warehouse),
    },
    {
      name: "an analytics store fed by a pipeline from the orders database, not from anything an agent or a model says",
      model: spec(internalAgent(), warehouse, {
        datastores: [{ id: "orders-db", type: "relational", holds: ["customer-records"] }],
        services: [{ id: "etl", type: "other" }],
        flows: [
          { id: "orders-to-etl", from: "orders-db", to: "etl", channel: "api", data: ["customer-records"] },
          { id: "etl-to-warehouse", from: "etl", to: "warehouse", channel: "api", data: ["customer-records"] },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: "a log store keeps firing whoever writes to it, agent or not",
      model: spec(internalAgent(), {
        actors: [{ id: "analysts", type: "employee" }],
        datastores: [{ id: "app-logs", type: "log", holds: ["customer-records"], readableBy: ["analysts"] }],
        data: [{ id: "customer-records", classification: "confidential", flags: ["personal"] }],
      }),
      // Likelihood 3 (employees); impact 3 +0 (confidential, personal). 3 x 3 = 9: medium.
      findings: [{ anchors: ["app-logs"], severity: "medium", check: (finding) => assert.equal(finding.inherent.score, 9) }],
    },
    {
      name: "an analytics store a model logs its inputs and scores to",
      model: spec(internalAgent(), warehouse, {
        models: [{ id: "scorer", provider: "Internal", hosting: "self-hosted", task: "classification" }],
        flows: [{ id: "scorer-logs", from: "scorer", to: "warehouse", channel: "log", data: ["customer-records"] }],
      }),
      // Likelihood 3; impact 3 +0 (confidential): 9, medium.
      findings: [{ anchors: ["warehouse"], severity: "medium", check: (finding) => assert.equal(finding.inherent.score, 9) }],
    },
    {
      name: "an analytics store fed by the gateway that carries the agent's answers (on the agent's output path)",
      model: spec(internalAgent(), warehouse, {
        services: [{ id: "voice-gateway", type: "gateway" }],
        flows: [
          { id: "answers", from: "agent", to: "voice-gateway", channel: "output", data: ["customer-records"] },
          { id: "gateway-records", from: "voice-gateway", to: "warehouse", channel: "log", data: ["customer-records"] },
        ],
      }),
      // Likelihood 3; impact 3 +0: 9, medium. No agent writes to it directly, so the summary names no writer.
      findings: [{ anchors: ["warehouse"], severity: "medium", check: (finding) => assert.doesNotMatch(finding.summary, /written by/) }],
    },
    {
      name: "an analytics store an agent's tool writes to, declared as the tool's capability only",
      model: spec(internalAgent("agent", { tools: ["save-summary"] }), warehouse, {
        tools: [{ id: "save-summary", capabilities: [{ action: "write", on: ["warehouse"] }] }],
      }),
      // Likelihood 3; impact 3 +0: 9, medium.
      findings: [{ anchors: ["warehouse"], severity: "medium", check: (finding) => assert.equal(finding.inherent.score, 9) }],
    },
    {
      name: "agent transcripts with personal data in an analytics store analysts can read",
      model: spec(internalAgent(), transcripts()),
      findings: [
        {
          anchors: ["chat-logs"],
          // Likelihood 3 (default, readers are employees); impact 3 (default) +0 (transcripts are confidential). 3 x 3 = 9: medium.
          severity: "medium",
          summary: /analysts can read it directly/,
        },
      ],
    },
    {
      // Retrieval filtering in the agent does not decide who reads the log store; access control on the store does.
      name: "authorization counts on the log store, not on the agent that writes to it",
      model: spec(internalAgent(), transcripts(), {
        controls: [
          { id: "acl-in-agent", type: "authorization", covers: ["agent"], verified: true, evidence: [{ type: "test", ref: "acl.test.ts" }] },
          { id: "log-access", type: "authorization", covers: ["chat-logs"], status: "partial", verified: true, evidence: [{ type: "config", ref: "iam/logs.tf" }] },
        ],
      }),
      findings: [
        {
          anchors: ["chat-logs"],
          // Inherent 3 x 3 = 9. Only log-access counts: partial and verified takes 0.5 off likelihood: 2.5 x 3 = 7.5, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.residual.score, 7.5);
            assert.deepEqual(finding.controls.map((c) => c.control), ["log-access"]);
          },
        },
      ],
    },
    {
      name: "restricted data readable by partners; a verified data-minimisation control lowers impact",
      model: spec(internalAgent(), transcripts({ readableBy: ["analysts", "vendor"] }, { classification: "restricted" }), {
        actors: [{ id: "vendor", type: "partner" }],
        controls: [{ id: "redaction", type: "data-minimisation", covers: ["agent-logs"], verified: true }],
      }),
      findings: [
        {
          anchors: ["chat-logs"],
          // Likelihood 3 +1 (readable by a partner) = 4; impact 3 +1 (restricted) = 4: inherent 16, high.
          // Residual: redaction on the logging flow takes 1 off impact: 4 x 3 = 12, still high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.residual.impact, 3);
            assert.equal(finding.residual.score, 12);
          },
        },
      ],
    },
    {
      name: "a service that shows what it stores to others receives personal data from the agent",
      model: spec(internalAgent(), {
        services: [{ id: "wiki", type: "web-app", handles: ["stores-for-others"] }],
        data: [{ id: "case-notes", classification: "confidential", flags: ["health"] }],
        flows: [{ id: "agent-to-wiki", from: "agent", to: "wiki", channel: "api", data: ["case-notes"] }],
      }),
      findings: [
        {
          anchors: ["wiki"],
          // Likelihood 3; impact 3 +1 (health flag makes case-notes restricted) = 4. 3 x 4 = 12: high.
          severity: "high",
          summary: /shows it to other people/,
        },
      ],
    },
  ],
});
