import assert from "node:assert/strict";
import { agentActionsUnrecorded } from "../../../src/rules/governance/agent-actions-unrecorded.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const crm = {
  services: [{ id: "crm", type: "api" }],
  tools: [
    { id: "read-crm", capabilities: [{ action: "read", on: ["crm"] }] },
    { id: "update-crm", capabilities: [{ action: "write", on: ["crm"] }] },
  ],
};
const telemetry = (covers: string[], status = "implemented") => ({
  controls: [{ id: "traces", type: "telemetry", covers, status, evidence: [{ type: "link", ref: "https://grafana.example.com/d/agent" }] }],
});

ruleTester(agentActionsUnrecorded, {
  valid: [
    { name: "tool calls are traced", model: spec(internalAgent("agent", { tools: ["read-crm", "update-crm"] }), crm, telemetry(["update-crm"])) },
    { name: "the agent is traced", model: spec(internalAgent("agent", { tools: ["read-crm", "update-crm"] }), crm, telemetry(["agent"])) },
    {
      name: "the host the agent runs on records its calls",
      model: spec(internalAgent("agent", { tools: ["update-crm"], runsOn: "backend" }), crm, { services: [{ id: "backend", type: "api" }] }, telemetry(["backend"])),
    },
    { name: "a read-only agent", model: spec(internalAgent("agent", { tools: ["read-crm"] }), crm) },
  ],
  invalid: [
    {
      name: "an internal agent changes the CRM and nothing records it",
      model: spec(internalAgent("agent", { tools: ["read-crm", "update-crm"] }), crm),
      // Default 2 x 3 = 6, medium.
      findings: [{ anchors: ["agent"], severity: "medium", summary: /can write through update-crm/ }],
    },
    {
      name: "only planned telemetry, on a public agent that can spend",
      model: spec(publicChat("agent", { tools: ["refund"] }), crm, { tools: [{ id: "refund", capabilities: [{ action: "spend", on: ["crm"] }] }] }, telemetry(["agent"], "planned")),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 2 + 1 (reads untrusted text) = 3, impact 3 + 1 (spend) = 4: 12, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.deepEqual(finding.missingControls, ["telemetry"]);
          },
        },
      ],
    },
  ],
});
