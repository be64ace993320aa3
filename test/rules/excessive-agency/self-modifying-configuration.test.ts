import assert from "node:assert/strict";
import { selfModifyingConfiguration } from "../../../src/rules/excessive-agency/self-modifying-configuration.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const systemPrompt = { prompts: [{ id: "system", role: "system" }] };
const editPrompt = (action = "write") => spec(systemPrompt, { tools: [{ id: "edit-prompt", capabilities: [{ action, on: ["system"] }] }] });

/** A coding agent that loads AGENTS.md and commits to the repository it has checked out. */
const codingAgent = (role = "rules-file", extra: Record<string, unknown> = {}) =>
  spec(internalAgent("coder", { prompts: ["agents-md"], tools: ["git"], ...extra }), {
    prompts: [{ id: "agents-md", role, path: "AGENTS.md" }],
    datastores: [{ id: "repo", type: "code-repository" }],
    tools: [{ id: "git", capabilities: [{ action: "read", on: ["repo"] }, { action: "write", on: ["repo"] }] }],
    flows: [{ id: "checkout", from: "repo", to: "coder", channel: "file" }],
  });

/** The same model with AGENTS.md kept in rules-repo (storedIn), not in the repository the agent checks out. */
const storedElsewhere = (model: Record<string, unknown>) => {
  const prompts = model.prompts as Record<string, unknown>[];
  return { ...model, prompts: prompts.map((p) => (p.id === "agents-md" ? { ...p, storedIn: "rules-repo" } : p)) };
};

ruleTester(selfModifyingConfiguration, {
  valid: [
    { name: "near miss: the agent only reads the prompt", model: spec(publicChat("agent", { prompts: ["system"], tools: ["edit-prompt"] }), editPrompt("read")) },
    { name: "the agent writes a prompt that no agent loads", model: spec(publicChat("agent", { tools: ["edit-prompt"] }), editPrompt()) },
    { name: "near miss: the agent writes a repository but loads only a system prompt, not a file from it", model: codingAgent("system") },
    {
      name: "near miss: the rules file says it is kept in another repository than the one the agent writes",
      model: spec(storedElsewhere(codingAgent()), { datastores: [{ id: "rules-repo", type: "code-repository" }] }),
    },
  ],
  invalid: [
    {
      name: "a public chat agent can rewrite its own system prompt",
      model: spec(publicChat("agent", { prompts: ["system"], tools: ["edit-prompt"] }), editPrompt()),
      findings: [
        {
          anchors: ["agent", "system"],
          // Likelihood 3 +1 (public entry) = 4; impact 4. 4 x 4 = 16: high.
          severity: "high",
          summary: /can change system, its own instructions, through edit-prompt/,
          check: (finding) => assert.equal(finding.path?.at(-1)?.technique, "AML.T0081"),
        },
      ],
    },
    {
      name: "one agent can rewrite the instructions another agent loads",
      model: spec(publicChat("agent", { tools: ["edit-prompt"] }), editPrompt(), {
        agents: [{ id: "other", models: ["llm"], prompts: ["system"] }],
      }),
      findings: [{ anchors: ["agent", "system"], summary: /the instructions other loads/ }],
    },
    {
      name: "an internal coding agent commits to the repository its rules file lives in",
      model: codingAgent(),
      findings: [
        {
          anchors: ["coder", "repo"],
          // Likelihood 3 -2 (no untrusted text reaches the agent) = 1; impact 4. 1 x 4 = 4: low.
          severity: "low",
          summary: /loads agents-md and can write to repo, where agents-md lives, through git/,
        },
      ],
    },
    {
      name: "of two repositories it can write, the one it works in is reported",
      model: spec(codingAgent("rules-file", { tools: ["git", "gh"] }), {
        datastores: [{ id: "other-repo", type: "code-repository" }],
        tools: [{ id: "gh", capabilities: [{ action: "write", on: ["other-repo", "repo"] }] }],
      }),
      findings: [{ anchors: ["coder", "repo"], summary: /through gh and git/ }],
    },
    {
      name: "the repository the rules file is kept in is reported, not the one the agent works in",
      model: spec(storedElsewhere(codingAgent("rules-file", { tools: ["git", "gh"] })), {
        datastores: [{ id: "rules-repo", type: "code-repository" }],
        tools: [{ id: "gh", capabilities: [{ action: "write", on: ["rules-repo", "repo"] }] }],
      }),
      findings: [{ anchors: ["coder", "rules-repo"], summary: /can write to rules-repo, where agents-md lives, through gh/ }],
    },
  ],
});
