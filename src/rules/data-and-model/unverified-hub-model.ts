import { controlsOfType } from "../helpers.js";
import type { ModelArtifact } from "../../model/schema.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const unverifiedHubModel: Rule = {
  id: "TW-DAT-006",
  title: "Unverified model artifact from a public hub",
  category: "data-and-model",
  rationale:
    "Weights downloaded from a public hub are only as trustworthy as the account that published them and the revision that was fetched. Without a pinned digest, a new upload to the same name (a compromised or sold account, a rug pull) reaches the next deployment unreviewed; without a verified signature, nothing shows the file is the publisher's. Backdoored weights behave normally until their trigger appears.",
  appliesWhen: "A model's artifact.source is public-hub and the deployment does not both pin a digest and verify a signature.",
  mappings: {
    stride: ["T"],
    owaspLlm: ["LLM03:2025", "LLM04:2025"],
    owaspAgentic: ["ASI04"],
    owaspAgenticThreats: ["T17"],
    atlasTechniques: ["AML.T0010.003", "AML.T0058", "AML.T0109"],
    atlasMitigations: ["AML.M0014", "AML.M0013", "AML.M0023"],
    maestro: ["L1", "L4"],
    nistAiRmf: ["GOVERN", "MAP", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 3,
  impact: 4,
  mitigations: [
    { control: "signed-artifacts", reduces: "likelihood", by: 2, how: "only weights signed by the expected publisher load" },
    { control: "pinned-artifacts", reduces: "likelihood", by: 1, how: "the deployment loads one reviewed revision by digest; where the artifact states its digest, that is the same pin, counted once in the likelihood" },
    { control: "red-teaming", reduces: "likelihood", by: 1, how: "the model is evaluated for backdoors and unexpected behaviour before release" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("model")) {
      const artifact = node.element.artifact as ModelArtifact | undefined;
      if (artifact?.source !== "public-hub" || (artifact.digest && artifact.signed)) continue;
      // A digest and a pinned-artifacts control are one act: it counts once, as the digest, and the controls are named beside it.
      const pins = artifact.digest ? controlsOfType(context.graph, "pinned-artifacts", [node.id], { runtime: true }) : [];
      const sameAct = pins.map((c) => `${c} (pinned-artifacts)`).join(" and ");
      const factors: Factor[] = artifact.digest
        ? [{ dimension: "likelihood", delta: -1, reason: `a pinned digest keeps later uploads out${pins.length ? `; ${sameAct} is this same pin, counted once here` : ""}; the pinned file itself is unverified` }]
        : [{ dimension: "likelihood", delta: 1, reason: "no digest: whatever the hub serves under the name at deploy time is loaded" }];
      const missing = [...(artifact.digest ? [] : ["no pinned digest"]), ...(artifact.signed ? [] : ["no verified signature"])];
      detections.push({
        anchors: [node.id],
        summary: `${graph.nameOf(node.id)} loads weights from a public hub with ${missing.join(" and ")}: a tampered or replaced upload would be deployed unnoticed.`,
        evidence: [
          { element: node.id, note: `artifact from a public hub${artifact.format ? ` (${artifact.format})` : ""}: ${missing.join(", ")}` },
          ...pins.map((c) => ({ element: c, note: "pins the revision the artifact's digest names: the same pin, counted once, in the likelihood" })),
        ],
        factors,
        // The digest is the pin: a pinned-artifacts control would count it twice, and is not missing either.
        ...(artifact.digest ? { accountedFor: ["pinned-artifacts" as const] } : {}),
      });
    }
    return detections;
  },
};

