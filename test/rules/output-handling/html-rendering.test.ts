import assert from "node:assert/strict";
import { htmlRendering } from "../../../src/rules/output-handling/html-rendering.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const dashboard = (handles = ["renders-html"]) => ({
  clients: [{ id: "dashboard", type: "web-page", handles }],
  flows: [{ id: "agent-to-dashboard", from: "agent", to: "dashboard", channel: "output" }],
});

ruleTester(htmlRendering, {
  valid: [
    { name: "near miss: the client renders markdown, not HTML", model: spec(publicChat("agent"), dashboard(["renders-markdown", "renders-links"])) },
    {
      name: "the agent writes to a store, not to a renderer",
      model: spec(publicChat("agent"), { datastores: [{ id: "log", type: "log" }], flows: [{ id: "agent-to-log", from: "agent", to: "log", channel: "log" }] }),
    },
  ],
  invalid: [
    {
      name: "public text reaches an agent whose answers a page renders as HTML",
      model: spec(publicChat("agent"), dashboard()),
      findings: [
        {
          anchors: ["agent", "dashboard"],
          // Likelihood 2 + 1 (attacker text reaches the agent) + 1 (public entry) = 4. Impact 3. 12: high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.path?.at(-1)?.technique, "AML.T0077");
          },
        },
      ],
    },
    {
      name: "HTML-escaping in place lowers the residual",
      model: spec(publicChat("agent"), dashboard(), { controls: [{ id: "escape", type: "output-encoding", covers: ["dashboard"], verified: true }] }),
      // 4 x 3 inherent; verified output encoding takes 2 off likelihood: 2 x 3 = 6, medium.
      findings: [{ anchors: ["agent", "dashboard"], severity: "medium", check: (finding) => assert.equal(finding.residual.score, 6) }],
    },
    {
      name: "no untrusted text reaches the agent: still reported, at low likelihood and without an attack path",
      model: spec(internalAgent("agent"), dashboard()),
      findings: [
        {
          anchors: ["agent", "dashboard"],
          // Likelihood 2 - 1 (nothing untrusted reaches the producer) = 1. Impact 3. 3: low.
          severity: "low",
          check: (finding) => assert.equal(finding.path, undefined),
        },
      ],
    },
    {
      name: "a tool that posts the agent's text to an HTML-rendering service",
      model: spec(publicChat("agent", { tools: ["post"] }), {
        services: [{ id: "cms", type: "web-app", handles: ["renders-html"] }],
        tools: [{ id: "post", capabilities: [{ action: "publish", on: ["cms"], destination: "fixed" }] }],
      }),
      findings: [{ anchors: ["agent", "cms"], check: (finding) => assert.ok(finding.evidence.some((e) => e.element === "post")) }],
    },
  ],
});
