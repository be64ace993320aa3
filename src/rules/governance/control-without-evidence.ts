import { EVIDENCE_TO_FILL_IN } from "../../model/vocabulary.js";
import type { Detection, Rule } from "../rule.js";

export const controlWithoutEvidence: Rule = {
  id: "TW-GOV-005",
  title: "Control without evidence",
  category: "governance",
  rationale:
    "A control the model says is in place but that names no file, test, configuration, link or ticket cannot be checked, so it is a claim. Unverified controls count half in scoring; one marked verified without evidence counts in full on nobody's word.",
  appliesWhen: "A control is implemented (or has no status) and lists no evidence, or only the placeholder threatwright plan writes for the team to fill in.",
  mappings: {
    stride: ["R"],
    maestro: ["L6"],
    nistAiRmf: ["GOVERN", "MEASURE"],
    euAiAct: ["Art. 9"],
  },
  likelihood: 2,
  impact: 1,
  controlShortfall: true,
  mitigations: [],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const control of [...graph.model.controls].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (control.status && control.status !== "implemented") continue;
      if ((control.evidence ?? []).some((e) => e.ref !== EVIDENCE_TO_FILL_IN)) continue;
      const placeholder = (control.evidence ?? []).length > 0;
      detections.push({
        anchors: [control.id],
        summary: `${graph.nameOf(control.id)} (${control.type} on ${control.covers.map((c) => graph.nameOf(c)).join(", ")}) is ${control.status ?? "assumed"} implemented${control.verified ? " and marked verified" : ""}, but names no evidence${placeholder ? " (only the placeholder a plan wrote, still to fill in)" : ""}.`,
        evidence: [{ element: control.id, note: `${control.type}, status ${control.status ?? "not stated"}, ${placeholder ? "evidence still to fill in" : "no evidence"}` }, ...control.covers.map((c) => ({ element: c, note: "claimed to be covered" }))],
        factors: control.verified ? [{ dimension: "impact", delta: 1, reason: "it is marked verified, so scoring counts it in full" }] : [],
      });
    }
    return detections;
  },
};
