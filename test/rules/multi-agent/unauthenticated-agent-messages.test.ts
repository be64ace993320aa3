import assert from "node:assert/strict";
import { unauthenticatedAgentMessages } from "../../../src/rules/multi-agent/unauthenticated-agent-messages.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A back-office agent that can pay, receiving messages from the front agent. */
const backOffice = (flow: Record<string, unknown> = {}, back: Record<string, unknown> = { tools: ["pay"] }) => ({
  agents: [{ id: "back", models: ["llm"], ...back }],
  services: [{ id: "bank", type: "api" }],
  tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] }],
  flows: [{ id: "front-to-back", from: "front", to: "back", channel: "message", ...flow }],
});

const boundaries = {
  boundaries: [
    { id: "corp", type: "corporate" },
    { id: "vendor-cloud", type: "vendor" },
  ],
};

/** The backend process both agents' loops run in. */
const backend = { services: [{ id: "backend", type: "runtime", boundary: "corp" }] };

ruleTester(unauthenticatedAgentMessages, {
  valid: [
    { name: "near miss: the receiver authenticates the sender", model: spec(publicChat("front"), backOffice({ authenticated: true })) },
    { name: "internal sender in the same boundary", model: spec(internalAgent("front"), backOffice()) },
    {
      name: "only one side's boundary is known",
      model: spec(internalAgent("front", { boundary: "corp" }), boundaries, backOffice()),
    },
    {
      name: "planner and worker are two loops in one backend process: same host, same boundary, though the sender reads untrusted text",
      model: spec(publicChat("front", { runsOn: "backend", boundary: "corp" }), boundaries, backend, backOffice({}, { tools: ["pay"], runsOn: "backend", boundary: "corp" })),
    },
    {
      name: "two loops on the same host, and neither states a boundary: the model draws none between them",
      model: spec(publicChat("front", { runsOn: "backend" }), boundaries, backend, backOffice({}, { tools: ["pay"], runsOn: "backend" })),
    },
  ],
  invalid: [
    {
      name: "a public chat agent passes unauthenticated messages to an agent that can pay",
      model: spec(publicChat("front"), backOffice()),
      findings: [
        {
          anchors: ["front-to-back"],
          // Likelihood 3 (default); impact 3 +1 (back can spend) = 4. 3 x 4 = 12: high.
          severity: "high",
          summary: /back accepts messages from front \(front-to-back\) without authenticating the sender, from an agent that reads untrusted text/,
        },
      ],
    },
    {
      name: "internal agents in different boundaries; a verified authentication control lowers the residual",
      model: spec(internalAgent("front", { boundary: "corp" }), boundaries, backOffice({ authenticated: false }, { boundary: "vendor-cloud" }), {
        controls: [{ id: "mtls", type: "authentication", covers: ["front-to-back"], verified: true }],
      }),
      findings: [
        {
          anchors: ["front-to-back"],
          // Likelihood 3 +1 (crosses from corp to vendor-cloud) = 4; impact 3 -1 (back has no tool) = 2: inherent 8, medium.
          // Residual: authentication takes 2 off likelihood: 2 x 2 = 4, low.
          severity: "low",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.equal(finding.residual.score, 4);
          },
        },
      ],
    },
    {
      name: "near miss: same boundary, but the agents run on different hosts",
      model: spec(
        publicChat("front", { runsOn: "backend", boundary: "corp" }),
        boundaries,
        backend,
        { services: [{ id: "payments-host", type: "runtime", boundary: "corp" }] },
        backOffice({}, { tools: ["pay"], runsOn: "payments-host", boundary: "corp" }),
      ),
      findings: [
        {
          anchors: ["front-to-back"],
          // Likelihood 3 (default; no crossing); impact 3 +1 (back can spend) = 4. 3 x 4 = 12: high.
          severity: "high",
          check: (finding) => assert.equal(finding.inherent.score, 12),
        },
      ],
    },
    {
      name: "near miss: same host, but the agents sit in different boundaries",
      model: spec(internalAgent("front", { runsOn: "backend", boundary: "corp" }), boundaries, backend, backOffice({}, { tools: ["pay"], runsOn: "backend", boundary: "vendor-cloud" })),
      findings: [
        {
          anchors: ["front-to-back"],
          // Likelihood 3 +1 (crosses from corp to vendor-cloud) = 4; impact 3 +1 (back can spend) = 4. 4 x 4 = 16: high.
          severity: "high",
          check: (finding) => assert.equal(finding.inherent.score, 16),
        },
      ],
    },
    {
      name: "near miss: only the sender states where it runs, so the model does not say the two share a host",
      model: spec(publicChat("front", { runsOn: "backend", boundary: "corp" }), boundaries, backend, backOffice({}, { tools: ["pay"], boundary: "corp" })),
      findings: [
        {
          anchors: ["front-to-back"],
          // Likelihood 3 (default; same boundary); impact 3 +1 (back can spend) = 4. 3 x 4 = 12: high.
          severity: "high",
          check: (finding) => assert.equal(finding.inherent.score, 12),
        },
      ],
    },
  ],
});
