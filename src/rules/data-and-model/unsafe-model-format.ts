import type { Detection, Factor, Rule } from "../rule.js";

const PICKLE_BASED: ReadonlySet<string> = new Set(["pickle", "pytorch"]);

interface Artifact {
  source: string;
  format?: string;
  digest?: string;
  signed?: boolean;
}

export const unsafeModelFormat: Rule = {
  id: "TW-DAT-005",
  title: "Unsafe model artifact format",
  category: "data-and-model",
  rationale:
    "Pickle-based weights (raw pickle, PyTorch .bin/.pt checkpoints) are programs: loading them runs whatever code the file carries, with the loader's permissions and every secret in its environment. A tampered or malicious checkpoint compromises the serving host the moment it is loaded, before any inference.",
  appliesWhen: "A model that is not a vendor-hosted API has artifact.format pickle or pytorch. Likelihood is higher when the artifact comes from a public hub.",
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
      const artifact = node.element.artifact as Artifact | undefined;
      if (!artifact?.format || !PICKLE_BASED.has(artifact.format) || node.element.hosting === "hosted-api") continue;
      const factors: Factor[] = [];
      if (artifact.source === "public-hub") factors.push({ dimension: "likelihood", delta: 2, reason: "the checkpoint comes from a public hub, where anyone can publish and malicious pickles have been found" });
      if (artifact.digest && artifact.signed) factors.push({ dimension: "likelihood", delta: -1, reason: "the deployment pins a digest and verifies a signature, so only the reviewed file loads" });
      const host = typeof node.element.runsOn === "string" ? node.element.runsOn : undefined;
      const secrets = [...graph.credentialsIn(node.id), ...(host ? graph.credentialsIn(host) : [])].map((c) => c.id);
      if (secrets.length > 0) factors.push({ dimension: "impact", delta: 1, reason: `code that runs on load can read ${[...new Set(secrets)].map((c) => graph.nameOf(c)).join(", ")}` });
      detections.push({
        anchors: [node.id],
        summary: `${graph.nameOf(node.id)} loads ${artifact.format} weights from ${artifact.source === "public-hub" ? "a public hub" : `a ${artifact.source} source`}; a pickle-based file runs any code it carries when it is loaded${host ? ` on ${graph.nameOf(host)}` : ""}.`,
        evidence: [
          { element: node.id, note: `artifact format ${artifact.format}, source ${artifact.source}${artifact.digest ? ", digest pinned" : ", no digest"}${artifact.signed ? ", signature verified" : ""}` },
          ...(host ? [{ element: host, note: `runs ${graph.nameOf(node.id)}: code in the checkpoint executes here` }] : []),
          ...[...new Set(secrets)].map((c) => ({ element: c, note: "secret within reach of code that runs on load" })),
        ],
        factors,
      });
    }
    return detections;
  },
};
