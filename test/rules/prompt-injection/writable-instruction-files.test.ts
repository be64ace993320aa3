import assert from "node:assert/strict";
import { writableInstructionFiles } from "../../../src/rules/prompt-injection/writable-instruction-files.js";
import { internalAgent, OWN_TENANT, tenantWorkspace } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const contributors = { actors: [{ id: "contributors", type: "public", authenticated: true }] };
const rulesFile = (writableBy: string[]) => ({ prompts: [{ id: "agents-md", role: "rules-file", path: "AGENTS.md", writableBy }] });
const shell = { tools: [{ id: "shell", capabilities: [{ action: "execute" }] }] };
const insider = { adversaries: [{ id: "insider", type: "insider", capability: "medium" }] };

ruleTester(writableInstructionFiles, {
  valid: [
    { name: "near miss: employees write the file and no insider adversary is modelled", model: spec(internalAgent("agent", { prompts: ["agents-md"], tools: ["shell"] }), rulesFile(["staff"]), shell) },
    { name: "the public can write the file but no agent loads it", model: spec(internalAgent("agent", { tools: ["shell"] }), contributors, rulesFile(["contributors"]), shell) },
    {
      name: "admins never count as untrusted, even with an insider adversary",
      model: spec(internalAgent("agent", { prompts: ["agents-md"] }), { actors: [{ id: "root", type: "admin" }] }, rulesFile(["root"]), insider),
    },
  ],
  invalid: [
    {
      name: "a tenant's admins may read everything the assistant holds: its webhook carries nothing new to them",
      model: tenantWorkspace(OWN_TENANT),
      findings: [
        {
          anchors: ["assistant", "custom-instructions"],
          check: (finding) => {
            // Rule default 4, -1 with the way out left out: get-task only reads.
            assert.equal(finding.inherent.impact, 3);
            assert.match(finding.reasons[1]!, /-1 assistant can only read/);
            const note = finding.evidence.find((e) => e.element === "call-webhook")?.note ?? "";
            assert.match(note, /^not counted: a way out, but tenant-admins may read everything sensitive the agent holds already \(db lets tenant-admins read their tenant's part, get-task reads it with the asker's token, and custom-instructions reaches their own tenant's sessions only\)$/);
            assert.ok(!finding.path?.some((s) => s.element === "call-webhook"), "the path does not end in the webhook");
          },
        },
      ],
    },
    {
      name: "the tool reads the shared store as a service identity: the webhook can carry every tenant's tasks",
      model: tenantWorkspace({ ...OWN_TENANT, delegated: false }),
      findings: [{ anchors: ["assistant", "custom-instructions"], check: (finding) => assert.equal(finding.inherent.impact, 4) }],
    },
    {
      // Nothing to carry out, but sending in the team's name is a harm of its own: the way out still counts.
      name: "an agent that holds nothing sensitive and can send anywhere",
      model: spec(internalAgent("agent", { prompts: ["agents-md"], tools: ["mailer"] }), contributors, rulesFile(["contributors"]), { tools: [{ id: "mailer", capabilities: [{ action: "send" }] }] }),
      findings: [{ anchors: ["agent", "agents-md"], check: (finding) => assert.ok(finding.evidence.some((e) => e.element === "mailer" && e.note === "a reconfigured agent can send through it")) }],
    },
    {
      name: "instructions that may reach other tenants: the webhook is a way out for their tasks",
      model: tenantWorkspace({ ...OWN_TENANT, promptTenancy: undefined }),
      findings: [
        {
          anchors: ["assistant", "custom-instructions"],
          check: (finding) => {
            assert.equal(finding.inherent.impact, 4);
            assert.ok(finding.evidence.some((e) => e.element === "call-webhook" && e.note === "a reconfigured agent can send through it"));
          },
        },
      ],
    },
    {
      // The pattern model.md gives for .cursorrules or AGENTS.md of whatever repository an IDE agent has open.
      name: "the rules file of a cloned repository, kept in it and written by its authors",
      model: spec(internalAgent("agent", { prompts: ["open-repo-rules"], tools: ["shell"] }), contributors, shell, {
        datastores: [{ id: "cloned-repos", type: "code-repository", writableBy: ["contributors"] }],
        prompts: [{ id: "open-repo-rules", role: "rules-file", path: "AGENTS.md of the open repository", storedIn: "cloned-repos", writableBy: ["contributors"] }],
      }),
      findings: [{ anchors: ["agent", "open-repo-rules"], severity: "critical", summary: /loads open-repo-rules \(rules-file, AGENTS\.md of the open repository\) as instructions, and contributors can edit it/ }],
    },
    {
      name: "a rules file any contributor can edit, loaded by an agent with a shell",
      model: spec(internalAgent("agent", { prompts: ["agents-md"], tools: ["shell"] }), contributors, rulesFile(["staff", "contributors"]), shell),
      findings: [
        {
          anchors: ["agent", "agents-md"],
          // Likelihood 4 + 1 (file written by the public, exposure 5) = 5. Impact 4 + 1 (the agent can execute) = 5. 25: critical.
          severity: "critical",
          summary: /AGENTS\.md/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 25);
            assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0081", "AML.T0051.001", "AML.T0050"]);
            assert.equal(finding.path?.[0]?.element, "contributors");
            assert.ok(!finding.evidence.some((e) => e.element === "staff"), "trusted writers are not cited");
          },
        },
      ],
    },
    {
      name: "review of changes to the file lowers the residual",
      model: spec(internalAgent("agent", { prompts: ["agents-md"], tools: ["shell"] }), contributors, rulesFile(["contributors"]), shell, {
        controls: [{ id: "codeowners", type: "human-approval", covers: ["agents-md"], verified: true }],
      }),
      // 5 x 5 inherent; verified human approval takes 2 off likelihood: 3 x 5 = 15, high.
      findings: [{ anchors: ["agent", "agents-md"], severity: "high", check: (finding) => assert.equal(finding.residual.score, 15) }],
    },
    {
      name: "employee-writable instructions count when an insider is modelled; one finding per loading agent",
      model: spec(internalAgent("agent", { prompts: ["agents-md"] }), rulesFile(["staff"]), insider, { agents: [{ id: "second", models: ["llm"], prompts: ["agents-md"] }] }),
      findings: [
        {
          anchors: ["agent", "agents-md"],
          // Likelihood 4 - 2 (employee writer, exposure 2) = 2. Impact 4 - 1 (no tool with effects) = 3. 6: medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.inherent.score, 6),
        },
        { anchors: ["second", "agents-md"], severity: "medium" },
      ],
    },
  ],
});
