import assert from "node:assert/strict";
import { unauthenticatedRemoteMcpServer } from "../../../src/rules/mcp/unauthenticated-remote-mcp-server.js";
import { internalAgent, mcpServer } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const remote = (extra: Record<string, unknown> = {}) => mcpServer("ops-mcp", "first-party", { transport: "http", url: "https://ops-mcp.example.com/mcp", pinned: undefined, ...extra });
const runTool = { tools: [{ id: "run-task", server: "ops-mcp", capabilities: [{ action: "execute" }] }] };
const readTool = (classification: string) => ({
  tools: [{ id: "read-records", server: "ops-mcp", capabilities: [{ action: "read", on: ["records"] }] }],
  datastores: [{ id: "records", type: "relational", holds: ["record-data"] }],
  data: [{ id: "record-data", classification }],
});

ruleTester(unauthenticatedRemoteMcpServer, {
  valid: [
    { name: "a stdio server has no network endpoint", model: spec(internalAgent("agent", { mcpServers: ["ops-mcp"] }), mcpServer("ops-mcp", "first-party", { authentication: "none" }), runTool) },
    { name: "near miss: the same remote server, reachable only locally", model: spec(internalAgent("agent", { mcpServers: ["ops-mcp"] }), remote({ exposure: "local", authentication: "none" }), runTool) },
    { name: "a remote server with OAuth", model: spec(internalAgent("agent", { mcpServers: ["ops-mcp"] }), remote({ exposure: "internet", authentication: "oauth" }), runTool) },
  ],
  invalid: [
    {
      name: "an internet-facing server with authentication none and a tool that runs tasks",
      model: spec(internalAgent("agent", { mcpServers: ["ops-mcp"] }), remote({ exposure: "internet", authentication: "none" }), runTool),
      findings: [
        {
          anchors: ["ops-mcp"],
          // likelihood 3 + 1 (internet) = 4; impact 3 + 1 (callers can execute) = 4. 4 x 4 = 16, high.
          severity: "high",
          summary: /anyone who reaches it can call run-task/,
          check: (finding) => assert.equal(finding.inherent.score, 16),
        },
      ],
    },
    {
      name: "no exposure or authentication stated; its read-only tool returns restricted records",
      model: spec(internalAgent("agent", { mcpServers: ["ops-mcp"] }), remote(), readTool("restricted")),
      findings: [
        {
          anchors: ["ops-mcp"],
          // likelihood 3; impact 3 + 1 (restricted data) = 4. 3 x 4 = 12, high.
          severity: "high",
          summary: /no authentication stated/,
          check: (finding) => assert.equal(finding.inherent.score, 12),
        },
      ],
    },
    {
      name: "an internal server returning public data behind a verified authenticating proxy",
      model: spec(internalAgent("agent", { mcpServers: ["ops-mcp"] }), remote({ exposure: "internal", authentication: "none", transport: "sse" }), readTool("public"), {
        controls: [{ id: "proxy", type: "authentication", covers: ["ops-mcp"], verified: true, evidence: [{ type: "config", ref: "proxy/oauth2-proxy.cfg" }] }],
      }),
      findings: [
        {
          anchors: ["ops-mcp"],
          check: (finding) => {
            // likelihood 3 - 1 (internal) = 2; impact 3 - 2 (public data) = 1. inherent 2 x 1 = 2, info.
            // The verified proxy takes 2 off likelihood: 0, clamped to 1. residual 1 x 1 = 1.
            assert.equal(finding.inherent.score, 2);
            assert.equal(finding.residual.score, 1);
            assert.equal(finding.severity, "info");
          },
        },
      ],
    },
  ],
});
