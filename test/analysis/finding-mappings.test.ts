// A finding maps to what its rule maps to, except that OWASP MCP Top 10 items hold for a rule outside
// the MCP category only where an MCP server, or a tool one serves, takes part. The JSON report keeps
// the rule's mappings under rules[ruleId] and names the frameworks that do not hold for a finding.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../../src/analysis/analyze.js";
import { jsonReport } from "../../src/report/json.js";
import { overPrivilegedIdentity } from "../../src/rules/identity/over-privileged-identity.js";
import { ordersLookup, publicChat } from "../rules/building-blocks.js";
import { findingsOf, loadSpec, spec, TODAY } from "../rules/rule-tester.js";

/** The public chat's lookup runs as an orders account granted read and write, and uses only read: TW-NHI-001. */
const plainTool = spec(publicChat("agent", { tools: ["lookup-order"] }), ordersLookup(["read", "write"]));
/** The same lookup, served by an MCP server the agent connects to. */
const mcpTool = spec(plainTool, {
  mcpServers: [{ id: "orders-mcp", transport: "stdio", publisher: "the team", publisherTrust: "first-party", package: "orders-mcp", version: "1.0.0", pinned: "version" }],
});

function withServer(model: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(model) as { agents: Record<string, unknown>[]; tools: Record<string, unknown>[] };
  copy.agents = copy.agents.map((a) => (a.id === "agent" ? { ...a, mcpServers: ["orders-mcp"] } : a));
  copy.tools = copy.tools.map((t) => (t.id === "lookup-order" ? { ...t, server: "orders-mcp" } : t));
  return copy;
}

describe("mappings of a finding", () => {
  it("leaves MCP02 off an over-privileged account whose tools no MCP server serves", () => {
    assert.ok(overPrivilegedIdentity.mappings.owaspMcp?.includes("MCP02:2025"), "the rule maps to MCP02");
    const [finding] = findingsOf(overPrivilegedIdentity, plainTool);
    assert.equal(finding?.id, "TW-NHI-001@orders-sa");
    assert.equal(finding!.mappings.owaspMcp, undefined);
    assert.deepEqual(finding!.mappings.owaspNhi, overPrivilegedIdentity.mappings.owaspNhi);
  });

  it("keeps it where an MCP server serves a tool that acts as the account", () => {
    const [finding] = findingsOf(overPrivilegedIdentity, withServer(mcpTool));
    assert.equal(finding?.id, "TW-NHI-001@orders-sa");
    assert.deepEqual(finding!.mappings.owaspMcp, ["MCP02:2025"]);
  });

  it("the JSON report keeps the rule's mappings under rules and names the frameworks left out of a finding", () => {
    const report = (model: Record<string, unknown>) =>
      JSON.parse(jsonReport(analyze(loadSpec(model), { today: TODAY, rules: [overPrivilegedIdentity] }))) as {
        findings: { id: string; frameworksLeftOut?: string[] }[];
        rules: Record<string, { mappings: { owaspMcp?: string[] } }>;
      };
    const plain = report(plainTool);
    assert.deepEqual(plain.rules["TW-NHI-001"]!.mappings.owaspMcp, ["MCP02:2025"]);
    assert.deepEqual(plain.findings[0]!.frameworksLeftOut, ["owaspMcp"]);
    const served = report(withServer(mcpTool));
    assert.equal(served.findings[0]!.frameworksLeftOut, undefined, "all of the rule's mappings hold");
  });
});
