import assert from "node:assert/strict";
import { mcpConfigCredentials } from "../../../src/rules/mcp/mcp-config-credentials.js";
import { internalAgent, mcpServer, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A bot identity whose one credential is stored and placed as given. */
function bot(credential: Record<string, unknown>, actions: string[] = ["read", "write"]) {
  return {
    services: [{ id: "tracker", type: "api" }],
    identities: [{ id: "tracker-bot", type: "bot", permissions: [{ resource: "tracker", actions }], credentials: [{ id: "tracker-token", type: "token", lifetime: "static", ...credential }] }],
  };
}
const ide = { clients: [{ id: "ide", type: "ide", handles: ["plain-text"] }] };

ruleTester(mcpConfigCredentials, {
  valid: [
    { name: "the token reaches the server from a secret manager", model: spec(internalAgent(), mcpServer("tracker-mcp", "vendor"), bot({ storage: "secret-manager", presentIn: ["tracker-mcp"] })) },
    { name: "the token is an environment variable of the server", model: spec(internalAgent(), mcpServer("tracker-mcp", "vendor"), bot({ storage: "env-var", presentIn: ["tracker-mcp"] })) },
    {
      name: "near miss: a configuration file, but on a plain service rather than an MCP server, agent or client",
      model: spec(internalAgent(), bot({ storage: "config-file", presentIn: ["tracker"] })),
    },
  ],
  invalid: [
    {
      name: "a token in the IDE's MCP configuration",
      model: spec(internalAgent(), ide, bot({ storage: "mcp-config", location: "~/.cursor/mcp.json", presentIn: ["ide"] })),
      findings: [
        {
          anchors: ["tracker-token"],
          // likelihood 3; impact 3 (the bot may read and write: no delete, admin, spend or execute). 3 x 3 = 9, medium.
          severity: "medium",
          summary: /MCP configuration of ide \(~\/\.cursor\/mcp\.json\)/,
          check: (finding) => assert.equal(finding.inherent.score, 9),
        },
      ],
    },
    {
      name: "a short-lived token in a configuration file of an MCP server, for an identity that can delete",
      model: spec(internalAgent(), mcpServer("tracker-mcp", "vendor"), bot({ storage: "config-file", lifetime: "short-lived", presentIn: ["tracker-mcp"] }, ["read", "delete"])),
      findings: [
        {
          anchors: ["tracker-token"],
          // likelihood 3 - 1 (short-lived) = 2; impact 3 + 1 (may delete) = 4. 2 x 4 = 8, medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.inherent.score, 8),
        },
      ],
    },
    {
      name: "a token in the MCP configuration of an agent that reads public chat; verified rotation lowers the impact",
      model: spec(publicChat("agent"), bot({ storage: "mcp-config", presentIn: ["agent"] }), {
        controls: [{ id: "rotate", type: "secret-rotation", covers: ["tracker-token"], verified: true, evidence: [{ type: "config", ref: "vault/rotation.hcl" }] }],
      }),
      findings: [
        {
          anchors: ["tracker-token"],
          check: (finding) => {
            // likelihood 3 (the agent reads public chat, but runs no code that could read its own
            // configuration: no +1); impact 3. 3 x 3 = 9 inherent, medium; verified rotation takes 1 off
            // impact: 3 x 2 = 6, medium.
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 6);
            assert.equal(finding.severity, "medium");
          },
        },
      ],
    },
    {
      name: "a token in the MCP configuration of an agent whose shell runs beside it: the injectable agent's code can read it",
      model: spec(publicChat("agent", { runsOn: "laptop", tools: ["shell"] }), bot({ storage: "mcp-config", presentIn: ["agent"] }), {
        services: [{ id: "laptop", type: "runtime" }],
        tools: [{ id: "shell", runsOn: "laptop", capabilities: [{ action: "execute" }] }],
      }),
      findings: [
        {
          anchors: ["tracker-token"],
          // likelihood 3 + 1 (the public agent's shell runs on the laptop, where the agent and its configuration are); impact 3. 4 x 3 = 12, high.
          severity: "high",
          check: (finding) => assert.equal(finding.inherent.score, 12),
        },
      ],
    },
  ],
});
