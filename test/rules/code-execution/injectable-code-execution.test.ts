import assert from "node:assert/strict";
import { injectableCodeExecution } from "../../../src/rules/code-execution/injectable-code-execution.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const shell = (extra: Record<string, unknown> = {}) => ({ tools: [{ id: "shell", capabilities: [{ action: "execute" }], ...extra }] });
const confirmShell = (extra: Record<string, unknown> = {}) => ({ id: "confirm", type: "human-approval", covers: ["shell"], verified: true, evidence: [{ type: "config", ref: "agent/confirm.ts" }], ...extra });
const sandboxHost = { services: [{ id: "box", type: "sandbox" }] };

ruleTester(injectableCodeExecution, {
  valid: [
    { name: "near miss: the same shell, but only employees reach the agent", model: spec(internalAgent("agent", { tools: ["shell"] }), shell()) },
    {
      name: "execution only laterally, through a credential in the agent's own configuration (not its own tool)",
      model: spec(publicChat("agent"), {
        services: [{ id: "cluster", type: "runtime" }],
        identities: [
          {
            id: "deployer",
            type: "service-account",
            permissions: [{ resource: "cluster", actions: ["execute"] }],
            credentials: [{ id: "deploy-key", type: "api-key", lifetime: "static", storage: "env-var", presentIn: ["agent"] }],
          },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: "public chat agent with a shell",
      model: spec(publicChat("agent", { tools: ["shell"] }), shell()),
      findings: [
        {
          anchors: ["agent", "shell"],
          // Likelihood 4 + 1 (public entry) = 5. Impact 4. 20: critical.
          severity: "critical",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0051.000", "AML.T0051.000", "AML.T0102", "AML.T0050"]);
          },
        },
      ],
    },
    {
      name: "the shell runs on a sandbox host with a verified sandbox control",
      model: spec(publicChat("agent", { tools: ["shell"] }), shell({ runsOn: "box" }), sandboxHost, {
        controls: [{ id: "gvisor", type: "sandbox", covers: ["shell"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "shell"],
          check: (finding) => {
            // Impact 4 - 1 (runs on a sandbox service) = 3: 5 x 3 = 15 inherent.
            assert.equal(finding.inherent.score, 15);
            // The sandbox control takes 2 off impact: 5 x 1 = 5, low.
            assert.equal(finding.residual.score, 5);
            assert.equal(finding.severity, "low");
          },
        },
      ],
    },
    {
      name: "a code interpreter tool that executes on a sandbox service",
      model: spec(publicChat("agent", { tools: ["interpreter"] }), sandboxHost, { tools: [{ id: "interpreter", capabilities: [{ action: "execute", on: ["box"] }] }] }),
      // Likelihood 5. Impact 4 - 1 (the code runs in the sandbox service) = 3. 15: high.
      findings: [{ anchors: ["agent", "interpreter"], severity: "high", check: (finding) => assert.ok(finding.reasons.some((r) => r.includes("sandbox"))) }],
    },
    {
      name: "a supervised agent: a person approves each action",
      model: spec(publicChat("agent", { tools: ["shell"], autonomy: "supervised" }), shell()),
      // Likelihood 4 + 1 (public) - 1 (supervised) = 4. Impact 4. 16: high.
      findings: [{ anchors: ["agent", "shell"], severity: "high", check: (finding) => assert.equal(finding.inherent.likelihood, 4) }],
    },
    {
      name: "a supervised agent whose shell has its own confirmation: the same person's click counts once, as the control",
      model: spec(publicChat("agent", { tools: ["shell"], autonomy: "supervised" }), shell(), { controls: [confirmShell()] }),
      // Likelihood 4 + 1 (public) = 5, supervised not counted again. Residual 5 - 2 (confirmation, verified) = 3. Impact 4. 3 x 4 = 12: high.
      findings: [
        {
          anchors: ["agent", "shell"],
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 5);
            assert.equal(finding.residual.likelihood, 3);
            assert.doesNotMatch(finding.reasons[0]!, /supervised/);
          },
        },
      ],
    },
    {
      name: "a supervised agent whose shell confirmation is only planned: supervised still counts",
      model: spec(publicChat("agent", { tools: ["shell"], autonomy: "supervised" }), shell(), { controls: [confirmShell({ status: "planned" })] }),
      // Likelihood 4 + 1 (public) - 1 (supervised) = 4; the planned control takes nothing off. Impact 4. 16: high.
      findings: [{ anchors: ["agent", "shell"], severity: "high", check: (finding) => assert.equal(finding.residual.likelihood, 4) }],
    },
  ],
});
