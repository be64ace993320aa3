import assert from "node:assert/strict";
import { thirdPartyHoldsCredential } from "../../../src/rules/identity/third-party-holds-credential.js";
import { backendCredential } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const server = (id: string, publisherTrust: string, extra: Record<string, unknown> = {}) => ({
  mcpServers: [{ id, transport: "stdio", publisher: `${publisherTrust} publisher`, publisherTrust, ...extra }],
});

ruleTester(thirdPartyHoldsCredential, {
  valid: [
    { name: "our own MCP server holds the key", model: spec(backendCredential({ presentIn: ["our-mcp"] }), server("our-mcp", "first-party")) },
    {
      name: "a component in our cloud account holds it",
      model: spec(backendCredential(), { boundaries: [{ id: "prod", type: "cloud-account" }], services: [{ id: "worker", type: "api", boundary: "prod" }] }),
    },
    {
      name: "a vendor-hosted service that holds no credential",
      model: spec(backendCredential(), { boundaries: [{ id: "saas", type: "vendor" }], services: [{ id: "helpdesk", type: "api", boundary: "saas" }] }),
    },
  ],
  invalid: [
    {
      name: "an unpinned community MCP server inherits the key",
      model: spec(backendCredential({ presentIn: ["fetch-mcp"] }), server("fetch-mcp", "community", { pinned: "none" })),
      findings: [
        {
          anchors: ["backend-key", "fetch-mcp"],
          // Likelihood 3 + 1 (unpinned) = 4, impact 3: 12, high.
          severity: "high",
          summary: /code from community publisher \(publisher trust: community\)/,
        },
      ],
    },
    {
      name: "an adversary who comes in through the server (a compromised package) counts; one who comes in elsewhere does not",
      model: spec(backendCredential({ presentIn: ["fetch-mcp"] }), server("fetch-mcp", "community", { pinned: "none" }), {
        actors: [{ id: "visitors", type: "public" }],
        adversaries: [
          { id: "package-hijackers", type: "organised-crime", capability: "high", via: ["fetch-mcp"] },
          { id: "script-kiddies", type: "opportunistic", capability: "low", via: ["visitors"] },
        ],
      }),
      findings: [
        {
          anchors: ["backend-key", "fetch-mcp"],
          // Likelihood 3 + 1 (unpinned) + 1 (high-capability adversary through the server) = 5, impact 3: 15, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.match(finding.reasons[0]!, /\+1 most capable adversary coming in through fetch-mcp is package-hijackers \(high capability\)/);
          },
        },
      ],
    },
    {
      name: "every credential a server holds follows from one weakness: the server holding them (its root cause)",
      model: spec(backendCredential({ presentIn: ["fetch"] }), server("fetch-mcp", "community", { pinned: "none" }), {
        tools: [{ id: "fetch", server: "fetch-mcp", capabilities: [{ action: "fetch", destination: "any" }] }],
      }),
      findings: [{ anchors: ["backend-key", "fetch"], check: (finding) => assert.equal(finding.cause, "element:fetch-mcp") }],
    },
    {
      name: "least privilege on the identity the server runs as leaves the credential it holds as strong",
      model: spec(backendCredential({ presentIn: ["fetch-mcp"] }), server("fetch-mcp", "community", { pinned: "none", runsAs: "mcp-sa" }), {
        identities: [{ id: "mcp-sa", type: "workload-identity" }],
        controls: [{ id: "narrow-mcp-sa", type: "least-privilege", covers: ["mcp-sa"], verified: true }],
      }),
      findings: [
        {
          anchors: ["backend-key", "fetch-mcp"],
          // 4 x 3 = 12 as above, and nothing off: the control narrows mcp-sa, not backend-sa, whose key this is.
          check: (finding) => {
            assert.equal(finding.residual.score, 12);
            assert.deepEqual(finding.controls, []);
            assert.ok(finding.missingControls.includes("least-privilege"));
          },
        },
      ],
    },
    {
      name: "least privilege on the credential's own identity makes what the server holds do less",
      model: spec(backendCredential({ presentIn: ["fetch-mcp"] }), server("fetch-mcp", "community", { pinned: "none", runsAs: "mcp-sa" }), {
        identities: [{ id: "mcp-sa", type: "workload-identity" }],
        controls: [{ id: "narrow-backend-sa", type: "least-privilege", covers: ["backend-sa"], verified: true }],
      }),
      findings: [
        {
          anchors: ["backend-key", "fetch-mcp"],
          // 12, less 1 impact: 4 x 2 = 8.
          check: (finding) => {
            assert.deepEqual(finding.controls.map((c) => [c.control, c.by]), [["narrow-backend-sa", 1]]);
            assert.equal(finding.residual.score, 8);
          },
        },
      ],
    },
    {
      name: "a known vendor's pinned server, with a verified pin control",
      model: spec(backendCredential({ presentIn: ["vendor-mcp"] }), server("vendor-mcp", "vendor", { pinned: "version" }), {
        controls: [{ id: "pin", type: "pinned-artifacts", covers: ["vendor-mcp"], verified: true, evidence: [{ type: "file", ref: "mcp.json" }] }],
      }),
      findings: [
        {
          anchors: ["backend-key", "vendor-mcp"],
          // Likelihood 3 - 1 (known vendor) = 2, impact 3: inherent 6; the verified pin takes 1 off likelihood: 1 x 3 = 3, low.
          severity: "low",
          check: (finding) => {
            assert.equal(finding.inherent.score, 6);
            assert.equal(finding.residual.score, 3);
          },
        },
      ],
    },
    {
      name: "a tool of a community server holds the key",
      model: spec(backendCredential({ presentIn: ["fetch"] }), server("fetch-mcp", "unknown", { pinned: "digest" }), {
        tools: [{ id: "fetch", server: "fetch-mcp", capabilities: [{ action: "fetch", destination: "any" }] }],
      }),
      findings: [{ anchors: ["backend-key", "fetch"], severity: "medium" }],
    },
    {
      name: "a vendor's SaaS integration is given the key",
      model: spec(backendCredential({ presentIn: ["backend", "helpdesk"] }), { boundaries: [{ id: "saas", type: "vendor" }], services: [{ id: "helpdesk", type: "api", boundary: "saas" }] }),
      findings: [{ anchors: ["backend-key", "helpdesk"], summary: /a platform of the vendor saas/ }],
    },
  ],
});
