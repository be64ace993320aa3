import { credentialsWithOwners, powerfulGrantsFactor } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const passwordAuthentication: Rule = {
  id: "TW-NHI-011",
  title: "Password authentication for a non-human identity",
  category: "identity",
  rationale:
    "A password is a shared secret that is sent with every login, can be guessed or reused, and usually lives as long as nobody changes it. Workloads can authenticate with short-lived tokens from the platform (IAM database authentication, workload identity, mTLS) instead.",
  appliesWhen: "A credential of an identity is a password.",
  mappings: {
    stride: ["S"],
    owaspNhi: ["NHI4:2025"],
    atlasTechniques: ["AML.T0012"],
    maestro: ["L4"],
    nistAiRmf: ["MANAGE"],
    nistCsf: ["PR.AA-03"],
  },
  likelihood: 2,
  impact: 3,
  mitigations: [
    { control: "secret-rotation", reduces: "likelihood", by: 1, how: "a stolen or guessed password works for a shorter time" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the account can do less" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const { credential, identity } of credentialsWithOwners(context)) {
      if (credential.type !== "password") continue;
      const factors: Factor[] = [];
      if (credential.storage === "source-code" || credential.storage === "config-file" || credential.storage === "env-var") {
        factors.push({ dimension: "likelihood", delta: 1, reason: `it is kept in ${credential.storage}, where copies spread` });
      }
      factors.push(...powerfulGrantsFactor(context, identity));
      detections.push({
        anchors: [credential.id],
        summary: `${graph.nameOf(identity.id)} authenticates with a password, ${graph.nameOf(credential.id)}.`,
        evidence: [
          { element: credential.id, note: `${credential.lifetime} password in ${credential.storage}${credential.location ? ` (${credential.location})` : ""}` },
          { element: identity.id, note: "the identity it authenticates" },
        ],
        factors,
        scope: [identity.id],
      });
    }
    return detections;
  },
};
