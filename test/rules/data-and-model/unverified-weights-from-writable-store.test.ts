import assert from "node:assert/strict";
import type { Finding } from "../../../src/analysis/analyze.js";
import { unverifiedWeightsFromWritableStore } from "../../../src/rules/data-and-model/unverified-weights-from-writable-store.js";
import { publicChat } from "../building-blocks.js";
import { ruleTester, spec, type ModelSpec } from "../rule-tester.js";

// Rule defaults: likelihood 2, impact 4. The served model below is a generation model on an internal
// inference server, in safetensors, that no outsider queries and no agent acts on: impact -1, so 3.

/** A model whose inference server pulls its file from the registry on deploy; the server's own role only reads the registry. */
function served(model: Record<string, unknown> = {}, artifact: Record<string, unknown> = {}, store: Record<string, unknown> = {}, server: Record<string, unknown> = {}): ModelSpec {
  return {
    services: [{ id: "serving", type: "inference-server", runsAs: "serving-role", ...server }],
    datastores: [{ id: "registry", name: "Model registry", type: "object", ...store }],
    models: [{ id: "scorer", provider: "ML team", hosting: "self-hosted", runsOn: "serving", artifact: { source: "internal", format: "safetensors", ...artifact }, ...model }],
    flows: [{ id: "registry-to-serving", from: "registry", to: "serving", channel: "file" }],
    identities: [{ id: "serving-role", type: "workload-identity", permissions: [{ resource: "registry", actions: ["read"] }] }],
  };
}

/** The CI publisher: a service account that may write and publish to the registry, with a static key stored as a CI secret unless overridden. */
function publisher(credential: Record<string, unknown> = {}, identity: Record<string, unknown> = {}): ModelSpec {
  return {
    identities: [
      {
        id: "ci-sa",
        name: "CI service account",
        type: "service-account",
        permissions: [{ resource: "registry", actions: ["write", "publish"] }],
        credentials: [{ id: "ci-key", type: "api-key", lifetime: "static", storage: "ci-secret", location: "REGISTRY_KEY", ...credential }],
        ...identity,
      },
    ],
  };
}

/** A training job, running as the CI service account, that fine-tunes a public-hub pickle and publishes into the registry. */
function hubBaseModel(artifact: Record<string, unknown>): ModelSpec {
  return {
    models: [{ id: "base-llm", provider: "Community", hosting: "self-hosted", artifact: { source: "public-hub", format: "pickle", ...artifact } }],
    pipelines: [{ id: "train", type: "fine-tuning", runsAs: "ci-sa" }],
    flows: [
      { id: "hub-download", from: "base-llm", to: "train", channel: "file" },
      { id: "train-publishes", from: "train", to: "registry", channel: "file" },
    ],
  };
}

/** Only a workload identity with a short-lived token writes the registry. */
const shortLived = publisher({ type: "federated", lifetime: "short-lived", location: "CI OIDC token" }, { type: "workload-identity" });

const scores = (inherent: number, residual: number) => (f: Finding) => assert.deepEqual([f.inherent.score, f.residual.score], [inherent, residual]);
const reason = (pattern: RegExp) => (f: Finding) => assert.ok(f.reasons.some((r) => pattern.test(r)), f.reasons.join("\n"));
const both =
  (...checks: ((f: Finding) => void)[]) =>
  (f: Finding) => {
    for (const check of checks) check(f);
  };
const anchors = ["scorer", "registry"];

ruleTester(unverifiedWeightsFromWritableStore, {
  valid: [
    { name: "near miss: the deployment pins the artifact's digest", model: spec(served({}, { digest: "sha256:1f2e" }), publisher()) },
    { name: "near miss: the artifact's signature is verified before loading", model: spec(served({}, { signed: true }), publisher()) },
    { name: "weights from a public hub (TW-DAT-006's finding)", model: spec(served({}, { source: "public-hub" }), publisher()) },
    {
      name: "a vendor-hosted API, even with an artifact written down",
      model: spec(served({ hosting: "hosted-api", version: "v1", pinned: true }), publisher(), { flows: [{ id: "registry-to-model", from: "registry", to: "scorer", channel: "file" }] }),
    },
    { name: "nobody else writes the store: no writer modelled", model: spec(served()) },
    {
      name: "only the loading runtime writes the store: its own role and its own flow",
      model: {
        ...served(),
        identities: [{ id: "serving-role", type: "workload-identity", permissions: [{ resource: "registry", actions: ["read", "write"] }] }],
        flows: [
          { id: "registry-to-serving", from: "registry", to: "serving", channel: "file" },
          { id: "serving-caches", from: "serving", to: "registry", channel: "file" },
        ],
      },
    },
    { name: "the store is a vector store, not one that keeps files", model: spec(served({}, {}, { type: "vector" }), publisher()) },
    {
      name: "the store feeds the server by API (a feature lookup), not a file",
      model: spec({ ...served(), flows: [{ id: "registry-to-serving", from: "registry", to: "serving", channel: "api" }] }, publisher()),
    },
    {
      name: "the file goes through a training pipeline first: it trains on it (TW-DAT-002's ground)",
      model: spec(
        { ...served(), flows: [] },
        publisher(),
        {
          pipelines: [{ id: "train", type: "training" }],
          flows: [
            { id: "registry-to-train", from: "registry", to: "train", channel: "file" },
            { id: "train-to-serving", from: "train", to: "serving", channel: "file" },
          ],
        },
      ),
    },
    {
      name: "the registry's files go to a service the model does not run on",
      model: spec({ ...served(), flows: [{ id: "registry-to-other", from: "registry", to: "other", channel: "file" }] }, publisher(), { services: [{ id: "other", type: "api" }] }),
    },
  ],
  invalid: [
    {
      name: "a CI publisher with a static key stored as a CI secret",
      model: spec(served(), publisher()),
      // likelihood 2 +1 (static key as a CI secret) = 3; impact 4 -1 (only the team reads it, nothing acts on it) = 3; 9 medium
      findings: [
        {
          anchors,
          severity: "medium",
          summary: /scorer loads its weights from Model registry with no pinned digest and no verified signature, and CI service account can write there/,
          check: both(
            scores(9, 9),
            reason(/\+1 CI service account can write Model registry with a static api-key stored as a CI secret/),
            reason(/-1 scorer answers only the team's own people/),
            (f) => {
              assert.deepEqual(f.evidence.map((e) => e.element), ["scorer", "registry-to-serving", "registry", "ci-sa"]);
              assert.match(f.evidence.find((e) => e.element === "ci-sa")!.note, /may write, publish on Model registry; credential ci-key: static api-key in ci-secret \(REGISTRY_KEY\)/);
              assert.deepEqual(f.missingControls, ["signed-artifacts", "pinned-artifacts", "least-privilege", "human-approval", "model-monitoring"]);
            },
          ),
        },
      ],
    },
    {
      name: "only a workload identity with short-lived credentials writes it",
      model: spec(served(), shortLived),
      // likelihood 2 -1 (short-lived workload identity only) = 1; impact 3; 3 low
      findings: [{ anchors, severity: "low", check: both(scores(3, 3), reason(/-1 only CI service account writes Model registry, with short-lived credentials/)) }],
    },
    {
      name: "the training job that publishes runs as that short-lived identity: still only the identity writes",
      model: spec(served(), shortLived, {
        services: [{ id: "runner", type: "ci-runner", runsAs: "ci-sa" }],
        pipelines: [{ id: "train", type: "training", runsOn: "runner", runsAs: "ci-sa" }],
        flows: [{ id: "train-publishes", from: "train", to: "registry", channel: "file" }],
      }),
      // likelihood 1, impact 3: 3 low; the job is a writer in the evidence
      findings: [{ anchors, severity: "low", check: both(scores(3, 3), (f) => assert.match(f.evidence.find((e) => e.element === "train")!.note, /writes into Model registry \(flow train-publishes\), as CI service account/)) }],
    },
    {
      name: "short-lived, but the publishing job loads a hub pickle with no digest, whose code runs as the identity",
      model: spec(served(), shortLived, hubBaseModel({})),
      // likelihood 2 +1 (hub code runs with the writer's access; no step down) = 3; impact 3: 9 medium
      findings: [
        {
          anchors,
          severity: "medium",
          check: both(
            scores(9, 9),
            reason(/\+1 CI service account can write Model registry, and code in base-llm's pickle file from a public hub \(no digest\) runs with its access when train loads it/),
            (f) => assert.match(f.evidence.find((e) => e.element === "train")!.note, /code in base-llm's pickle file from a public hub \(no digest\) runs with this access when train loads it \(TW-DAT-005\)/),
          ),
        },
      ],
    },
    {
      name: "the same job loads the hub pickle by digest: only the short-lived identity writes",
      model: spec(served(), shortLived, hubBaseModel({ digest: "sha256:9f2c" })),
      // likelihood 2 -1 = 1; impact 3: 3 low
      findings: [{ anchors, severity: "low", check: scores(3, 3) }],
    },
    {
      name: "short-lived, but people sign in as the identity too",
      model: spec(served(), publisher({ type: "federated", lifetime: "short-lived" }, { type: "workload-identity", humanUse: true })),
      // likelihood 2 (no step down: people use it), impact 3: 6 medium
      findings: [{ anchors, severity: "medium", check: scores(6, 6) }],
    },
    {
      name: "a job with no identity publishes into the store",
      model: spec(served(), { pipelines: [{ id: "train", type: "training" }], flows: [{ id: "train-publishes", from: "train", to: "registry", channel: "file" }] }),
      // likelihood 2 (nothing known about how it writes), impact 3: 6 medium
      findings: [{ anchors, severity: "medium", check: scores(6, 6) }],
    },
    {
      name: "a labelling partner may write the registry",
      model: spec(served({}, {}, { writableBy: ["labellers"] }), { actors: [{ id: "labellers", name: "Labelling vendor", type: "partner" }] }),
      // likelihood 2 +1 (a partner outside the trusted team) = 3; impact 3: 9 medium
      findings: [{ anchors, severity: "medium", check: both(scores(9, 9), reason(/\+1 Labelling vendor \(partner, outside the trusted team\) can write Model registry/)) }],
    },
    {
      name: "anyone on the internet may write the registry",
      model: spec(served({}, {}, { writableBy: ["anyone"] }), { actors: [{ id: "anyone", type: "public" }] }),
      // likelihood 2 +2 = 4; impact 3: 12 high
      findings: [{ anchors, severity: "high", check: both(scores(12, 12), reason(/\+2 anyone on the internet \(anyone\) can write Model registry/)) }],
    },
    {
      name: "employees may write the registry: trusted, so no step",
      model: spec(served({}, {}, { writableBy: ["staff"] }), { actors: [{ id: "staff", type: "employee" }] }),
      // likelihood 2, impact 3: 6 medium
      findings: [{ anchors, severity: "medium", check: both(scores(6, 6), (f) => assert.match(f.evidence.find((e) => e.element === "staff")!.note, /listed in Model registry's writableBy/)) }],
    },
    {
      name: "a pickle classifier served to partners behind API keys, with a credential on its server",
      model: spec(
        // The server is on the internet and asks for API keys; a metrics key sits in its environment.
        served({ task: "classification" }, { format: "pickle" }, {}, { exposure: "internet", authentication: "api-key" }),
        publisher(),
        {
          actors: [{ id: "partners", type: "partner", authenticated: true }],
          flows: [{ id: "partner-calls", from: "partners", to: "serving", channel: "api" }],
          identities: [{ id: "metrics-sa", type: "api-key", credentials: [{ id: "metrics-key", type: "api-key", lifetime: "static", storage: "env-var", presentIn: ["serving"] }] }],
        },
      ),
      // likelihood 2 +1 (static CI key) = 3; impact 4 +1 (partners query it) +1 (classifier) +1 (pickle next to metrics-key) = 7, capped at 5: 15 high
      findings: [
        {
          anchors,
          severity: "high",
          check: both(scores(15, 15), reason(/\+1 scorer answers holders of API keys for serving \(partners\)/), reason(/\+1 scorer is a classifier/), reason(/\+1 a swapped pickle file runs its code when it is loaded on serving, next to metrics-key/)),
        },
      ],
    },
    {
      name: "agents act through tools on a generation model's output",
      model: spec(served(), publisher(), {
        datastores: [{ id: "orders", type: "relational" }],
        tools: [{ id: "update-order", capabilities: [{ action: "write", on: ["orders"] }] }],
        agents: [{ id: "ops-agent", models: ["scorer"], tools: ["update-order"] }],
      }),
      // likelihood 3; impact 4 +1 (ops-agent acts on its output) = 5: 15 high
      findings: [{ anchors, severity: "high", check: both(scores(15, 15), reason(/\+1 ops-agent acts through tools on its output/)) }],
    },
    {
      name: "the deployment pins a version (not a digest)",
      model: spec(served({ version: "scorer-v7", pinned: true }), publisher()),
      // likelihood 2 +1 -1 = 2; impact 3: 6 medium
      findings: [{ anchors, severity: "medium", check: both(scores(6, 6), reason(/-1 scorer is pinned to a version/)) }],
    },
    {
      name: "a capable adversary names the registry as its way in",
      model: spec(served(), publisher(), { adversaries: [{ id: "apt", type: "organised-crime", capability: "high", via: ["registry"] }] }),
      // likelihood 2 +1 (static CI key) +1 (high-capability adversary at the registry) = 4; impact 3: 12 high
      findings: [{ anchors, severity: "high", check: scores(12, 12) }],
    },
    {
      name: "an agent that reads public chat can write the registry through a tool",
      model: spec(served(), publicChat("ops-agent", { tools: ["upload-model"] }), { tools: [{ id: "upload-model", capabilities: [{ action: "write", on: ["registry"] }] }] }),
      // likelihood 2 +1 (a steered agent writes it) = 3; impact 3: 9 medium
      findings: [{ anchors, severity: "medium", check: both(scores(9, 9), reason(/\+1 ops-agent reads untrusted text and can write Model registry through upload-model/)) }],
    },
    {
      name: "a deployment job between the registry and the server (it may read the registry itself)",
      model: spec(
        { ...served(), flows: [] },
        publisher(),
        {
          pipelines: [{ id: "deploy", type: "batch", runsAs: "deploy-sa" }],
          identities: [{ id: "deploy-sa", type: "workload-identity", permissions: [{ resource: "registry", actions: ["read", "write"] }] }],
          flows: [
            { id: "registry-to-deploy", from: "registry", to: "deploy", channel: "file" },
            { id: "deploy-to-serving", from: "deploy", to: "serving", channel: "file" },
          ],
        },
      ),
      // deploy-sa is the loading runtime's, so CI service account is the only other writer: likelihood 3, impact 3: 9 medium
      findings: [
        {
          anchors,
          severity: "medium",
          summary: /from Model registry \(through deploy\)/,
          check: both(scores(9, 9), (f) => assert.deepEqual(f.evidence.map((e) => e.element), ["scorer", "registry-to-deploy", "deploy-to-serving", "deploy", "registry", "ci-sa"])),
        },
      ],
    },
    {
      name: "a verified pinned-artifacts control on the model",
      model: spec(served(), publisher(), { controls: [{ id: "deploy-pin", type: "pinned-artifacts", covers: ["scorer"], verified: true }] }),
      // inherent 3 x 3 = 9; the pin takes 2 off likelihood: 1 x 3 = 3 low
      findings: [{ anchors, severity: "low", check: both(scores(9, 3), (f) => assert.deepEqual(f.controls.map((c) => c.control), ["deploy-pin"])) }],
    },
    {
      name: "an unverified signed-artifacts control on the server that loads it",
      model: spec(served(), publisher(), { controls: [{ id: "sig-check", type: "signed-artifacts", covers: ["serving"] }] }),
      // inherent 9; unverified: half of 2 off likelihood: 2 x 3 = 6 medium
      findings: [{ anchors, severity: "medium", check: scores(9, 6) }],
    },
    {
      name: "a pinned-artifacts control on the registry only: nothing pins what the server loads",
      model: spec(served(), publisher(), { controls: [{ id: "immutable", type: "pinned-artifacts", covers: ["registry"], verified: true }] }),
      findings: [{ anchors, severity: "medium", check: both(scores(9, 9), (f) => assert.ok(f.missingControls.includes("pinned-artifacts"))) }],
    },
    {
      name: "least privilege on the registry's own access policy",
      model: spec(served(), publisher(), { controls: [{ id: "registry-policy", type: "least-privilege", covers: ["registry"], verified: true }] }),
      // inherent 9; -1 likelihood: 2 x 3 = 6 medium
      findings: [{ anchors, severity: "medium", check: scores(9, 6) }],
    },
    {
      name: "least privilege on the only identity that writes, which the publishing job runs as",
      model: spec(served(), publisher(), {
        pipelines: [{ id: "train", type: "training", runsAs: "ci-sa" }],
        flows: [{ id: "train-publishes", from: "train", to: "registry", channel: "file" }],
        controls: [{ id: "ci-scoped", type: "least-privilege", covers: ["ci-sa"], verified: true }],
      }),
      // inherent 9; -1 likelihood: 6 medium
      findings: [{ anchors, severity: "medium", check: both(scores(9, 6), (f) => assert.deepEqual(f.controls.map((c) => c.control), ["ci-scoped"])) }],
    },
    {
      name: "least privilege on the CI identity while employees can also write the registry: it does not count",
      model: spec(served({}, {}, { writableBy: ["staff"] }), publisher(), {
        actors: [{ id: "staff", name: "Data scientists", type: "employee" }],
        controls: [{ id: "ci-scoped", type: "least-privilege", covers: ["ci-sa"], verified: true }],
      }),
      // likelihood 3 (static CI key), impact 3: 9, and no reduction
      findings: [
        {
          anchors,
          severity: "medium",
          check: both(scores(9, 9), (f) => assert.match(f.evidence.find((e) => e.element === "ci-scoped")!.note, /Data scientists can still write Model registry, so it does not count/)),
        },
      ],
    },
    {
      name: "a promotion review on the registry, and a planned one",
      model: spec(served(), publisher(), {
        controls: [
          { id: "promotion-review", type: "human-approval", covers: ["registry"], verified: true },
          { id: "model-card", type: "human-approval", covers: ["registry"], status: "planned" },
        ],
      }),
      // inherent 9; -1 likelihood: 6 medium
      findings: [{ anchors, severity: "medium", check: scores(9, 6) }],
    },
    {
      name: "model monitoring on the served model",
      model: spec(served(), publisher(), { controls: [{ id: "drift", type: "model-monitoring", covers: ["scorer"], verified: true }] }),
      // inherent 9; -1 impact: 3 x 2 = 6 medium
      findings: [{ anchors, severity: "medium", check: scores(9, 6) }],
    },
  ],
});
