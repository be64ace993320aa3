import assert from "node:assert/strict";
import { denialOfWallet } from "../../../src/rules/infrastructure/denial-of-wallet.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const llmKey = (control?: Record<string, unknown>) => ({
  identities: [
    {
      id: "llm-key",
      type: "api-key",
      permissions: [{ resource: "llm", actions: ["read", "spend"] }],
      credentials: [{ id: "llm-api-key", type: "api-key", lifetime: "static", storage: "env-var" }],
    },
  ],
  ...(control ? { controls: [control] } : {}),
});

ruleTester(denialOfWallet, {
  valid: [
    { name: "only employees talk to the agent", model: spec(internalAgent()) },
    {
      name: "near miss: public chat, but the model is self-hosted",
      model: { ...spec(publicChat("agent")), models: [{ id: "llm", provider: "Internal", hosting: "self-hosted" }] },
    },
  ],
  invalid: [
    {
      name: "public chat on a paid model API",
      model: spec(publicChat("agent"), llmKey()),
      findings: [
        {
          anchors: ["agent", "llm"],
          // likelihood 3 + 1 (anyone on the internet) = 4; impact 3. 4 x 3 = 12, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.ok(finding.evidence.some((e) => e.element === "llm-key"));
            assert.deepEqual(finding.missingControls, ["spend-limit", "rate-limit"]);
          },
        },
      ],
    },
    {
      name: "a verified monthly budget cap on the paying key",
      model: spec(
        publicChat("agent"),
        llmKey({ id: "budget", type: "spend-limit", covers: ["llm-api-key"], threshold: { amount: 500, currency: "USD", per: "month" }, verified: true, evidence: [{ type: "link", ref: "https://vendor.example/limits" }] }),
      ),
      findings: [
        {
          anchors: ["agent", "llm"],
          check: (finding) => {
            // inherent 4 x 3 = 12; the verified cap on the month's total takes the full 2 off impact (its threshold is the cap,
            // not a condition that halves it): 4 x 1 = 4, low.
            assert.equal(finding.residual.score, 4);
            assert.equal(finding.severity, "low");
            assert.match(finding.reasons[2]!, /budget \(spend-limit, implemented, verified, caps the total at 500 USD per month\) lowers impact by 2/);
          },
        },
      ],
    },
    {
      name: "a spend limit on each request, or one that gives no period, does not bound the bill",
      model: spec(publicChat("agent"), llmKey({ id: "per-call", type: "spend-limit", covers: ["llm-api-key"], threshold: { amount: 2, currency: "USD", per: "action" }, verified: true }), {
        controls: [{ id: "budget", type: "spend-limit", covers: ["llm-api-key"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "llm"],
          check: (finding) => {
            // inherent 12; neither caps a total per hour, day or month: nothing off, 12, high.
            assert.equal(finding.residual.score, 12);
            assert.deepEqual(finding.missingControls, ["spend-limit", "rate-limit"]);
            assert.match(
              finding.reasons[2]!,
              /Not counted: budget \(spend-limit\) gives no threshold with a period \(per hour, day or month\), so it is not known to cap the total; per-call \(spend-limit\) caps each payment at 2 USD, not the total per hour, day or month\.$/,
            );
          },
        },
      ],
    },
    {
      name: "only the hosted one of two models",
      model: spec(publicChat("agent", { models: ["llm", "local"] }), { models: [{ id: "local", provider: "Internal", hosting: "self-hosted" }] }),
      findings: [{ anchors: ["agent", "llm"], severity: "high" }],
    },
  ],
});
