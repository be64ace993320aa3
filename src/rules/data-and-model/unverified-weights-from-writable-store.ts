import { attackerFactor } from "../../analysis/factors.js";
import { attackerFedInputs, isTrainingPipeline } from "../../analysis/untrusted-content.js";
import type { Control, Flow, Identity, ModelArtifact } from "../../model/schema.js";
import { CONSEQUENTIAL_ACTIONS, type Action, type ControlType } from "../../model/vocabulary.js";
import { injectableAgentsReaching, names, someNames, strengthIn } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, Rule } from "../rule.js";
import { endpointWho, inferenceEndpoint } from "./model-access.js";
import { loadSites, PICKLE_BASED } from "./unsafe-model-format.js";

/** Grants that let an identity change what a store holds: put a file in, replace one, or remove the newest so an older one is served. */
const WRITE_ACTIONS: ReadonlySet<Action> = new Set<Action>(["write", "publish", "delete", "admin"]);

/** Stores that keep files such as weights: an object store or registry on one, a file share, a repository (Git LFS). */
const FILE_STORES: ReadonlySet<string> = new Set(["object", "file-share", "code-repository"]);

/** Where a static secret is within reach of many: every CI job and whoever edits one, every clone, every copy of a config. */
const SPREAD_STORAGE: Readonly<Record<string, string>> = {
  "ci-secret": "stored as a CI secret: every job, and whoever can change one, can use it",
  "source-code": "kept in source code: every clone has it",
  "config-file": "kept in a configuration file, where copies spread",
};

/** The way weights come from a store to the model: the flows, and a deployment job between them if any. */
interface LoadWay {
  store: string;
  /** The flows the file takes, from the store on. */
  flows: Flow[];
  /** A pipeline (not a training one) that takes the file from the store and hands it on. */
  relay?: string;
}

/** Someone besides the loading runtime who can change what the store holds, and why. */
interface Writer {
  element: string;
  note: string;
  /** How exposed this way of writing is: +1 or +2 with the reason, when it raises the likelihood. */
  exposure?: Factor;
}

/**
 * Stores the model's weights come from: a datastore that keeps files (FILE_STORES) with a file flow
 * into the model or the host it runs on, or into a pipeline (not a training one: that one makes weights
 * from data, TW-DAT-002's subject) that hands the file on to either by a file flow. One way per store,
 * in store ID order.
 */
function loadWays(context: AnalysisContext, modelId: string): LoadWay[] {
  const { graph } = context;
  const host = graph.hostOf(modelId);
  const isFileStore = (id: string) => graph.kindOf(id) === "datastore" && FILE_STORES.has(String(graph.node(id)?.element.type));
  const ways = new Map<string, LoadWay>();
  const note = (store: string, flows: Flow[], relay?: string) => {
    const way = ways.get(store);
    if (!way) ways.set(store, { store, flows, ...(relay ? { relay } : {}) });
    else for (const flow of flows) if (!way.flows.includes(flow)) way.flows.push(flow);
  };
  for (const target of host === undefined ? [modelId] : [modelId, host]) {
    for (const flow of graph.flowsTo(target)) {
      if (flow.channel !== "file") continue;
      if (isFileStore(flow.from)) note(flow.from, [flow]);
      else if (graph.kindOf(flow.from) === "pipeline" && !isTrainingPipeline(graph, flow.from)) {
        for (const inner of graph.flowsTo(flow.from)) if (inner.channel === "file" && isFileStore(inner.from)) note(inner.from, [inner, flow], flow.from);
      }
    }
  }
  return [...ways.values()].sort((a, b) => (a.store < b.store ? -1 : 1));
}

export const unverifiedWeightsFromWritableStore: Rule = {
  id: "TW-DAT-013",
  title: "Model weights loaded unverified from a store others can write",
  category: "data-and-model",
  rationale:
    "A deployment that loads whatever file a registry or bucket holds (the \"latest\" alias, a path with no digest) trusts everyone who can write there: the CI job that publishes, its service account and wherever that key is kept, the people and partners with write access. Any one of them, or whoever steals their credential, can put a backdoored or degraded model in place, and the next deploy serves it as the production model; weights carry no code review and a backdoor behaves normally until its trigger appears. Pinning the digest that was reviewed, or verifying a signature made by the release process, takes the store's writers out of what the deployment trusts.",
  appliesWhen:
    "A model that is not a vendor-hosted API has an artifact that is not from a public hub (that is TW-DAT-006) with neither a digest nor signed: true, and its weights come from a datastore that keeps files (object, file-share, code-repository): a file flow from the store into the model or the host it runs on, or into a deployment pipeline (not a training one) that hands the file on by a file flow. It applies only when someone besides the loading runtime (the model, its host, that pipeline and the identities they run as) can write the store: an identity granted write, publish, delete or admin on it, an actor in its writableBy, a component with a flow into it, or a tool that writes to it. The most exposed writer sets the likelihood: +2 when the public can write it; +1 for a writer outside the trusted team (an untrusted actor, a tool an agent that reads untrusted text calls), a static credential stored as a CI secret, in source code or in a configuration file, code from a public-hub pickle with no digest that runs where a writer acts or keeps its secret (TW-DAT-005's load sites: a training job that downloads it), or a credential an agent that reads untrusted text can reach; -1 when only workload identities whose credentials are all short-lived write it (no person, no static key). The attacker capability at the store counts, and a version pin (pinned: true) lowers the likelihood a step. Impact rises when outsiders query the model or shape its input, when it is a classifier or agents act through tools on its output, and when a pickle-based file runs code on load where credentials are; it falls when none of these holds.",
  mappings: {
    stride: ["T"],
    owaspLlm: ["LLM03:2025", "LLM04:2025"],
    owaspAgentic: ["ASI04"],
    owaspAgenticThreats: ["T17"],
    atlasTechniques: ["AML.T0010.003", "AML.T0018.000", "AML.T0012"],
    atlasMitigations: ["AML.M0014", "AML.M0013", "AML.M0005", "AML.M0008"],
    maestro: ["L1", "L4"],
    nistAiRmf: ["MAP", "MANAGE"],
    nistCsf: ["PR.AA-05"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 2,
  impact: 4,
  mitigations: [
    {
      control: "signed-artifacts",
      reduces: "likelihood",
      by: 2,
      how: "the deployment loads only weights signed by the release process, so a writer without its signing key cannot swap them; it counts where the weights are loaded (the model, its host, or the deployment pipeline)",
      countsOn: "named",
    },
    {
      control: "pinned-artifacts",
      reduces: "likelihood",
      by: 2,
      how: "the deployment names the reviewed file by digest, so what is written to the store later does not load; it counts where the weights are loaded (the model, its host, or the deployment pipeline)",
      countsOn: "named",
    },
    {
      control: "least-privilege",
      reduces: "likelihood",
      by: 1,
      how: "writers may add versions but not replace or promote the one production loads; it counts on the store's own access policy, or when it covers every identity that writes the store and nobody else writes it",
      countsOn: "named",
    },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a person reviews each version (evaluation results, model card) before it is promoted to what production loads", countsOn: "anchors" },
    { control: "model-monitoring", reduces: "impact", by: 1, how: "a swapped or degraded model shows in production metrics soon and is rolled back", countsOn: "anchors" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    let found: Lookups | undefined;
    for (const node of graph.ofKind("model")) {
      const artifact = node.element.artifact as ModelArtifact | undefined;
      if (!artifact || artifact.source === "public-hub" || artifact.digest || artifact.signed === true || node.element.hosting === "hosted-api") continue;
      const ways = loadWays(context, node.id);
      if (ways.length === 0) continue;
      found ??= lookups(context);
      const model = graph.nameOf(node.id);
      const host = graph.hostOf(node.id);
      for (const way of ways) {
        // The loading runtime writes what it likes where it runs anyway: it is no other writer.
        const runtime = new Set([node.id, ...(host ? [host] : []), ...(way.relay ? [way.relay, graph.hostOf(way.relay)].filter((id): id is string => id !== undefined) : [])]);
        const runtimeIdentities = new Set([...runtime].map((id) => graph.identityOf(id)?.id).filter((id): id is string => id !== undefined));
        const writers = writersOf(context, found, way.store, runtime, runtimeIdentities);
        if (writers.all.length === 0) continue;
        const store = graph.nameOf(way.store);
        const controls = loadControls(context, [...runtime], writers, way.store);
        const factors: Factor[] = [...likelihoodFactors(context, node.id, way.store, writers), ...impactFactors(context, node.id, artifact)];
        const where = way.relay ? ` (through ${graph.nameOf(way.relay)})` : "";
        const evidence: EvidenceItem[] = [
          { element: node.id, note: `artifact from ${artifact.source === "internal" ? "an internal" : `a ${artifact.source}`} source${artifact.format ? ` (${artifact.format})` : ""}: no digest pinned and no signature verified, so it loads whatever ${store} holds when it is deployed` },
          ...way.flows.map((flow) => ({ element: flow.id, note: `carries ${graph.nameOf(flow.from)}'s files to ${graph.nameOf(flow.to)}${flow.to === host ? `, where ${model} runs` : ""}` })),
          ...(way.relay ? [{ element: way.relay, note: `deployment job between ${store} and ${model}: it hands on whatever file it is given` }] : []),
          { element: way.store, note: `holds the weights ${model} loads; ${writers.all.length === 1 ? "1 writer" : `${writers.all.length} writers`} besides the loading runtime` },
          ...writers.all.map((w) => ({ element: w.element, note: w.note })),
          ...controls.evidence,
        ];
        detections.push({
          anchors: [node.id, way.store],
          summary: `${model} loads its weights from ${store}${where} with no pinned digest and no verified signature, and ${someNames(context, writers.all.map((w) => w.element))} can write there: anyone acting as one of them can put a backdoored or degraded model in its place, and the next deployment loads it.`,
          evidence,
          factors,
          scope: [...(way.relay ? [way.relay] : []), ...controls.scope],
        });
      }
    }
    return detections;
  },
};

interface Grant {
  identity: Identity;
  actions: Action[];
  scope?: string;
}

/** What the rule looks up for every store, built once per analysis. */
interface Lookups {
  /** Identities granted a write action on each resource, in identity ID order. */
  grants: Map<string, Grant[]>;
  /** Where code from a pickle-based public-hub file with no digest runs (TW-DAT-005's load sites and their hosts): the model, and the loader in words. */
  hubCode: Map<string, { model: string; loader: string }>;
}

function lookups(context: AnalysisContext): Lookups {
  const { graph } = context;
  const grants = new Map<string, Grant[]>();
  for (const identity of [...graph.model.identities].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    for (const permission of identity.permissions ?? []) {
      const actions = permission.actions.filter((a) => WRITE_ACTIONS.has(a));
      if (actions.length === 0) continue;
      const list = grants.get(permission.resource) ?? [];
      list.push({ identity, actions, ...(permission.scope ? { scope: permission.scope } : {}) });
      grants.set(permission.resource, list);
    }
  }
  const hubCode = new Map<string, { model: string; loader: string }>();
  for (const node of graph.ofKind("model")) {
    const artifact = node.element.artifact as ModelArtifact | undefined;
    if (artifact?.source !== "public-hub" || !artifact.format || !PICKLE_BASED.has(artifact.format) || artifact.digest) continue;
    for (const site of loadSites(graph, node.id)) {
      const loader = `${graph.nameOf(site.element)}${site.host ? ` on ${graph.nameOf(site.host)}` : ""}`;
      for (const place of [site.element, site.host]) if (place !== undefined && !hubCode.has(place)) hubCode.set(place, { model: node.id, loader });
    }
  }
  return { grants, hubCode };
}

interface StoreWriters {
  /** Identities first, then actors, components and tools, each in ID order. */
  all: Writer[];
  identities: Identity[];
  /** Whether every writer is one of the identities or acts as one: then least privilege on them is on every way to write. */
  onlyIdentities: boolean;
}

function writersOf(context: AnalysisContext, found: Lookups, storeId: string, runtime: ReadonlySet<string>, runtimeIdentities: ReadonlySet<string>): StoreWriters {
  const { graph, untrusted } = context;
  const store = graph.nameOf(storeId);
  const untrustedIds = new Set(untrusted.origins.map((o) => o.id));
  const identities: Identity[] = [];
  const all: Writer[] = [];
  for (const grant of found.grants.get(storeId) ?? []) {
    if (runtimeIdentities.has(grant.identity.id)) continue;
    identities.push(grant.identity);
    const credentials = grant.identity.credentials ?? [];
    const acting = graph.runningAs(grant.identity.id);
    const keys = credentials.map((c) => `credential ${c.id}: ${c.lifetime} ${c.type} in ${c.storage}${c.location ? ` (${c.location})` : ""}${c.presentIn?.length ? `, present in ${names(context, c.presentIn)}` : ""}`);
    const exposed = identityExposure(context, found, grant.identity, store);
    all.push({
      element: grant.identity.id,
      note: `may ${grant.actions.join(", ")} on ${store}${grant.scope ? ` (${grant.scope})` : ""}${keys.length ? `; ${keys.join("; ")}` : "; no credential modelled"}${acting.length ? `; ${names(context, acting)} act${acting.length === 1 ? "s" : ""} as it` : ""}${grant.identity.humanUse ? "; people use it too" : ""}${exposed.hubNote}`,
      ...(exposed.exposure ? { exposure: exposed.exposure } : {}),
    });
  }
  const identityIds = new Set(identities.map((i) => i.id));
  const actors = new Map<string, string>();
  for (const actor of (graph.node(storeId)?.element.writableBy as string[] | undefined) ?? []) actors.set(actor, `listed in ${store}'s writableBy`);
  const components = new Map<string, string[]>();
  for (const flow of graph.flowsTo(storeId)) {
    if (runtime.has(flow.from)) continue;
    if (graph.kindOf(flow.from) === "actor") {
      if (!actors.has(flow.from)) actors.set(flow.from, `sends files into ${store} (flow ${flow.id})`);
    } else components.set(flow.from, [...(components.get(flow.from) ?? []), flow.id]);
  }
  let onlyIdentities = actors.size === 0;
  for (const [actor, how] of [...actors].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const type = String(graph.node(actor)?.element.type ?? "");
    const outsider = untrustedIds.has(actor);
    const delta = type === "public" ? 2 : 1;
    all.push({
      element: actor,
      note: `${how}${outsider ? ` (${type} actor, outside the trusted team)` : ""}`,
      ...(outsider ? { exposure: { dimension: "likelihood" as const, delta, reason: type === "public" ? `anyone on the internet (${graph.nameOf(actor)}) can write ${store}` : `${graph.nameOf(actor)} (${type}, outside the trusted team) can write ${store}` } } : {}),
    });
  }
  // A component or tool that writes: hub code that runs in it or on its host writes too, and so does whoever holds the key of an identity it acts as that is not granted on the store (granted ones have their own line).
  const componentExposure = (id: string): { exposure?: Factor; hubNote: string } => {
    const hub = hubCodeAt(context, found, [id, graph.hostOf(id)], graph.nameOf(id), store);
    if (hub.exposure) return hub;
    const identity = graph.identityOf(id);
    return identity && !identityIds.has(identity.id) ? identityExposure(context, found, identity, store) : hub;
  };
  for (const [component, flows] of [...components].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const identity = graph.identityOf(component);
    if (identity === undefined || !identityIds.has(identity.id)) onlyIdentities = false;
    const exposed = componentExposure(component);
    all.push({ element: component, note: `writes into ${store} (flow ${flows.join(", ")})${identity ? `, as ${graph.nameOf(identity.id)}` : ""}${exposed.hubNote}`, ...(exposed.exposure ? { exposure: exposed.exposure } : {}) });
  }
  const tools = [...new Set(graph.toolsActingOn(storeId).filter((use) => WRITE_ACTIONS.has(use.action)).map((use) => use.tool))].filter((tool) => !runtime.has(tool) && !components.has(tool));
  for (const tool of tools) {
    const identity = graph.identityOf(tool);
    if (identity === undefined || !identityIds.has(identity.id)) onlyIdentities = false;
    const agents = graph.agentsUsingTool(tool).map((a) => a.id);
    const steered = agents.find((a) => untrusted.reaches(a));
    const exposed = steered ? { exposure: { dimension: "likelihood" as const, delta: 1, reason: `${graph.nameOf(steered)} reads untrusted text and can write ${store} through ${graph.nameOf(tool)}` }, hubNote: "" } : componentExposure(tool);
    all.push({
      element: tool,
      note: `writes to ${store}${agents.length ? `; ${names(context, agents)} call${agents.length === 1 ? "s" : ""} it` : ""}${exposed.hubNote}`,
      ...(exposed.exposure ? { exposure: exposed.exposure } : {}),
    });
  }
  return { all, identities, onlyIdentities };
}

/**
 * +1 for an identity that writes the store through a credential many can reach: a static secret where
 * copies spread; code from a public-hub pickle that runs where it acts or where its secret sits; a
 * credential an agent steered by untrusted text reaches. The first that holds is the reason; hub code
 * is named in the evidence even when a static secret is the reason.
 */
function identityExposure(context: AnalysisContext, found: Lookups, identity: Identity, store: string): { exposure?: Factor; hubNote: string } {
  const { graph } = context;
  const who = graph.nameOf(identity.id);
  const credentials = identity.credentials ?? [];
  const hub = hubCodeAt(context, found, [...graph.runningAs(identity.id), ...credentials.flatMap((c) => c.presentIn ?? [])], who, store);
  for (const credential of credentials) {
    if (credential.lifetime !== "static") continue;
    const onRunner = (credential.presentIn ?? []).find((id) => graph.node(id)?.element.type === "ci-runner");
    const spread = SPREAD_STORAGE[credential.storage] ?? (onRunner ? `present on the CI runner ${graph.nameOf(onRunner)}: every job there can use it` : undefined);
    if (spread) return { exposure: { dimension: "likelihood", delta: 1, reason: `${who} can write ${store} with a static ${credential.type} ${spread}` }, hubNote: hub.hubNote };
  }
  if (hub.exposure) return hub;
  for (const credential of credentials) {
    const holder = injectableAgentsReaching(context, credential.id)[0];
    if (holder) return { exposure: { dimension: "likelihood", delta: 1, reason: `${who} can write ${store}, and ${graph.nameOf(holder.agent)}, which reads untrusted text, can reach its credential ${credential.id}` }, hubNote: "" };
  }
  return { hubNote: "" };
}

/** Code from a public-hub pickle with no digest that runs in one of the places (TW-DAT-005's load sites): whoever publishes it there writes as `who`. */
function hubCodeAt(context: AnalysisContext, found: Lookups, places: readonly (string | undefined)[], who: string, store: string): { exposure?: Factor; hubNote: string } {
  const { graph } = context;
  for (const place of places) {
    const code = place === undefined ? undefined : found.hubCode.get(place);
    if (code === undefined) continue;
    const format = String((graph.node(code.model)?.element.artifact as ModelArtifact).format);
    const words = `code in ${graph.nameOf(code.model)}'s ${format} file from a public hub (no digest) runs with`;
    return {
      exposure: { dimension: "likelihood", delta: 1, reason: `${who} can write ${store}, and ${words} its access when ${code.loader} loads it` },
      hubNote: `; ${words} this access when ${code.loader} loads it (TW-DAT-005)`,
    };
  }
  return { hubNote: "" };
}

function likelihoodFactors(context: AnalysisContext, modelId: string, storeId: string, writers: StoreWriters): Factor[] {
  const { graph } = context;
  const factors: Factor[] = [];
  // The most exposed writer sets the step: an attacker takes the easiest way to write.
  let top: Factor | undefined;
  for (const writer of writers.all) if (writer.exposure && (!top || writer.exposure.delta > top.delta)) top = writer.exposure;
  if (top) factors.push(top);
  else if (writers.onlyIdentities && writers.identities.every((i) => !i.humanUse && (i.credentials?.length ?? 0) > 0 && i.credentials!.every((c) => c.lifetime === "short-lived"))) {
    factors.push({
      dimension: "likelihood",
      delta: -1,
      reason: `only ${names(context, writers.identities.map((i) => i.id))} write${writers.identities.length === 1 ? "s" : ""} ${graph.nameOf(storeId)}, with short-lived credentials and no person signing in as ${writers.identities.length === 1 ? "it" : "them"}`,
    });
  }
  factors.push(...attackerFactor(graph, storeId));
  if (graph.node(modelId)?.element.pinned === true) {
    factors.push({ dimension: "likelihood", delta: -1, reason: `${graph.nameOf(modelId)} is pinned to a version: a new upload does not deploy by itself, though the store's writers can still overwrite that version` });
  }
  return factors;
}

function impactFactors(context: AnalysisContext, modelId: string, artifact: ModelArtifact): Factor[] {
  const { graph, untrusted, capabilities } = context;
  const name = graph.nameOf(modelId);
  const factors: Factor[] = [];
  const endpoint = inferenceEndpoint(context, modelId);
  const fed = attackerFedInputs(graph, untrusted, modelId)[0];
  if (endpoint) factors.push({ dimension: "impact", delta: 1, reason: `${name} answers ${endpointWho(graph, endpoint)}: a swapped model's hidden trigger is theirs to use, and its answers go straight to them` });
  else if (fed) factors.push({ dimension: "impact", delta: 1, reason: `${name} takes input ${graph.nameOf(fed.origin.id)} shapes (through ${graph.nameOf(fed.input)}): a swapped model's hidden trigger is theirs to use` });
  const acting = graph.agentsUsingModel(modelId).filter((a) => capabilities.agentEffects(a.id).some((e) => e.tool !== undefined && CONSEQUENTIAL_ACTIONS.has(e.action)));
  if (graph.node(modelId)?.element.task === "classification") factors.push({ dimension: "impact", delta: 1, reason: `${name} is a classifier: what it scores is let through or stopped on its label, so a swapped one passes whatever its author chooses` });
  else if (acting.length > 0) factors.push({ dimension: "impact", delta: 1, reason: `${names(context, acting.map((a) => a.id))} act${acting.length === 1 ? "s" : ""} through tools on its output, so a swapped model steers what they do` });
  if (artifact.format && PICKLE_BASED.has(artifact.format)) {
    const host = graph.hostOf(modelId);
    const secrets = [...new Set([modelId, ...(host ? [host] : [])].flatMap((id) => graph.credentialsIn(id).map((c) => c.id)))];
    if (secrets.length > 0) factors.push({ dimension: "impact", delta: 1, reason: `a swapped ${artifact.format} file runs its code when it is loaded${host ? ` on ${graph.nameOf(host)}` : ""}, next to ${secrets.join(", ")}` });
  }
  if (factors.length === 0) factors.push({ dimension: "impact", delta: -1, reason: `${name} answers only the team's own people and nothing acts on its output: a swapped model misleads, but moves nothing by itself` });
  return factors;
}

/**
 * The controls the rule names (countsOn "named"): signed or pinned artifacts where the weights are
 * loaded (the model, its host, the deployment pipeline and its host), and least privilege on the store
 * itself or, when only identities write it, on every one of them (the weakest of those sets the step).
 * A least-privilege control on some writers only is named in the evidence, with who still writes.
 */
function loadControls(context: AnalysisContext, runtime: readonly string[], writers: StoreWriters, storeId: string): { scope: string[]; evidence: EvidenceItem[] } {
  const { graph } = context;
  const ofType = (id: string, type: ControlType) => graph.controlsCovering(id).filter((c) => c.type === type);
  const strongest = (controls: readonly Control[]) => [...controls].sort((a, b) => strengthIn(context, b) - strengthIn(context, a) || (a.id < b.id ? -1 : 1))[0];
  const scope = new Set<string>();
  for (const id of runtime) for (const control of [...ofType(id, "signed-artifacts"), ...ofType(id, "pinned-artifacts")]) scope.add(control.id);
  const onStore = strongest(ofType(storeId, "least-privilege"));
  const perIdentity = writers.identities.map((i) => ({ identity: i.id, control: strongest(ofType(i.id, "least-privilege")) }));
  const covered = perIdentity.filter((p) => p.control !== undefined);
  const allCovered = writers.onlyIdentities && covered.length === perIdentity.length && perIdentity.length > 0;
  const weakest = allCovered ? covered.map((p) => p.control!).sort((a, b) => strengthIn(context, a) - strengthIn(context, b) || (a.id < b.id ? -1 : 1))[0] : undefined;
  const chosen = onStore && (!weakest || strengthIn(context, onStore) >= strengthIn(context, weakest)) ? onStore : weakest;
  if (chosen) scope.add(chosen.id);
  const evidence: EvidenceItem[] = [];
  if (!chosen && covered.length > 0) {
    const open = writers.all.filter((w) => !covered.some((p) => p.identity === w.element) && !covered.some((p) => graph.identityOf(w.element)?.id === p.identity)).map((w) => w.element);
    for (const control of [...new Set(covered.map((p) => p.control!.id))].sort()) {
      evidence.push({ element: control, note: `least-privilege on some of the writers only: ${someNames(context, open)} can still write ${graph.nameOf(storeId)}, so it does not count` });
    }
  }
  return { scope: [...scope].sort(), evidence };
}
