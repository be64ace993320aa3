import assert from "node:assert/strict";
import { writableInstructionFiles } from "../../../src/rules/prompt-injection/writable-instruction-files.js";
import { internalAgent } from "../building-blocks.js";
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
