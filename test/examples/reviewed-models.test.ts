// Two models written by outside reviewers (test/fixtures/reviews): an ambient clinical scribe and an
// agentic-commerce assistant. Each expectation is a problem their reviews raised and a session fixed,
// checked here on the whole model as the reviewer wrote it, where the rule tests check each on a small one.
// The models carry one addition to the reviewers' text: the flow session the format has since gained
// (the patient speaks into the clinician's recording; bystanders speak to the account holder's speaker).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AnalysisResult, Finding } from "../../src/analysis/analyze.js";
import { analyze } from "../../src/analysis/analyze.js";
import { diskFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";

function analyzeReviewed(name: string): AnalysisResult {
  const loaded = loadModel(`test/fixtures/reviews/${name}`, diskFiles);
  assert.ok(loaded.ok, `test/fixtures/reviews/${name} is valid`);
  assert.deepEqual(loaded.diagnostics, [], "and loads without a word");
  return analyze(loaded.loaded.model, { today: "2026-11-23", locations: loaded.loaded.locations });
}

function finding(result: AnalysisResult, id: string): Finding {
  const found = result.findings.find((f) => f.id === id);
  assert.ok(found, `expected finding ${id}; got ${result.findings.map((f) => f.id).join(", ")}`);
  return found;
}

const cites = (f: Finding, element: string) => f.evidence.some((e) => e.element === element) || (f.path ?? []).some((s) => s.element === element);
const residualReason = (f: Finding) => f.reasons.at(-1)!;

describe("reviewed model: ambient clinical scribe", () => {
  const result = analyzeReviewed("scribe");

  it("patients speak into the visit the clinician records: no finding about requesters names them, while their words can still inject", () => {
    const aboutRequesters = result.findings.filter((f) => ["TW-INF-002", "TW-INF-003", "TW-PRV-001", "TW-PRV-002"].includes(f.ruleId));
    assert.ok(aboutRequesters.length > 0);
    for (const f of aboutRequesters) assert.ok(!cites(f, "patients"), `${f.id} names patients as asking`);
    // Probing the model takes asking it: the patients only feed it input.
    const probing = finding(result, "TW-DAT-003@note-llm");
    assert.match(probing.evidence.find((e) => e.element === "clinicians")!.note, /^queries the model directly/);
    assert.match(probing.evidence.find((e) => e.element === "patients")!.note, /^feeds input to the model through what they say where the agent reads it, not by asking/);
    assert.ok(cites(finding(result, "TW-PI-002@scribe-agent"), "patients"), "the patients' speech is an indirect entry");
  });

  it("another patient's chart copied into the after-visit summary the portal shows: found, with the clinician's signature counted", () => {
    const f = finding(result, "TW-EXF-008@scribe-agent+write-draft-note");
    assert.deepEqual(f.controls.filter((c) => c.by > 0).map((c) => c.control), ["clinician-signature"]);
    assert.equal(f.residual.likelihood, f.inherent.likelihood - 1);
    // Pended orders do not travel to the portal: no such finding for the orders tool.
    assert.equal(result.findings.find((x) => x.id === "TW-EXF-008@scribe-agent+pend-orders"), undefined);
    // The portal's link-rendering finding names the way the summary takes, not the orders'.
    assert.ok(cites(finding(result, "TW-EXF-002@scribe-agent+patient-portal"), "write-draft-note"));
    assert.ok(!cites(finding(result, "TW-EXF-002@scribe-agent+patient-portal"), "pend-orders"));
  });

  it("visit audio the backend sends to the speech-to-text vendor is restricted data leaving, as the transcript sent by the agent is", () => {
    assert.match(finding(result, "TW-DAT-009@scribe-backend+stt-model").evidence[1]!.note, /^restricted data listed on /);
    finding(result, "TW-DAT-009@scribe-agent+note-llm");
  });

  it("the EHR's order checks cover the pended orders only: they do not count for the signature the summary and note also go through", () => {
    assert.match(residualReason(finding(result, "TW-HUM-001@clinician-signature")), /Not counted: order-cds-checks \(output-validation\) checks Pend order suggestions but not Write draft note and AVS/);
  });
});

describe("reviewed model: agentic-commerce assistant", () => {
  const result = analyzeReviewed("commerce");

  it("the chat backend that relays the planner's answer acts on nothing it says, and the purchase's order record is not a second finding", () => {
    assert.equal(result.findings.find((f) => f.id === "TW-MIS-001@planner-agent+shopping-bff"), undefined);
    assert.equal(result.findings.find((f) => f.id === "TW-AGY-001@planner-agent+checkout"), undefined);
    finding(result, "TW-AGY-002@planner-agent+checkout");
  });

  it("bystanders ask the speaker in the account holder's session: tools scoped to the session's consumer check the holder, not them", () => {
    const lookup = finding(result, "TW-PRV-001@planner-agent+lookup-orders");
    assert.match(residualReason(lookup), /Not counted: session-bound-tools \(authorization\) checks Consumers, who started the session/);
    assert.match(lookup.reasons[1]!, /reach one person's records, not every user's/);
    const actions = finding(result, "TW-PRV-002@planner-agent");
    assert.match(residualReason(actions), /session-bound-tools \(authorization\) checks Consumers/);
    assert.ok(actions.evidence.some((e) => /with Tools scoped to the session's consumer checking that the requester may$/.test(e.note)));
  });
});
