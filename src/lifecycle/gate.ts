// The CI gate's verdict: the analysis (and, with a baseline, what the change did), the staleness
// assessment and the policy in; one result per check out. Pure: no git, no files, no clock.
import { isDeepStrictEqual } from "node:util";
import type { AnalysisResult, Finding } from "../analysis/analyze.js";
import { SEVERITIES } from "../analysis/scoring.js";
import type { Review } from "../model/schema.js";
import { isSettled } from "./decisions.js";
import type { ModelDiff } from "./model-diff.js";
import type { Enforcement, GatePolicy } from "./policy.js";
import type { Staleness } from "./staleness.js";

export type GateCheck = "findings" | "expired-acceptances" | "overdue" | "stale" | "material-change-review";
export type GateOutcome = "pass" | "warn" | "fail";

export interface GateResult {
  check: GateCheck;
  outcome: GateOutcome;
  reason: string;
  /** The IDs of the findings the check is about, most severe first. */
  findings?: string[];
  /**
   * The findings check with a baseline: why each finding counts, by ID ("new", "accepted at the
   * baseline, open now: ...", "re-scored medium → high (residual 10 → 15)").
   */
  why?: Record<string, string>;
}

export interface GateBaseline {
  /** The baseline's analysis: a finding it already had is held against the change only if the change unsettled it or raised its severity. */
  result: Pick<AnalysisResult, "findings">;
  /** The baseline model against the current one. */
  diff: ModelDiff;
  /** The baseline's review.lastReview: a change that leaves it as it was records no review. */
  lastReview: Review["lastReview"];
  /**
   * Set when the revision holds no usable model, so the baseline is an empty one: "missing" (the
   * change adds the model) or "invalid" (neither the baseline's model nor an earlier version of it
   * loads). Every finding is new, and the whole model needs a recorded review.
   */
  absent?: "missing" | "invalid";
}

export interface GateInput {
  result: Pick<AnalysisResult, "findings">;
  /** The analysis date (YYYY-MM-DD): a review dated after it is not one that happened. */
  today: string;
  /** Whether the model is stale, and why (judgeStaleness). */
  staleness: Staleness;
  policy: GatePolicy;
  /** The current model's review.lastReview. */
  lastReview: Review["lastReview"];
  baseline?: GateBaseline;
}

export interface GateVerdict {
  passed: boolean;
  results: GateResult[];
}

export function runGate(input: GateInput): GateVerdict {
  const results = [findingsCheck(input), expiredCheck(input), overdueCheck(input), staleCheck(input), materialCheck(input)];
  return { passed: results.every((r) => r.outcome !== "fail"), results };
}

function findingsCheck({ result, policy, baseline }: GateInput): GateResult {
  const floor = SEVERITIES.indexOf(policy.failOn.severity);
  const threshold = `at or above ${policy.failOn.severity}`;
  const unmitigated = result.findings.filter((f) => SEVERITIES.indexOf(f.severity) >= floor && !isSettled(f.status));
  if (!baseline) {
    if (unmitigated.length === 0) return { check: "findings", outcome: "pass", reason: `no unmitigated findings ${threshold}` };
    return { check: "findings", outcome: "fail", reason: `${count(unmitigated.length, "unmitigated finding")} ${threshold}`, findings: unmitigated.map((f) => f.id) };
  }
  // Against a baseline, a finding counts when the change brought it, or made it worse: settled
  // there and unsettled now (a decision changed, an acceptance lapsed, a control gone), or
  // re-scored into a higher severity (the unmitigated ones at or above the fail severity only).
  const before = new Map(baseline.result.findings.map((f) => [f.id, f]));
  const why: Record<string, string> = {};
  const tally = { new: 0, unsettled: 0, rescored: 0 };
  const failing: Finding[] = [];
  for (const f of unmitigated) {
    const causes = worse(f, before.get(f.id));
    if (causes.length === 0) continue;
    for (const cause of causes) tally[cause.kind]++;
    why[f.id] = causes.map((c) => c.text).join("; ");
    failing.push(f);
  }
  const empty = baseline.absent === undefined ? "" : ` (${baseline.absent === "missing" ? "no model at the baseline" : "the baseline's model is invalid"}: every finding is new)`;
  if (failing.length === 0) return { check: "findings", outcome: "pass", reason: `no unmitigated findings ${threshold} new or worse than at the baseline${empty}` };
  const findings = failing.map((f) => f.id);
  if (tally.new === failing.length) return { check: "findings", outcome: "fail", reason: `${count(failing.length, "new unmitigated finding")} ${threshold}${empty}`, findings, why };
  const parts = [tally.new > 0 ? `${tally.new} new` : "", tally.unsettled > 0 ? `${tally.unsettled} no longer settled` : "", tally.rescored > 0 ? `${tally.rescored} re-scored upward` : ""].filter(Boolean);
  return { check: "findings", outcome: "fail", reason: `${count(failing.length, "unmitigated finding")} ${threshold} new or worse than at the baseline (${parts.join(", ")})`, findings, why };
}

/** What the change did to an unmitigated finding to make it count against the baseline; empty when nothing. */
function worse(now: Finding, before: Finding | undefined): { kind: "new" | "unsettled" | "rescored"; text: string }[] {
  if (!before) return [{ kind: "new", text: "new" }];
  const causes: { kind: "unsettled" | "rescored"; text: string }[] = [];
  if (isSettled(before.status)) causes.push({ kind: "unsettled", text: `${before.status} at the baseline, ${now.status} now: ${now.statusReason}` });
  if (SEVERITIES.indexOf(now.severity) > SEVERITIES.indexOf(before.severity)) {
    causes.push({ kind: "rescored", text: `re-scored ${before.severity} → ${now.severity} (residual ${before.residual.score} → ${now.residual.score})` });
  }
  return causes;
}

function expiredCheck({ result, policy }: GateInput): GateResult {
  const expired = result.findings.filter((f) => f.reopened === "acceptance-expired").map((f) => f.id);
  return enforce("expired-acceptances", policy.expiredAcceptances, expired.length === 0 ? undefined : `${count(expired.length, "acceptance")} expired: the findings are open again`, expired, "no expired acceptances");
}

function overdueCheck({ result, policy }: GateInput): GateResult {
  const overdue = result.findings.filter((f) => f.overdue).map((f) => f.id);
  return enforce("overdue", policy.overdue, overdue.length === 0 ? undefined : `${count(overdue.length, "finding")} past the decision's due date and not settled`, overdue, "no overdue findings");
}

function staleCheck({ staleness, policy }: GateInput): GateResult {
  const check = "stale";
  if (policy.stale === "off") return { check, outcome: "pass", reason: "not checked (off in the policy)" };
  // When git could not tell whether the model changed since its review (a shallow clone, no
  // repository), "up to date" would be a guess: say so, as a warning at most, since the model may
  // well be up to date and the cure is in the CI setup (fetch the history).
  const unknown = staleness.historyUnknown === null ? undefined : `could not tell from git whether the model changed since the review: ${staleness.historyUnknown}`;
  if (staleness.stale) return { check, outcome: policy.stale, reason: `model is stale: ${staleness.reasons.join("; ")}${unknown ? `; and ${unknown}` : ""}` };
  if (unknown) return { check, outcome: "warn", reason: unknown };
  return { check, outcome: "pass", reason: "model is up to date with its review" };
}

function materialCheck({ baseline, lastReview, policy, today }: GateInput): GateResult {
  const check = "material-change-review";
  if (policy.materialChangeNeedsReview === "off") return { check, outcome: "pass", reason: "not checked (off in the policy)" };
  if (!baseline) return { check, outcome: "pass", reason: "not checked: needs --baseline" };
  // Without a usable baseline model the whole model is new to the review, whatever the diff says.
  if (baseline.absent === undefined && baseline.diff.classification !== "material") return { check, outcome: "pass", reason: `the change is ${baseline.diff.classification === "delta" ? "a delta" : "no change to the model"}: no full review needed` };
  // The review must be recorded in the change itself: a new review relative to the baseline's.
  const recorded = newReview(lastReview, baseline.lastReview, today);
  if (recorded === true && lastReview) return { check, outcome: "pass", reason: `${baseline.absent === undefined ? "material change" : "new model"}, review recorded (${lastReview.date}${lastReview.by ? ` by ${lastReview.by}` : ""})` };
  const detail = typeof recorded === "string" ? `; ${recorded}` : "";
  if (baseline.absent !== undefined) {
    const what = baseline.absent === "missing" ? "the model is new (none at the baseline)" : "the baseline's model is invalid, so the whole model is new to the review";
    return enforce(check, policy.materialChangeNeedsReview, `${what} and records no review; record it in review.lastReview in this change${detail}`, [], "");
  }
  const why = baseline.diff.reasons.slice(0, 3).map((r) => r.message);
  const more = baseline.diff.reasons.length > 3 ? ` and ${baseline.diff.reasons.length - 3} more` : "";
  return enforce(check, policy.materialChangeNeedsReview, `material change without a recorded review (${why.join("; ")}${more}); record it in review.lastReview in this change${detail}`, [], "");
}

/**
 * Whether `now` records a review the baseline's record (`before`) does not: a later date, another
 * reviewer or another reviewed commit, never a date moved back or after today. Editing only the
 * notes, or dropping the reviewer or commit, records nothing. True, or why not when there is
 * something to say (undefined when the record is absent or unchanged).
 */
function newReview(now: Review["lastReview"], before: Review["lastReview"], today: string): true | string | undefined {
  if (!now) return undefined;
  if (now.date > today) return `review.lastReview.date ${now.date} is after the analysis date ${today}`;
  if (!before) return true;
  if (isDeepStrictEqual(now, before)) return undefined;
  if (now.date < before.date) return `review.lastReview.date ${now.date} is before the baseline's ${before.date}`;
  if (now.date > before.date || (now.by !== undefined && now.by !== before.by) || (now.commit !== undefined && now.commit !== before.commit)) return true;
  return "review.lastReview was edited, but names no later date, other reviewer or other commit than the baseline's";
}

/** A check's outcome under the policy: a problem fails or warns as configured; off never reports it. */
function enforce(check: GateCheck, level: Enforcement, problem: string | undefined, findings: string[], clean: string): GateResult {
  if (level === "off") return { check, outcome: "pass", reason: "not checked (off in the policy)" };
  if (problem === undefined) return { check, outcome: "pass", reason: clean };
  return { check, outcome: level, reason: problem, ...(findings.length > 0 ? { findings } : {}) };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
