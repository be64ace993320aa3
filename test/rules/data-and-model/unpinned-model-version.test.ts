import assert from "node:assert/strict";
import { unpinnedModelVersion } from "../../../src/rules/data-and-model/unpinned-model-version.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const alias = (model: Record<string, unknown>) => ({ models: [{ id: "alias-llm", provider: "Vendor", hosting: "hosted-api", ...model }] });

ruleTester(unpinnedModelVersion, {
  valid: [
    { name: "near miss: a dated version, pinned", model: spec(internalAgent("agent", { models: ["alias-llm"] }), alias({ version: "m-2026-01-01", pinned: true })) },
    { name: "a version recorded, pinning not stated", model: spec(internalAgent("agent", { models: ["alias-llm"] }), alias({ version: "m-2026-01-01" })) },
    { name: "a self-hosted model with pinned false (its weights are the artifact)", model: spec({ models: [{ id: "local", provider: "Team", hosting: "self-hosted", pinned: false }] }) },
  ],
  invalid: [
    {
      name: "an alias called by an agent without tools",
      model: spec(internalAgent("agent", { models: ["alias-llm"] }), alias({ version: "m-latest", pinned: false })),
      // likelihood 2, impact 2 (defaults): 4, low
      findings: [{ anchors: ["alias-llm"], severity: "low", summary: /m-latest/ }],
    },
    {
      name: "no version recorded, used by an agent that sends email",
      model: spec(internalAgent("agent", { models: ["alias-llm"], tools: ["mail"] }), alias({}), { tools: [{ id: "mail", capabilities: [{ action: "send", destination: "any" }] }] }),
      findings: [
        {
          anchors: ["alias-llm"],
          // likelihood 2; impact: 2, +1 the agent acts through tools = 3; 6, medium
          severity: "medium",
          summary: /no version/,
          check: (finding) => assert.equal(finding.inherent.score, 6),
        },
      ],
    },
  ],
});
