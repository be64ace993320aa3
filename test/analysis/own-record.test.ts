// Data that belongs to the people who supply it (`belongsTo`): an attacker who is one of them
// already has their own record. Passed on for the case at hand it is no prize; read from a store of
// everyone's records (a database, a resource a tool reads, a memory other agents write) it is.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { directPromptInjection } from "../../src/rules/prompt-injection/direct-prompt-injection.js";
import { exfiltrationPath } from "../../src/rules/exfiltration/exfiltration-path.js";
import { findingsOf, spec } from "../rules/rule-tester.js";
import type { ModelSpec } from "../rules/rule-tester.js";

/**
 * Applicants upload through a portal and an API to an extraction agent, which passes the passport
 * fields it reads on to an orchestrator agent; the orchestrator can email anyone. The passport is
 * the only sensitive data, restricted.
 */
const onboarding = (passport: Record<string, unknown>, ...extra: ModelSpec[]): ModelSpec =>
  spec(
    {
      actors: [{ id: "applicants", type: "customer" }],
      clients: [{ id: "portal", type: "web-chat", handles: ["plain-text"] }],
      services: [{ id: "intake-api", type: "api" }],
      models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
      agents: [
        { id: "extractor", models: ["llm"] },
        { id: "orchestrator", models: ["llm"], tools: ["email"] },
      ],
      tools: [{ id: "email", capabilities: [{ action: "send", destination: "any" }] }],
      data: [{ id: "passport", classification: "restricted", flags: ["government-id"], ...passport }],
      flows: [
        { id: "upload", from: "applicants", to: "portal", channel: "api", data: ["passport"] },
        { id: "portal-to-api", from: "portal", to: "intake-api", channel: "api", data: ["passport"] },
        { id: "api-to-extractor", from: "intake-api", to: "extractor", channel: "api", data: ["passport"] },
        { id: "extracted", from: "extractor", to: "orchestrator", channel: "message", data: ["passport"] },
      ],
    },
    ...extra,
  );

const theirs = { belongsTo: ["applicants"] };
const exfiltration = (model: ModelSpec) => findingsOf(exfiltrationPath, model).map((f) => f.id);

describe("the attacker's own record is no prize", () => {
  it("passed on for the case at hand, the applicants' passport puts nothing at stake when an applicant is the attacker", () => {
    assert.deepEqual(exfiltration(onboarding(theirs)), []);
  });

  it("says which data it left out as the attacker's own, and why data that belongs to them still counts", () => {
    // A card number nobody owns keeps the finding alive; the passport is named as left out.
    const card = { data: [{ id: "card", classification: "restricted", flags: ["payment"] }], datastores: [{ id: "cards", type: "relational", holds: ["card"] }], tools: [{ id: "read-card", capabilities: [{ action: "read", on: ["cards"] }] }] };
    const base = onboarding(theirs, card) as { agents: Record<string, unknown>[] };
    const model = { ...base, agents: [base.agents[0], { id: "orchestrator", models: ["llm"], tools: ["email", "read-card"] }] };
    const [finding] = findingsOf(exfiltrationPath, model);
    assert.deepEqual(
      finding?.evidence.filter((e) => e.element === "passport" || e.element === "card").map((e) => [e.element, e.note]),
      [
        ["card", "sensitive data in the agent's context, from cards"],
        ["passport", "not counted: the attacker's own record (it belongs to applicants), passed on for the case at hand, not read from a store of everyone's"],
      ],
    );
    // Read from the case database too, the passport counts, and the note says why.
    const caseDb = { datastores: [{ id: "case-db", type: "relational", holds: ["passport"] }], tools: [{ id: "read-case", capabilities: [{ action: "read", on: ["case-db"] }] }] };
    const withDb = onboarding(theirs, caseDb) as { agents: Record<string, unknown>[] };
    const [counted] = findingsOf(exfiltrationPath, { ...withDb, agents: [withDb.agents[0], { id: "orchestrator", models: ["llm"], tools: ["email", "read-case"] }] });
    assert.equal(counted?.evidence.find((e) => e.element === "passport")?.note, "sensitive data in the agent's context, from extractor; it belongs to applicants, but also comes from case-db, which holds everyone's records");
  });

  it("without belongsTo, the same passport is at stake (the field is what changes it)", () => {
    const [finding] = findingsOf(exfiltrationPath, onboarding({}));
    assert.equal(finding?.id, "TW-EXF-001@orchestrator+email");
    assert.ok(finding?.evidence.some((e) => e.element === "passport"));
  });

  it("read from a database of everyone's cases, it is other applicants' passports, and at stake", () => {
    const caseDb = {
      datastores: [{ id: "case-db", type: "relational", holds: ["passport"] }],
      tools: [{ id: "read-case", capabilities: [{ action: "read", on: ["case-db"] }] }],
      agents: [{ id: "orchestrator", models: ["llm"], tools: ["email", "read-case"] }],
    };
    // spec() appends lists: the orchestrator above replaces the base one, so build the lists by hand.
    const base = onboarding(theirs) as { agents: unknown[] };
    const model = { ...onboarding(theirs, { datastores: caseDb.datastores, tools: caseDb.tools }), agents: [base.agents[0], caseDb.agents[0]] };
    assert.deepEqual(exfiltration(model), ["TW-EXF-001@orchestrator+email"]);
  });

  it("through a memory the extraction agent writes to, shared across cases, it is at stake", () => {
    const memory = {
      datastores: [{ id: "agent-memory", type: "memory" }],
      flows: [
        { id: "remember", from: "extractor", to: "agent-memory", channel: "memory", data: ["passport"] },
        { id: "recall", from: "agent-memory", to: "orchestrator", channel: "memory" },
      ],
    };
    assert.deepEqual(exfiltration(onboarding(theirs, memory)), ["TW-EXF-001@orchestrator+email"]);
  });

  it("when someone else's text also reaches the agent (a review site anyone writes), the applicants' passport is their prize", () => {
    const reviews = {
      actors: [{ id: "public", type: "public" }],
      sources: [{ id: "review-site", type: "web", writableBy: ["public"] }],
      flows: [{ id: "reviews-in", from: "review-site", to: "orchestrator", channel: "retrieval" }],
    };
    assert.deepEqual(exfiltration(onboarding(theirs, reviews)), ["TW-EXF-001@orchestrator+email"]);
  });

  it("an upload folder only the applicants write speaks for them as much as the applicants do", () => {
    const uploads: ModelSpec = {
      sources: [{ id: "uploads", type: "documents", writableBy: ["applicants"] }],
      flows: [{ id: "uploads-in", from: "uploads", to: "extractor", channel: "ingestion", data: ["passport"] }],
    };
    assert.deepEqual(exfiltration(onboarding(theirs, uploads)), []);
    const shared: ModelSpec = { ...uploads, actors: [{ id: "brokers", type: "partner" }], sources: [{ id: "uploads", type: "documents", writableBy: ["applicants", "brokers"] }] };
    assert.deepEqual(exfiltration(onboarding(theirs, shared)), ["TW-EXF-001@orchestrator+email"]);
  });

  it("an upload folder that holds everyone's passports is a store of records, unless its flow hands over one case at a time (perCase)", () => {
    const folder = (flow: Record<string, unknown>, ...extra: ModelSpec[]) =>
      onboarding(theirs, {
        sources: [{ id: "uploads", type: "documents", writableBy: ["applicants"], holds: ["passport"] }],
        flows: [{ id: "uploads-in", from: "uploads", to: "extractor", channel: "ingestion", data: ["passport"], ...flow }],
      }, ...extra);
    assert.deepEqual(exfiltration(folder({})), ["TW-EXF-001@orchestrator+email"]);
    assert.deepEqual(exfiltration(folder({ perCase: true })), []);
    // A tool that searches the whole folder still reads everyone's.
    const search = { tools: [{ id: "search-uploads", capabilities: [{ action: "read", on: ["uploads"] }] }] };
    const withSearch = folder({ perCase: true }, search) as { agents: Record<string, unknown>[] };
    assert.deepEqual(exfiltration({ ...withSearch, agents: [{ id: "extractor", models: ["llm"], tools: ["search-uploads"] }, withSearch.agents[1]] }), ["TW-EXF-001@orchestrator+email"]);
  });

  it("TW-PI-001: an applicant chatting with the orchestrator does not get their own passport fields counted as someone else's", () => {
    const chat: ModelSpec = { flows: [{ id: "api-to-orchestrator", from: "intake-api", to: "orchestrator", channel: "api" }] };
    const own = findingsOf(directPromptInjection, onboarding(theirs, chat));
    const notOwn = findingsOf(directPromptInjection, onboarding({}, chat));
    const atStake = (findings: typeof own) => findings.flatMap((f) => f.evidence.filter((e) => e.element === "passport").map((e) => e.note));
    assert.deepEqual(atStake(own), ["not counted: the attacker's own record (it belongs to applicants), passed on for the case at hand, not read from a store of everyone's"]);
    assert.deepEqual(atStake(notOwn), ["sensitive data in the agent's context from extractor, not from the user"]);
  });
});

describe("a read bound to the person asking (authorization on the tool)", () => {
  // Signed-in customers chat with an agent that reads records, which belong to them, from a store of everyone's through
  // a tool running as a service identity; the agent can email anyone, so TW-EXF-001 and TW-PI-001 look at what is at stake.
  const records = (authorization: Record<string, unknown> | undefined, ...extra: ModelSpec[]): ModelSpec =>
    spec(
      {
        actors: [{ id: "customers", type: "customer", authenticated: true }],
        clients: [{ id: "chat", type: "web-chat", handles: ["plain-text"] }],
        models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
        agents: [{ id: "agent", models: ["llm"], tools: ["read-records", "email"] }],
        datastores: [{ id: "records", type: "relational", holds: ["record"] }],
        identities: [{ id: "svc", type: "service-account", owner: "team", permissions: [{ resource: "records", actions: ["read"] }] }],
        tools: [
          { id: "read-records", runsAs: "svc", capabilities: [{ action: "read", on: ["records"] }] },
          { id: "email", capabilities: [{ action: "send", destination: "any" }] },
        ],
        data: [{ id: "record", classification: "restricted", flags: ["health"], belongsTo: ["customers"] }],
        flows: [
          { id: "ask", from: "customers", to: "chat", channel: "message" },
          { id: "chat-to-agent", from: "chat", to: "agent", channel: "api" },
        ],
        ...(authorization ? { controls: [{ id: "own-records-only", type: "authorization", covers: ["read-records"], evidence: [{ type: "test", ref: "t" }], ...authorization }] } : {}),
      },
      ...extra,
    );
  const recordNotes = (model: ModelSpec) =>
    [...findingsOf(directPromptInjection, model), ...findingsOf(exfiltrationPath, model)].map((f) => [f.id, f.evidence.find((e) => e.element === "record")?.note]);

  it("to the customers who ask, it returns their own record: no prize, and the note says which control makes it so", () => {
    // Nothing else sensitive in the context: no exfiltration path; the injection finding (it can still email anyone) names the record as left out.
    assert.deepEqual(recordNotes(records({ verified: true })), [["TW-PI-001@agent", "not counted: the attacker's own record (it belongs to customers): read-records reads only the asker's own records (own-records-only)"]]);
    // Without it, the tool reads everyone's records.
    const everyone = "it belongs to customers, but also comes from records, which holds everyone's records";
    assert.deepEqual(recordNotes(records(undefined)), [
      ["TW-PI-001@agent", `sensitive data in the agent's context from records, not from the user; ${everyone}`],
      ["TW-EXF-001@agent+email", `sensitive data in the agent's context, from records; ${everyone}`],
    ]);
  });

  it("an unverified or partial authorization, or one only planned, leaves everyone's records at stake", () => {
    for (const weaker of [{}, { verified: true, status: "partial" }, { verified: true, status: "planned" }]) {
      const notes = recordNotes(records(weaker));
      assert.equal(notes.length, 2, JSON.stringify(weaker));
      for (const [, note] of notes) assert.match(note!, /which holds everyone's records$/, JSON.stringify(weaker));
    }
  });

  it("another way from the store, not bound, keeps everyone's records at stake", () => {
    const direct: ModelSpec = { flows: [{ id: "records-to-agent", from: "records", to: "agent", channel: "retrieval", data: ["record"] }] };
    for (const [, note] of recordNotes(records({ verified: true }, direct))) assert.match(note!, /but also comes from records, which holds everyone's records$/);
  });

  it("to someone who injects content, it is the record of whoever the agent serves: at stake, one person's rather than everyone's", () => {
    // Customers also write tickets the agent reads: an injecting customer gets the asking customer's record.
    const tickets: ModelSpec = {
      sources: [{ id: "tickets", type: "tickets", writableBy: ["customers"] }],
      flows: [{ id: "tickets-in", from: "tickets", to: "agent", channel: "retrieval" }],
    };
    const [exfil] = findingsOf(exfiltrationPath, records({ verified: true }, tickets));
    assert.equal(exfil?.evidence.find((e) => e.element === "record")?.note, "sensitive data in the agent's context, from records; read-records reads only the records of the person asking (own-records-only), so theirs are at stake, not everyone's");
  });

  it("passed on by an agent that read it bound to its asker, it stays that person's record", () => {
    // A second agent gets what the first hands it; the customers chat with the first only.
    const downstream = records({ verified: true }, {
      agents: [{ id: "notifier", models: ["llm"], tools: ["email-2"] }],
      tools: [{ id: "email-2", capabilities: [{ action: "send", destination: "any" }] }],
      flows: [{ id: "handoff", from: "agent", to: "notifier", channel: "message" }],
    });
    const notifier = findingsOf(exfiltrationPath, downstream).find((f) => f.id === "TW-EXF-001@notifier+email-2");
    // Injected through the hand-off, the notifier's attackers are not the askers: the record is at stake, bound.
    assert.match(notifier?.evidence.find((e) => e.element === "record")?.note ?? "", /read-records reads only the records of the person asking \(own-records-only\)/);
  });
});
