import assert from "node:assert/strict";
import { unownedComponents } from "../../../src/rules/governance/unowned-components.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

// internalAgent's model has no owner; this replaces it with an owned one.
const withOwnedModel = (model: Record<string, unknown>) => ({ ...model, models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", owner: "ml-platform" }] });
const owned = (extra: Record<string, unknown> = {}) =>
  withOwnedModel(spec(internalAgent("agent", { owner: "ai-team", tools: ["search"], ...extra }), { tools: [{ id: "search", owner: "ai-team", capabilities: [{ action: "read" }] }] }));

ruleTester(unownedComponents, {
  valid: [
    { name: "agent, tool and model each have an owner", model: owned() },
    {
      name: "a tool of an owned MCP server needs no owner of its own",
      model: spec(owned({ mcpServers: ["docs-mcp"] }), {
        mcpServers: [{ id: "docs-mcp", transport: "stdio", publisher: "us", publisherTrust: "first-party", owner: "docs-team" }],
        tools: [{ id: "read-docs", server: "docs-mcp", capabilities: [{ action: "read" }] }],
      }),
    },
  ],
  invalid: [
    {
      name: "the model and a tool have no owner",
      model: spec(internalAgent("agent", { owner: "ai-team", tools: ["search"] }), { tools: [{ id: "search", capabilities: [{ action: "read" }] }] }),
      findings: [
        {
          anchors: ["test-system"],
          // Default 2 x 2 = 4, low: neither an agent nor an identity is unowned.
          severity: "low",
          summary: /^2 components have no owner of their own: search, llm\./,
          check: (finding) => assert.deepEqual(finding.evidence.map((e) => e.element), ["search", "llm"]),
        },
      ],
    },
    {
      name: "an unowned agent and MCP server (whose tools are not listed again); the unowned identity is TW-NHI-007's",
      model: spec(withOwnedModel(internalAgent("agent", { tools: [], mcpServers: ["docs-mcp"], runsAs: "agent-sa" })), {
        mcpServers: [{ id: "docs-mcp", transport: "stdio", publisher: "someone", publisherTrust: "community" }],
        tools: [{ id: "read-docs", server: "docs-mcp", capabilities: [{ action: "read" }] }],
        identities: [{ id: "agent-sa", type: "workload-identity" }],
      }),
      findings: [
        {
          anchors: ["test-system"],
          // Likelihood 2, impact 2 + 1 (an agent nobody answers for) = 3: 6, medium.
          severity: "medium",
          check: (finding) => assert.deepEqual(finding.evidence.map((e) => e.element), ["agent", "docs-mcp"]),
        },
      ],
    },
  ],
});
