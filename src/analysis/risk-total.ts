// The summed residual risk of a set of findings, as the diff and the plan report it.
import { RULES } from "../rules/index.js";

/** Rules whose findings say how a control falls short (Rule.controlShortfall). */
const SHORTFALL_RULES: ReadonlySet<string> = new Set(RULES.filter((rule) => rule.controlShortfall).map((rule) => rule.id));

/**
 * The sum of the findings' residual scores, two decimals. Findings about how a control falls short are left out:
 * their harm is that of the findings the control gates, so counting them too would make removing a control
 * (and its shortfalls with it) look like a reduction of risk.
 */
export function residualTotal(findings: readonly { ruleId: string; residual: { score: number } }[]): number {
  let sum = 0;
  for (const finding of findings) if (!SHORTFALL_RULES.has(finding.ruleId)) sum += finding.residual.score;
  return Math.round(sum * 100) / 100;
}

/** Whether the finding's rule says how a control falls short, so that totals leave it out. */
export function isControlShortfall(finding: { ruleId: string }): boolean {
  return SHORTFALL_RULES.has(finding.ruleId);
}
