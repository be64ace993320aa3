import assert from "node:assert/strict";
import { classifierEvasion } from "../../../src/rules/data-and-model/classifier-evasion.js";
import { findingsOf, ruleTester, spec } from "../rule-tester.js";

/** The payments classifier's finding when its decision has medium stakes: the rule's default impact. */
const findingsOfMedium = () => findingsOf(classifierEvasion, spec(paymentsScored({ decision: { what: "which card payments are reviewed", stakes: "medium" } })))[0]!;

/** A public actor's payment requests pass a web app and a payments API that asks a model to score them. */
function paymentsScored(model: Record<string, unknown> = {}) {
  return {
    actors: [{ id: "shopper", type: "public" }],
    services: [
      { id: "checkout", type: "web-app", exposure: "internet" },
      { id: "payments-api", type: "api" },
    ],
    models: [{ id: "fraud-model", provider: "Risk team", hosting: "self-hosted", task: "classification", ...model }],
    flows: [
      { id: "shopper-to-checkout", from: "shopper", to: "checkout", channel: "api" },
      { id: "checkout-to-payments", from: "checkout", to: "payments-api", channel: "api" },
      { id: "payments-to-fraud", from: "payments-api", to: "fraud-model", channel: "api" },
    ],
  };
}

/**
 * KYC onboarding: an applicant uploads documents through a portal, an extraction agent reads
 * them and hands the fields to an orchestrator, which calls a tool that scores the applicant
 * with a risk classifier and may open the account.
 */
function kycOnboarding() {
  return {
    actors: [{ id: "applicant", type: "public" }],
    services: [{ id: "upload-portal", type: "web-app", exposure: "internet" }],
    models: [
      { id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true },
      { id: "kyc-risk", name: "KYC risk classifier", provider: "Risk team", hosting: "self-hosted", task: "classification" },
    ],
    agents: [
      { id: "extractor", models: ["llm"] },
      { id: "orchestrator", models: ["llm"], tools: ["score-applicant", "open-account"] },
    ],
    datastores: [{ id: "accounts-db", type: "relational" }],
    tools: [
      { id: "score-applicant", capabilities: [{ action: "read", on: ["kyc-risk"] }] },
      { id: "open-account", capabilities: [{ action: "write", on: ["accounts-db"] }] },
    ],
    flows: [
      { id: "applicant-uploads", from: "applicant", to: "upload-portal", channel: "file" },
      { id: "portal-to-extractor", from: "upload-portal", to: "extractor", channel: "api" },
      { id: "extractor-to-orchestrator", from: "extractor", to: "orchestrator", channel: "message" },
    ],
  };
}

/** A claims classifier customers feed through a claims API and, as a second way in, a partner portal. */
function claimsScored() {
  return {
    actors: [
      { id: "policyholder", type: "customer" },
      { id: "broker", type: "partner" },
    ],
    services: [
      { id: "claims-api", type: "api", exposure: "internet" },
      { id: "broker-portal", type: "web-app", exposure: "partner" },
    ],
    models: [{ id: "claims-fraud", provider: "Claims team", hosting: "self-hosted", task: "classification" }],
    flows: [
      { id: "policyholder-to-api", from: "policyholder", to: "claims-api", channel: "api" },
      { id: "broker-to-portal", from: "broker", to: "broker-portal", channel: "api" },
      { id: "api-to-model", from: "claims-api", to: "claims-fraud", channel: "api" },
      { id: "portal-to-model", from: "broker-portal", to: "claims-fraud", channel: "api" },
    ],
  };
}

/** A fraud classifier served by an inference server partners call with an API key each. */
function partnerScoring(server: Record<string, unknown> = {}) {
  return {
    actors: [{ id: "partner", type: "partner", authenticated: true }],
    services: [{ id: "scoring-api", type: "inference-server", exposure: "internet", authentication: "api-key", ...server }],
    models: [{ id: "fraud-clf", provider: "Risk team", hosting: "self-hosted", task: "classification", runsOn: "scoring-api" }],
    flows: [
      { id: "partner-to-api", from: "partner", to: "scoring-api", channel: "api" },
      { id: "api-to-clf", from: "scoring-api", to: "fraud-clf", channel: "api" },
    ],
  };
}

ruleTester(classifierEvasion, {
  valid: [
    { name: "near miss: the same public input feeds a model with no task (generation)", model: spec(paymentsScored({ task: undefined })) },
    { name: "an embedding model fed by the public", model: spec(paymentsScored({ task: "embedding" })) },
    {
      name: "a classifier fed only by employees through an internal service (no insider adversary)",
      model: spec({
        actors: [{ id: "analyst", type: "employee", authenticated: true }],
        services: [{ id: "case-tool", type: "web-app", exposure: "internal" }],
        models: [{ id: "triage-model", provider: "Ops", hosting: "self-hosted", task: "classification" }],
        flows: [
          { id: "analyst-to-tool", from: "analyst", to: "case-tool", channel: "api" },
          { id: "tool-to-model", from: "case-tool", to: "triage-model", channel: "api" },
        ],
      }),
    },
    {
      name: "a classifier fed by an internal source no outsider writes",
      model: spec({
        sources: [{ id: "ledger", type: "crm" }],
        services: [{ id: "batch-scorer", type: "other" }],
        models: [{ id: "aml-model", provider: "Risk team", hosting: "self-hosted", task: "classification" }],
        flows: [
          { id: "ledger-to-scorer", from: "ledger", to: "batch-scorer", channel: "ingestion" },
          { id: "scorer-to-model", from: "batch-scorer", to: "aml-model", channel: "api" },
        ],
      }),
    },
    {
      name: "a classifier the public reaches only through its training data (TW-DAT-002's threat)",
      model: spec({
        actors: [{ id: "reporter", type: "public" }],
        datasets: [{ id: "spam-reports", provenance: "customer", writableBy: ["reporter"] }],
        pipelines: [{ id: "retrain", type: "training" }],
        models: [{ id: "spam-model", provider: "Mail team", hosting: "self-hosted", task: "classification" }],
        flows: [
          { id: "reports-to-retrain", from: "spam-reports", to: "retrain", channel: "training" },
          { id: "retrain-to-model", from: "retrain", to: "spam-model", channel: "training" },
        ],
      }),
    },
    {
      name: "a classifier on an inference server on the internet that asks for a key, called only by the team's batch job",
      model: spec({
        services: [
          { id: "scoring-api", type: "inference-server", exposure: "internet", authentication: "api-key" },
          { id: "batch", type: "other" },
        ],
        models: [{ id: "fraud-clf", provider: "Risk team", hosting: "self-hosted", task: "classification", runsOn: "scoring-api" }],
        flows: [
          { id: "batch-to-api", from: "batch", to: "scoring-api", channel: "api" },
          { id: "api-to-clf", from: "scoring-api", to: "fraud-clf", channel: "api" },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: "partners (and whoever holds one of their keys) probe the classifier at its keyed server on the internet",
      model: spec(partnerScoring()),
      findings: [
        {
          anchors: ["fraud-clf"],
          // The endpoint (0: +1 internet, -1 keys) outranks the partner actor it replaces as the scoring API's origin (-1).
          // likelihood: 3, +1 entry on the internet, -1 the keys do not bound attempts = 3; impact 3; 3 x 3 = 9, medium
          severity: "medium",
          summary: /^fraud-clf scores input from holders of API keys for scoring-api \(partner\): by trying variations/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 9);
            assert.match(finding.reasons[0]!, /-1 scoring-api takes API keys, held by partner: only they can query it, though credentials identify callers without bounding how many queries each sends/);
            assert.match(finding.path![0]!.action, /^the attacker sends scoring-api input crafted to pass fraud-clf, with API keys held by partner \(a holder's own, or one leaked or bought\)/);
          },
        },
      ],
    },
    {
      name: "labels only: output obfuscation on the classifier's server lowers it",
      model: spec(partnerScoring(), { controls: [{ id: "labels-only", type: "output-obfuscation", covers: ["scoring-api"], verified: true }] }),
      findings: [
        {
          anchors: ["fraud-clf"],
          // inherent 3 x 3 = 9; labels-only (output-obfuscation, verified) on the classifier's host -1: residual 2 x 3 = 6, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.residual.score, 6);
            assert.deepEqual(finding.controls.map((c) => c.control), ["labels-only"]);
          },
        },
      ],
    },
    {
      name: "the keyed server is on partner networks only: the partner actor stays the entry",
      model: spec(partnerScoring({ exposure: "partner" })),
      findings: [
        {
          anchors: ["fraud-clf"],
          // the endpoint: -1 partner networks, -1 keys = -2, below the partner actor (-1), which stays the origin.
          // likelihood: 3, -1 = 2; impact 3; 2 x 3 = 6, medium
          severity: "medium",
          summary: /^fraud-clf scores input from partner \(through scoring-api\)/,
          check: (finding) => assert.equal(finding.inherent.score, 6),
        },
      ],
    },
    {
      name: "an open inference server on the internet, with no caller modelled: anyone can probe it",
      model: spec({
        services: [{ id: "scoring-api", type: "inference-server", exposure: "internet", authentication: "none" }],
        models: [{ id: "fraud-clf", provider: "Risk team", hosting: "self-hosted", task: "classification", runsOn: "scoring-api" }],
      }),
      findings: [
        {
          anchors: ["fraud-clf"],
          // likelihood: 3, +1 entry open to anyone on the internet = 4; impact 3; 4 x 3 = 12, high
          severity: "high",
          summary: /^fraud-clf scores input from anyone on the internet:/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.ok(finding.evidence.some((e) => e.element === "scoring-api" && e.note.includes("reaches fraud-clf via scoring-api → fraud-clf")));
          },
        },
      ],
    },
    {
      name: "a classifier's own interface is open to the internet",
      model: spec({ models: [{ id: "spam-clf", provider: "Mail team", hosting: "self-hosted", task: "classification", exposure: "internet", authentication: "none" }] }),
      findings: [
        {
          anchors: ["spam-clf"],
          // likelihood: 3, +1 open to anyone on the internet = 4; impact 3; 4 x 3 = 12, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.ok(finding.evidence.some((e) => e.element === "spam-clf" && e.note.includes("its callers query spam-clf at its own interface")));
          },
        },
      ],
    },
    {
      name: "output obfuscation on a component in front of the classifier does not count; on the classifier it does",
      model: spec(paymentsScored(), {
        controls: [
          { id: "checkout-rounding", type: "output-obfuscation", covers: ["checkout"], verified: true },
          { id: "model-bands", type: "output-obfuscation", covers: ["fraud-model"], status: "partial", verified: true },
        ],
      }),
      findings: [
        {
          anchors: ["fraud-model"],
          // inherent 4 x 3 = 12 (public shopper); checkout-rounding is not on the classifier; model-bands (partial, verified) -0.5:
          // residual 3.5 x 3 = 10.5, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 10.5);
            assert.deepEqual(finding.controls.map((c) => c.control), ["model-bands"]);
          },
        },
      ],
    },
    {
      name: "a public shopper's payments reach a fraud classifier through checkout and the payments API",
      model: spec(paymentsScored()),
      findings: [
        {
          anchors: ["fraud-model"],
          // likelihood: default 3, +1 entry shopper (public actor, exposure 5) = 4; impact: default 3; 4 x 3 = 12, high
          severity: "high",
          summary: /^fraud-model scores input from shopper \(through payments-api\): by trying variations/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 12);
            assert.ok(finding.evidence.some((e) => e.element === "shopper" && e.note.includes("shopper → checkout → payments-api → fraud-model")));
            assert.ok(finding.evidence.some((e) => e.element === "payments-api"));
            assert.deepEqual(finding.missingControls, ["rate-limit", "model-monitoring", "red-teaming", "output-obfuscation"]);
          },
        },
      ],
    },
    {
      name: "the fraud model's score decides which payments go through (high stakes): evading it is worth a step more",
      model: spec(paymentsScored({ decision: { what: "which card payments are blocked", stakes: "high" } })),
      findings: [
        {
          anchors: ["fraud-model"],
          // likelihood 4 as above; impact 3 + 1 (high stakes) = 4; 4 x 4 = 16, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.reasons[1], "Impact 4/5: rule default 3; +1 fraud-model decides which card payments are blocked (high stakes): input it scores as benign gets the decision the attacker wants.");
          },
        },
      ],
    },
    {
      name: "a low-stakes decision (which messages go to a spam folder) takes a step off; medium leaves the default",
      model: spec(paymentsScored({ decision: { what: "which messages go to the spam folder", stakes: "low" } })),
      findings: [
        {
          anchors: ["fraud-model"],
          // likelihood 4; impact 3 - 1 = 2; 4 x 2 = 8, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.equal(findingsOfMedium().inherent.score, 12);
          },
        },
      ],
    },
    {
      name: "KYC: applicant uploads reach the risk classifier through an extraction agent and the orchestrator's scoring tool",
      model: spec(kycOnboarding()),
      findings: [
        {
          anchors: ["kyc-risk"],
          // likelihood: 3, +1 entry applicant (public, exposure 5) = 4; impact 3 (no approval routed by it); 4 x 3 = 12, high
          severity: "high",
          summary: /^KYC risk classifier scores input from applicant \(through score-applicant\)/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            const entry = finding.evidence.find((e) => e.element === "applicant");
            assert.ok(entry?.note.includes("applicant → upload-portal → extractor → orchestrator → score-applicant → KYC risk classifier"), entry?.note);
            assert.ok(finding.evidence.some((e) => e.element === "score-applicant" && e.note.includes("called by orchestrator")));
          },
        },
      ],
    },
    {
      name: "KYC: the scoring tool sends the fields to the classifier by a flow instead of acting on it",
      model: (() => {
        const kyc = kycOnboarding();
        return spec({
          ...kyc,
          tools: kyc.tools.map((t) => (t.id === "score-applicant" ? { id: "score-applicant", capabilities: [{ action: "execute" }] } : t)),
          flows: [...kyc.flows, { id: "score-to-risk", from: "score-applicant", to: "kyc-risk", channel: "api" }],
        });
      })(),
      findings: [
        {
          anchors: ["kyc-risk"],
          // As above: 4 x 3 = 12, high; the tool feeds the classifier through its flow.
          severity: "high",
          summary: /^KYC risk classifier scores input from applicant \(through score-applicant\)/,
          check: (finding) => assert.equal(finding.inherent.score, 12),
        },
      ],
    },
    {
      name: "KYC: the classifier decides which account openings go to manual review (routedBy)",
      model: spec(kycOnboarding(), {
        controls: [{ id: "manual-review", type: "human-approval", covers: ["open-account"], routedBy: ["kyc-risk"], verified: true }],
      }),
      findings: [
        {
          anchors: ["kyc-risk"],
          // likelihood: 3, +1 public applicant = 4; impact: 3, +1 it routes manual-review (approval of open-account) = 4; 4 x 4 = 16, high.
          // No mitigation of this rule is a human approval, so the residual equals the inherent.
          severity: "high",
          summary: /decides which actions go to manual-review/,
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 4);
            assert.equal(finding.inherent.impact, 4);
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.residual.score, 16);
            assert.match(finding.reasons[1]!, /\+1 KYC risk classifier decides which actions go to manual-review \(human approval of open-account\)/);
            assert.ok(finding.evidence.some((e) => e.element === "manual-review"));
          },
        },
      ],
    },
    {
      name: "a planned approval routed by the classifier does not raise the impact yet",
      model: spec(kycOnboarding(), {
        controls: [{ id: "manual-review", type: "human-approval", covers: ["open-account"], routedBy: ["kyc-risk"], status: "planned" }],
      }),
      // likelihood 4 (public applicant), impact default 3: 12, high
      findings: [{ anchors: ["kyc-risk"], check: (finding) => assert.equal(finding.inherent.score, 12) }],
    },
    {
      name: "a verified rate limit on the claims API lowers the residual; the finding stays",
      model: spec(claimsScored(), {
        controls: [{ id: "claims-throttle", type: "rate-limit", covers: ["claims-api", "broker-portal"], verified: true }],
      }),
      findings: [
        {
          anchors: ["claims-fraud"],
          // likelihood: 3, 0 entry policyholder (customer, exposure 4) = 3; impact 3: inherent 9, medium.
          // claims-throttle (rate-limit, verified) is on every feeder: -1 likelihood, residual 2 x 3 = 6, medium
          severity: "medium",
          summary: /^claims-fraud scores input from policyholder \(through claims-api\):/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 6);
            assert.deepEqual(finding.controls.map((c) => c.control), ["claims-throttle"]);
            assert.deepEqual(finding.missingControls, ["model-monitoring", "red-teaming", "output-obfuscation"]);
          },
        },
      ],
    },
    {
      name: "a rate limit on one of two feeders does not count",
      model: spec(claimsScored(), { controls: [{ id: "claims-throttle", type: "rate-limit", covers: ["claims-api"], verified: true }] }),
      findings: [
        {
          anchors: ["claims-fraud"],
          // inherent 3 x 3 = 9 as above; the broker portal has no limit, so the throttle takes nothing off: residual 9, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.residual.score, 9);
            assert.ok(finding.evidence.some((e) => e.element === "claims-throttle" && e.note.includes("not what broker-portal sends")));
            assert.ok(finding.missingControls.includes("rate-limit"));
          },
        },
      ],
    },
    {
      name: "inbound email reaches a spam classifier through the mail gateway; monitoring and red-teaming on the model count",
      model: spec({
        sources: [{ id: "inbox", type: "email" }],
        services: [{ id: "mail-gateway", type: "email" }],
        models: [{ id: "spam-filter", provider: "Mail team", hosting: "self-hosted", task: "classification" }],
        flows: [
          { id: "inbox-to-gateway", from: "inbox", to: "mail-gateway", channel: "email" },
          { id: "gateway-to-filter", from: "mail-gateway", to: "spam-filter", channel: "api" },
        ],
        controls: [
          { id: "score-drift", type: "model-monitoring", covers: ["spam-filter"], verified: true },
          { id: "evasion-tests", type: "red-teaming", covers: ["spam-filter"] },
          { id: "gateway-red-team", type: "red-teaming", covers: ["mail-gateway"], verified: true },
        ],
      }),
      findings: [
        {
          anchors: ["spam-filter"],
          // likelihood: 3, 0 entry inbox (email source, exposure 4) = 3; impact 3: inherent 9, medium.
          // score-drift (verified) -1; evasion-tests (not verified, half) -0.5; gateway-red-team is on the
          // gateway, not the classifier, so it does not count: residual 1.5 x 3 = 4.5, low
          severity: "low",
          summary: /^spam-filter scores input from those who can write to inbox \(through mail-gateway\)/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.likelihood, 1.5);
            assert.equal(finding.residual.score, 4.5);
            assert.deepEqual(finding.controls.map((c) => c.control).sort(), ["evasion-tests", "score-drift"]);
          },
        },
      ],
    },
    {
      name: "a public actor calls the classifier directly, and a highly capable adversary is modelled",
      model: spec({
        actors: [{ id: "uploader", type: "public" }],
        models: [{ id: "malware-scanner", provider: "Security team", hosting: "self-hosted", task: "classification" }],
        flows: [{ id: "uploader-to-scanner", from: "uploader", to: "malware-scanner", channel: "file" }],
        adversaries: [{ id: "crime", type: "organised-crime", capability: "high" }],
      }),
      findings: [
        {
          anchors: ["malware-scanner"],
          // likelihood: 3, +1 public uploader, +1 high-capability adversary = 5; impact 3; 5 x 3 = 15, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.ok(finding.evidence.some((e) => e.element === "uploader" && e.note.includes("sends input straight to malware-scanner")));
          },
        },
      ],
    },
  ],
});
