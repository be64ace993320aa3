import { addDuration, daysBetween } from "../../model/dates.js";
import type { Factor, Rule } from "../rule.js";

export const reviewOverdue: Rule = {
  id: "TW-GOV-002",
  title: "Threat model review missing or overdue",
  category: "governance",
  rationale:
    "A threat model is a claim about the system at the time it was reviewed. Agents gain tools, prompts change and models move faster than anyone notices, so a model nobody owns a review of, or has not reviewed within its cadence, no longer says what the risks are.",
  appliesWhen: "The model has no review policy, or the policy has no last review, or the last review's date plus the cadence lies before the analysis date.",
  mappings: {
    stride: ["R"],
    maestro: ["L6"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    euAiAct: ["Art. 9", "Art. 72"],
  },
  likelihood: 2,
  impact: 2,
  mitigations: [],
  detect(context) {
    const { graph, today } = context;
    const { system, review } = graph.model;
    const factors: Factor[] = [];
    let problem: string;
    if (!review) {
      problem = "has no review policy: nobody owns reviewing it and no cadence is set";
      factors.push({ dimension: "likelihood", delta: 1, reason: "no review policy at all" });
    } else if (!review.lastReview) {
      problem = `has never been reviewed (${review.owner} reviews it every ${review.cadence})`;
      factors.push({ dimension: "likelihood", delta: 1, reason: "never reviewed" });
    } else {
      const due = addDuration(review.lastReview.date, review.cadence);
      if (due >= today) return [];
      const late = daysBetween(due, today);
      problem = `was due for review on ${due} (last reviewed ${review.lastReview.date}, every ${review.cadence}), ${late} day${late === 1 ? "" : "s"} ago`;
      if (late > daysBetween(review.lastReview.date, due)) factors.push({ dimension: "likelihood", delta: 1, reason: "overdue by more than a whole cadence" });
    }
    if (system.euAiActRisk === "high") factors.push({ dimension: "impact", delta: 1, reason: "a high-risk system under the EU AI Act needs its risk management kept up to date (Art. 9)" });
    return [
      {
        anchors: [system.id],
        summary: `The threat model of ${system.name} ${problem}.`,
        evidence: [{ element: system.id, note: review ? `review owner ${review.owner}, cadence ${review.cadence}, last review ${review.lastReview?.date ?? "none"}` : "no review policy" }],
        factors,
      },
    ];
  },
};
