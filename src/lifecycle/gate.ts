// The CI gate's verdict: the analysis (and, with a baseline, what the change did), the staleness
// assessment and the policy in; one result per check out. Pure: no git, no files, no clock.
import { isDeepStrictEqual } from "node:util";
import type { AnalysisResult } from "../analysis/analyze.js";
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
}

export interface GateBaseline {
  /** The baseline's analysis: findings it already had are not new. */
  result: AnalysisResult;
  /** The baseline model against the current one. */
  diff: ModelDiff;
  /** The baseline's review.lastReview: a change that leaves it as it was records no review. */
  lastReview: Review["lastReview"];
}

export interface GateInput {
  result: AnalysisResult;
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
  const known = new Set(baseline?.result.findings.map((f) => f.id) ?? []);
  // Reopened findings (a lapsed acceptance, a control gone) are open again, so they count here too.
  const failing = result.findings.filter((f) => SEVERITIES.indexOf(f.severity) >= floor && !isSettled(f.status) && !known.has(f.id));
  const scope = `${baseline ? "new " : ""}unmitigated finding`;
  const threshold = `at or above ${policy.failOn.severity}`;
  if (failing.length === 0) return { check: "findings", outcome: "pass", reason: `no ${scope}s ${threshold}` };
  return { check: "findings", outcome: "fail", reason: `${count(failing.length, scope)} ${threshold}`, findings: failing.map((f) => f.id) };
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
  return enforce("stale", policy.stale, staleness.stale ? `model is stale: ${staleness.reasons.join("; ")}` : undefined, [], "model is up to date with its review");
}

function materialCheck({ baseline, lastReview, policy }: GateInput): GateResult {
  const check = "material-change-review";
  if (policy.materialChangeNeedsReview === "off") return { check, outcome: "pass", reason: "not checked (off in the policy)" };
  if (!baseline) return { check, outcome: "pass", reason: "not checked: needs --baseline" };
  if (baseline.diff.classification !== "material") return { check, outcome: "pass", reason: `the change is ${baseline.diff.classification === "delta" ? "a delta" : "no change to the model"}: no full review needed` };
  // The review must be recorded in the change itself: lastReview edited relative to the baseline.
  if (lastReview !== undefined && !isDeepStrictEqual(lastReview, baseline.lastReview)) return { check, outcome: "pass", reason: `material change, review recorded (${lastReview.date}${lastReview.by ? ` by ${lastReview.by}` : ""})` };
  const why = baseline.diff.reasons.slice(0, 3).map((r) => r.message);
  const more = baseline.diff.reasons.length > 3 ? ` and ${baseline.diff.reasons.length - 3} more` : "";
  return enforce(check, policy.materialChangeNeedsReview, `material change without a recorded review (${why.join("; ")}${more}); record it in review.lastReview in this change`, [], "");
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
