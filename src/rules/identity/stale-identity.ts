import { daysBetween } from "../../model/dates.js";
import { powerfulGrantsFactor } from "../helpers.js";
import type { Detection, Rule } from "../rule.js";

/** Days without use after which an identity counts as stale. */
export const STALE_AFTER_DAYS = 90;

export const staleIdentity: Rule = {
  id: "TW-NHI-007",
  title: "Orphaned or stale identity",
  category: "identity",
  rationale:
    "An identity nobody owns or uses keeps its grants and working credentials, but nobody rotates it, reviews it or notices when it is used. Such identities are what attackers look for: access that nobody misses when it is abused.",
  appliesWhen: `An identity has no owner; or no component runs as it and none of its credentials is present anywhere; or it was last used more than ${STALE_AFTER_DAYS} days before the analysis date.`,
  mappings: {
    stride: ["S", "E"],
    owaspNhi: ["NHI1:2025"],
    atlasTechniques: ["AML.T0012"],
    maestro: ["L6"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    nistCsf: ["PR.AA-01"],
  },
  likelihood: 2,
  impact: 3,
  mitigations: [
    { control: "secret-rotation", reduces: "likelihood", by: 1, how: "old copies of its secrets stop working" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "its grants are cut back" },
  ],
  detect(context) {
    const { graph, today } = context;
    const detections: Detection[] = [];
    for (const identity of [...graph.model.identities].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const problems: string[] = [];
      if (!identity.owner) problems.push("has no owner");
      const users = graph.runningAs(identity.id);
      const held = (identity.credentials ?? []).some((c) => (c.presentIn ?? []).length > 0);
      if (users.length === 0 && !held) problems.push("is not used by any component in the model");
      if (identity.lastUsed) {
        const idle = daysBetween(identity.lastUsed, today);
        if (idle > STALE_AFTER_DAYS) problems.push(`was last used ${idle} days ago (${identity.lastUsed})`);
      }
      if (problems.length === 0) continue;
      detections.push({
        anchors: [identity.id],
        summary: `${graph.nameOf(identity.id)} ${problems.join(", ")}.`,
        evidence: [
          { element: identity.id, note: problems.join("; ") },
          ...(identity.credentials ?? []).map((c) => ({ element: c.id, note: `${c.lifetime} ${c.type}${(c.presentIn ?? []).length ? ` in ${(c.presentIn ?? []).map((p) => graph.nameOf(p)).join(", ")}` : ", held by no component"}` })),
        ],
        factors: powerfulGrantsFactor(context, identity),
      });
    }
    return detections;
  },
};
