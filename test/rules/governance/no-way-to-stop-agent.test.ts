import assert from "node:assert/strict";
import { noWayToStopAgent } from "../../../src/rules/governance/no-way-to-stop-agent.js";
import { customerTickets, internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A cleanup agent that deletes stale records on its own, running on a worker host. */
const cleanup = (agent: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  spec(internalAgent("cleaner", { tools: ["purge"], runsOn: "worker", ...agent }), {
    services: [{ id: "worker", type: "runtime" }],
    datastores: [{ id: "records", type: "relational" }],
    tools: [{ id: "purge", capabilities: [{ action: "delete", on: ["records"] }] }],
    ...extra,
  });

const killSwitch = (covers: string[], status = "implemented") => ({ controls: [{ id: "stop-flag", type: "kill-switch", covers, status, verified: true }] });

ruleTester(noWayToStopAgent, {
  valid: [
    { name: "a kill switch covers the agent", model: spec(cleanup(), killSwitch(["cleaner"])) },
    { name: "a kill switch covers the host the agent runs on", model: spec(cleanup(), killSwitch(["worker"])) },
    { name: "a kill switch covers the damaging tool", model: spec(cleanup(), killSwitch(["purge"])) },
    { name: "near miss: a person approves each action (supervised)", model: cleanup({ autonomy: "supervised" }) },
    {
      name: "near miss: its tools only read and write",
      model: spec(internalAgent("cleaner", { tools: ["tidy"] }), {
        datastores: [{ id: "records", type: "relational" }],
        tools: [{ id: "tidy", capabilities: [{ action: "write", on: ["records"] }] }],
      }),
    },
    {
      name: "another agent feeds it: the chain is TW-CAS-001's",
      model: spec(cleanup(), { agents: [{ id: "planner", models: ["llm"] }], flows: [{ id: "plan", from: "planner", to: "cleaner", channel: "message" }] }),
    },
  ],
  invalid: [
    {
      name: "an autonomous agent that only administers (isolates hosts) and nothing can stop it: a loop isolates host after host (SOC review P4)",
      model: spec(internalAgent("cleaner", { tools: ["isolate"], autonomy: "autonomous" }), {
        services: [{ id: "fleet", type: "other" }],
        tools: [{ id: "isolate", capabilities: [{ action: "admin", on: ["fleet"] }] }],
      }),
      findings: [{ anchors: ["cleaner"], severity: "medium", summary: /^cleaner acts on its own and can admin through isolate, and nothing is in place to stop it/ }],
    },
    {
      name: "an autonomous agent deletes records and nothing can stop it",
      model: cleanup({ autonomy: "autonomous" }),
      findings: [
        {
          anchors: ["cleaner"],
          // Likelihood 2 (no untrusted text reaches it); impact 4. 2 x 4 = 8: medium.
          severity: "medium",
          summary: /^cleaner acts on its own and can delete through purge, and nothing is in place to stop it/,
          check: (finding) => assert.equal(finding.inherent.score, 8),
        },
      ],
    },
    {
      name: "with no autonomy stated, reading customer tickets; a kill switch only planned does not stop it",
      model: spec(cleanup({ tools: ["purge", "read-tickets"] }), customerTickets("cleaner"), killSwitch(["cleaner"], "planned")),
      findings: [
        {
          anchors: ["cleaner"],
          // Likelihood 2 +1 (ticket text reaches it) = 3; impact 4. 3 x 4 = 12: high. The planned kill switch takes nothing off.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 12);
            assert.match(finding.reasons[2]!, /Planned, not yet counted: stop-flag/);
          },
        },
      ],
    },
    {
      name: "a verified rate limit on the tool lowers the impact; the finding stays",
      model: cleanup({}, { controls: [{ id: "purge-limit", type: "rate-limit", covers: ["purge"], verified: true }] }),
      findings: [
        {
          anchors: ["cleaner"],
          // Inherent 2 x 4 = 8; rate-limit (verified) -1 impact: 2 x 3 = 6, medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.residual.score, 6),
        },
      ],
    },
  ],
});
