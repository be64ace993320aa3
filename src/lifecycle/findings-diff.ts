// Findings before and after a change: new, resolved and re-scored (by stable ID), and
// the total residual risk on each side. Pure.
import type { Finding } from "../analysis/analyze.js";
import { residualTotal } from "../analysis/risk-total.js";
import type { Severity } from "../analysis/scoring.js";

export interface FindingSummary {
  id: string;
  ruleId: string;
  title: string;
  summary: string;
  severity: Severity;
  residual: number;
  /** Its root cause (see analysis/root-causes.ts), as on the side it is found on. */
  cause: string;
}

export interface RescoredFinding {
  id: string;
  ruleId: string;
  title: string;
  before: { residual: number; severity: Severity };
  after: { residual: number; severity: Severity };
  /** after - before: negative when the risk went down. */
  delta: number;
}

export interface FindingsDiff {
  /** Most severe first, then by ID. */
  new: FindingSummary[];
  resolved: FindingSummary[];
  /** Largest change first, then by ID. */
  rescored: RescoredFinding[];
  /** Summed residual scores, leaving out findings about how a control falls short (residualTotal). */
  residual: { before: number; after: number; delta: number };
  /** Findings present on both sides with the same residual score. */
  unchanged: number;
}

/** Scores are products of steps such as 3.5 x 2.25: two decimals are exact enough, and sums stay free of 0.1 + 0.2 noise. */
const round = (value: number) => Math.round(value * 100) / 100;

const summarise = (f: Finding): FindingSummary => ({ id: f.id, ruleId: f.ruleId, title: f.title, summary: f.summary, severity: f.severity, residual: f.residual.score, cause: f.cause });

const byRiskThenId = (a: { residual: number; id: string }, b: { residual: number; id: string }) => b.residual - a.residual || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function diffFindings(before: readonly Finding[], after: readonly Finding[]): FindingsDiff {
  const old = new Map(before.map((f) => [f.id, f]));
  const now = new Map(after.map((f) => [f.id, f]));
  const added: FindingSummary[] = [];
  const rescored: RescoredFinding[] = [];
  let unchanged = 0;
  for (const finding of after) {
    const earlier = old.get(finding.id);
    if (!earlier) {
      added.push(summarise(finding));
    } else if (earlier.residual.score !== finding.residual.score) {
      rescored.push({
        id: finding.id,
        ruleId: finding.ruleId,
        title: finding.title,
        before: { residual: earlier.residual.score, severity: earlier.residual.severity },
        after: { residual: finding.residual.score, severity: finding.residual.severity },
        delta: round(finding.residual.score - earlier.residual.score),
      });
    } else {
      unchanged++;
    }
  }
  const resolved = before.filter((f) => !now.has(f.id)).map(summarise);
  const residualBefore = residualTotal(before);
  const residualAfter = residualTotal(after);
  return {
    new: added.sort(byRiskThenId),
    resolved: resolved.sort(byRiskThenId),
    rescored: rescored.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    residual: { before: residualBefore, after: residualAfter, delta: round(residualAfter - residualBefore) },
    unchanged,
  };
}
