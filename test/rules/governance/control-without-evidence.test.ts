import { EVIDENCE_TO_FILL_IN } from "../../../src/model/vocabulary.js";
import { controlWithoutEvidence } from "../../../src/rules/governance/control-without-evidence.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const control = (extra: Record<string, unknown>) => spec(internalAgent("agent"), { controls: [{ id: "guard", type: "input-filtering", covers: ["agent"], ...extra }] });

ruleTester(controlWithoutEvidence, {
  valid: [
    { name: "the control names its evidence", model: control({ status: "implemented", evidence: [{ type: "config", ref: "guardrails.yaml" }] }) },
    {
      name: "near miss: the placeholder a plan wrote, and real evidence next to it",
      model: control({ status: "implemented", evidence: [{ type: "doc", ref: EVIDENCE_TO_FILL_IN }, { type: "test", ref: "test/guard.test.ts" }] }),
    },
    { name: "a planned control needs none yet", model: control({ status: "planned" }) },
    { name: "a partial control is already counted at half", model: control({ status: "partial" }) },
  ],
  invalid: [
    {
      name: "implemented by default, no evidence",
      model: control({}),
      // Default 2 x 1 = 2, info.
      findings: [{ anchors: ["guard"], severity: "info", summary: /assumed implemented, but names no evidence/ }],
    },
    {
      name: "pasted from a plan with the evidence placeholder left in: still no evidence",
      model: control({ status: "implemented", verified: true, evidence: [{ type: "doc", ref: EVIDENCE_TO_FILL_IN }] }),
      // As marked verified without evidence: 2 x (1 + 1) = 4, low.
      findings: [{ anchors: ["guard"], severity: "low", summary: /names no evidence \(only the placeholder a plan wrote, still to fill in\)\.$/ }],
    },
    {
      name: "marked verified without evidence",
      model: control({ status: "implemented", verified: true, evidence: [] }),
      // Likelihood 2, impact 1 + 1 (counts in full) = 2: 4, low.
      findings: [{ anchors: ["guard"], severity: "low" }],
    },
  ],
});
