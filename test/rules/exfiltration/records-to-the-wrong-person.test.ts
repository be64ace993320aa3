import assert from "node:assert/strict";
import { recordsToTheWrongPerson } from "../../../src/rules/exfiltration/records-to-the-wrong-person.js";
import { ruleTester, spec, type ModelSpec } from "../rule-tester.js";

/**
 * An agent reads documents outside authors write and every patient's chart, and sends a summary to the
 * portal of the patient the case is about (`send`, a fixed destination unless overridden), which shows it to them.
 * `chart` and `summary` override the data elements, `send` the send capability, `deliver` the portal's flow to the patients.
 */
function summaryToPatient({ send = {} as Record<string, unknown>, chart = {} as Record<string, unknown>, summary = {} as Record<string, unknown>, deliver = {} as Record<string, unknown> } = {}): ModelSpec {
  return {
    actors: [
      { id: "patients", type: "customer", authenticated: true },
      { id: "outside-authors", type: "partner", authenticated: false },
    ],
    sources: [{ id: "outside-docs", type: "documents", writableBy: ["outside-authors"], holds: ["outside-text"] }],
    datastores: [{ id: "charts", type: "relational", holds: ["chart-data"] }],
    clients: [{ id: "portal", type: "web-page", handles: ["plain-text"] }],
    models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
    agents: [{ id: "agent", models: ["llm"], tools: ["read-chart", "send-summary"] }],
    tools: [
      { id: "read-chart", capabilities: [{ action: "read", on: ["charts", "outside-docs"] }] },
      { id: "send-summary", capabilities: [{ action: "send", on: ["portal"], destination: "fixed", ...send }] },
    ],
    data: [
      { id: "chart-data", classification: "restricted", flags: ["health"], belongsTo: ["patients"], ...chart },
      { id: "outside-text", classification: "internal" },
      { id: "summary", classification: "restricted", flags: ["health"], belongsTo: ["patients"], ...summary },
      { id: "newsletter", classification: "public" },
    ],
    flows: [
      { id: "agent-to-send", from: "agent", to: "send-summary", channel: "tool-call", data: ["summary"] },
      { id: "send-to-portal", from: "send-summary", to: "portal", channel: "api", data: ["summary"] },
      { id: "portal-to-patients", from: "portal", to: "patients", channel: "output", data: ["summary"], ...deliver },
    ],
  };
}

/** The same agent writing the summary into a record system that releases it to the portal; a second tool pends orders there. */
const releasedFromRecords = (extra: ModelSpec = {}): ModelSpec =>
  spec(
    summaryToPatient(),
    {
      services: [{ id: "ehr", type: "api" }],
      agents: [{ id: "writer", models: ["llm"], tools: ["read-chart", "write-summary", "pend-orders"] }],
      tools: [
        { id: "write-summary", capabilities: [{ action: "write", on: ["ehr"] }] },
        { id: "pend-orders", capabilities: [{ action: "write", on: ["ehr"] }] },
      ],
      data: [{ id: "orders", classification: "restricted", flags: ["health"], belongsTo: ["patients"] }],
      flows: [
        { id: "writer-to-summary", from: "writer", to: "write-summary", channel: "tool-call", data: ["summary"] },
        { id: "writer-to-orders", from: "writer", to: "pend-orders", channel: "tool-call", data: ["orders"] },
        { id: "release", from: "ehr", to: "portal", channel: "output", data: ["summary"] },
      ],
    },
    extra,
  );

/** The model with the outside authors gone, and with them the only untrusted text the agent reads. */
function withoutOutsideAuthors(model: ModelSpec): ModelSpec {
  const sources = (model.sources as Record<string, unknown>[]).map((s) => ({ ...s, writableBy: undefined }));
  return { ...model, actors: (model.actors as { id: string }[]).filter((a) => a.id !== "outside-authors"), sources };
}

const control = (type: string, covers: string[]) => ({ controls: [{ id: `${type}-control`, type, covers, status: "implemented", verified: true, evidence: [{ type: "test", ref: "control.test.ts" }] }] });

ruleTester(recordsToTheWrongPerson, {
  valid: [
    { name: "the summary goes to an address the attacker can choose: TW-EXF-001's", model: summaryToPatient({ send: { destination: "any" } }) },
    { name: "the charts belong to nobody the model names (no belongsTo): no one receives another's record", model: summaryToPatient({ chart: { belongsTo: undefined } }) },
    { name: "the portal shows the patients a newsletter, not a document about them", model: summaryToPatient({ deliver: { data: ["newsletter"] } }) },
    { name: "what reaches the patients from the portal is its log, not the summary it shows", model: summaryToPatient({ deliver: { channel: "log" } }) },
    { name: "the summary the portal shows is about nobody the model names (no belongsTo): not a document for one of them", model: summaryToPatient({ summary: { belongsTo: undefined } }) },
    {
      name: "a verified authorization binds the chart read to the person asking: the agent holds one patient's chart, not everyone's",
      model: spec(summaryToPatient(), control("authorization", ["read-chart"])),
    },
    {
      name: "the chart reaches the agent only passed on for the case (from a service, not read from a store)",
      model: spec({ ...summaryToPatient(), agents: [{ id: "agent", models: ["llm"], tools: ["send-summary"] }] }, {
        services: [{ id: "case-feed", type: "api" }],
        flows: [
          { id: "docs-to-agent", from: "outside-docs", to: "agent", channel: "retrieval", data: ["outside-text"] },
          { id: "feed-to-agent", from: "case-feed", to: "agent", channel: "api", data: ["chart-data"] },
        ],
      }),
    },
    { name: "nothing untrusted reaches the agent: nobody outside writes the documents it reads", model: withoutOutsideAuthors(summaryToPatient()) },
  ],
  invalid: [
    {
      name: "outside documents steer the agent, which holds every patient's chart and sends a summary to the case's patient",
      model: summaryToPatient(),
      findings: [
        {
          anchors: ["agent", "send-summary"],
          // Likelihood 3 - 1 (partner entry); impact 4 + 1 (restricted health data): 2 x 5 = 10, medium.
          severity: "medium",
          summary: /^agent reads text from outside-docs and holds chart-data of all patients \(from charts\), and send-summary puts what it writes in portal, which reaches patients/,
          check: (finding) => {
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact], [2, 5]);
            assert.deepEqual(
              finding.path?.map((s) => s.element),
              ["outside-docs", "read-chart", "agent", "charts", "send-summary", "patients"],
            );
            assert.ok(finding.evidence.some((e) => e.element === "send-summary" && e.note === "puts what the agent writes in portal, delivered to patients by portal-to-patients"));
          },
        },
      ],
    },
    {
      name: "a person reads each summary before it goes out: one off the likelihood, the finding stays",
      model: spec(summaryToPatient(), control("human-approval", ["send-summary"])),
      findings: [{ anchors: ["agent", "send-summary"], severity: "low", check: (finding) => assert.deepEqual([finding.residual.likelihood, finding.residual.impact], [1, 5]) }],
    },
    {
      name: "the summary is written into a record system that releases it to the portal; pended orders do not travel to the patients",
      model: releasedFromRecords(),
      findings: [
        { anchors: ["agent", "send-summary"], severity: "medium" },
        {
          anchors: ["writer", "write-summary"],
          severity: "medium",
          check: (finding) => assert.ok(finding.evidence.some((e) => e.element === "write-summary" && e.note === "puts what the agent writes in ehr, delivered to patients by release → portal-to-patients")),
        },
      ],
    },
    {
      name: "the summary is stored where a portal service picks it up and shows it to the patients",
      model: spec(
        { ...summaryToPatient(), agents: [{ id: "agent", models: ["llm"], tools: ["read-chart", "store-summary"] }] },
        {
          datastores: [{ id: "summaries", type: "object" }],
          services: [{ id: "portal-api", type: "api" }],
          tools: [{ id: "store-summary", capabilities: [{ action: "write", on: ["summaries"] }] }],
          flows: [
            { id: "agent-to-store", from: "agent", to: "store-summary", channel: "tool-call", data: ["summary"] },
            { id: "pick-up", from: "summaries", to: "portal-api", channel: "api", data: ["summary"] },
            { id: "show", from: "portal-api", to: "patients", channel: "output", data: ["summary"] },
          ],
        },
      ),
      findings: [{ anchors: ["agent", "store-summary"], severity: "medium", check: (finding) => assert.match(finding.evidence.find((e) => e.element === "store-summary")!.note, /delivered to patients by pick-up → show$/) }],
    },
  ],
});
