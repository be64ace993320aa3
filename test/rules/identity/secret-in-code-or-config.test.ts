import assert from "node:assert/strict";
import { it } from "node:test";
import { analyze } from "../../../src/analysis/analyze.js";
import { secretInCodeOrConfig } from "../../../src/rules/identity/secret-in-code-or-config.js";
import { mcpConfigCredentials } from "../../../src/rules/mcp/mcp-config-credentials.js";
import { backendCredential, mcpServer } from "../building-blocks.js";
import { TODAY, loadSpec, ruleTester, spec } from "../rule-tester.js";

/** The backend key in the configuration file of an MCP server the backend also runs. */
const keyInMcpServerConfig = spec(mcpServer("orders-mcp", "first-party"), backendCredential({ storage: "config-file", location: "orders-mcp/config.json", presentIn: ["backend", "orders-mcp"] }));

ruleTester(secretInCodeOrConfig, {
  valid: [
    { name: "the key is in a secret manager", model: spec(backendCredential()) },
    { name: "the key is in an environment variable", model: spec(backendCredential({ storage: "env-var", location: "ORDERS_API_KEY" })) },
    { name: "secrets in MCP client configuration are TW-MCP-004's", model: spec(backendCredential({ storage: "mcp-config", location: ".cursor/mcp.json" })) },
    { name: "a configuration file that sits in an MCP server is TW-MCP-004's", model: keyInMcpServerConfig },
    // A browser agent's portal session lives in the browser's cookie jar, where a browser keeps it: not a file someone commits or copies.
    { name: "a session kept in a browser profile", model: spec(backendCredential({ storage: "browser-profile", type: "token", lifetime: "short-lived", location: "Chromium profile of the task pod" })) },
  ],
  invalid: [
    {
      name: "a key committed in source code",
      model: spec(backendCredential({ storage: "source-code", location: "src/config.ts" })),
      // Likelihood 3 + 1 (source code travels with every clone) = 4, impact 3: 12, high.
      findings: [{ anchors: ["backend-key"], severity: "high", summary: /source code at src\/config\.ts/ }],
    },
    {
      name: "a short-lived token in a configuration file",
      model: spec(backendCredential({ storage: "config-file", lifetime: "short-lived", type: "token", location: ".git/config" })),
      // Likelihood 3, impact 3 - 1 (short-lived) = 2: 6, medium.
      findings: [{ anchors: ["backend-key"], severity: "medium", check: (finding) => assert.equal(finding.inherent.score, 6) }],
    },
    {
      name: "secret scanning on the repository counts through the holder",
      model: spec(backendCredential({ storage: "source-code", presentIn: ["repo"] }), {
        datastores: [{ id: "repo", type: "code-repository" }],
        controls: [{ id: "push-protection", type: "secret-scanning", covers: ["repo"], verified: true, evidence: [{ type: "config", ref: "repo settings" }] }],
      }),
      findings: [
        {
          anchors: ["backend-key"],
          // Inherent 4 x 3 = 12; verified secret scanning takes 1 off likelihood: 3 x 3 = 9, medium.
          severity: "medium",
          check: (finding) => assert.deepEqual(finding.controls.map((c) => c.control), ["push-protection"]),
        },
      ],
    },
  ],
});

it("TW-NHI-003 and TW-MCP-004 report a secret in an MCP server's configuration file once, as TW-MCP-004", () => {
  const { findings } = analyze(loadSpec(keyInMcpServerConfig), { today: TODAY, rules: [secretInCodeOrConfig, mcpConfigCredentials] });
  assert.deepEqual(
    findings.filter((f) => f.anchors.includes("backend-key")).map((f) => f.id),
    ["TW-MCP-004@backend-key"],
  );
});
