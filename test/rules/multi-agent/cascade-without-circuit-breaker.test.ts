import assert from "node:assert/strict";
import { cascadeWithoutCircuitBreaker } from "../../../src/rules/multi-agent/cascade-without-circuit-breaker.js";
import { customerTickets, internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A planner started by staff hands work to an executor that deploys on its own. */
const plannerAndExecutor = (executor: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  spec(internalAgent("planner"), {
    agents: [{ id: "executor", models: ["llm"], tools: ["deploy"], autonomy: "autonomous", ...executor }],
    services: [{ id: "cluster", type: "runtime" }],
    tools: [{ id: "deploy", capabilities: [{ action: "execute", on: ["cluster"] }] }],
    flows: [{ id: "plan", from: "planner", to: "executor", channel: "message" }],
    ...extra,
  });

const killSwitch = (covers: string[], status = "implemented") => ({ controls: [{ id: "stop", type: "kill-switch", covers, status }] });

ruleTester(cascadeWithoutCircuitBreaker, {
  valid: [
    { name: "near miss: a kill switch covers the planner", model: plannerAndExecutor({}, killSwitch(["planner"])) },
    { name: "a kill switch on the host the executor runs on", model: plannerAndExecutor({ runsOn: "cluster" }, killSwitch(["cluster"])) },
    { name: "a kill switch on the executor's acting tool", model: plannerAndExecutor({}, killSwitch(["deploy"])) },
    {
      name: "a kill switch on the agent that starts a longer chain stops everything after it",
      model: spec(plannerAndExecutor(), killSwitch(["planner"]), {
        agents: [{ id: "reviewer", models: ["llm"] }],
        flows: [
          { id: "plan-2", from: "planner", to: "reviewer", channel: "message" },
          { id: "review", from: "reviewer", to: "executor", channel: "message" },
        ],
      }),
    },
    { name: "the executor is supervised", model: plannerAndExecutor({ autonomy: "supervised" }) },
    { name: "the executor only writes (not spend, delete, execute or publish)", model: spec(plannerAndExecutor({ tools: ["edit"] }), { tools: [{ id: "edit", capabilities: [{ action: "write", on: ["cluster"] }] }] }) },
    { name: "a single agent is no chain", model: spec(internalAgent("executor", { tools: ["deploy"] }), { services: [{ id: "cluster", type: "runtime" }], tools: [{ id: "deploy", capabilities: [{ action: "execute", on: ["cluster"] }] }] }) },
  ],
  invalid: [
    {
      name: "planner → executor that runs deployments autonomously, no kill switch",
      model: plannerAndExecutor(),
      findings: [
        {
          anchors: ["planner", "executor"],
          // Likelihood 3 (no untrusted text in the chain); impact 4. 3 x 4 = 12: high.
          severity: "high",
          summary: /planner → executor: executor acts on what the chain passes it and can execute through deploy/,
        },
      ],
    },
    {
      name: "a three-agent chain from a ticket-reading agent to one that pays (autonomy not stated); a planned kill switch does not count",
      model: spec(internalAgent("payer", { tools: ["pay"] }), customerTickets("intake"), killSwitch(["payer"], "planned"), {
        agents: [
          { id: "intake", models: ["llm"], tools: ["read-tickets"] },
          { id: "triage", models: ["llm"] },
        ],
        services: [{ id: "bank", type: "api" }],
        tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] }],
        flows: [
          { id: "intake-to-triage", from: "intake", to: "triage", channel: "message" },
          { id: "triage-to-payer", from: "triage", to: "payer", channel: "message" },
        ],
      }),
      findings: [
        {
          anchors: ["intake", "payer"],
          // Likelihood 3 +1 (untrusted text enters the chain at intake) = 4; impact 4. 4 x 4 = 16: high.
          severity: "high",
          summary: /intake → triage → payer/,
          check: (finding) => assert.deepEqual(finding.missingControls.includes("kill-switch"), true),
        },
      ],
    },
    {
      name: "two agents that only feed each other: the chain starts at the feeding agent",
      model: plannerAndExecutor({}, { flows: [{ id: "plan", from: "planner", to: "executor", channel: "message" }, { id: "report", from: "executor", to: "planner", channel: "message" }] }),
      findings: [{ anchors: ["planner", "executor"] }],
    },
  ],
});
