import assert from "node:assert/strict";
import { unauthenticatedControlPlane } from "../../../src/rules/infrastructure/unauthenticated-control-plane.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const service = (type: string, extra: Record<string, unknown>) => ({ services: [{ id: "plane", type, ...extra }] });
const selfHosted = (extra: Record<string, unknown>) => ({ models: [{ id: "local-llm", provider: "Internal", hosting: "self-hosted", ...extra }] });

ruleTester(unauthenticatedControlPlane, {
  valid: [
    { name: "a dashboard behind SSO", model: spec(internalAgent(), service("dashboard", { exposure: "internet", authentication: "oauth" })) },
    { name: "near miss: the same unauthenticated dashboard, bound to localhost", model: spec(internalAgent(), service("dashboard", { exposure: "local", authentication: "none" })) },
    { name: "an unauthenticated dashboard with no exposure stated", model: spec(internalAgent(), service("dashboard", { authentication: "none" })) },
    { name: "an ordinary API without authentication is not a control plane", model: spec(internalAgent(), service("api", { exposure: "internet", authentication: "none" })) },
    {
      name: "a vendor-hosted model is not ours to expose",
      model: spec(internalAgent(), { models: [{ id: "vendor-llm", provider: "Vendor", hosting: "hosted-api", exposure: "internet", authentication: "none" }] }),
    },
  ],
  invalid: [
    {
      name: "a cluster dashboard open to the internet",
      model: spec(internalAgent(), service("dashboard", { exposure: "internet", authentication: "none" })),
      findings: [
        {
          anchors: ["plane"],
          // likelihood 3 + 2 (internet) = 5; impact 4. 5 x 4 = 20, critical.
          severity: "critical",
          summary: /dashboard.*internet without authentication/,
          check: (finding) => assert.equal(finding.inherent.score, 20),
        },
      ],
    },
    {
      name: "an internal inference server with a registry token on it",
      model: spec(internalAgent(), service("inference-server", { exposure: "internal", authentication: "none" }), {
        identities: [{ id: "registry-bot", type: "bot", credentials: [{ id: "registry-token", type: "token", lifetime: "static", storage: "env-var", presentIn: ["plane"] }] }],
      }),
      findings: [
        {
          anchors: ["plane"],
          // likelihood 3 - 1 (internal) = 2; impact 4 - 1 (inference endpoint) + 1 (credential on it) = 4. 2 x 4 = 8, medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.inherent.score, 8),
        },
      ],
    },
    {
      name: "a self-hosted model served to partners; a verified authenticating proxy",
      model: spec(internalAgent(), selfHosted({ exposure: "partner", authentication: "none" }), {
        controls: [{ id: "auth-proxy", type: "authentication", covers: ["local-llm"], verified: true, evidence: [{ type: "config", ref: "gateway/auth.yaml" }] }],
      }),
      findings: [
        {
          anchors: ["local-llm"],
          check: (finding) => {
            // likelihood 3 (partner: no change); impact 4 - 1 (inference endpoint) = 3. inherent 3 x 3 = 9, medium;
            // the verified proxy takes 3 off likelihood: 0, clamped to 1. residual 1 x 3 = 3, low.
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 3);
            assert.equal(finding.severity, "low");
          },
        },
      ],
    },
    {
      name: "an agent gateway that forwards to an agent, reachable from the internet, with a capable adversary",
      model: spec(internalAgent("agent"), service("agent-gateway", { exposure: "internet", authentication: "none" }), {
        flows: [{ id: "gateway-to-agent", from: "plane", to: "agent", channel: "api" }],
        adversaries: [{ id: "crew", type: "organised-crime", capability: "high" }],
      }),
      findings: [{ anchors: ["plane"], severity: "critical", summary: /drive agent/ }],
    },
  ],
});
