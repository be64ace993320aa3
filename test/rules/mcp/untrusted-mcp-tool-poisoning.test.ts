import assert from "node:assert/strict";
import { untrustedMcpToolPoisoning } from "../../../src/rules/mcp/untrusted-mcp-tool-poisoning.js";
import { internalAgent, mcpServer } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const shell = { tools: [{ id: "shell", capabilities: [{ action: "execute" }] }] };
const docs = {
  datastores: [{ id: "docs", type: "document", holds: ["docs-data"] }],
  data: [{ id: "docs-data", classification: "internal" }],
};
const searchTool = (server: string) => ({ tools: [{ id: "search", server, capabilities: [{ action: "read", on: ["docs"] }] }] });

ruleTester(untrustedMcpToolPoisoning, {
  valid: [
    {
      name: "near miss: the same agent and server, but the publisher is a known vendor",
      model: spec(internalAgent("agent", { mcpServers: ["fetch-mcp"], tools: ["shell"] }), mcpServer("fetch-mcp", "vendor", { pinned: "none" }), shell),
    },
    { name: "a first-party server", model: spec(internalAgent("agent", { mcpServers: ["own-mcp"] }), mcpServer("own-mcp", "first-party")) },
    { name: "a community server no agent connects to", model: spec(internalAgent("agent", { tools: ["shell"] }), mcpServer("fetch-mcp", "community"), shell) },
  ],
  invalid: [
    {
      name: "an agent with a shell connects to a community server",
      model: spec(internalAgent("agent", { mcpServers: ["fetch-mcp"], tools: ["shell"] }), mcpServer("fetch-mcp", "community", { pinned: "none" }), shell),
      findings: [
        {
          anchors: ["agent", "fetch-mcp"],
          severity: "high",
          summary: /community publisher/,
          check: (finding) => {
            // likelihood: default 3, no adversary modelled. impact: default 3, +1 the agent can execute = 4. 3 x 4 = 12, high.
            assert.equal(finding.inherent.likelihood, 3);
            assert.equal(finding.inherent.impact, 4);
            assert.equal(finding.inherent.score, 12);
            assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0110", "AML.T0051.001", "AML.T0050"]);
          },
        },
      ],
    },
    {
      name: "a tool of an unknown, digest-pinned server given to a read-only agent with nothing sensitive",
      model: spec(internalAgent("agent", { tools: ["search"] }), mcpServer("search-mcp", "unknown", { pinned: "digest" }), searchTool("search-mcp"), docs),
      findings: [
        {
          anchors: ["agent", "search-mcp"],
          // likelihood: 3 - 1 (pinned by digest) = 2. impact: 3 - 1 (only reads, no sensitive data) = 2. 2 x 2 = 4, low.
          severity: "low",
          check: (finding) => assert.equal(finding.inherent.score, 4),
        },
      ],
    },
    {
      name: "a pinned-artifacts control that is the server's digest pin is counted once, in the inherent likelihood",
      model: spec(internalAgent("agent", { tools: ["search"] }), mcpServer("search-mcp", "unknown", { pinned: "digest" }), searchTool("search-mcp"), docs, {
        controls: [{ id: "mcp-digest-pin", type: "pinned-artifacts", covers: ["search-mcp"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "search-mcp"],
          // As above, 2 x 2 = 4; the control takes no second step off, and is not listed as missing either.
          severity: "low",
          check: (finding) => {
            assert.equal(finding.residual.score, 4);
            assert.deepEqual(finding.controls, []);
            assert.ok(!finding.missingControls.includes("pinned-artifacts"));
            assert.match(finding.reasons[0]!, /pinned by digest: .*; mcp-digest-pin \(pinned-artifacts\) is this same pin, counted once here/);
          },
        },
      ],
    },
    {
      name: "a read-only agent that holds confidential data keeps the default impact; a verified description scanner lowers the likelihood",
      model: spec(internalAgent("agent", { mcpServers: ["search-mcp"] }), mcpServer("search-mcp", "community"), searchTool("search-mcp"), {
        datastores: [{ id: "docs", type: "document", holds: ["contracts"] }],
        data: [{ id: "contracts", classification: "confidential" }],
        controls: [{ id: "mcp-scan", type: "dependency-scanning", covers: ["search-mcp"], verified: true, evidence: [{ type: "config", ref: "ci/mcp-scan.yml" }] }],
      }),
      findings: [
        {
          anchors: ["agent", "search-mcp"],
          check: (finding) => {
            // impact stays 3: the descriptions can ask for the contracts as tool arguments. 3 x 3 = 9 inherent;
            // the verified, implemented scanner takes the full 1 off likelihood: 2 x 3 = 6, medium.
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 6);
            assert.equal(finding.severity, "medium");
            assert.ok(finding.evidence.some((e) => e.element === "contracts"));
          },
        },
      ],
    },
    {
      name: "one finding per untrusted server; the vendor server beside them is not one",
      model: spec(
        internalAgent("agent", { mcpServers: ["a-mcp", "b-mcp", "v-mcp"] }),
        mcpServer("a-mcp", "community"),
        mcpServer("b-mcp", "unknown"),
        mcpServer("v-mcp", "vendor"),
        { adversaries: [{ id: "apt", type: "state", capability: "high" }] },
      ),
      findings: [
        // likelihood 3 + 1 (high-capability adversary) = 4; impact 3 - 1 (no tool with effects) = 2; 4 x 2 = 8, medium.
        { anchors: ["agent", "a-mcp"], severity: "medium" },
        { anchors: ["agent", "b-mcp"], severity: "medium" },
      ],
    },
  ],
});
