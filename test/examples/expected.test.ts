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
});
