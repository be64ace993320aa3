import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze, buildContext } from "../../src/analysis/analyze.js";
import { decisionFedImpact, fedDecisions } from "../../src/rules/fed-decisions.js";
import { hiddenInstructionsRichContent } from "../../src/rules/prompt-injection/hidden-instructions-rich-content.js";
import { indirectPromptInjection } from "../../src/rules/prompt-injection/indirect-prompt-injection.js";
import { loadSpec, spec, TODAY } from "./rule-tester.js";
import type { ModelSpec } from "./rule-tester.js";

/**
 * A screening agent reads CVs candidates upload and saves a profile through a tool; a scoring service reads
 * the profiles from the database and asks a ranker model, whose score rejects candidates. Tests change the
 * ranker's decision (null: none), the tool, and the flows between the database and the ranker.
 */
const screening = ({ decision = { what: "which candidates are rejected", stakes: "high", aboutPeople: true } as Record<string, unknown> | null, save = [{ action: "write", on: ["ats-db"] }] as Record<string, unknown>[], toScoring = ["profiles"] as string[] | undefined, via = "scoring-service" } = {}): ModelSpec => ({
  actors: [{ id: "candidates", type: "public" }],
  sources: [{ id: "cv-uploads", type: "documents", writableBy: ["candidates"], contentTypes: ["pdf"] }],
  models: [
    { id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-1", pinned: true },
    { id: "ranker", provider: "In-house", hosting: "self-hosted", task: "classification", ...(decision ? { decision } : {}) },
  ],
  agents: [{ id: "screener", models: ["llm"], tools: ["save-profile"] }],
  tools: [{ id: "save-profile", capabilities: save }],
  datastores: [{ id: "ats-db", type: "relational", holds: ["profiles", "notes"] }],
  services: [
    { id: "scoring-service", type: "inference-server" },
    { id: "recruiter-desk", type: "web-app" },
  ],
  data: [
    { id: "profiles", classification: "confidential", flags: ["personal"] },
    { id: "notes", classification: "internal" },
  ],
  flows: [
    { id: "cv-in", from: "cv-uploads", to: "screener", channel: "retrieval" },
    { id: "db-to-scoring", from: "ats-db", to: via, channel: "api", ...(toScoring ? { data: toScoring } : {}) },
    ...(via === "scoring-service" ? [] : [{ id: "desk-to-scoring", from: via, to: "scoring-service", channel: "api" }]),
    { id: "scoring-to-ranker", from: "scoring-service", to: "ranker", channel: "api" },
  ],
});

const fed = (model: ModelSpec) => fedDecisions(buildContext(loadSpec(model), TODAY), "screener").map((f) => f.decider);

describe("decisions an agent's output feeds (fedDecisions)", () => {
  it("follows the tool's write into the database, and the database's flow of what was written, to the ranker's decision", () => {
    assert.deepEqual(fed(screening()), ["ranker"]);
  });

  it("follows a flow that lists no data: it may carry what the agent wrote", () => {
    assert.deepEqual(fed(screening({ toScoring: undefined })), ["ranker"]);
  });

  it("keeps to the data the flows say they carry: the database passes on only notes, which the agent did not write", () => {
    // The agent writes profiles into the database itself (its tool only reads), so only a flow of profiles carries its words on.
    const direct = (toScoring: string[]) =>
      spec(screening({ save: [{ action: "read", on: ["ats-db"] }], toScoring }), { flows: [{ id: "screener-saves", from: "screener", to: "ats-db", channel: "api", data: ["profiles"] }] });
    assert.deepEqual(fed(direct(["profiles"])), ["ranker"]);
    assert.deepEqual(fed(direct(["notes"])), []);
  });

  it("a write tool's capability names no data: whatever leaves the store may carry the agent's words", () => {
    assert.deepEqual(fed(screening({ toScoring: ["notes"] })), ["ranker"]);
  });

  it("near miss: a ranker with no decision, or a low-stakes one, is no decision fed", () => {
    assert.deepEqual(fed(screening({ decision: null })), []);
    assert.deepEqual(fed(screening({ decision: { what: "sort order of the inbox", stakes: "low" } })), []);
  });

  it("near miss: a tool that only reads the database puts nothing of the agent's in it, even with its query drawn as a flow", () => {
    assert.deepEqual(fed(spec(screening({ save: [{ action: "read", on: ["ats-db"] }] }), { flows: [{ id: "query", from: "save-profile", to: "ats-db", channel: "api" }] })), []);
  });

  it("passes services on the way, but stops at a person, who reads it and decides for themselves", () => {
    assert.deepEqual(fed(screening({ via: "recruiter-desk" })), ["ranker"]);
    assert.deepEqual(fed(spec(screening({ via: "recruiters" }), { actors: [{ id: "recruiters", type: "employee" }] })), []);
  });

  it("near miss: the agent's own model is its reasoning, not a decision it feeds", () => {
    const base = screening({ decision: null });
    const model = {
      ...base,
      models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-1", pinned: true, decision: { what: "shortlist", stakes: "high" } }, { id: "ranker", provider: "In-house", hosting: "self-hosted" }],
      flows: [...(base.flows as unknown[]), { id: "ask-llm", from: "screener", to: "llm", channel: "api" }],
    };
    assert.deepEqual(fed(model), []);
  });

  it("near miss: another agent that decides is no decision fed; it is injectable itself, and TW-MIS-002 rates it", () => {
    const model = spec(screening({ decision: null }), {
      agents: [{ id: "verifier", models: ["llm"], decision: { what: "whether the caller is who they say", stakes: "high" } }],
      flows: [{ id: "screener-reports", from: "screener", to: "verifier", channel: "message" }],
    });
    assert.deepEqual(fed(model), []);
  });

  it("raises impact by one for a high-stakes decision only, and says when none is fed", () => {
    const factor = (model: ModelSpec) => decisionFedImpact(buildContext(loadSpec(model), TODAY), "screener");
    assert.deepEqual(
      factor(screening())?.map((f) => [f.dimension, f.delta, f.reason]),
      [["impact", 1, "what screener produces reaches ranker, whose answer decides which candidates are rejected (stakes high)"]],
    );
    assert.deepEqual(factor(screening({ decision: { what: "which candidates are rejected", stakes: "medium" } })), []);
    // No decision fed at all: the caller keeps its own story (an agent that acts on nothing, for one).
    assert.equal(factor(screening({ decision: null })), undefined);
  });
});

describe("injection findings on an agent that feeds a decision", () => {
  const findings = (model: ModelSpec) => analyze(loadSpec(model), { today: TODAY, rules: [indirectPromptInjection, hiddenInstructionsRichContent] }).findings;

  it("TW-PI-005 and TW-PI-002 take +1 impact from the ranker's high-stakes decision", () => {
    for (const finding of findings(screening())) {
      // Default impact 3, +1 the decision fed: 4. The write tool alone is not severe (no +1), so the decision is the only step.
      assert.equal(finding.inherent.impact, 4, finding.id);
      assert.match(finding.reasons[1]!, /\+1 what screener produces reaches ranker, whose answer decides which candidates are rejected \(stakes high\)/);
    }
  });

  it("near miss: without the decision the same findings keep the default impact", () => {
    const found = findings(screening({ decision: null }));
    assert.ok(found.length >= 2);
    for (const finding of found) assert.equal(finding.inherent.impact, 3, finding.id);
  });

  it("an agent with no side-effect tool whose answers feed a medium-stakes decision is not 'acting on nothing'", () => {
    // Its output flows straight to the scoring service; the tool only reads.
    const model = spec(screening({ decision: { what: "which candidates are rejected", stakes: "medium" }, save: [{ action: "read", on: ["ats-db"] }] }), {
      flows: [{ id: "screener-to-scoring", from: "screener", to: "scoring-service", channel: "api" }],
    });
    const pi002 = findings(model).find((f) => f.ruleId === "TW-PI-002")!;
    assert.equal(pi002.inherent.impact, 3);
    assert.ok(!pi002.reasons[1]!.includes("acts on nothing"));
    // Without the flow it does act on nothing: -1.
    const alone = findings(screening({ decision: { what: "which candidates are rejected", stakes: "medium" }, save: [{ action: "read", on: ["ats-db"] }] })).find((f) => f.ruleId === "TW-PI-002")!;
    assert.equal(alone.inherent.impact, 2);
  });
});
