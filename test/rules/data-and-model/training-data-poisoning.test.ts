import assert from "node:assert/strict";
import { trainingDataPoisoning } from "../../../src/rules/data-and-model/training-data-poisoning.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A classifier fine-tuned on the set "ds" whose score decides which payments are blocked, at the given stakes. */
const scorer = (stakes: "low" | "high") => ({
  models: [{ id: "scorer", provider: "Risk team", hosting: "self-hosted", task: "classification", fineTunedOn: ["ds"], decision: { what: "which payments are blocked", stakes } }],
});
const tunedOn = (dataset: string) => ({ models: [{ id: "tuned", provider: "Team", hosting: "self-hosted", fineTunedOn: [dataset] }] });

/** A dataset feeding a pipeline of the given type. */
function pipelineFrom(dataset: Record<string, unknown>, type: string) {
  return {
    datasets: [dataset],
    pipelines: [{ id: "job", type }],
    flows: [
      { id: "ds-to-job", from: dataset.id, to: "job", channel: "training" },
      { id: "job-to-model", from: "job", to: "llm", channel: "training" },
    ],
  };
}

/**
 * Vendor labellers write labels in a labelling service, which writes them into a bucket the training set
 * is exported from; the set feeds a fine-tuning job. No writableBy anywhere: only the flows say who writes.
 * `setChannel` is the channel of the bucket-to-set flow, `jobType` the pipeline's type.
 */
function labellingByFlows(labellerType: string, { setChannel = "file", jobType = "fine-tuning" } = {}) {
  return {
    actors: [{ id: "labellers", type: labellerType }],
    services: [{ id: "labelling-saas", type: "web-app" }],
    datastores: [{ id: "bucket", type: "object" }],
    datasets: [{ id: "ds", provenance: "internal" }],
    pipelines: [{ id: "job", type: jobType }],
    flows: [
      { id: "label", from: "labellers", to: "labelling-saas", channel: "api" },
      { id: "labels-out", from: "labelling-saas", to: "bucket", channel: "file" },
      { id: "export", from: "bucket", to: "ds", channel: setChannel },
      { id: "ds-to-job", from: "ds", to: "job", channel: "training" },
      { id: "job-to-model", from: "job", to: "llm", channel: "training" },
    ],
  };
}

ruleTester(trainingDataPoisoning, {
  valid: [
    {
      name: "near miss: an internal dataset only employees write (no insider adversary)",
      model: spec(internalAgent(), tunedOn("ds"), { datasets: [{ id: "ds", provenance: "internal", writableBy: ["staff"] }] }),
    },
    {
      name: "a scraped dataset used only for evaluation",
      model: spec(internalAgent(), pipelineFrom({ id: "ds", provenance: "scraped" }, "evaluation")),
    },
    {
      name: "a public-writable dataset nothing is trained on",
      model: spec(internalAgent(), { actors: [{ id: "anyone", type: "public" }], datasets: [{ id: "ds", provenance: "internal", writableBy: ["anyone"] }] }),
    },
    {
      name: "near miss: employees' records flow into an internal training set (no insider adversary)",
      model: spec(internalAgent(), labellingByFlows("employee")),
    },
    {
      name: "partners' records flow into a set used only for evaluation",
      model: spec(internalAgent(), labellingByFlows("partner", { jobType: "evaluation" })),
    },
  ],
  invalid: [
    {
      name: "anyone on the internet can add records to a fine-tuning set",
      model: spec(internalAgent(), tunedOn("ds"), { actors: [{ id: "anyone", type: "public" }], datasets: [{ id: "ds", provenance: "internal", writableBy: ["anyone"] }] }),
      findings: [
        {
          anchors: ["ds"],
          // likelihood: default 3, +1 entry written by a public actor (exposure 5) = 4; impact: default 4; 16, high
          severity: "high",
          summary: /anyone can shape its records/,
          check: (finding) => assert.equal(finding.inherent.score, 16),
        },
      ],
    },
    {
      name: "a scraped dataset flows into a training pipeline",
      model: spec(internalAgent(), pipelineFrom({ id: "ds", provenance: "scraped" }, "training")),
      findings: [
        {
          anchors: ["ds"],
          // likelihood: 3, +1 scraped provenance = 4; impact 4; 16, high
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 4);
            assert.ok(finding.evidence.some((e) => e.element === "job"));
            assert.ok(finding.evidence.some((e) => e.element === "llm"));
          },
        },
      ],
    },
    {
      name: "partners write the records and a verified input filter on the pipeline screens them",
      model: spec(internalAgent(), pipelineFrom({ id: "ds", provenance: "customer", writableBy: ["supplier"] }, "fine-tuning"), {
        actors: [{ id: "supplier", type: "partner" }],
        controls: [{ id: "screening", type: "input-filtering", covers: ["job"], verified: true }],
      }),
      findings: [
        {
          anchors: ["ds"],
          // likelihood: 3, -1 entry written by a partner (exposure 3) = 2; impact 4: inherent 8, medium.
          // input-filtering (verified) takes 1 off likelihood: residual 1 x 4 = 4, low
          severity: "low",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.equal(finding.residual.score, 4);
            assert.deepEqual(finding.controls.map((c) => c.control), ["screening"]);
          },
        },
      ],
    },
    {
      name: "insiders count when an insider adversary is modelled",
      model: spec(internalAgent(), tunedOn("ds"), {
        datasets: [{ id: "ds", provenance: "internal", writableBy: ["staff"] }],
        adversaries: [{ id: "rogue", type: "insider", capability: "medium" }],
      }),
      // likelihood: 3, -2 employee entry (exposure 2), medium adversary 0 = 1; impact 4: 4, low
      findings: [{ anchors: ["ds"], severity: "low" }],
    },
    {
      name: "vendor labellers reach the set only through flows (labelling service, bucket): no writableBy needed",
      model: spec(internalAgent(), labellingByFlows("partner")),
      findings: [
        {
          anchors: ["ds"],
          // likelihood: 3, -1 entry labellers (partner, exposure 3) = 2; the way labellers → labelling-saas → bucket → ds
          // is 4 hops, 3 steps, so no length factor; impact 4: 8, medium
          severity: "medium",
          summary: /labellers can shape its records \(labellers → labelling-saas → bucket → ds\)/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.ok(finding.reasons[0]!.includes("-1 entry labellers (partner actor"));
            const entry = finding.evidence.find((e) => e.element === "labellers");
            assert.match(entry?.note ?? "", /reach ds via labellers → labelling-saas → bucket → ds/);
            assert.ok(finding.evidence.some((e) => e.element === "job"));
          },
        },
      ],
    },
    {
      name: "the set also trains a fraud model whose score decides which payments are blocked: a backdoor there is worth a step more",
      model: spec(internalAgent(), labellingByFlows("partner"), scorer("high")),
      findings: [
        {
          anchors: ["ds"],
          // As above, likelihood 2; impact 4 + 1 (the highest stakes among the models it trains) = 5: 10, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 10);
            assert.equal(finding.reasons[1], "Impact 5/5: rule default 4; +1 scorer decides which payments are blocked (high stakes): a planted trigger gets the decision the attacker wants.");
          },
        },
      ],
    },
    {
      name: "low stakes take a step off only where every model the set trains declares them: the fine-tuned LLM declares none",
      model: spec(internalAgent(), labellingByFlows("partner"), scorer("low")),
      findings: [{ anchors: ["ds"], severity: "medium", check: (finding) => assert.equal(finding.inherent.score, 8) }],
    },
    {
      name: "low stakes on the only model the set trains take a step off",
      model: spec({ datasets: [{ id: "ds", provenance: "scraped" }] }, scorer("low")),
      findings: [
        {
          anchors: ["ds"],
          // likelihood 3 + 1 (scraped) = 4; impact 4 - 1 (low stakes) = 3: 12, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.reasons[1], "Impact 3/5: rule default 4; -1 scorer decides which payments are blocked (low stakes): a planted trigger gets the decision the attacker wants.");
          },
        },
      ],
    },
    {
      name: "the bucket is written out as the set on the training channel: the labellers' records still get there",
      model: spec(internalAgent(), labellingByFlows("partner", { setChannel: "training" })),
      findings: [
        {
          anchors: ["ds"],
          // the trace stops at training flows, so the rule adds the last hop itself: the same way and score as above,
          // likelihood 3 - 1 (partner) = 2, impact 4: 8, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.match(finding.evidence.find((e) => e.element === "labellers")?.note ?? "", /via labellers → labelling-saas → bucket → ds/);
          },
        },
      ],
    },
    {
      name: "records from a public form wait in three stores on their way to the set",
      model: spec(internalAgent(), {
        actors: [{ id: "anyone", type: "public" }],
        services: [
          { id: "form", type: "web-app" },
          { id: "queue", type: "queue" },
        ],
        datastores: [
          { id: "raw", type: "object" },
          { id: "staging", type: "object" },
          { id: "curated", type: "object" },
        ],
        datasets: [{ id: "ds", provenance: "internal" }],
        models: [{ id: "tuned", provider: "Team", hosting: "self-hosted", fineTunedOn: ["ds"] }],
        flows: [
          { id: "submit", from: "anyone", to: "form", channel: "api" },
          { id: "enqueue", from: "form", to: "queue", channel: "event" },
          { id: "land", from: "queue", to: "raw", channel: "file" },
          { id: "stage", from: "raw", to: "staging", channel: "file" },
          { id: "curate", from: "staging", to: "curated", channel: "file" },
          { id: "export", from: "curated", to: "ds", channel: "file" },
        ],
      }),
      findings: [
        {
          anchors: ["ds"],
          // likelihood: 3, +1 entry anyone (public, exposure 5), -1 the way anyone → form → queue → raw → staging → curated → ds
          // waits in three stores (the form and the queue are services that pass records on and count for nothing) = 3; impact 4: 12, high
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 3);
            assert.equal(finding.inherent.score, 12);
            assert.ok(finding.reasons[0]!.includes("-1 attacker text must pass raw, staging and curated before it acts"));
          },
        },
      ],
    },
    {
      name: "a partner writes the set directly and through a portal: one evidence line says both",
      model: spec(internalAgent(), tunedOn("ds"), {
        actors: [{ id: "supplier", type: "partner" }],
        services: [{ id: "portal", type: "web-app" }],
        datasets: [{ id: "ds", provenance: "internal", writableBy: ["supplier"] }],
        flows: [
          { id: "upload", from: "supplier", to: "portal", channel: "api" },
          { id: "store", from: "portal", to: "ds", channel: "file" },
        ],
      }),
      findings: [
        {
          anchors: ["ds"],
          // entries ds (written by supplier) and supplier, both exposure 3: ds's way is shorter (1 hop), so it is the
          // entry, as before flows counted. likelihood 3 - 1 = 2; impact 4: 8, medium
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.deepEqual(
              finding.evidence.filter((e) => e.element === "supplier").map((e) => e.note),
              ["can write records into ds; their records also reach it via supplier → portal → ds"],
            );
          },
        },
      ],
    },
    {
      name: "partners write the set and a public web source is ingested into it: the most exposed entry sets the score",
      model: spec(internalAgent(), tunedOn("ds"), {
        actors: [{ id: "supplier", type: "partner" }],
        sources: [{ id: "forum", type: "web" }],
        datasets: [{ id: "ds", provenance: "internal", writableBy: ["supplier"] }],
        flows: [{ id: "crawl", from: "forum", to: "ds", channel: "ingestion" }],
      }),
      findings: [
        {
          anchors: ["ds"],
          // entries: forum (web source, exposure 5, +1) and ds itself (written by a partner, exposure 3, -1): forum is
          // the more dangerous. likelihood 3 + 1 = 4 (2 hops, no length factor); impact 4: 16, high
          // who shapes the records is named most dangerous entry first: forum, then ds's writer supplier
          severity: "high",
          summary: /forum and supplier can shape its records \(forum → ds\)/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.ok(finding.evidence.some((e) => e.element === "supplier" && e.note === "can write records into ds"));
            assert.ok(finding.evidence.some((e) => e.element === "forum" && /via forum → ds/.test(e.note)));
          },
        },
      ],
    },
  ],
});
