// Review triggers on small models: what each change raises, addressed to whom, and the
// new model's review.triggers deciding which kinds count.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diffModels } from "../../src/lifecycle/model-diff.js";
import { reviewTriggers } from "../../src/lifecycle/triggers.js";
import { memoryFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";
import type { ThreatModel } from "../../src/model/model.js";

// Owners are spread on purpose: some elements have their own, some only a workflow's, some neither.
const SHOP = `threatwright: 1
system: {id: shop, name: Shop, owner: shop-owner@example.com}
review: {owner: appsec@example.com, cadence: P90D}
boundaries:
  - {id: corp, type: corporate}
actors:
  - {id: visitors, type: public}
models:
  - {id: llm, provider: Vendor, hosting: hosted-api, version: m-1, pinned: true, fineTunedOn: [tuning-set], owner: ml-team@example.com}
  - {id: embedder, provider: Vendor, hosting: hosted-api, version: e-1}
prompts:
  - {id: sys-prompt, role: system, version: "1"}
  - {id: rules, role: rules-file, path: AGENTS.md, owner: docs-team@example.com}
agents:
  - {id: helper, models: [llm], prompts: [sys-prompt], tools: [lookup], mcpServers: [files-mcp], owner: agent-team@example.com}
tools:
  - {id: lookup, runsAs: db-sa, capabilities: [{action: read, on: [orders]}]}
  - {id: mailer, owner: mail-team@example.com, capabilities: [{action: send}]}
mcpServers:
  - {id: files-mcp, transport: stdio, publisher: Us, publisherTrust: first-party, version: "1.0", pinned: version}
datastores:
  - {id: orders, type: relational}
  - {id: index, type: vector, owner: search-team@example.com}
sources:
  - {id: wiki, type: documents, owner: docs-team@example.com}
pipelines:
  - {id: tune, type: fine-tuning, owner: ml-team@example.com}
  - {id: embed, type: embedding-ingestion}
datasets:
  - {id: tuning-set, provenance: internal}
  - {id: curated, provenance: internal}
  - {id: eval-set, provenance: internal}
data:
  - {id: order-data, classification: confidential}
flows:
  - {id: ask, from: visitors, to: helper, channel: api}
  - {id: curated-in, from: curated, to: tune, channel: training}
  - {id: wiki-in, from: wiki, to: embed, channel: ingestion}
  - {id: embed-out, from: embed, to: index, channel: ingestion}
identities:
  - id: db-sa
    type: service-account
    owner: dba@example.com
    lastUsed: 2026-01-01
    permissions: [{resource: orders, actions: [read]}]
    credentials:
      - {id: db-pass, type: password, lifetime: static, storage: secret-manager, rotation: {period: P90D, lastRotated: 2026-01-01}}
workflows:
  - {id: chat, owner: chat-team@example.com, components: [visitors, helper, sys-prompt]}
`;

function shop(): ThreatModel {
  const result = loadModel("threatwright.yaml", memoryFiles({ "threatwright.yaml": SHOP }));
  assert.ok(result.ok, JSON.stringify(result.diagnostics));
  return result.loaded.model;
}

const find = <T extends { id: string }>(list: T[], id: string): T => {
  const found = list.find((x) => x.id === id);
  assert.ok(found, `no ${id}`);
  return found;
};

/** The review items raised by `edit`, as [trigger, element, what, owner, where the owner came from]. */
function raised(edit: (model: ThreatModel) => void): string[][] {
  const before = shop();
  const after = structuredClone(before);
  edit(after);
  return reviewTriggers(diffModels(before, after), before, after).map((i) => [i.trigger, i.element, i.what, i.owner, i.ownerFrom]);
}

describe("reviewTriggers", () => {
  it("a changed prompt asks its owner, else the owner of a workflow it is in", () => {
    assert.deepEqual(
      raised((m) => {
        find(m.prompts, "sys-prompt").version = "2";
        find(m.prompts, "rules").path = "docs/AGENTS.md";
      }),
      [
        ["prompt", "rules", "rules-file prompt 'rules' changed (path)", "docs-team@example.com", "element"],
        ["prompt", "sys-prompt", "system prompt 'sys-prompt' changed: version 1 -> 2", "chat-team@example.com", "workflow"],
      ],
    );
    assert.deepEqual(
      raised((m) => find(m.agents, "helper").prompts!.push("rules")),
      [["prompt", "helper", "agent 'helper' prompts: added 'rules'", "agent-team@example.com", "element"]],
    );
  });

  it("a model version, pinning or fine-tuning change asks the model's owner, else the system's", () => {
    assert.deepEqual(
      raised((m) => {
        find(m.models, "llm").version = "m-2";
        find(m.models, "embedder").pinned = false;
      }),
      [
        ["model-version", "embedder", "model 'embedder' changed (pinned)", "shop-owner@example.com", "system"],
        ["model-version", "llm", "model 'llm' changed: m-1 -> m-2", "ml-team@example.com", "element"],
      ],
    );
    assert.deepEqual(
      raised((m) => find(m.models, "llm").fineTunedOn!.push("curated")),
      [["model-version", "llm", "model 'llm' changed: fine-tuning data added 'curated'", "ml-team@example.com", "element"]],
    );
  });

  it("the reason for a model or retraining review fits the model: a scorer's accuracy, and fairness where it decides about people", () => {
    /** Reasons of the items `edit` raises, when both versions have had `setup` applied. */
    const reasons = (setup: (model: ThreatModel) => void, edit: (model: ThreatModel) => void) => {
      const before = shop();
      setup(before);
      const after = structuredClone(before);
      edit(after);
      return reviewTriggers(diffModels(before, after), before, after).map((i) => [i.element, i.reason]);
    };
    const generative = "a different model behaves differently: refusals, tool choice and resistance to injection need checking again";
    const scorer = "a different model behaves differently: its accuracy, error rates and resistance to crafted input need checking again";
    const fairness = "; it decides about people: re-run its tests of decisions across groups of people (fairness-testing)";
    const retraining = "the model learns from this data; check its provenance, poisoning and personal data in it";
    const newVersion = (m: ThreatModel) => void (find(m.models, "llm").version = "m-2");
    assert.deepEqual(reasons(() => {}, newVersion), [["llm", generative]]);
    const scoring = (m: ThreatModel) => void (find(m.models, "llm").task = "classification");
    assert.deepEqual(reasons(scoring, newVersion), [["llm", scorer]]);
    const aboutPeople = (m: ThreatModel) => {
      scoring(m);
      find(m.models, "llm").decision = { what: "which applicants are rejected", stakes: "high", aboutPeople: true };
      // The fine-tuning pipeline trains llm too.
      m.flows.push({ id: "tune-out", from: "tune", to: "llm", channel: "training" });
    };
    assert.deepEqual(reasons(aboutPeople, newVersion), [["llm", scorer + fairness]]);
    assert.deepEqual(
      reasons(aboutPeople, (m) => {
        find(m.datasets, "tuning-set").location = "s3://new-bucket";
        find(m.datasets, "curated").provenance = "scraped";
        find(m.datasets, "eval-set").location = "s3://evals";
      }),
      [
        ["curated", retraining + fairness],
        ["tuning-set", retraining + fairness],
      ],
    );
    // The same data trains a model that decides nothing about people: no fairness check asked.
    assert.deepEqual(reasons(scoring, (m) => void (find(m.datasets, "tuning-set").location = "s3://new-bucket")), [["tuning-set", retraining]]);
  });

  it("retraining: training data or a training pipeline changed; other datasets and pipelines do not count", () => {
    assert.deepEqual(
      raised((m) => {
        find(m.datasets, "tuning-set").location = "s3://new-bucket";
        find(m.datasets, "curated").provenance = "scraped";
        find(m.datasets, "eval-set").location = "s3://evals";
        find(m.pipelines, "tune").schedule = "weekly";
        find(m.pipelines, "embed").schedule = "hourly";
      }),
      [
        ["retraining", "curated", "training data 'curated' changed (provenance)", "shop-owner@example.com", "system"],
        ["retraining", "tune", "fine-tuning pipeline 'tune' changed (schedule)", "ml-team@example.com", "element"],
        ["retraining", "tuning-set", "training data 'tuning-set' changed (location)", "shop-owner@example.com", "system"],
      ],
    );
  });

  it("tools added to an agent, changed or removed; a removed element's owner comes from the old model", () => {
    assert.deepEqual(
      raised((m) => {
        find(m.agents, "helper").tools!.push("mailer");
        find(m.tools, "lookup").capabilities[0]!.on = ["orders", "index"];
      }),
      [
        ["tool", "helper", "agent 'helper' tools: added 'mailer'", "agent-team@example.com", "element"],
        ["tool", "lookup", "tool 'lookup' changed (capabilities[0].on)", "shop-owner@example.com", "system"],
      ],
    );
    assert.deepEqual(
      raised((m) => (m.tools = m.tools.filter((t) => t.id !== "mailer"))),
      [["tool", "mailer", "tool 'mailer' removed", "mail-team@example.com", "element"]],
    );
  });

  it("MCP servers: a server changed, or one an agent connects to added or removed", () => {
    assert.deepEqual(
      raised((m) => (find(m.mcpServers, "files-mcp").version = "2.0")),
      [["mcp-server", "files-mcp", "MCP server 'files-mcp' changed (version)", "shop-owner@example.com", "system"]],
    );
    assert.deepEqual(
      raised((m) => (find(m.agents, "helper").mcpServers = [])),
      [["mcp-server", "helper", "agent 'helper' MCP servers: removed 'files-mcp'", "agent-team@example.com", "element"]],
    );
  });

  it("retrieval sources added or changed, and retrieval flows, which ask the owner of the component that retrieves", () => {
    assert.deepEqual(
      raised((m) => {
        m.sources.push({ id: "tickets", type: "tickets", writableBy: ["visitors"] });
        find(m.sources, "wiki").contentTypes = ["html"];
        m.flows.push({ id: "rag", from: "index", to: "helper", channel: "retrieval" });
      }),
      [
        ["retrieval-source", "rag", "retrieval flow 'rag' into 'helper' added", "agent-team@example.com", "element"],
        ["retrieval-source", "tickets", "retrieval source 'tickets' added", "shop-owner@example.com", "system"],
        ["retrieval-source", "wiki", "retrieval source 'wiki' changed (contentTypes)", "docs-team@example.com", "element"],
      ],
    );
    assert.deepEqual(
      raised((m) => (m.sources = [])),
      [],
      "a source taken away raises nothing",
    );
  });

  it("identities, permissions and credentials; a credential asks its identity's owner", () => {
    assert.deepEqual(
      raised((m) => {
        const identity = find(m.identities, "db-sa");
        identity.environments = ["production"];
        identity.permissions![0]!.actions = ["read", "write"];
        identity.credentials![0]!.storage = "env-var";
        find(m.tools, "lookup").runsAs = undefined;
      }),
      [
        ["tool", "lookup", "tool 'lookup' changed (runsAs)", "shop-owner@example.com", "system"],
        ["identity", "db-sa", "identity 'db-sa' changed (environments)", "dba@example.com", "element"],
        ["identity", "lookup", "'lookup' now acts as no identity (was 'db-sa')", "shop-owner@example.com", "system"],
        ["permission", "db-sa", "permissions of identity 'db-sa' changed (permissions[0].actions)", "dba@example.com", "element"],
        ["credential", "db-pass", "credential 'db-pass' of identity 'db-sa' changed (storage)", "dba@example.com", "identity"],
      ],
    );
  });

  it("boundaries and data sensitivity", () => {
    assert.deepEqual(
      raised((m) => {
        m.boundaries.push({ id: "vendor", type: "vendor" });
        find(m.models, "embedder").boundary = "vendor";
        find(m.data, "order-data").flags = ["payment"];
      }),
      [
        ["boundary", "embedder", "'embedder' moved from trust boundary none to 'vendor'", "shop-owner@example.com", "system"],
        ["boundary", "vendor", "trust boundary 'vendor' added", "shop-owner@example.com", "system"],
        ["data", "order-data", "data element 'order-data' changed (flags)", "shop-owner@example.com", "system"],
      ],
    );
  });

  it("what an agent's or a model's answer decides, and the system's EU AI Act risk class", () => {
    assert.deepEqual(
      raised((m) => {
        find(m.models, "llm").decision = { what: "which applicants are rejected", stakes: "high", aboutPeople: true };
        find(m.agents, "helper").decision = { what: "which refunds are paid", stakes: "low" };
        m.system.euAiActRisk = "minimal";
      }),
      [
        ["automated-decision", "helper", "agent 'helper' now declares a decision (stakes low)", "agent-team@example.com", "element"],
        ["automated-decision", "llm", "model 'llm' now declares a decision (stakes high, about people)", "ml-team@example.com", "element"],
        ["risk-class", "shop", "EU AI Act risk class changed from unset to minimal", "shop-owner@example.com", "element"],
      ],
    );
    // Rewording what is decided raises nothing; its stakes or whom it is about does.
    const deciding = (m: ThreatModel) => (find(m.models, "llm").decision = { what: "which applicants are rejected", stakes: "high", aboutPeople: true });
    const from = (edit: (model: ThreatModel) => void) => {
      const before = shop();
      deciding(before);
      const after = structuredClone(before);
      edit(after);
      return reviewTriggers(diffModels(before, after), before, after).map((i) => [i.trigger, i.what]);
    };
    assert.deepEqual(from((m) => (find(m.models, "llm").decision!.what = "which applications are declined")), []);
    assert.deepEqual(from((m) => delete find(m.models, "llm").decision!.aboutPeople), [["automated-decision", "model 'llm' decision stakes changed from high, about people to high"]]);
  });

  it("an accepted risk whose anchoring elements changed asks the decision's owner to look again", () => {
    const accepted = (m: ThreatModel, status: "accepted" | "open" = "accepted") =>
      m.decisions.push({ finding: "TW-DAT-009@helper+llm", status, owner: "dpo@example.com", justification: "EU data residency under the vendor's DPA", expires: "2027-03-31" });
    const from = (edit: (model: ThreatModel) => void, status: "accepted" | "open" = "accepted") => {
      const before = shop();
      accepted(before, status);
      const after = structuredClone(before);
      edit(after);
      return reviewTriggers(diffModels(before, after), before, after)
        .filter((i) => i.trigger === "accepted-risk")
        .map((i) => [i.element, i.what, i.owner, i.ownerFrom]);
    };
    assert.deepEqual(
      from((m) => (find(m.models, "llm").provider = "Other vendor")),
      [["TW-DAT-009@helper+llm", "accepted finding 'TW-DAT-009@helper+llm' rests on 'llm', which changed (provider)", "dpo@example.com", "decision"]],
    );
    // Free text, an element the finding is not anchored at, an open finding, or a decision reviewed in the same change: nothing to ask.
    assert.deepEqual(from((m) => (find(m.models, "llm").description = "The chat model")), []);
    assert.deepEqual(from((m) => (find(m.models, "embedder").provider = "Other vendor")), []);
    assert.deepEqual(from((m) => (find(m.models, "llm").provider = "Other vendor"), "open"), []);
    assert.deepEqual(
      from((m) => {
        find(m.models, "llm").provider = "Other vendor";
        m.decisions[0]!.reviewed = "2026-11-20";
      }),
      [],
    );
  });

  it("a control that changed what it does but keeps its old verification asks for the check again", () => {
    const verified = (m: ThreatModel) => m.controls.push({ id: "approval", type: "human-approval", covers: ["lookup"], condition: "refunds only", verified: true, verifiedOn: "2026-09-10" });
    const raisedFrom = (edit: (model: ThreatModel) => void) => {
      const before = shop();
      verified(before);
      const after = structuredClone(before);
      edit(after);
      return reviewTriggers(diffModels(before, after), before, after).map((i) => [i.trigger, i.element, i.what, i.owner]);
    };
    assert.deepEqual(
      raisedFrom((m) => {
        const control = find(m.controls, "approval");
        delete control.condition;
        control.separateFromRequester = true;
        control.unanswered = "proceeds";
      }),
      // Controls have no owner of their own: the system's owner is asked. Going ahead unanswered is weaker too: one item says both.
      [["control", "approval", "control 'approval' (human-approval) now lets an action go ahead when nobody answers in time; changed (condition, separateFromRequester, unanswered) and keeps verified: true from 2026-09-10", "shop-owner@example.com"]],
    );
    assert.deepEqual(
      raisedFrom((m) => Object.assign(find(m.controls, "approval"), { condition: "refunds over 10 EUR", separateFromRequester: true })),
      [["control", "approval", "control 'approval' changed (condition, separateFromRequester) and keeps verified: true from 2026-09-10", "shop-owner@example.com"]],
    );
    // Checked again (a new verifiedOn), or no longer claimed verified: nothing stale to ask about. Evidence alone changes nothing it does.
    assert.deepEqual(raisedFrom((m) => Object.assign(find(m.controls, "approval"), { condition: "any refund", verifiedOn: "2026-11-20" })), []);
    // No longer claimed verified is a weaker control: that asks too, but about the credit the findings lose, not a stale check.
    assert.deepEqual(raisedFrom((m) => Object.assign(find(m.controls, "approval"), { condition: "any refund", verified: false })), [
      ["control", "approval", "control 'approval' (human-approval) is no longer verified", "shop-owner@example.com"],
    ]);
    assert.deepEqual(raisedFrom((m) => (find(m.controls, "approval").evidence = [{ type: "doc", ref: "runbook" }])), []);
  });

  it("a control that bounds what goes wrong, removed or weakened, asks for confirmation (controls have no owner: the system's is asked): the findings it covered lose its credit", () => {
    const before = shop();
    before.controls.push(
      { id: "approval", type: "human-approval", covers: ["lookup"], verified: true, threshold: { amount: 100, currency: "EUR" } },
      { id: "deid", type: "data-minimisation", covers: ["tune"] },
      { id: "filter", type: "input-filtering", covers: ["helper"] },
    );
    const raisedFrom = (edit: (model: ThreatModel) => void) => {
      const after = structuredClone(before);
      edit(after);
      return reviewTriggers(diffModels(before, after), before, after).map((i) => [i.trigger, i.element, i.what, i.owner, i.ownerFrom]);
    };
    const items = raisedFrom((m) => (m.controls = m.controls.filter((c) => c.id !== "approval" && c.id !== "deid")));
    assert.deepEqual(items, [
      ["control", "approval", "control 'approval' (human-approval) removed", "shop-owner@example.com", "system"],
      ["control", "deid", "control 'deid' (data-minimisation) removed", "shop-owner@example.com", "system"],
    ]);
    const withoutApproval = Object.assign(structuredClone(before), { controls: before.controls.filter((c) => c.id !== "approval") });
    const [item] = reviewTriggers(diffModels(before, withoutApproval), before, withoutApproval);
    assert.match(item!.reason, /findings on what it covered \('lookup'\) lose its credit/);
    assert.deepEqual(raisedFrom((m) => (find(m.controls, "approval").threshold = { amount: 500, currency: "EUR" })), [
      ["control", "approval", "control 'approval' (human-approval) threshold raised from 100 to 500; changed (threshold) and keeps verified: true", "shop-owner@example.com", "system"],
    ]);
    // Must not ask: a control made stronger, one added, or one of a type that does not bound the harm (screening input).
    assert.deepEqual(raisedFrom((m) => Object.assign(find(m.controls, "approval"), { threshold: { amount: 50, currency: "EUR" }, verifiedOn: "2026-11-20" })), []);
    assert.deepEqual(raisedFrom((m) => m.controls.push({ id: "cap", type: "spend-limit", covers: ["lookup"] })), []);
    assert.deepEqual(raisedFrom((m) => (m.controls = m.controls.filter((c) => c.id !== "filter"))), []);
  });

  it("raises nothing for free text, bookkeeping or controls", () => {
    assert.deepEqual(
      raised((m) => {
        find(m.prompts, "sys-prompt").description = "Tone and policy";
        find(m.tools, "lookup").capabilities[0]!.description = "One order";
        find(m.models, "llm").name = "Chat model";
        find(m.identities, "db-sa").lastUsed = "2026-11-01";
        find(m.identities, "db-sa").credentials![0]!.rotation!.lastRotated = "2026-11-01";
        find(m.data, "order-data").description = "Orders";
        m.controls.push({ id: "approval", type: "human-approval", covers: ["lookup"] });
      }),
      [],
    );
  });

  it("raises nothing for another organisation's agent: its models, tools and prompts are not the team's to review", () => {
    const partner = { id: "partner", thirdParty: true, models: ["llm"], tools: ["mailer"], prompts: ["sys-prompt"], owner: "partner@example.com" };
    // Added with internals listed (loading warns that they are ignored), then its internals changed.
    assert.deepEqual(raised((m) => m.agents.push(structuredClone(partner))), []);
    const before = shop();
    before.agents.push(structuredClone(partner));
    const after = structuredClone(before);
    find(after.agents, "partner").models = ["embedder"];
    find(after.agents, "partner").tools = [];
    assert.deepEqual(reviewTriggers(diffModels(before, after), before, after), []);
    // The same edits to an agent the team runs each ask for a review.
    assert.deepEqual(
      raised((m) => {
        find(m.agents, "helper").models = ["embedder"];
        find(m.agents, "helper").tools = [];
      }).map(([trigger]) => trigger),
      ["model-version", "tool"],
    );
  });

  it("raises only the kinds the new model's review.triggers lists", () => {
    const edit = (m: ThreatModel) => {
      find(m.prompts, "sys-prompt").version = "2";
      find(m.models, "llm").version = "m-2";
      find(m.tools, "lookup").capabilities[0]!.on = ["orders", "index"];
    };
    assert.deepEqual(
      raised((m) => {
        edit(m);
        m.review!.triggers = ["prompt", "tool"];
      }).map(([trigger, element]) => `${trigger} ${element}`),
      ["prompt sys-prompt", "tool lookup"],
    );
    assert.deepEqual(
      raised((m) => {
        edit(m);
        m.review!.triggers = [];
      }),
      [],
    );
    assert.equal(raised(edit).length, 3, "all kinds when the list is absent");
  });
});
