// Figures over a model's history: from the analyses of successive versions (oldest first),
// findings by severity, closure rate, mean time to mitigate, overdue items, expired acceptances
// and decision coverage at each point. Pure: no git, no clock. Definitions in docs/cli.md.
import type { Finding } from "../analysis/analyze.js";
import type { Severity } from "../analysis/scoring.js";
import { SEVERITIES } from "../analysis/scoring.js";
import { daysBetween } from "../model/dates.js";
import { isSettled } from "./decisions.js";
import type { DecisionStatus } from "../model/vocabulary.js";

/** One finding as the figures need it. */
export interface SnapshotFinding {
  id: string;
  severity: Severity;
  /** Effective status, after expiry and the other reopening rules. */
  status: DecisionStatus;
  overdue: boolean;
  /** Element IDs the finding is about; the components among them are the ones it counts against. */
  anchors: readonly string[];
}

/** The findings of an analysis as the figures need them. */
export function snapshotFindings(findings: readonly Finding[]): SnapshotFinding[] {
  return findings.map((f) => ({ id: f.id, severity: f.severity, status: f.status, overdue: f.overdue, anchors: f.anchors }));
}

/** The model analysed at one commit. */
export interface Snapshot {
  commit: string;
  /** YYYY-MM-DD: the commit's date, which was also the analysis date. */
  date: string;
  subject: string;
  findings: readonly SnapshotFinding[];
  /** Acceptances and transfers past their expiry date (the decision summary's `expired`). */
  expired: number;
  /** IDs of the model's components (actors, models, agents, tools, ... datasets). */
  components: readonly string[];
}

export type Bucketing = "commit" | "week";

export interface FigurePoint {
  commit: string;
  date: string;
  /** ISO week of `date` (2026-W40). */
  week: string;
  subject: string;
  /** Commits this point stands for (1 per commit; the commits of the week by week). */
  commits: number;
  findings: {
    total: number;
    /** Not settled: status open or mitigating. */
    open: number;
    bySeverity: Record<Severity, number>;
    openBySeverity: Record<Severity, number>;
  };
  closure: {
    /** Distinct findings seen at this point or before. */
    seen: number;
    /** Of those, the ones mitigated or gone at this point. */
    closed: number;
    /** closed / seen; null before any finding was seen. */
    rate: number | null;
  };
  meanTimeToMitigate: {
    /** Findings whose first closure happened at this point or before. */
    mitigated: number;
    /** Mean days from first appearance to first closure; null when none closed yet. */
    days: number | null;
  };
  overdue: number;
  expiredAcceptances: number;
  coverage: {
    components: number;
    /** Components named by at least one finding. */
    withFindings: number;
    /** Of those, components whose every finding has a decision that is not open. */
    covered: number;
    /** covered / withFindings; null when no component has a finding. */
    rate: number | null;
  };
}


const zeroes = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

/** The figures at every snapshot (oldest first), then bucketed. */
export function computeFigures(snapshots: readonly Snapshot[], by: Bucketing = "commit"): FigurePoint[] {
  const firstSeen = new Map<string, string>();
  /** Findings that have closed at least once; their days to first closure are summed in closedDaysTotal. */
  const closedOnce = new Set<string>();
  let closedDaysTotal = 0;
  const points: FigurePoint[] = [];

  for (const snapshot of snapshots) {
    const present = new Map(snapshot.findings.map((f) => [f.id, f]));
    for (const f of snapshot.findings) if (!firstSeen.has(f.id)) firstSeen.set(f.id, snapshot.date);

    let closed = 0;
    for (const [id, appeared] of firstSeen) {
      const now = present.get(id);
      if (now !== undefined && now.status !== "mitigated") continue;
      closed++;
      if (!closedOnce.has(id)) {
        closedOnce.add(id);
        closedDaysTotal += daysBetween(appeared, snapshot.date);
      }
    }

    const bySeverity = zeroes();
    const openBySeverity = zeroes();
    let open = 0;
    for (const f of snapshot.findings) {
      bySeverity[f.severity]++;
      if (!isSettled(f.status)) {
        openBySeverity[f.severity]++;
        open++;
      }
    }

    points.push({
      commit: snapshot.commit,
      date: snapshot.date,
      week: isoWeek(snapshot.date),
      subject: snapshot.subject,
      commits: 1,
      findings: { total: snapshot.findings.length, open, bySeverity, openBySeverity },
      closure: { seen: firstSeen.size, closed, rate: firstSeen.size === 0 ? null : closed / firstSeen.size },
      meanTimeToMitigate: { mitigated: closedOnce.size, days: closedOnce.size === 0 ? null : closedDaysTotal / closedOnce.size },
      overdue: snapshot.findings.filter((f) => f.overdue).length,
      expiredAcceptances: snapshot.expired,
      coverage: coverage(snapshot),
    });
  }
  return by === "week" ? byWeek(points) : points;
}

function coverage(snapshot: Snapshot): FigurePoint["coverage"] {
  const components = new Set(snapshot.components);
  // A component is covered while none of its findings is open (undecided, or reopened by expiry).
  const decided = new Map<string, boolean>();
  for (const f of snapshot.findings) {
    for (const anchor of f.anchors) {
      if (!components.has(anchor)) continue;
      decided.set(anchor, (decided.get(anchor) ?? true) && f.status !== "open");
    }
  }
  const covered = [...decided.values()].filter(Boolean).length;
  return { components: components.size, withFindings: decided.size, covered, rate: decided.size === 0 ? null : covered / decided.size };
}

/** Decimals of the rates and of the days in the published figures (JSON, CSV). */
export const RATE_DECIMALS = 4;
export const DAYS_DECIMALS = 1;

/**
 * a / b to `decimals` decimals, halves away from zero, from the integers themselves: rounding the
 * float a / b instead goes wrong at halves (3 / 20 is stored as 0.1499..., which toFixed(1)
 * rounds to 0.1). Exact while a * 10^decimals stays well within 2^53.
 */
export function roundedRatio(a: number, b: number, decimals: number): number {
  const scale = 10 ** decimals;
  const magnitude = Math.round((Math.abs(a) * scale) / b) / scale;
  return a < 0 ? -magnitude : magnitude;
}

/**
 * The point as published: rates to RATE_DECIMALS, mean days to DAYS_DECIMALS, each rounded once
 * from the counts. computeFigures stays exact (the HTML report formats its own percentages).
 */
export function roundFigures(point: FigurePoint): FigurePoint {
  const { closure, meanTimeToMitigate: mttm, coverage } = point;
  // The mean is a sum of whole days over the count: the sum is recovered exactly from the float.
  const totalDays = mttm.days === null ? null : Math.round(mttm.days * mttm.mitigated);
  return {
    ...point,
    closure: { ...closure, rate: closure.rate === null ? null : roundedRatio(closure.closed, closure.seen, RATE_DECIMALS) },
    meanTimeToMitigate: { ...mttm, days: totalDays === null ? null : roundedRatio(totalDays, mttm.mitigated, DAYS_DECIMALS) },
    coverage: { ...coverage, rate: coverage.rate === null ? null : roundedRatio(coverage.covered, coverage.withFindings, RATE_DECIMALS) },
  };
}

/** One point per ISO week: the week's last commit stands for it (the figures are cumulative). */
function byWeek(points: readonly FigurePoint[]): FigurePoint[] {
  const weeks: FigurePoint[] = [];
  for (const point of points) {
    const last = weeks[weeks.length - 1];
    if (last && last.week === point.week) weeks[weeks.length - 1] = { ...point, commits: last.commits + 1 };
    else weeks.push(point);
  }
  return weeks;
}

/** The ISO 8601 week of a date (YYYY-MM-DD), written 2026-W01. */
export function isoWeek(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  const weekday = day.getUTCDay() || 7;
  // The Thursday of the same week decides the year the week belongs to.
  const thursday = new Date(day.getTime() + (4 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}
