import assert from "node:assert/strict";
import { thirdPartyToolOutput } from "../../../src/rules/prompt-injection/third-party-tool-output.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const fetchTool = (destination: string) => ({ tools: [{ id: "fetch", capabilities: [{ action: "fetch", destination }] }] });
const shell = { tools: [{ id: "shell", capabilities: [{ action: "execute" }] }] };
const mcp = (publisherTrust: string) => ({
  mcpServers: [{ id: "issues-mcp", transport: "stdio", publisher: "someone", publisherTrust }],
  datastores: [{ id: "issues-db", type: "document" }],
  tools: [{ id: "search-issues", server: "issues-mcp", capabilities: [{ action: "read", on: ["issues-db"] }] }],
});

/**
 * The agent fetches the sites of partners (merchants), only those on an allow-list (`destination`) that a verified control enforces;
 * a high-capability adversary comes in through `via`.
 */
const partnerSites = (via: string[], destination = "allow-listed") =>
  spec(internalAgent("agent", { tools: ["fetch"] }), {
    actors: [
      { id: "merchants", type: "partner", authenticated: true },
      { id: "insiders", type: "contractor", authenticated: true },
    ],
    adversaries: [{ id: "rogue-merchant", type: "organised-crime", capability: "high", via }],
    sources: [{ id: "merchant-sites", type: "web", writableBy: ["merchants"] }],
    tools: [{ id: "fetch", capabilities: [{ action: "fetch", on: ["merchant-sites"], destination }] }],
    controls: [{ id: "partner-sites-only", type: "egress-allowlist", covers: ["fetch"], verified: true, evidence: [{ type: "config", ref: "proxy.yaml" }] }],
  });

ruleTester(thirdPartyToolOutput, {
  valid: [
    { name: "near miss: the fetch tool only reaches a fixed URL", model: spec(internalAgent("agent", { tools: ["fetch"] }), fetchTool("fixed")) },
    { name: "near miss: the fetch tool reaches pages on the organisation's own network only (internal)", model: spec(internalAgent("agent", { tools: ["fetch"] }), fetchTool("internal")) },
    { name: "near miss: the MCP server is from a known vendor", model: spec(internalAgent("agent", { mcpServers: ["issues-mcp"] }), mcp("vendor")) },
    { name: "a first-party MCP server and a shell, nothing fetched", model: spec(internalAgent("agent", { mcpServers: ["issues-mcp"], tools: ["shell"] }), mcp("first-party"), shell) },
  ],
  invalid: [
    {
      name: "a read-only agent whose answer is a decision: the impact reason points to the rule that rates the decision",
      model: spec(internalAgent("agent", { mcpServers: ["issues-mcp"], decision: { what: "which issues are closed as duplicates", stakes: "low" } }), mcp("community")),
      findings: [
        {
          anchors: ["agent", "issues-mcp"],
          check: (finding) => assert.equal(finding.reasons[1], "Impact 2/5: rule default 3; -1 agent can only read; its answer decides which issues are closed as duplicates (TW-MIS-002 rates that)."),
        },
      ],
    },
    {
      name: "an internal agent that fetches any URL",
      model: spec(internalAgent("agent", { tools: ["fetch"] }), fetchTool("any")),
      findings: [
        {
          anchors: ["agent", "fetch"],
          // Likelihood 3 + 1 (any URL) = 4. Impact 3 (fetching is neither read-only nor severe). 4 x 3 = 12: high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.deepEqual(finding.path?.map((s) => s.technique).slice(0, 3), ["AML.T0100", "AML.T0051.001", "AML.T0051.001"]);
          },
        },
      ],
    },
    {
      name: "an allow-listed fetch of pages anyone may publish is scored by that entry's exposure, as other injection rules score it",
      model: spec(internalAgent("agent", { tools: ["fetch"] }), {
        actors: [{ id: "page-authors", type: "public" }],
        sources: [{ id: "status-pages", type: "web", writableBy: ["page-authors"] }],
        tools: [{ id: "fetch", capabilities: [{ action: "fetch", on: ["status-pages"], destination: "allow-listed" }] }],
      }),
      findings: [
        {
          anchors: ["agent", "fetch"],
          // Likelihood 3 +1 (entry status-pages, written by the public). Impact 3. 12, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.match(finding.reasons[0]!, /\+1 entry status-pages \(writable by page-authors\)/);
            assert.equal(finding.path?.[0]?.element, "status-pages");
          },
        },
      ],
    },
    {
      name: "the allow-list is the partners' sites and the adversary comes in as a partner: the list keeps others out, not them, and does not count",
      model: partnerSites(["merchants"]),
      findings: [
        {
          anchors: ["agent", "fetch"],
          // Likelihood 3 - 1 (entry written by partners) + 1 (high-capability adversary through it) = 3, impact 3: 9, and nothing off.
          severity: "medium",
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [9, 9]);
            assert.match(finding.reasons[2]!, /Not counted: partner-sites-only \(egress-allowlist\) lets fetch reach merchant-sites, where rogue-merchant gets in: it keeps others out, not them/);
            assert.match(finding.evidence[0]!.note, /destination allow-listed; the list takes in merchant-sites, where rogue-merchant gets in;/);
          },
        },
      ],
    },
    {
      name: "an adversary that names the listed site itself as its way in is let through the same",
      model: partnerSites(["merchant-sites"]),
      findings: [{ anchors: ["agent", "fetch"], check: (finding) => assert.equal(finding.residual.score, 9) }],
    },
    {
      name: "the same allow-list where the adversary gets in elsewhere: it keeps the adversary out and counts",
      model: partnerSites(["insiders"]),
      findings: [
        {
          anchors: ["agent", "fetch"],
          // Likelihood 3 - 1 (partner entry), no adversary through it: 2; the verified allow-list takes 1 off: 1 x 3.
          check: (finding) => assert.deepEqual([finding.inherent.likelihood, finding.residual.likelihood], [2, 1]),
        },
      ],
    },
    {
      name: "a tool that states no allow-list of its own (any URL), with a control that enforces one: what the list lets in is not said, so it counts",
      model: partnerSites(["merchants"], "any"),
      findings: [
        {
          anchors: ["agent", "fetch"],
          // Likelihood 3 + 1 (any URL) + 1 (high-capability adversary) = 5; the verified control takes 1 off.
          check: (finding) => assert.deepEqual([finding.inherent.likelihood, finding.residual.likelihood], [5, 4]),
        },
      ],
    },
    {
      // Anyone may publish a page, so an adversary that comes in as the public comes in through a tool that fetches any URL too (SOC review P1).
      name: "a tool that fetches any URL, and a high-capability adversary that comes in as members of the public elsewhere: it can publish a page too",
      model: spec(internalAgent("agent", { tools: ["fetch"] }), fetchTool("any"), {
        actors: [{ id: "attackers", type: "public" }],
        adversaries: [{ id: "crew", type: "organised-crime", capability: "high", via: ["attackers"] }],
      }),
      findings: [
        {
          anchors: ["agent", "fetch"],
          // Likelihood 3 + 1 (any URL) + 1 (high-capability adversary) = 5; impact 3: 15, high.
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 5);
            assert.match(finding.reasons[0]!, /\+1 most capable adversary coming in through fetch is crew \(high capability\)/);
          },
        },
      ],
    },
    {
      name: "near miss: the high-capability adversary comes in as contractors, not as the public: publishing pages is not its way in",
      model: spec(internalAgent("agent", { tools: ["fetch"] }), fetchTool("any"), {
        actors: [{ id: "insiders", type: "contractor", authenticated: true }],
        adversaries: [{ id: "crew", type: "organised-crime", capability: "high", via: ["insiders"] }],
      }),
      // Likelihood 3 + 1 (any URL), no adversary through it: 4.
      findings: [{ anchors: ["agent", "fetch"], check: (finding) => assert.equal(finding.inherent.likelihood, 4) }],
    },
    {
      name: "allow-listed fetching and a community MCP tool, next to a shell",
      model: spec(internalAgent("agent", { tools: ["fetch", "shell"], mcpServers: ["issues-mcp"] }), fetchTool("allow-listed"), mcp("community"), shell),
      findings: [
        // Likelihood 3 (allow-listed: no +1). Impact 3 + 1 (the agent can execute) = 4. 12: high.
        { anchors: ["agent", "fetch"], severity: "high", check: (finding) => assert.equal(finding.inherent.likelihood, 3) },
        {
          anchors: ["agent", "issues-mcp"],
          severity: "high",
          summary: /community/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.path?.[0]?.technique, "AML.T0099");
            assert.equal(finding.path?.at(-1)?.technique, "AML.T0050");
          },
        },
      ],
    },
    {
      name: "three tools of one community server, one of which fetches: one finding for the server, one for the fetch",
      model: spec(internalAgent("agent", { mcpServers: ["issues-mcp"] }), mcp("community"), {
        tools: [
          { id: "comment-issue", server: "issues-mcp", capabilities: [{ action: "write", on: ["issues-db"] }] },
          { id: "fetch-link", server: "issues-mcp", capabilities: [{ action: "fetch", destination: "any" }] },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "issues-mcp"],
          summary: /^agent calls comment-issue and search-issues, which are served by issues-mcp, a community MCP server; their output lands in the agent's context next to the power to write through comment-issue\.$/,
          check: (finding) => {
            // Likelihood 3. Impact 3 (a write is neither read-only nor severe). 9, medium.
            assert.equal(finding.inherent.score, 9);
            assert.deepEqual(finding.evidence.map((e) => e.element), ["issues-mcp", "comment-issue", "search-issues", "fetch-link"]);
            assert.match(finding.evidence[0]!.note, /it serves comment-issue and search-issues$/);
            assert.deepEqual(finding.path?.slice(0, 2).map((s) => s.element), ["issues-mcp", "comment-issue"]);
          },
        },
        {
          anchors: ["agent", "fetch-link"],
          // Likelihood 3 + 1 (any URL) = 4; impact 3: 12, high. The server's other tools are not part of this way in.
          summary: /which fetches arbitrary web content and is served by issues-mcp, a community MCP server/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.match(finding.evidence.find((e) => e.element === "issues-mcp")!.note, /it serves fetch-link$/);
          },
        },
      ],
    },
    {
      name: "an unknown-publisher MCP tool feeding a read-only agent, with partial content isolation on the tool",
      model: spec(internalAgent("agent", { mcpServers: ["issues-mcp"] }), mcp("unknown"), {
        controls: [{ id: "proxy", type: "content-isolation", covers: ["search-issues"], status: "partial", verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "issues-mcp"],
          check: (finding) => {
            // Likelihood 3; impact 3 - 1 (the agent can only read) = 2: 6, medium.
            assert.equal(finding.inherent.score, 6);
            // A partial, verified content-isolation control delivers half of its 1 step: 2.5 x 2 = 5, low.
            assert.equal(finding.residual.score, 5);
            assert.equal(finding.severity, "low");
          },
        },
      ],
    },
  ],
});
