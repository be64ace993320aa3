import type { SystemGraph } from "../../graph/graph.js";
import type { ModelArtifact } from "../../model/schema.js";
import { joinWords } from "../../model/vocabulary.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

/** Artifact formats whose loading runs code the file carries. */
export const PICKLE_BASED: ReadonlySet<string> = new Set(["pickle", "pytorch"]);

/** Channels on which a model's flow carries its file (a download, a base model handed to fine-tuning), not its answers. */
const ARTIFACT_CHANNELS: ReadonlySet<string> = new Set(["file", "training"]);

/** Services that keep or pass on a file without running it: a repository, a queue, a mailbox. */
const PASS_THROUGH_SERVICES: ReadonlySet<string> = new Set(["code-host", "queue", "email", "review-queue"]);

/** Somewhere the weights are loaded, so code in the file runs there. */
export interface LoadSite {
  /** The model's own host (runsOn), or a pipeline or service its file flows into. */
  element: string;
  /** The flow that brings the file to a loader; absent for the model's own host. */
  flow?: string;
  /** Where a loader itself runs (its runsOn). */
  host?: string;
}

/**
 * Where the weights are loaded: the model's own host, and each pipeline or service its file flows into
 * (a flow from the model on the file or training channel: the training job that downloads a hub
 * checkpoint, a batch job that loads it). Flows of the model's answers (api, output) are calls to a
 * model served elsewhere and load nothing. TW-DAT-013 asks it too: where a hub pickle's code runs as a store's writer.
 */
export function loadSites(graph: SystemGraph, modelId: string): LoadSite[] {
  const sites: LoadSite[] = [];
  const own = graph.hostOf(modelId);
  if (own) sites.push({ element: own });
  const seen = new Set(own ? [own] : []);
  for (const flow of [...graph.flowsFrom(modelId)].sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : a.id < b.id ? -1 : 1))) {
    if (!ARTIFACT_CHANNELS.has(flow.channel) || seen.has(flow.to)) continue;
    const kind = graph.kindOf(flow.to);
    if (kind !== "pipeline" && !(kind === "service" && !PASS_THROUGH_SERVICES.has(String(graph.node(flow.to)?.element.type)))) continue;
    seen.add(flow.to);
    const host = graph.hostOf(flow.to);
    sites.push({ element: flow.to, flow: flow.id, ...(host ? { host } : {}) });
  }
  return sites;
}

export const unsafeModelFormat: Rule = {
  id: "TW-DAT-005",
  title: "Unsafe model artifact format",
  category: "data-and-model",
  rationale:
    "Pickle-based weights (raw pickle, PyTorch .bin/.pt checkpoints) are programs: loading them runs whatever code the file carries, with the loader's permissions and every secret in its environment. A tampered or malicious checkpoint compromises whatever loads it (the serving host, the training job) the moment it is loaded, before any inference.",
  appliesWhen:
    "A model that is not a vendor-hosted API has artifact.format pickle or pytorch. Likelihood is higher when the artifact comes from a public hub. Code in the file runs wherever it is loaded: on the model's host (runsOn) and in each pipeline or service its file flows into (a flow from the model on the file or training channel), on that one's host; secrets present in any of them raise the impact.",
  mappings: {
    stride: ["T", "E"],
    owaspLlm: ["LLM03:2025"],
    owaspAgentic: ["ASI04"],
    owaspAgenticThreats: ["T17"],
    atlasTechniques: ["AML.T0011.000", "AML.T0018.002", "AML.T0010.003"],
    atlasMitigations: ["AML.M0014", "AML.M0016", "AML.M0011"],
    maestro: ["L1", "L4"],
    nistAiRmf: ["MAP", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 2,
  impact: 4,
  mitigations: [
    { control: "sandbox", reduces: "impact", by: 2, how: "the weights load in an isolated process without secrets or network" },
    { control: "dependency-scanning", reduces: "likelihood", by: 1, how: "a model scanner (picklescan, modelscan) rejects checkpoints that import code" },
    { control: "signed-artifacts", reduces: "likelihood", by: 1, how: "only checkpoints signed by a trusted publisher load" },
    { control: "pinned-artifacts", reduces: "likelihood", by: 1, how: "only the reviewed file, by digest, loads" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("model")) {
      const artifact = node.element.artifact as ModelArtifact | undefined;
      if (!artifact?.format || !PICKLE_BASED.has(artifact.format) || node.element.hosting === "hosted-api") continue;
      const factors: Factor[] = [];
      if (artifact.source === "public-hub") factors.push({ dimension: "likelihood", delta: 2, reason: "the checkpoint comes from a public hub, where anyone can publish and malicious pickles have been found" });
      if (artifact.digest && artifact.signed) factors.push({ dimension: "likelihood", delta: -1, reason: "the deployment pins a digest and verifies a signature, so only the reviewed file loads" });
      const model = graph.nameOf(node.id);
      const sites = loadSites(graph, node.id);
      const loaders = sites.filter((s) => s.flow);
      // Every place code in the file runs, each once: the model, its host, the loaders and their hosts.
      const places = [...new Set([node.id, ...sites.flatMap((s) => [s.element, ...(s.host ? [s.host] : [])])])];
      const secretsAt = new Map<string, string>();
      for (const place of places) for (const credential of graph.credentialsIn(place)) if (!secretsAt.has(credential.id)) secretsAt.set(credential.id, place);
      const secrets = [...secretsAt.keys()];
      if (secrets.length > 0) factors.push({ dimension: "impact", delta: 1, reason: `code that runs on load can read ${secrets.map((c) => graph.nameOf(c)).join(", ")}` });
      const ownHost = sites.find((s) => !s.flow)?.element;
      // A loader on the model's own host is named without the host again.
      const where = sites.map((s) => (s.flow ? `by ${graph.nameOf(s.element)}${s.host && s.host !== ownHost ? ` on ${graph.nameOf(s.host)}` : ""}` : `on ${graph.nameOf(s.element)}`));
      const hostsCited = new Set(sites.filter((s) => !s.flow).map((s) => s.element));
      const evidence: EvidenceItem[] = [
        { element: node.id, note: `artifact format ${artifact.format}, source ${artifact.source}${artifact.digest ? ", digest pinned" : ", no digest"}${artifact.signed ? ", signature verified" : ""}` },
        ...sites.flatMap((s): EvidenceItem[] => {
          if (!s.flow) return [{ element: s.element, note: `runs ${model}: code in the checkpoint executes here` }];
          const lines: EvidenceItem[] = [{ element: s.element, note: `loads ${model}'s weights (flow ${s.flow}): code in the checkpoint executes here${s.host ? `, on ${graph.nameOf(s.host)}` : ""}` }];
          if (s.host && !hostsCited.has(s.host)) {
            hostsCited.add(s.host);
            lines.push({ element: s.host, note: `runs ${graph.nameOf(s.element)}, which loads ${model}: code in the checkpoint executes here` });
          }
          return lines;
        }),
        ...secrets.map((c) => ({ element: c, note: `secret within reach of code that runs on load (present in ${graph.nameOf(secretsAt.get(c)!)})` })),
      ];
      detections.push({
        anchors: [node.id],
        summary: `${model} loads ${artifact.format} weights from ${artifact.source === "public-hub" ? "a public hub" : `${artifact.source === "internal" ? "an" : "a"} ${artifact.source} source`}; a pickle-based file runs any code it carries when it is loaded${where.length > 0 ? ` ${joinWords(where)}` : ""}.`,
        evidence,
        factors,
        // Controls where it is loaded count as they do on the model's own host: a sandbox or model scanner in the training job.
        ...(loaders.length > 0 ? { scope: loaders.map((s) => s.element) } : {}),
      });
    }
    return detections;
  },
};
