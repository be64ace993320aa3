import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../../../src/analysis/analyze.js";
import { inheritedOversharing } from "../../../src/rules/exfiltration/inherited-oversharing.js";
import { permissionBlindRetrieval } from "../../../src/rules/exfiltration/permission-blind-retrieval.js";
import { internalAgent } from "../building-blocks.js";
import { loadSpec, ruleTester, spec, TODAY } from "../rule-tester.js";
import type { ModelSpec } from "../rule-tester.js";

/** The verified permission filter on the retrieval flow: retrieval is known to trim by the asker's permissions. */
const trimming = (extra: Record<string, unknown> = {}) => ({ id: "trimming", type: "authorization", covers: ["retrieve"], status: "implemented", verified: true, ...extra });

/**
 * A company index of HR documents (restricted) copied nightly from a document site and a wiki space, which name no
 * readers; staff ask the agent. `controls` replaces the verified trimming; `store` and `data` change those elements.
 */
const index = ({ controls = [trimming()], store = {}, data = { classification: "restricted", flags: ["personal"] }, sourceExtra = {} }: { controls?: Record<string, unknown>[]; store?: Record<string, unknown>; data?: Record<string, unknown>; sourceExtra?: Record<string, unknown> } = {}): ModelSpec =>
  spec(internalAgent(), {
    sources: [
      { id: "sites", type: "documents", holds: ["hr-docs"], ...sourceExtra },
      { id: "wiki", type: "documents", holds: ["hr-docs"], ...sourceExtra },
    ],
    pipelines: [{ id: "indexer", type: "embedding-ingestion", schedule: "nightly" }],
    datastores: [{ id: "index", type: "vector", tenancy: "single", ...store }],
    data: [{ id: "hr-docs", ...data }],
    flows: [
      { id: "copy-sites", from: "sites", to: "indexer", channel: "ingestion", data: ["hr-docs"] },
      { id: "copy-wiki", from: "wiki", to: "indexer", channel: "ingestion", data: ["hr-docs"] },
      { id: "upsert", from: "indexer", to: "index", channel: "ingestion", data: ["hr-docs"] },
      { id: "retrieve", from: "index", to: "agent", channel: "retrieval", data: ["hr-docs"] },
    ],
    controls,
  });

ruleTester(inheritedOversharing, {
  valid: [
    { name: "near miss: the filter is implemented but not verified (TW-EXF-005 reports the retrieval)", model: index({ controls: [trimming({ verified: false })] }) },
    { name: "near miss: the verified filter is partial", model: index({ controls: [trimming({ status: "partial" })] }) },
    { name: "no filter at all (TW-EXF-005's finding)", model: index({ controls: [] }) },
    { name: "near miss: the verified filter covers the agent, not its retrieval", model: index({ controls: [trimming({ covers: ["agent"] })] }) },
    { name: "the index holds only internal data", model: index({ data: { classification: "internal" } }) },
    { name: "every source the index copies is readable by everyone who asks", model: index({ sourceExtra: { readableBy: ["staff"] } }) },
    {
      name: "no pipeline copies sources into the store: its permissions are its own, not copies",
      model: spec(internalAgent(), {
        datastores: [{ id: "index", type: "document", tenancy: "single", holds: ["hr-docs"] }],
        data: [{ id: "hr-docs", classification: "restricted" }],
        flows: [{ id: "retrieve", from: "index", to: "agent", channel: "retrieval" }],
        controls: [trimming()],
      }),
    },
  ],
  invalid: [
    {
      name: "verified trimming over an index copied nightly from two sources that nobody reviews",
      model: index(),
      findings: [
        {
          anchors: ["index", "agent"],
          // Likelihood 3 (default; signed-in employees add nothing). Impact 3 +1 (hr-docs restricted) = 4. 3 x 4 = 12, high.
          // No least-privilege on the sources and no minimisation on the way in: residual equals inherent.
          severity: "high",
          summary: /agent answers staff from index, which holds hr-docs, filtered by the permissions sites and wiki had when last copied: whatever a source shares too widely is one question away, and a permission revoked since the last run still works/,
          check: (finding) => {
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact, finding.residual.score], [3, 4, 12]);
            assert.deepEqual(finding.missingControls, ["least-privilege", "data-minimisation"]);
            assert.match(finding.evidence.find((e) => e.element === "trimming")!.note, /implemented and verified: it enforces the sources' permissions, including shares wider than intended/);
            assert.match(finding.evidence.find((e) => e.element === "indexer")!.note, /^copies sites and wiki into index \(nightly\): the copies keep the sources' permissions as they were at the run, and a permission changed in a source reaches them only at the next run$/);
            // Each source without a review of its sharing is named.
            assert.deepEqual(finding.evidence.filter((e) => /no least-privilege control/.test(e.note)).map((e) => e.element), ["sites", "wiki"]);
            assert.deepEqual(finding.path?.map((s) => [s.element, s.technique]), [
              ["staff", "AML.T0085.000"],
              ["index", "AML.T0085.000"],
              ["agent", "AML.T0057"],
            ]);
          },
        },
      ],
    },
    {
      name: "an access review of one source's sharing, implemented and verified, takes two steps off likelihood",
      model: index({ controls: [trimming(), { id: "site-access-review", type: "least-privilege", covers: ["sites"], status: "implemented", verified: true }] }),
      findings: [
        {
          anchors: ["index", "agent"],
          // 3 - 2 = 1 likelihood, impact 4: 4, low.
          severity: "low",
          check: (finding) => {
            assert.deepEqual([finding.residual.likelihood, finding.residual.impact, finding.residual.score], [1, 4, 4]);
            assert.deepEqual(finding.controls.map((c) => c.control), ["site-access-review"]);
            assert.deepEqual(finding.evidence.filter((e) => /no least-privilege control/.test(e.note)).map((e) => e.element), ["wiki"]);
          },
        },
      ],
    },
    {
      name: "near miss: least privilege on the index itself is not a review of the sources' sharing",
      model: index({ controls: [trimming(), { id: "index-grants", type: "least-privilege", covers: ["index"], status: "implemented", verified: true }] }),
      findings: [{ anchors: ["index", "agent"], check: (finding) => assert.deepEqual([finding.residual.score, finding.controls.length], [12, 0]) }],
    },
    {
      name: "sensitive sites left out by the indexer (partial, not verified) take a quarter step off impact",
      model: index({ controls: [trimming(), { id: "site-exclusion", type: "data-minimisation", covers: ["indexer"], status: "partial" }] }),
      findings: [
        {
          anchors: ["index", "agent"],
          // 1 x 0.5 (partial) x 0.5 (not verified) = 0.25 off impact: 3 x 3.75 = 11.25.
          check: (finding) => assert.deepEqual([finding.residual.likelihood, finding.residual.impact, finding.residual.score], [3, 3.75, 11.25]),
        },
      ],
    },
    {
      name: "partners ask too: the answers reach people outside the organisation",
      model: spec(index({ data: { classification: "confidential" } }), {
        actors: [{ id: "partners", type: "partner", authenticated: true }],
        flows: [{ id: "partners-ask", from: "partners", to: "agent", channel: "message" }],
      }),
      findings: [
        {
          anchors: ["index", "agent"],
          // Likelihood 3. Impact 3 (confidential: +0) +1 (outsiders) = 4: 12, high.
          check: (finding) => {
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact], [3, 4]);
            assert.match(finding.reasons[1]!, /\+1 the answers reach people outside the organisation: partners/);
          },
        },
      ],
    },
  ],
});

describe("TW-EXF-005 and TW-EXF-007 split each retrieval between them", () => {
  const ids = (controls: Record<string, unknown>[]) =>
    analyze(loadSpec(index({ controls })), { today: TODAY, rules: [permissionBlindRetrieval, inheritedOversharing] }).findings.map((f) => f.id);

  it("without a verified filter, only TW-EXF-005 reports the retrieval", () => {
    assert.deepEqual(ids([trimming({ verified: false })]), ["TW-EXF-005@index+agent"]);
  });

  it("with one, only TW-EXF-007 does", () => {
    assert.deepEqual(ids([trimming()]), ["TW-EXF-007@index+agent"]);
  });

  it("verifying the filter never raises the residual score", () => {
    const residual = (controls: Record<string, unknown>[]) => analyze(loadSpec(index({ controls })), { today: TODAY, rules: [permissionBlindRetrieval, inheritedOversharing] }).findings[0]!.residual.score;
    // Unverified: TW-EXF-005 at 4 - 1 = 3 likelihood, impact 4: 12. Verified: TW-EXF-007 at 3 x 4 = 12.
    assert.ok(residual([trimming()]) <= residual([trimming({ verified: false })]));
  });
});
