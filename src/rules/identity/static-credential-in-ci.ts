import { credentialExposureFactor, credentialsWithOwners, powerfulGrantsFactor } from "../helpers.js";
import type { Detection, Rule } from "../rule.js";

export const staticCredentialInCi: Rule = {
  id: "TW-NHI-009",
  title: "Static credential in CI where short-lived federation is available",
  category: "identity",
  rationale:
    "CI runners execute code from pull requests, build scripts and third-party actions, and their logs and caches leak; a static secret there is among the most often stolen. Most cloud providers and code hosts accept the CI's own short-lived OIDC token instead (workload identity federation, app installation tokens); where a provider does not, the key should at least be scoped and rotated.",
  appliesWhen: "A static credential is stored as a CI secret, or present in a service of type ci-runner.",
  mappings: {
    stride: ["S", "I"],
    owaspNhi: ["NHI6:2025", "NHI7:2025"],
    atlasTechniques: ["AML.T0055"],
    maestro: ["L4"],
    nistAiRmf: ["MANAGE"],
    nistCsf: ["PR.AA-01"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "secret-rotation", reduces: "likelihood", by: 1, how: "a stolen copy works for a shorter time" },
    { control: "egress-allowlist", reduces: "likelihood", by: 1, how: "a job step cannot send the environment to an attacker's host" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the secret can do less" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const { credential, identity } of credentialsWithOwners(context)) {
      if (credential.lifetime !== "static") continue;
      const runners = (credential.presentIn ?? []).filter((id) => graph.kindOf(id) === "service" && graph.node(id)?.element.type === "ci-runner");
      if (credential.storage !== "ci-secret" && runners.length === 0) continue;
      detections.push({
        anchors: [credential.id],
        summary: `${graph.nameOf(credential.id)}, a static ${credential.type} of ${graph.nameOf(identity.id)}, is ${credential.storage === "ci-secret" ? "a CI secret" : "kept"}${runners.length ? ` on ${runners.map((r) => graph.nameOf(r)).join(", ")}` : ""} instead of a short-lived federated token.`,
        evidence: [
          { element: credential.id, note: `static ${credential.type} in ${credential.storage}${credential.location ? ` (${credential.location})` : ""}` },
          ...runners.map((r) => ({ element: r, note: "CI runner that holds it" })),
          { element: identity.id, note: "the identity it authenticates" },
        ],
        factors: [...credentialExposureFactor(context, credential.id), ...powerfulGrantsFactor(context, identity)],
        scope: [identity.id, ...runners],
      });
    }
    return detections;
  },
};
