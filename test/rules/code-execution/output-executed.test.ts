import assert from "node:assert/strict";
import { outputExecuted } from "../../../src/rules/code-execution/output-executed.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const sqlRunner = (handles = ["executes-sql"]) => ({
  services: [{ id: "sql-runner", type: "api", handles }],
  flows: [{ id: "agent-to-sql", from: "agent", to: "sql-runner", channel: "api" }],
});

ruleTester(outputExecuted, {
  valid: [
    { name: "only employees reach the agent", model: spec(internalAgent("agent"), sqlRunner()) },
    { name: "near miss: the consumer shows the output as plain text", model: spec(publicChat("agent"), sqlRunner(["plain-text"])) },
    {
      name: "reached only through the agent's own execute tool (that is TW-RCE-001)",
      model: spec(publicChat("agent", { tools: ["shell"] }), {
        services: [{ id: "runner", type: "ci-runner", handles: ["executes-shell"] }],
        tools: [{ id: "shell", capabilities: [{ action: "execute", on: ["runner"] }] }],
      }),
    },
  ],
  invalid: [
    {
      name: "a public chat agent's SQL runs on a database service",
      model: spec(publicChat("agent"), sqlRunner()),
      findings: [
        {
          anchors: ["agent", "sql-runner"],
          // Likelihood 4 + 1 (public) = 5. Impact 4 (SQL: no +1). 20: critical.
          severity: "critical",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.deepEqual(finding.path?.slice(-2).map((s) => s.technique), ["AML.T0102", "AML.T0050"]);
          },
        },
      ],
    },
    {
      name: "code submitted through a non-executing tool to a job runner, with output validation",
      model: spec(publicChat("agent", { tools: ["submit-job"] }), {
        services: [{ id: "jobs", type: "runtime", handles: ["executes-code"] }],
        tools: [{ id: "submit-job", capabilities: [{ action: "write", on: ["jobs"] }] }],
        controls: [{ id: "ast-check", type: "output-validation", covers: ["jobs"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "jobs"],
          check: (finding) => {
            // Likelihood 5; impact 4 + 1 (runs code) = 5: 25 inherent.
            assert.equal(finding.inherent.score, 25);
            // Verified output validation takes 2 off likelihood: 3 x 5 = 15, high.
            assert.equal(finding.residual.score, 15);
            assert.equal(finding.severity, "high");
          },
        },
      ],
    },
    {
      name: "the consumer is itself a sandbox",
      model: spec(publicChat("agent"), {
        services: [{ id: "notebook", type: "sandbox", handles: ["executes-code"] }],
        flows: [{ id: "agent-to-notebook", from: "agent", to: "notebook", channel: "api" }],
      }),
      // Likelihood 5. Impact 4 + 1 (runs code) - 1 (a sandbox) = 4. 20: critical.
      findings: [{ anchors: ["agent", "notebook"], severity: "critical", check: (finding) => assert.equal(finding.inherent.impact, 4) }],
    },
    {
      name: "a bare model whose output a shell service runs",
      model: spec(publicChat("agent"), {
        services: [{ id: "shell-svc", type: "runtime", handles: ["executes-shell"] }],
        flows: [
          { id: "widget-to-llm", from: "widget", to: "llm", channel: "api" },
          { id: "llm-to-shell", from: "llm", to: "shell-svc", channel: "output" },
        ],
      }),
      // Likelihood 4 + 1 (public text reaches the model) = 5. Impact 4 + 1 (shell commands) = 5. 25: critical.
      findings: [{ anchors: ["llm", "shell-svc"], severity: "critical", check: (finding) => assert.equal(finding.inherent.score, 25) }],
    },
  ],
});
