import assert from "node:assert/strict";
import { ragPoisoning } from "../../../src/rules/memory-and-rag/rag-poisoning.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A knowledge base built nightly from a source and retrieved by the agent; tests set the source. */
const knowledgeBase = (source: Record<string, unknown>, store: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  spec(internalAgent(), {
    actors: [{ id: "customer", type: "customer" }],
    sources: [{ id: "docs", holds: ["doc-text"], ...source }],
    data: [{ id: "doc-text", classification: "internal" }],
    pipelines: [{ id: "ingest", type: "embedding-ingestion" }],
    datastores: [{ id: "kb", type: "vector", ...store }],
    flows: [
      { id: "docs-to-ingest", from: "docs", to: "ingest", channel: "ingestion" },
      { id: "ingest-to-kb", from: "ingest", to: "kb", channel: "ingestion" },
      { id: "retrieve", from: "kb", to: "agent", channel: "retrieval" },
    ],
    ...extra,
  });

ruleTester(ragPoisoning, {
  valid: [
    { name: "near miss: only staff write the indexed documents", model: knowledgeBase({ type: "documents", writableBy: ["staff"] }) },
    { name: "the poisoned store is not a vector store", model: knowledgeBase({ type: "tickets", writableBy: ["customer"] }, { type: "relational" }) },
    {
      name: "no agent retrieves from the store",
      model: spec(internalAgent(), {
        actors: [{ id: "customer", type: "customer" }],
        datastores: [{ id: "kb", type: "vector", writableBy: ["customer"] }],
      }),
    },
    {
      // A public chat agent writes what users tell it into a vector store it reads back: agent memory, the memory rules' (TW-MEM-001).
      name: "a vector store only an agent writes untrusted text into, and agents read back",
      model: spec(publicChat("agent"), {
        datastores: [{ id: "recall", type: "vector" }],
        flows: [
          { id: "remember", from: "agent", to: "recall", channel: "memory" },
          { id: "recall-back", from: "recall", to: "agent", channel: "retrieval" },
        ],
      }),
    },
  ],
  invalid: [
    {
      // The same memory store, also fed customer tickets by ingestion: that way in is RAG poisoning.
      name: "an agent's vector memory that an ingestion pipeline also fills with customer tickets",
      model: spec(knowledgeBase({ type: "tickets", writableBy: ["customer"] }), { flows: [{ id: "agent-remembers", from: "agent", to: "kb", channel: "memory" }] }),
      findings: [{ anchors: ["kb"], summary: /Text from docs is indexed into kb \(docs → ingest → kb\)/ }],
    },
    {
      name: "customer tickets are indexed into the knowledge base",
      model: knowledgeBase({ type: "tickets", writableBy: ["customer"] }),
      findings: [
        {
          anchors: ["kb"],
          // Likelihood 3 +0 (tickets written by customers: exposure 4; docs → ingest → kb is 3 steps); impact 3. 3 x 3 = 9: medium.
          severity: "medium",
          summary: /Text from docs is indexed into kb \(docs → ingest → kb\), which agent retrieves/,
          check: (finding) => assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0066", "AML.T0070", "AML.T0070", "AML.T0070"]),
        },
      ],
    },
    {
      name: "web pages are indexed; a verified content-isolation control on retrieval lowers the residual",
      model: knowledgeBase({ type: "web" }, {}, { controls: [{ id: "tagging", type: "content-isolation", covers: ["retrieve"], verified: true }] }),
      findings: [
        {
          anchors: ["kb"],
          // Likelihood 3 +1 (web source: anyone can put content in, exposure 5) = 4; impact 3: inherent 12, high.
          // Residual: content isolation on the retrieval flow takes 1 off likelihood: 3 x 3 = 9, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 9);
          },
        },
      ],
    },
    {
      name: "two agents retrieve from the store; content isolation on one agent's retrieval leaves the other steerable",
      model: knowledgeBase(
        { type: "web" },
        {},
        {
          agents: [{ id: "helper", models: ["llm"] }],
          flows: [
            { id: "docs-to-ingest", from: "docs", to: "ingest", channel: "ingestion" },
            { id: "ingest-to-kb", from: "ingest", to: "kb", channel: "ingestion" },
            { id: "retrieve", from: "kb", to: "agent", channel: "retrieval" },
            { id: "helper-retrieves", from: "kb", to: "helper", channel: "retrieval" },
          ],
          controls: [{ id: "tagging", type: "content-isolation", covers: ["retrieve"], verified: true }],
        },
      ),
      findings: [
        {
          anchors: ["kb"],
          check: (finding) => {
            // Inherent 4 x 3 = 12 (web source, exposure 5: +1). The helper retrieves the poisoned chunks without the tags: 12.
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 12);
            assert.match(finding.evidence.find((e) => e.element === "tagging")?.note ?? "", /content-isolation on part of the way in only: text from docs reaches helper/);
          },
        },
      ],
    },
    {
      name: "input filtering in the ingestion pipeline covers what every reader retrieves",
      model: knowledgeBase({ type: "web" }, {}, { controls: [{ id: "screening", type: "input-filtering", covers: ["ingest"], status: "partial", verified: true }] }),
      findings: [
        {
          anchors: ["kb"],
          // Inherent 12; a partial, verified filter on the pipeline every document passes: 1 x 0.5 off likelihood: 3.5 x 3 = 10.5, medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.residual.score, 10.5),
        },
      ],
    },
  ],
});
