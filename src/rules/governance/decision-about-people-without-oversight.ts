import type { Agent, Control, Model } from "../../model/schema.js";
import { decisionsAboutPeople, peopleDecisionImpact } from "../helpers.js";
import type { Detection, EvidenceItem, Rule } from "../rule.js";

/** An approval that holds the decision until a person answers: in place (implemented or partial), and not an opt-out review. */
const holdsForAPerson = (control: Control) => control.type === "human-approval" && control.status !== "planned" && control.unanswered !== "proceeds";

export const decisionAboutPeopleWithoutOversight: Rule = {
  id: "TW-GOV-008",
  title: "Automated decision about people without human oversight",
  category: "governance",
  rationale:
    "A model or agent whose answer decides something about a person (a rejected application, a refused claim, a blocked account) will be wrong for some people: every model has an error rate, and one trained on past human decisions repeats their bias. Unless a person reviews each decision before it takes effect, a wrong one stands, and the person it concerns may never learn why. A review that lets the decision go ahead when nobody answers in time is no review: people approve by not looking (automation bias). The EU AI Act requires high-risk systems to allow effective human oversight, and the GDPR gives people the right not to be subject to a decision based solely on automated processing.",
  appliesWhen:
    "A model or agent declares a decision about people (decision.aboutPeople) whose stakes are medium or high; for an agent, its autonomy is not suggest or supervised (a person applies or approves each action); and no human-approval control that holds the decision until a person answers (status implemented or partial, and not unanswered: proceeds) covers it or the host it runs on. One finding per model or agent.",
  mappings: {
    stride: ["R"],
    owaspLlm: ["LLM09:2025"],
    atlasMitigations: ["AML.M0029"],
    maestro: ["L6"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    euAiAct: ["Art. 14", "Art. 26"],
  },
  // Some decisions are wrong; what is uncertain is only how many.
  likelihood: 3,
  impact: 3,
  mitigations: [{ control: "human-review-path", reduces: "impact", by: 1, how: "a person the decision concerns can have it reviewed and reversed afterwards (it does not stop the decision taking effect)" }],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const { kind, element: decider, decision } of decisionsAboutPeople(graph)) {
      const element = decider as Model & Partial<Pick<Agent, "autonomy">>;
      if (kind === "agent" && (element.autonomy === "suggest" || element.autonomy === "supervised")) continue;
      const approvals = [element.id, ...(element.runsOn ? [element.runsOn] : [])].flatMap((id) => graph.controlsCovering(id)).filter((c) => c.type === "human-approval");
      if (approvals.some(holdsForAPerson)) continue;
      const name = graph.nameOf(element.id);
      const optOut = approvals.filter((c) => c.status !== "planned" && c.unanswered === "proceeds");
      const factors = peopleDecisionImpact(graph, decision, "allow effective human oversight (Art. 14)");
      const evidence: EvidenceItem[] = [
        { element: element.id, note: `decides ${decision.what} (stakes ${decision.stakes}, about people)${kind === "agent" ? `; autonomy ${element.autonomy ?? "not stated"}` : ""}` },
        ...optOut.map((c): EvidenceItem => ({ element: c.id, note: "human approval that lets the decision go ahead when nobody answers in time (unanswered: proceeds): decisions nobody looks at take effect, so it is no oversight" })),
        ...approvals.filter((c) => c.status === "planned").map((c): EvidenceItem => ({ element: c.id, note: "human approval, planned: not yet in place" })),
      ];
      detections.push({
        anchors: [element.id],
        summary: `${name} decides ${decision.what}, a decision about people, and ${optOut.length > 0 ? "its only review lets a decision go ahead when nobody answers in time" : "no person reviews a decision before it takes effect"}.`,
        evidence,
        factors,
      });
    }
    return detections;
  },
};
