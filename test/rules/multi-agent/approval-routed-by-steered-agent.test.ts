import assert from "node:assert/strict";
import { approvalRoutedBySteeredAgent } from "../../../src/rules/multi-agent/approval-routed-by-steered-agent.js";
import { customerTickets, internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/**
 * Account opening with a risk-based approval: a triage agent decides which cases officers approve;
 * the provisioning agent opens accounts in the core system, which holds restricted customer records.
 */
const onboarding = (approval: Record<string, unknown> = {}, triageTools: string[] = ["read-tickets"]) =>
  spec(internalAgent("triage", { tools: triageTools }), {
    agents: [{ id: "provisioner", models: ["llm"], tools: ["open-account"] }],
    services: [{ id: "core", type: "other", holds: ["accounts"] }],
    data: [{ id: "accounts", classification: "restricted", flags: ["financial"] }],
    tools: [{ id: "open-account", capabilities: [{ action: "write", on: ["core"] }] }],
    flows: [{ id: "instruct", from: "triage", to: "provisioner", channel: "message" }],
    controls: [{ id: "officer-approval", type: "human-approval", covers: ["provisioner"], verified: true, routedBy: ["triage"], ...approval }],
  });

/** A fraud classifier that scores what a service passes it; `submitter` sends applications to the service. */
const scoredApplications = (submitter: "public" | "employee") => ({
  actors: [{ id: "applicant", type: submitter }],
  services: [
    { id: "intake", type: "api" },
    { id: "ledger", type: "other", holds: ["loans"] },
  ],
  data: [{ id: "loans", classification: "confidential", flags: ["financial"] }],
  models: [{ id: "fraud-model", provider: "Team", hosting: "self-hosted", task: "classification" }],
  tools: [{ id: "disburse", capabilities: [{ action: "spend", on: ["ledger"] }] }],
  flows: [
    { id: "apply", from: "applicant", to: "intake", channel: "api" },
    { id: "score", from: "intake", to: "fraud-model", channel: "api" },
  ],
  controls: [{ id: "loan-approval", type: "human-approval", covers: ["disburse"], verified: true, routedBy: ["fraud-model"] }],
});

ruleTester(approvalRoutedBySteeredAgent, {
  valid: [
    { name: "near miss: the router reads nothing untrusted", model: onboarding({}, []) },
    { name: "near miss: an injectable agent, but the approval names no router", model: spec(onboarding({ routedBy: undefined }), customerTickets("triage")) },
    { name: "the approval is only planned", model: spec(onboarding({ status: "planned" }), customerTickets("triage")) },
    { name: "near miss: the classifier scores what employees submit", model: spec(internalAgent("clerk", { tools: ["disburse"] }), scoredApplications("employee")) },
  ],
  invalid: [
    {
      name: "an agent that reads customer tickets decides which account openings officers approve",
      model: spec(onboarding(), customerTickets("triage")),
      findings: [
        {
          anchors: ["officer-approval"],
          // Likelihood 3, tickets written by customers (exposure 4) 0, no adversary modelled 0 = 3.
          // Impact 3 +1 most valuable data it changes is accounts (restricted); write is not a severe action = 4. 3 x 4 = 12: high.
          severity: "high",
          summary: /officer-approval sees only what triage routes to it, and triage reads text from tickets: an attacker can keep open-account from ever reaching an approver/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.deepEqual(
              finding.path?.map((s) => s.element),
              ["tickets", "triage", "triage", "open-account"],
            );
            assert.ok(finding.evidence.some((e) => e.element === "triage" && /decides which actions are sent for approval/.test(e.note)));
          },
        },
      ],
    },
    {
      name: "a fraud classifier scoring public applications decides which disbursements are approved",
      model: spec(internalAgent("clerk", { tools: ["disburse"] }), scoredApplications("public")),
      findings: [
        {
          anchors: ["loan-approval"],
          // Likelihood 3 +1 public applicants (exposure 5) = 4. Impact 3, +1 spend is severe, ledger's loans are confidential (0) = 4. 4 x 4 = 16: high.
          severity: "high",
          summary: /loan-approval sees only what fraud-model routes to it, and fraud-model scores input shaped by applicant/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.deepEqual(
              finding.path?.map((s) => s.technique),
              ["AML.T0043", "AML.T0015", "AML.T0053"],
            );
            assert.ok(finding.evidence.some((e) => e.element === "applicant" && /through intake/.test(e.note)));
          },
        },
      ],
    },
    {
      name: "fixed routing rules beside the router (output validation, verified) lower the likelihood; the finding stays",
      model: spec(onboarding(), customerTickets("triage"), { controls: [{ id: "always-route-matches", type: "output-validation", covers: ["triage"], verified: true }] }),
      findings: [
        {
          anchors: ["officer-approval"],
          // Inherent 3 x 4 = 12 as above; output-validation (implemented, verified) -1 likelihood: 2 x 4 = 8, medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.residual.score, 8),
        },
      ],
    },
  ],
});
