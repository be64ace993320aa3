import assert from "node:assert/strict";
import { unpinnedMcpServer } from "../../../src/rules/mcp/unpinned-mcp-server.js";
import { internalAgent, mcpServer } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const mailTool = { tools: [{ id: "send-mail", server: "mail-mcp", capabilities: [{ action: "send", destination: "any" }] }] };
const serverToken = {
  identities: [
    {
      id: "tracker-bot",
      type: "bot",
      permissions: [{ resource: "tracker", actions: ["read", "write"] }],
      credentials: [{ id: "tracker-token", type: "token", lifetime: "static", storage: "env-var", presentIn: ["tracker-mcp"] }],
    },
  ],
  services: [{ id: "tracker", type: "api" }],
  tools: [{ id: "update-ticket", server: "tracker-mcp", capabilities: [{ action: "write", on: ["tracker"] }] }],
};

ruleTester(unpinnedMcpServer, {
  valid: [
    { name: "near miss: the same community stdio server pinned to a version", model: spec(internalAgent("agent", { mcpServers: ["mail-mcp"] }), mcpServer("mail-mcp", "community"), mailTool) },
    { name: "a community stdio server pinned by digest", model: spec(internalAgent("agent", { mcpServers: ["mail-mcp"] }), mcpServer("mail-mcp", "community", { pinned: "digest" }), mailTool) },
    {
      name: "a remote server the team runs itself, with no pinning stated",
      model: spec(internalAgent("agent", { mcpServers: ["own-mcp"] }), mcpServer("own-mcp", "first-party", { transport: "streamable-http", url: "https://mcp.internal.example.com", pinned: undefined })),
    },
  ],
  invalid: [
    {
      name: "a community stdio server installed at latest, used by an agent that can send email",
      model: spec(internalAgent("agent", { mcpServers: ["mail-mcp"] }), mcpServer("mail-mcp", "community", { pinned: "none", version: "latest" }), mailTool),
      findings: [
        {
          anchors: ["mail-mcp"],
          // likelihood 3 + 1 (community publisher) = 4; impact 3 (send is neither severe nor read-only). 4 x 3 = 12, high.
          severity: "high",
          summary: /not pinned.*reaches agent/,
          check: (finding) => assert.equal(finding.inherent.score, 12),
        },
      ],
    },
    {
      name: "a vendor's remote server, though pinned by digest, with no agent using it",
      model: spec(internalAgent("agent"), mcpServer("vendor-mcp", "vendor", { transport: "streamable-http", url: "https://mcp.vendor.example", pinned: "digest" })),
      findings: [
        {
          anchors: ["vendor-mcp"],
          // likelihood 3 (vendor: no change); impact 3 (no agent, no local secrets). 3 x 3 = 9, medium.
          severity: "medium",
          summary: /runs remotely/,
        },
      ],
    },
    {
      name: "a first-party stdio server with no pinning stated and a token in its environment; a verified pin control",
      model: spec(internalAgent("agent", { mcpServers: ["tracker-mcp"] }), mcpServer("tracker-mcp", "first-party", { pinned: undefined }), serverToken, {
        controls: [{ id: "lockfile", type: "pinned-artifacts", covers: ["tracker-mcp"], verified: true, evidence: [{ type: "file", ref: "mcp/package-lock.json" }] }],
      }),
      findings: [
        {
          anchors: ["tracker-mcp"],
          check: (finding) => {
            // likelihood 3 - 1 (first-party) = 2; impact 3 (the agent writes: neither severe nor read-only) + 1 (new code runs next to tracker-token) = 4; inherent 2 x 4 = 8, medium.
            // The verified, implemented pin takes 2 off likelihood: 2 - 2 = 0, clamped to 1; residual 1 x 4 = 4, low.
            assert.equal(finding.inherent.score, 8);
            assert.equal(finding.residual.likelihood, 1);
            assert.equal(finding.severity, "low");
            assert.ok(finding.evidence.some((e) => e.element === "tracker-token"));
          },
        },
      ],
    },
  ],
});
