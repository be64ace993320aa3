import assert from "node:assert/strict";
import { unencryptedBoundaryCrossing } from "../../../src/rules/infrastructure/unencrypted-boundary-crossing.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A partner's feed in one boundary sends records to a store in another. */
function feed(flow: Record<string, unknown>, data: Record<string, unknown> = { classification: "confidential", flags: ["personal"] }, feedBoundary = "partner-net") {
  return {
    boundaries: [
      { id: "partner-net", type: "vendor" },
      { id: "internet", type: "internet" },
      { id: "corp", type: "corporate" },
    ],
    services: [{ id: "feed", type: "api", boundary: feedBoundary }],
    datastores: [{ id: "store", type: "relational", boundary: "corp" }],
    data: [{ id: "records", ...data }],
    flows: [{ id: "feed-to-store", from: "feed", to: "store", channel: "api", data: ["records"], ...flow }],
  };
}

ruleTester(unencryptedBoundaryCrossing, {
  valid: [
    { name: "near miss: the same flow, encrypted", model: spec(internalAgent(), feed({ encrypted: true })) },
    { name: "encryption not stated", model: spec(internalAgent(), feed({})) },
    { name: "unencrypted, but only internal data", model: spec(internalAgent(), feed({ encrypted: false }, { classification: "internal" })) },
    { name: "unencrypted, but within one boundary", model: spec(internalAgent(), feed({ encrypted: false }, undefined, "corp")) },
  ],
  invalid: [
    {
      name: "personal records from a vendor network into the corporate store in clear text",
      model: spec(internalAgent(), feed({ encrypted: false, protocol: "HTTP" })),
      findings: [
        {
          anchors: ["feed-to-store"],
          // likelihood 2; impact 3 (confidential: no change). 2 x 3 = 6, medium.
          severity: "medium",
          summary: /records from feed \(partner-net\) to store \(corp\) without encryption over HTTP/,
          check: (finding) => assert.equal(finding.inherent.score, 6),
        },
      ],
    },
    {
      name: "restricted data across the public internet",
      model: spec(internalAgent(), feed({ encrypted: false }, { classification: "restricted", flags: ["credentials"] }, "internet")),
      findings: [
        {
          anchors: ["feed-to-store"],
          // likelihood 2 + 1 (public internet) = 3; impact 3 + 1 (restricted) = 4. 3 x 4 = 12, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            // Said of the boundary's type, not of the internet: a public phone network is one too.
            assert.match(finding.reasons[0]!, /\+1 one end is in internet, a boundary of type internet: the data crosses a public network/);
          },
        },
      ],
    },
  ],
});
