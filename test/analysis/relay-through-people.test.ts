// Attacker text that reaches a person travels on with what they write only when they are its relay: an
// analyst who pastes a customer's email into a chat passes it on; a public applicant who reads a
// recruiter's rejection email and uploads a CV writes their own text, so the recruiters are no entry there.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildGraph } from "../../src/graph/graph.js";
import { traceUntrustedContent } from "../../src/analysis/untrusted-content.js";
import { loadSpec } from "../rules/rule-tester.js";
import type { ModelSpec } from "../rules/rule-tester.js";

/** Someone (`sender`) emails a person (`reader`), who writes into a source the agent reads. */
const relay = (sender: string, reader: string, actors: Record<string, unknown>[]): ModelSpec => ({
  actors,
  models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
  agents: [{ id: "agent", models: ["llm"] }],
  sources: [{ id: "uploads", type: "documents", writableBy: [reader] }],
  flows: [
    { id: "mail", from: sender, to: reader, channel: "email" },
    { id: "upload", from: reader, to: "uploads", channel: "api" },
    { id: "read", from: "uploads", to: "agent", channel: "retrieval" },
  ],
  // Every employee is an insider: the recruiters and analysts are entries too.
  adversaries: [{ id: "insider", type: "insider", capability: "medium" }],
});

const entriesOf = (model: ModelSpec) =>
  traceUntrustedContent(buildGraph(loadSpec(model)))
    .originsReaching("agent")
    .map((o) => o.id)
    .sort();

describe("untrusted text through people", () => {
  it("stops at a person at least as exposed as its origin: what a public applicant uploads is their own", () => {
    const actors = [
      { id: "recruiters", type: "employee" },
      { id: "applicants", type: "public" },
    ];
    assert.deepEqual(entriesOf(relay("recruiters", "applicants", actors)), ["applicants", "uploads"]);
  });

  it("near miss: travels through a less exposed person, who pastes what customers sent", () => {
    const actors = [
      { id: "customers", type: "customer" },
      { id: "analysts", type: "employee" },
    ];
    assert.deepEqual(entriesOf(relay("customers", "analysts", actors)), ["analysts", "customers", "uploads"]);
  });
});
