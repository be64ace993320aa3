import assert from "node:assert/strict";
import { staleIdentity } from "../../../src/rules/identity/stale-identity.js";
import { backendCredential } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

// TODAY is 2026-11-22.
ruleTester(staleIdentity, {
  valid: [
    { name: "owned, its key held by the backend, used 82 days ago", model: spec(backendCredential({}, { lastUsed: "2026-09-01" })) },
    { name: "used exactly 90 days ago", model: spec(backendCredential({}, { lastUsed: "2026-08-24" })) },
    {
      name: "owned and run as, with no credentials of its own",
      model: spec({ services: [{ id: "orders-api", type: "api", runsAs: "api-sa" }], identities: [{ id: "api-sa", type: "workload-identity", owner: "platform-team" }] }),
    },
  ],
  invalid: [
    {
      name: "used 113 days ago, and may delete",
      model: spec(backendCredential({}, { lastUsed: "2026-08-01", permissions: [{ resource: "orders-api", actions: ["read", "delete"] }] })),
      findings: [
        {
          anchors: ["backend-sa"],
          // Likelihood 2, impact 3 + 1 (delete) = 4: 8, medium.
          severity: "medium",
          summary: /last used 113 days ago/,
          check: (finding) => assert.equal(finding.inherent.score, 8),
        },
      ],
    },
    {
      name: "nobody owns it",
      model: spec(backendCredential({}, { owner: undefined })),
      // Default 2 x 3 = 6, medium.
      findings: [{ anchors: ["backend-sa"], severity: "medium", summary: /has no owner/ }],
    },
    {
      name: "no component runs as it and its key is held nowhere",
      model: spec(backendCredential({ presentIn: [] })),
      findings: [{ anchors: ["backend-sa"], summary: /not used by any component/ }],
    },
  ],
});
