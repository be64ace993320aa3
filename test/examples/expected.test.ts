// The findings a reviewer expects on the three shipped examples (docs: examples/README.md).
// Each expectation was checked against the model by hand: the elements named here are the
// ones the brief describes, and the scores follow from docs/scoring.md.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AnalysisResult, Finding } from "../../src/analysis/analyze.js";
import { analyze } from "../../src/analysis/analyze.js";
import { diskFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";

const TODAY = "2026-11-22";

function analyzeExample(name: string): AnalysisResult {
  const loaded = loadModel(`examples/${name}`, diskFiles);
  assert.ok(loaded.ok, `examples/${name} is valid`);
  return analyze(loaded.loaded.model, { today: TODAY, locations: loaded.loaded.locations });
}

function finding(result: AnalysisResult, id: string): Finding {
  const found = result.findings.find((f) => f.id === id);
  assert.ok(found, `expected finding ${id}; got ${result.findings.map((f) => f.id).join(", ")}`);
  return found;
}

const cites = (f: Finding, element: string) => f.evidence.some((e) => e.element === element) || (f.path ?? []).some((s) => s.element === element);

describe("support-assistant", () => {
  const result = analyzeExample("support-assistant");

  it("finds the indirect injection through customer tickets into the agent that emails customers", () => {
    const injection = finding(result, "TW-PI-002@support-agent");
    assert.ok(cites(injection, "support-tickets") && cites(injection, "help-vector-store"), "the path runs through the ticket ingestion into the vector store");
    assert.ok(injection.path?.some((s) => s.technique === "AML.T0070"), "RAG poisoning step");
    const exfiltration = finding(result, "TW-EXF-001@support-agent+send-customer-email");
    assert.equal(exfiltration.severity, "critical");
    assert.ok(cites(exfiltration, "order-records"), "order records are what leaks");
    assert.equal(exfiltration.path?.at(-1)?.technique, "AML.T0086");
  });

  it("finds the over-privileged orders service account (it can update orders the agent only reads)", () => {
    const overPrivilege = finding(result, "TW-NHI-001@orders-service-account");
    assert.ok(overPrivilege.evidence.some((e) => e.element === "orders-db" && e.note.startsWith("granted write")));
  });

  it("finds refunds by a steered agent, capped per refund but not in total, and the order lookup by any email address", () => {
    const refunds = finding(result, "TW-AGY-002@support-agent+issue-refund");
    assert.ok(refunds.reasons.some((r) => r.includes("50 EUR")));
    finding(result, "TW-PRV-001@support-agent+lookup-order");
  });

  it("finds refunds for anyone who asks: the refund tool acts with the payments key's rights, whoever the order belongs to", () => {
    const refunds = finding(result, "TW-PRV-002@support-agent");
    assert.ok(cites(refunds, "issue-refund") && cites(refunds, "web-visitors"));
    // Likelihood 3 +1 (visitors are outside the organisation) +1 (they do not sign in) = 5; impact 3 +1 (the tool
    // spends) = 4: 20. chat-rate-limit (rate-limit, implemented, verified) takes 1 off impact: 5 x 3 = 15, high.
    assert.deepEqual([refunds.inherent.score, refunds.residual.likelihood, refunds.residual.impact, refunds.severity], [20, 5, 3, "high"]);
    assert.deepEqual(refunds.controls.map((c) => c.control), ["chat-rate-limit"]);
    assert.ok(refunds.missingControls.includes("authorization"));
  });

  it("finds other customers' past tickets retrieved into answers for any visitor, without an injection", () => {
    const retrieval = finding(result, "TW-EXF-005@help-vector-store+support-agent");
    assert.ok(cites(retrieval, "ticket-history") && cites(retrieval, "web-visitors") && cites(retrieval, "retrieve-context"));
    assert.ok(!cites(retrieval, "help-articles"), "the public articles are not what leaks");
    // Likelihood 4 +1 (visitors do not sign in) = 5; impact 3 +0 (ticket text, confidential) +1 (visitors are outside the
    // organisation) = 4: 20. ticket-pii-redaction (data-minimisation, partial, not verified: 1 x 0.5 x 0.5) on the ingestion
    // takes 0.25 off impact: 5 x 3.75 = 18.75, high.
    assert.deepEqual([retrieval.inherent.score, retrieval.residual.likelihood, retrieval.residual.impact, retrieval.severity], [20, 5, 3.75, "high"]);
    assert.deepEqual(retrieval.controls.map((c) => c.control), ["ticket-pii-redaction"]);
  });

  it("asks for a way to stop the refunding agent, which a per-refund cap does not bound", () => {
    const runaway = finding(result, "TW-GOV-006@support-agent");
    // Likelihood 2 +1 (visitors' text reaches the agent) = 3; impact 4 (it can spend). Inherent 12, high.
    assert.deepEqual([runaway.inherent.likelihood, runaway.inherent.impact], [3, 4]);
    // No kill switch; chat-rate-limit on the backend (implemented, verified) takes 1 off impact: 3 x 3 = 9, medium.
    assert.deepEqual([runaway.residual.score, runaway.severity], [9, "medium"]);
    assert.deepEqual(runaway.missingControls, ["kill-switch", "human-approval"]);
  });

  it("counts the 50 EUR cap on each refund once, and not as a cap on the total", () => {
    const refunds = finding(result, "TW-AGY-002@support-agent+issue-refund");
    // Likelihood 4 +1 (Website visitors, public) +1 (bug-bounty researchers, high capability) = 6, capped to 5.
    // Impact 4 -1 (the refund tool's limit: each payment capped at 50 EUR, but not their number) = 3. Inherent 15, high.
    assert.deepEqual([refunds.inherent.likelihood, refunds.inherent.impact, refunds.inherent.score], [5, 3, 15]);
    // refund-cap is that same cap (per action): not counted again, and no cap on the total. chat-rate-limit on the
    // backend the agent runs on (implemented, verified) takes 1 off impact. The retrieved-chunk tags cover the tickets'
    // way in, not the visitors' chat. Residual 5 x 2 = 10, medium.
    assert.deepEqual([refunds.residual.likelihood, refunds.residual.impact, refunds.residual.score], [5, 2, 10]);
    assert.equal(refunds.severity, "medium");
    assert.deepEqual(refunds.controls.map((c) => c.control), ["chat-rate-limit"]);
    assert.deepEqual(refunds.missingControls, ["human-approval", "spend-limit", "content-isolation"]);
    assert.match(refunds.reasons[2]!, /Not counted: refund-cap \(spend-limit\) caps each payment at 50 EUR, not the total per hour, day or month\.$/);
    assert.ok(!refunds.reasons.join(" ").includes("only above"));
  });

  it("counts the delimiting of retrieved chunks where it covers every way in: the tickets' findings, not the visitors'", () => {
    // retrieved-text-delimiting (content-isolation, partial, not verified: 1 x 0.5 x 0.5 = 0.25) covers retrieve-context,
    // the one way from the tickets into the agent.
    const pi = finding(result, "TW-PI-002@support-agent");
    // Likelihood 4 +1 (Support tickets, written by website visitors) +1 (high capability) = 5 (capped); impact 3. 15 -> 4.75 x 3 = 14.25, high.
    assert.deepEqual([pi.residual.likelihood, pi.residual.impact, pi.residual.score, pi.severity], [4.75, 3, 14.25, "high"]);
    assert.deepEqual(pi.missingControls, ["input-filtering", "least-privilege"]);
    // The visitors read the chat widget themselves, so only the tickets are an attacker's way in: 5 x 5 -> 4.75 x 5 = 23.75, critical.
    const widget = finding(result, "TW-EXF-002@support-agent+chat-widget");
    assert.deepEqual([widget.residual.likelihood, widget.residual.score, widget.severity], [4.75, 23.75, "critical"]);
    assert.ok(!widget.missingControls.includes("content-isolation"));
    // A visitor can also steer the agent by chatting, past the delimiting: no reduction, and the evidence says why.
    const exfiltration = finding(result, "TW-EXF-001@support-agent+send-customer-email");
    assert.equal(exfiltration.residual.score, 25);
    assert.ok(exfiltration.missingControls.includes("content-isolation"));
    assert.match(exfiltration.evidence.find((e) => e.element === "retrieved-text-delimiting")?.note ?? "", /text from Website visitors reaches Support agent without passing it/);
    // The agent names the email's recipient, so an attacker mails the data to themselves (TW-EXF-001): no finding that a
    // victim's mail client leaks it through an image, which only a fixed or allow-listed recipient would leave.
    assert.ok(!result.findings.some((f) => f.id === "TW-EXF-002@support-agent+customer-mailbox"));
  });

  it("lowers every finding on the tickets' way in once the delimiting is implemented and verified", () => {
    const loaded = loadModel("examples/support-assistant", diskFiles);
    assert.ok(loaded.ok);
    const model = loaded.loaded.model;
    const verified = { ...model, controls: model.controls.map((c) => (c.id === "retrieved-text-delimiting" ? { ...c, status: "implemented" as const, verified: true } : c)) };
    const after = analyze(verified, { today: TODAY });
    // The full 1 off likelihood for each finding whose every way in passes retrieve-context.
    const residual = (id: string) => [finding(after, id).residual.likelihood, finding(after, id).residual.impact];
    assert.deepEqual(residual("TW-PI-002@support-agent"), [4, 3]); // 12, high
    assert.deepEqual(residual("TW-PI-005@support-agent+support-tickets"), [4, 4]); // likelihood 3 +1 +1 = 5, impact 3 +1 (spend) = 4: 16, high
    assert.deepEqual(residual("TW-RAG-001@help-vector-store"), [4, 3]); // 12, high
    assert.deepEqual(residual("TW-EXF-002@support-agent+chat-widget"), [4, 5]); // 20, critical
    // The visitors' chat is another way in that the delimiting does not cover.
    assert.deepEqual(residual("TW-EXF-001@support-agent+send-customer-email"), [5, 5]);
    assert.deepEqual(residual("TW-AGY-002@support-agent+issue-refund"), [5, 2]);
  });

  it("finds the LLM key the chat backend shares with the nightly ingestion, but not the tools' own identities", () => {
    assert.match(finding(result, "TW-NHI-004@llm-provider-key").summary, /2 separate workloads: Chat backend and Nightly embedding ingestion/);
    // Each tool runs in the agent's process on the chat backend, as an identity no other workload uses.
    for (const id of ["orders-service-account", "refunds-api-key", "email-api-key"]) assert.ok(!result.findings.some((f) => f.id === `TW-NHI-004@${id}`), id);
  });

  it("is the same byte for byte when analysed twice", () => {
    assert.equal(JSON.stringify(analyzeExample("support-assistant")), JSON.stringify(result));
  });
});

describe("coding-agent", () => {
  const result = analyzeExample("coding-agent");

  it("finds the comment injection that reaches the shell, the staging credentials and the push token", () => {
    for (const id of ["TW-RCE-001@pr-agent+run-shell", "TW-RCE-002@pr-agent+staging-aws-keys", "TW-RCE-002@pr-agent+agent-gh-pat"]) {
      assert.ok(cites(finding(result, id), "issue-comments"), `${id} cites the issue comments anyone can write`);
    }
    const staging = finding(result, "TW-RCE-002@pr-agent+staging-aws-keys");
    assert.equal(staging.severity, "critical");
    assert.deepEqual(staging.path?.slice(-3).map((s) => s.technique), ["AML.T0050", "AML.T0055", "AML.T0012"]);
  });

  it("counts the LLM workspace's monthly spend cap as a cap, not halved as if it applied only above 500 USD", () => {
    const key = finding(result, "TW-RCE-002@pr-agent+anthropic-api-key");
    // Inherent 5 x 4. first-time-contributor-approval (human-approval by 1; partial, verified: 0.5) takes 0.5 off likelihood;
    // llm-workspace-spend-cap (spend-limit by 1; implemented, not verified: 0.5; a total per month) 0.5 off impact: 4.5 x 3.5 = 15.75, high.
    assert.deepEqual([key.residual.likelihood, key.residual.impact, key.residual.score, key.severity], [4.5, 3.5, 15.75, "high"]);
    assert.match(key.reasons[2]!, /llm-workspace-spend-cap \(spend-limit, implemented, not verified, caps the total at 500 USD per month\) lowers impact by 0\.5/);
  });

  it("finds the unpinned community MCP server and the rules file contributors can change", () => {
    finding(result, "TW-MCP-002@web-fetch-mcp");
    finding(result, "TW-MCP-001@pr-agent+web-fetch-mcp");
    finding(result, "TW-PI-004@pr-agent+agents-md");
  });
});

describe("invoice-agents", () => {
  const result = analyzeExample("invoice-agents");

  it("finds invoices steering payments, including splitting under the 10,000 EUR approval threshold", () => {
    const steering = finding(result, "TW-AGY-002@payment-agent+create-payment");
    assert.ok(cites(steering, "ap-mailbox"), "the path starts at the shared mailbox suppliers write to");
    const splitting = finding(result, "TW-AGY-003@create-payment+high-value-payment-approval");
    assert.match(splitting.summary, /10000 EUR/);
  });

  it("rates what is left of the payment approval below the steering it stops: one finding, on the clerk's inbox", () => {
    const approval = finding(result, "TW-HUM-001@high-value-payment-approval");
    assert.ok(cites(approval, "review-queue") && cites(approval, "payment-agent"), "the clerk decides in the inbox on what the payment agent wrote");
    // Likelihood 2 +1 (the inbox renders links the agent writes) = 3; impact 3 +1 (the approved action spends) = 4: 12.
    // duplicate-invoice-check (output-validation, verified) on the payment tool takes 1 off likelihood: 2 x 4 = 8, medium.
    assert.deepEqual([approval.inherent.score, approval.residual.score, approval.severity], [12, 8, "medium"]);
    assert.ok(!result.findings.some((f) => f.id.startsWith("TW-HUM-001@high-value-payment-approval+")), "no finding per approved tool");
  });

  it("finds poisoning of the memory both agents share", () => {
    finding(result, "TW-MEM-001@agent-memory");
    finding(result, "TW-MEM-002@agent-memory+payment-agent");
  });

  it("finds the bank details in the fine-tuning data", () => {
    const training = finding(result, "TW-DAT-001@invoice-extractor+invoices-2025");
    assert.ok(cites(training, "supplier-bank-details"));
  });

  it("finds the over-privileged service accounts", () => {
    finding(result, "TW-NHI-001@erp-integration-user");
    finding(result, "TW-NHI-001@mailbox-graph-app");
  });

  it("finds the identities both agents act as: their workload identity, and the ERP user their tools run as", () => {
    assert.match(finding(result, "TW-NHI-004@agents-workload-identity").summary, /2 separate agents: Intake agent and Payment agent/);
    // The intake agent's supplier lookup runs as the ERP user that creates payments. Likelihood 2 + 1 (the intake agent
    // reads the mailbox and acts as it through Look up supplier) = 3; impact 2 + 1 (spend and delete on the ERP) = 3: 9, medium.
    const erp = finding(result, "TW-NHI-004@erp-integration-user");
    assert.match(erp.summary, /2 separate agents: Intake agent and Payment agent \(through Book invoice and create payment and Look up supplier\)/);
    assert.deepEqual([erp.inherent.likelihood, erp.inherent.impact, erp.severity], [3, 3, "medium"]);
  });
});
