import assert from "node:assert/strict";
import { unreviewedInstructionChanges } from "../../../src/rules/governance/unreviewed-instruction-changes.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** An internal agent whose system prompt admins edit in a console, and a CRM tool it may write through. */
const consolePrompt = (prompt: Record<string, unknown> = {}, agent: Record<string, unknown> = {}) =>
  spec(
    internalAgent("agent", { prompts: ["system-prompt"], ...agent }),
    { actors: [{ id: "admins", type: "admin", authenticated: true }] },
    { prompts: [{ id: "system-prompt", role: "system", version: "9", writableBy: ["admins"], ...prompt }] },
    { services: [{ id: "crm", type: "api" }], tools: [{ id: "read-crm", capabilities: [{ action: "read", on: ["crm"] }] }, { id: "purge-crm", capabilities: [{ action: "delete", on: ["crm"] }] }] },
  );
const control = (type: string, covers: string[], status = "implemented") => ({ controls: [{ id: `${type}-control`, type, covers, status }] });

ruleTester(unreviewedInstructionChanges, {
  valid: [
    { name: "the prompt is a file in the repository (path)", model: consolePrompt({ path: "prompts/system.md" }) },
    { name: "the prompt says which repository keeps it", model: spec(consolePrompt({ storedIn: "prompt-repo" }), { datastores: [{ id: "prompt-repo", type: "code-repository" }] }) },
    { name: "nobody is modelled as editing it", model: consolePrompt({ writableBy: undefined }) },
    // Public writers make it an injection: TW-PI-004 reports that.
    { name: "an untrusted actor can edit it", model: spec(consolePrompt({ writableBy: ["admins", "visitor"] }), { actors: [{ id: "visitor", type: "public" }] }) },
    { name: "no agent loads it", model: consolePrompt({}, { prompts: [] }) },
    { name: "a rules file with no path given: rules files live in a repository by nature", model: consolePrompt({ role: "rules-file" }) },
  ],
  invalid: [
    {
      name: "admins edit a read-only agent's prompt in a console",
      model: consolePrompt({}, { tools: ["read-crm"] }),
      // Default 2 x 3, -1 impact (the agent can only read): 2 x 2 = 4, low.
      findings: [{ anchors: ["system-prompt"], severity: "low", summary: /^system-prompt, the system instructions of agent, is edited by admins outside any repository: a change comes with no history, review or rollback\.$/ }],
    },
    {
      name: "the agent can delete, and the only approval gates its tool calls, not the prompt",
      model: spec(consolePrompt({}, { tools: ["read-crm", "purge-crm"] }), control("human-approval", ["agent", "purge-crm"])),
      findings: [
        {
          anchors: ["system-prompt"],
          // Default 2 x 3, +1 impact (delete through purge-crm): 2 x 4 = 8, medium; the approval on the agent does not count.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.equal(finding.residual.score, 8);
            assert.match(finding.reasons[1]!, /\+1 agent can delete \(through purge-crm\)/);
            assert.deepEqual(finding.controls, []);
          },
        },
      ],
    },
    {
      name: "a change review on the prompt lowers it and stays visible",
      model: spec(consolePrompt({}, { tools: ["purge-crm"] }), control("human-approval", ["system-prompt"])),
      findings: [
        {
          anchors: ["system-prompt"],
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            // Implemented without evidence, so half its step (scoring.md): likelihood 2 - 0.5 = 1.5, x 4 = 6.
            assert.equal(finding.residual.score, 6);
            assert.equal(finding.controls[0]?.control, "human-approval-control");
            assert.equal(finding.controls[0]?.by, 0.5);
          },
        },
      ],
    },
    {
      name: "a verified change review and a verified audit trail take likelihood to its floor, and the reason says where it stops",
      model: spec(consolePrompt({}, { tools: ["purge-crm"] }), {
        controls: [
          { id: "prompt-review", type: "human-approval", covers: ["system-prompt"], verified: true, evidence: [{ type: "link", ref: "https://wiki.example.com/prompt-review" }] },
          { id: "prompt-audit", type: "telemetry", covers: ["system-prompt"], verified: true, evidence: [{ type: "link", ref: "https://wiki.example.com/prompt-audit" }] },
        ],
      }),
      findings: [
        {
          anchors: ["system-prompt"],
          check: (finding) => {
            // 2 - 1 - 1 = 0, which the scale stops at 1: 1 x 4 = 4.
            assert.equal(finding.residual.score, 4);
            assert.equal(finding.reasons[2], "Residual 1x4: prompt-review (human-approval, implemented, verified) lowers likelihood by 1; prompt-audit (telemetry, implemented, verified) lowers likelihood by 1, but likelihood stops at 1.");
          },
        },
      ],
    },
  ],
});
