import { addDuration } from "../../model/dates.js";
import { controlsOfType, credentialExposureFactor, credentialsWithOwners, powerfulGrantsFactor } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

export const unrotatedCredential: Rule = {
  id: "TW-NHI-002",
  title: "Long-lived credential not rotated",
  category: "identity",
  rationale:
    "A static secret works until someone replaces it. Every copy ever made (in a laptop's .env, a CI log, a former employee's notes, a leaked backup) keeps working as long as it is not rotated, so the longer a key lives the more likely one of those copies reaches an attacker.",
  appliesWhen:
    "A static credential has no rotation period, or has one but the model does not say when it was last rotated, or its last rotation plus its period lies before the analysis date. Credentials that have already expired are left out.",
  mappings: {
    stride: ["S"],
    owaspNhi: ["NHI7:2025"],
    atlasTechniques: ["AML.T0055", "AML.T0012"],
    maestro: ["L4", "L6"],
    nistAiRmf: ["MANAGE"],
    nistCsf: ["PR.AA-01"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "secret-rotation", reduces: "likelihood", by: 2, how: "an automated rotation replaces the secret on schedule, so old copies stop working. It takes nothing off a credential the model says is overdue: that rotation has not happened" },
    { control: "secret-scanning", reduces: "likelihood", by: 1, how: "copies that land in code or logs are found and revoked" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "a leaked copy can do less" },
  ],
  detect(context) {
    const { graph, today } = context;
    const detections: Detection[] = [];
    for (const { credential, identity } of credentialsWithOwners(context)) {
      if (credential.lifetime !== "static") continue;
      if (credential.expires && credential.expires < today) continue; // no longer works: nothing left to rotate
      const rotation = credential.rotation;
      let problem: string;
      // A rotation control in place on a credential the model says is overdue describes a rotation that has not happened.
      let contradicted: EvidenceItem[] = [];
      if (!rotation) problem = "is never rotated";
      else if (!rotation.lastRotated) problem = `should be rotated every ${rotation.period}, but the model does not say when it last was`;
      else {
        const due = addDuration(rotation.lastRotated, rotation.period);
        if (due >= today) continue;
        problem = `was due for rotation on ${due} (last rotated ${rotation.lastRotated}, every ${rotation.period})`;
        contradicted = controlsOfType(graph, "secret-rotation", [credential.id, identity.id], { inPlace: true }).map((control) => ({
          element: control,
          note: `this secret-rotation control does not count: the model says ${graph.nameOf(credential.id)} was due for rotation on ${due}, so the rotation it describes has not happened`,
        }));
      }
      const factors: Factor[] = [...credentialExposureFactor(context, credential.id), ...powerfulGrantsFactor(context, identity)];
      if (credential.expires) factors.push({ dimension: "likelihood", delta: -1, reason: `it expires on ${credential.expires}, which bounds how long a copy works` });
      detections.push({
        anchors: [credential.id],
        summary: `${graph.nameOf(credential.id)}, a static ${credential.type} of ${graph.nameOf(identity.id)}, ${problem}.`,
        evidence: [
          { element: credential.id, note: `static ${credential.type} in ${credential.storage}${credential.location ? ` (${credential.location})` : ""}; ${rotation ? `rotation every ${rotation.period}, last ${rotation.lastRotated ?? "unknown"}` : "no rotation"}` },
          { element: identity.id, note: `the identity it authenticates` },
          ...(credential.presentIn ?? []).map((where) => ({ element: where, note: "holds a copy" })),
          ...contradicted,
        ],
        factors,
        scope: [identity.id],
        // Neither credited nor proposed as missing: the control exists, and the evidence says why it takes nothing off.
        ...(contradicted.length > 0 ? { accountedFor: ["secret-rotation" as const] } : {}),
      });
    }
    return detections;
  },
};
