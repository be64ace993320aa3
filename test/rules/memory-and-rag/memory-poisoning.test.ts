import assert from "node:assert/strict";
import { memoryPoisoning } from "../../../src/rules/memory-and-rag/memory-poisoning.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/**
 * An intake agent that reads customer tickets and writes notes to a memory store,
 * and a payment agent (started by staff) that recalls them and can pay.
 */
const sharedMemory = (store: Record<string, unknown> = {}, payerTools = ["pay"]) =>
  spec(internalAgent("payer", { tools: payerTools }), customerTickets("intake"), {
    agents: [{ id: "intake", models: ["llm"], tools: ["read-tickets"] }],
    datastores: [{ id: "memory", type: "memory", ...store }],
    services: [{ id: "bank", type: "api" }],
    tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] }],
    flows: [
      { id: "intake-remembers", from: "intake", to: "memory", channel: "memory" },
      { id: "payer-recalls", from: "memory", to: "payer", channel: "memory" },
    ],
  });

/** One public chat agent that remembers and recalls through tools. */
const chatWithMemory = (controls: Record<string, unknown>[] = [], store: Record<string, unknown> = {}) =>
  spec(publicChat("agent", { tools: ["remember", "recall"] }), {
    datastores: [{ id: "memory", type: "memory", ...store }],
    tools: [
      { id: "remember", capabilities: [{ action: "write", on: ["memory"] }] },
      { id: "recall", capabilities: [{ action: "read", on: ["memory"] }] },
    ],
    controls,
  });

/** A knowledge base a pipeline fills from customer tickets and an agent retrieves: TW-RAG-001's, not memory. */
const ticketIndex = spec(internalAgent("agent"), {
  actors: [{ id: "customer", type: "customer" }],
  sources: [{ id: "tickets", type: "tickets", writableBy: ["customer"] }],
  pipelines: [{ id: "ingest", type: "embedding-ingestion" }],
  datastores: [{ id: "kb", type: "vector" }],
  flows: [
    { id: "tickets-to-ingest", from: "tickets", to: "ingest", channel: "ingestion" },
    { id: "ingest-to-kb", from: "ingest", to: "kb", channel: "ingestion" },
    { id: "retrieve", from: "kb", to: "agent", channel: "retrieval" },
  ],
});

ruleTester(memoryPoisoning, {
  valid: [
    {
      name: "near miss: the agent writing the memory reads no untrusted text",
      model: spec(internalAgent("writer"), {
        agents: [{ id: "payer", models: ["llm"] }],
        datastores: [{ id: "memory", type: "memory" }],
        flows: [
          { id: "w", from: "writer", to: "memory", channel: "memory" },
          { id: "r", from: "memory", to: "payer", channel: "memory" },
        ],
      }),
    },
    { name: "a knowledge base only an ingestion pipeline writes is not memory (TW-RAG-001 reports it)", model: ticketIndex },
    {
      name: "a database an agent writes and reads through tools, not over the memory channel, is not memory",
      model: spec(publicChat("agent", { tools: ["remember", "recall"] }), {
        datastores: [{ id: "crm", type: "document" }],
        tools: [
          { id: "remember", capabilities: [{ action: "write", on: ["crm"] }] },
          { id: "recall", capabilities: [{ action: "read", on: ["crm"] }] },
        ],
      }),
    },
    {
      name: "nobody recalls what is written",
      model: spec(publicChat("agent", { tools: ["remember"] }), { datastores: [{ id: "memory", type: "memory" }], tools: [{ id: "remember", capabilities: [{ action: "write", on: ["memory"] }] }] }),
    },
  ],
  invalid: [
    {
      name: "ticket text persists in memory the payment agent recalls",
      model: sharedMemory(),
      findings: [
        {
          anchors: ["memory"],
          // Likelihood 4 +0 (customer-written tickets, exposure 4; tickets → intake → memory is 3 steps).
          // Impact 3 +1 (payer recalls it and can spend) = 4. 4 x 4 = 16: high.
          severity: "high",
          summary: /intake reads text from tickets and writes to memory, which payer recalls/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.deepEqual(finding.path?.slice(-3).map((s) => s.technique), ["AML.T0080.000", "AML.T0080.000", "AML.T0048.000"]);
          },
        },
      ],
    },
    {
      name: "a recalling agent that can both run code and pay is named by the most damaging of the two (running code), as every rule names it",
      model: spec(sharedMemory({}, ["pay", "shell"]), { services: [{ id: "runner", type: "ci-runner" }], tools: [{ id: "shell", capabilities: [{ action: "execute", on: ["runner"] }] }] }),
      findings: [
        {
          anchors: ["memory"],
          check: (finding) => {
            assert.ok(finding.reasons.some((r) => r.includes("payer recalls it and can execute through shell")), finding.reasons.join("\n"));
            assert.equal(finding.path?.at(-1)?.element, "shell");
          },
        },
      ],
    },
    {
      name: "a vector store the agents write to and read back is their memory, whatever its label",
      model: sharedMemory({ type: "vector" }),
      findings: [
        {
          anchors: ["memory"],
          // As for a memory store: likelihood 4, impact 3 +1 (payer can spend) = 4. 4 x 4 = 16: high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.match(finding.evidence.find((e) => e.element === "memory")?.note ?? "", /a vector store that intake writes to and agents read back: agent memory/);
          },
        },
      ],
    },
    {
      name: "a document store written and read over the memory channel is memory too",
      model: sharedMemory({ type: "document" }),
      findings: [{ anchors: ["memory"], severity: "high", check: (finding) => assert.equal(finding.inherent.score, 16) }],
    },
    {
      name: "a verified approval of every memory write lowers the likelihood by 2, as for changes and commands (TW-AGY-001, TW-RCE-001)",
      model: chatWithMemory([{ id: "confirm-notes", type: "human-approval", covers: ["remember"], verified: true }]),
      findings: [
        {
          anchors: ["memory"],
          // Likelihood 4 +1 (public entry) = 5; impact 3. Inherent 15, high. Residual (5 - 2) x 3 = 9, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.equal(finding.residual.score, 9);
            assert.deepEqual(finding.controls.map((c) => [c.control, c.by]), [["confirm-notes", 2]]);
          },
        },
      ],
    },
    {
      name: "an approval of one writer's notes does not count while another steered agent writes unapproved; one on recalling does not count either",
      model: spec(sharedMemory(), {
        agents: [{ id: "chat", models: ["llm"], tools: ["note"] }],
        actors: [{ id: "visitor", type: "public" }],
        tools: [{ id: "note", capabilities: [{ action: "write", on: ["memory"] }] }],
        flows: [{ id: "visitor-to-chat", from: "visitor", to: "chat", channel: "api" }],
        controls: [
          { id: "confirm-notes", type: "human-approval", covers: ["note"], verified: true },
          { id: "confirm-payments", type: "human-approval", covers: ["payer"], verified: true },
        ],
      }),
      findings: [
        {
          anchors: ["memory"],
          // Likelihood 4 +1 (the visitor, public) = 5; impact 3 +1 (payer can spend) = 4. 20, critical, and no approval counts:
          // intake's memory flow is not approved, and confirm-payments gates the reader's actions, not the writes.
          severity: "critical",
          check: (finding) => {
            assert.equal(finding.residual.score, 20);
            assert.ok(finding.missingControls.includes("human-approval"));
            assert.match(finding.evidence.find((e) => e.element === "confirm-notes")?.note ?? "", /not intake's through intake-remembers, so it does not count/);
          },
        },
      ],
    },
    {
      name: "a public chat agent remembers and recalls through tools; verified memory hardening lowers the residual",
      model: chatWithMemory([{ id: "provenance", type: "memory-hardening", covers: ["memory"], verified: true }]),
      findings: [
        {
          anchors: ["memory"],
          // Likelihood 4 +1 (public entry) = 5; impact 3 (the agent can only write). Inherent 15, high.
          // Residual: memory hardening takes 2 off likelihood: 3 x 3 = 9, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.equal(finding.residual.score, 9);
          },
        },
      ],
    },
    {
      name: "memory kept apart per verified user: what one caller plants is recalled in their own sessions only, one impact step off",
      model: chatWithMemory([{ id: "per-user-memory", type: "tenant-isolation", covers: ["memory"], verified: true }]),
      findings: [
        {
          anchors: ["memory"],
          // Inherent 5 x 3 = 15 as above; verified isolation takes 1 off impact: 5 x 2 = 10, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.residual.score, 10);
            assert.deepEqual(finding.controls.map((c) => [c.control, c.reduces, c.by]), [["per-user-memory", "impact", 1]]);
          },
        },
      ],
    },
  ],
});
