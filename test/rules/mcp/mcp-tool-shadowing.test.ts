import assert from "node:assert/strict";
import { mcpToolShadowing } from "../../../src/rules/mcp/mcp-tool-shadowing.js";
import { internalAgent, mcpServer } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const TOOLS = [
  { id: "send-mail", server: "mail-mcp", capabilities: [{ action: "send", destination: "any" }] },
  { id: "take-note", server: "notes-mcp", capabilities: [{ action: "write", on: ["notes"] }] },
  { id: "run-job", server: "jobs-mcp", capabilities: [{ action: "execute" }] },
];
/** The tools of the given servers (and the notes store). */
const toolsOf = (...servers: string[]) => ({ tools: TOOLS.filter((t) => servers.includes(t.server)), datastores: [{ id: "notes", type: "document" }] });

ruleTester(mcpToolShadowing, {
  valid: [
    { name: "a single community server has nothing to shadow", model: spec(internalAgent("agent", { mcpServers: ["notes-mcp"] }), mcpServer("notes-mcp", "community"), toolsOf("notes-mcp")) },
    {
      name: "near miss: two servers, both from known vendors",
      model: spec(internalAgent("agent", { mcpServers: ["mail-mcp", "notes-mcp"] }), mcpServer("mail-mcp", "vendor"), mcpServer("notes-mcp", "vendor"), toolsOf("mail-mcp", "notes-mcp")),
    },
    {
      name: "the community server and the mail server are used by different agents",
      model: spec(
        internalAgent("agent", { mcpServers: ["mail-mcp"] }),
        { agents: [{ id: "other", models: ["llm"], mcpServers: ["notes-mcp"] }] },
        mcpServer("mail-mcp", "vendor"),
        mcpServer("notes-mcp", "community"),
        toolsOf("mail-mcp", "notes-mcp"),
      ),
    },
  ],
  invalid: [
    {
      name: "a community notes server beside a vendor mail server (the BCC-every-email case)",
      model: spec(internalAgent("agent", { mcpServers: ["mail-mcp", "notes-mcp"] }), mcpServer("mail-mcp", "vendor"), mcpServer("notes-mcp", "community"), toolsOf("mail-mcp", "notes-mcp")),
      findings: [
        {
          anchors: ["agent", "notes-mcp"],
          // likelihood 3 (no adversary modelled); impact 3 (the shadowed mail tool sends: neither severe nor read-only). 3 x 3 = 9, medium.
          severity: "medium",
          summary: /send-mail, which can send/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 9);
            assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0110", "AML.T0051.001", "AML.T0086"]);
          },
        },
      ],
    },
    {
      name: "two untrusted servers shadow each other; a verified approval on the job tool counts against the one shadowing it",
      model: spec(
        internalAgent("agent", { mcpServers: ["jobs-mcp", "notes-mcp"] }),
        mcpServer("jobs-mcp", "unknown"),
        mcpServer("notes-mcp", "community"),
        toolsOf("jobs-mcp", "notes-mcp"),
        {
          adversaries: [{ id: "crew", type: "organised-crime", capability: "high" }],
          controls: [{ id: "job-approval", type: "human-approval", covers: ["run-job"], verified: true, evidence: [{ type: "config", ref: "jobs/approval.yaml" }] }],
        },
      ),
      findings: [
        {
          // notes-mcp shadows run-job: likelihood 3 + 1 (high-capability adversary) = 4; impact 3 + 1 (execute) = 4; 16 inherent.
          // job-approval (implemented, verified) takes 1 off likelihood: 3 x 4 = 12, high.
          anchors: ["agent", "notes-mcp"],
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.residual.score, 12);
          },
        },
        {
          // jobs-mcp shadows take-note: likelihood 4; impact 3 (write: no factor); 12, high. run-job is not in scope here.
          anchors: ["agent", "jobs-mcp"],
          severity: "high",
          check: (finding) => assert.equal(finding.residual.score, 12),
        },
      ],
    },
  ],
});
