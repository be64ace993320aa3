import assert from "node:assert/strict";
import { crossTenantRetrieval } from "../../../src/rules/exfiltration/cross-tenant-retrieval.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A vector store of customer documents the agent retrieves from; tests set its tenancy and data. */
const documents = (store: Record<string, unknown> = {}, data: Record<string, unknown> = { classification: "confidential" }) => ({
  datastores: [{ id: "docs-index", type: "vector", tenancy: "shared", holds: ["customer-docs"], ...store }],
  data: [{ id: "customer-docs", ...data }],
  flows: [{ id: "retrieve", from: "docs-index", to: "agent", channel: "retrieval", data: ["customer-docs"] }],
});

ruleTester(crossTenantRetrieval, {
  valid: [
    { name: "near miss: the store holds one tenant's data", model: spec(internalAgent(), documents({ tenancy: "single" })) },
    { name: "tenancy not stated", model: spec(internalAgent(), documents({ tenancy: undefined })) },
    { name: "a shared relational store is not a retrieval store", model: spec(internalAgent(), documents({ type: "relational" })) },
    { name: "only public content is shared", model: spec(internalAgent(), documents({}, { classification: "public" })) },
    {
      name: "no agent reads the shared store",
      model: spec(internalAgent(), { datastores: [{ id: "docs-index", type: "vector", tenancy: "shared", holds: ["customer-docs"] }], data: [{ id: "customer-docs", classification: "confidential" }] }),
    },
  ],
  invalid: [
    {
      name: "shared vector store the agent retrieves from",
      model: spec(internalAgent(), documents()),
      findings: [
        {
          anchors: ["docs-index"],
          // Likelihood 3 (default); impact 4 (default) +0 (confidential). 3 x 4 = 12: high.
          severity: "high",
          summary: /one tenant's queries can return another's entries/,
        },
      ],
    },
    {
      name: "shared memory read through a tool; verified tenant isolation lowers the residual",
      model: spec(internalAgent("agent", { tools: ["recall"] }), {
        datastores: [{ id: "memories", type: "memory", tenancy: "shared", holds: ["notes"] }],
        data: [{ id: "notes", classification: "confidential", flags: ["health"] }],
        tools: [{ id: "recall", capabilities: [{ action: "read", on: ["memories"] }] }],
        controls: [{ id: "namespaces", type: "tenant-isolation", covers: ["memories"], verified: true }],
      }),
      findings: [
        {
          anchors: ["memories"],
          // Likelihood 3; impact 4 +1 (health: restricted) = 5: inherent 15, high.
          // Residual: verified tenant isolation takes 2 off likelihood: 1 x 5 = 5, low.
          severity: "low",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.equal(finding.residual.score, 5);
          },
        },
      ],
    },
  ],
});
