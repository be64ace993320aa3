import assert from "node:assert/strict";
import { sharedMemoryPrivilege } from "../../../src/rules/memory-and-rag/shared-memory-privilege.js";
import { customerTickets, internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** An intake agent writes memory a second agent recalls; `payerTools` and `intakeTools` set what each can do. */
const sharedMemory = (payerTools: string[] = ["pay"], intakeTools: string[] = ["read-tickets"], untrusted = true, memoryType = "memory") =>
  spec(internalAgent("payer", { tools: payerTools }), untrusted ? customerTickets("intake") : {}, {
    agents: [{ id: "intake", models: ["llm"], tools: intakeTools }],
    datastores: [
      { id: "memory", type: memoryType },
      { id: "crm", type: "document" },
    ],
    services: [{ id: "bank", type: "api" }],
    tools: [
      { id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] },
      { id: "note", capabilities: [{ action: "write", on: ["crm"] }] },
      { id: "mail", capabilities: [{ action: "send", destination: "any" }] },
      ...(untrusted ? [] : [{ id: "read-tickets", capabilities: [{ action: "read", on: ["crm"] }] }]),
    ],
    flows: [
      { id: "intake-remembers", from: "intake", to: "memory", channel: "memory" },
      { id: "payer-recalls", from: "memory", to: "payer", channel: "memory" },
    ],
  });

ruleTester(sharedMemoryPrivilege, {
  valid: [
    { name: "near miss: the writer can pay too", model: sharedMemory(["pay"], ["read-tickets", "pay"]) },
    { name: "the reader can do less than the writer (it only writes notes, the writer pays)", model: sharedMemory(["note"], ["read-tickets", "pay"]) },
    { name: "the reader has no consequential capability", model: sharedMemory([]) },
    {
      name: "a knowledge base only an ingestion pipeline writes is not memory shared between agents",
      model: spec(internalAgent("payer", { tools: ["pay"] }), {
        pipelines: [{ id: "ingest", type: "embedding-ingestion" }],
        datastores: [{ id: "kb", type: "vector" }],
        services: [{ id: "bank", type: "api" }],
        tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] }],
        flows: [
          { id: "ingest-to-kb", from: "ingest", to: "kb", channel: "ingestion" },
          { id: "retrieve", from: "kb", to: "payer", channel: "retrieval" },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: "the ticket-reading intake agent writes memory the paying agent recalls",
      model: sharedMemory(),
      findings: [
        {
          anchors: ["memory", "payer"],
          // Likelihood 3 +0 (tickets: exposure 4); impact 4 (payer can spend, intake cannot). 3 x 4 = 12: high.
          severity: "high",
          summary: /payer can spend on bank, which the writer cannot/,
          check: (finding) => assert.equal(finding.inherent.score, 12),
        },
      ],
    },
    {
      name: "a shared vector memory (pgvector the agents write and read back) is memory, whatever its label",
      model: sharedMemory(["pay"], ["read-tickets"], true, "vector"),
      findings: [
        {
          anchors: ["memory", "payer"],
          // As for a memory store: likelihood 3, impact 4. 3 x 4 = 12: high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.ok(finding.evidence.some((e) => e.element === "memory" && /agent memory, whatever its label/.test(e.note)));
          },
        },
      ],
    },
    {
      name: "no untrusted text reaches the writer: lower likelihood; sending is less severe than spending",
      model: sharedMemory(["mail"], ["read-tickets"], false),
      findings: [
        {
          anchors: ["memory", "payer"],
          // Likelihood 3 -1 (no untrusted text reaches intake) = 2; impact 4 -1 (the most payer can do beyond intake is send) = 3. 2 x 3 = 6: medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.inherent.score, 6),
        },
      ],
    },
  ],
});
