// Whether a threat model is stale, and why: not reviewed within its cadence, changed since its
// last recorded review, or with a review dated after today (a review that cannot have happened
// yet vouches for nothing). Pure: the caller brings the date and what git knows about changes.
//
// "Changed since the review" means: with lastReview.commit, the commits after that commit
// (COMMIT..HEAD) that touch the model's files; without it, the commits touching them that were
// committed after the end of the review day (UTC). Uncommitted changes to the files count too.
// Changes that leave the model under review as it was do not count: the `review:` block (recording
// a review edits it, so counting it would make every recorded review stale at once), `decisions:`
// (what the team decided about findings, not the system reviewed; a file that holds only decisions
// never counts), comments and layout. Adding such a file to `include:` does count: the list changed.
import { isDeepStrictEqual } from "node:util";
import type { Review } from "../model/schema.js";
import { parseModelFile, parsePlainFile } from "../model/parse.js";
import { addDuration, daysBetween } from "../model/dates.js";

/** A commit that touched the model's files after the review, as git reports it. */
export interface ChangedCommit {
  /** Full hash. */
  hash: string;
  /** Committer date, ISO 8601 with offset. */
  date: string;
  subject: string;
  /** The model files it touched, named as the caller named them. */
  files: string[];
  /** The model apart from review record, decisions, comments and layout is the same before and after. */
  modelUnchanged: boolean;
}

/** A model file whose working copy differs from the last commit. */
export interface UncommittedChange {
  file: string;
  state: "modified" | "added" | "deleted" | "renamed" | "untracked" | "ignored" | "conflicted";
  modelUnchanged: boolean;
}

/** What git knows about changes to the model since its last review. */
export type ChangesSinceReview =
  | { known: false; reason: string }
  | {
      known: true;
      /** "commit": counted from lastReview.commit; "date": from the end of the review day. */
      since: "commit" | "date";
      /** The recorded commit when git does not know it (changes are then counted from the date). */
      unknownCommit?: string;
      commits: ChangedCommit[];
      uncommitted: UncommittedChange[];
    };

export interface StalenessInput {
  review: Review | undefined;
  /** YYYY-MM-DD. */
  today: string;
  /** Left out when the model was not compared with its history. */
  changesSinceReview?: ChangesSinceReview;
}

export interface Staleness {
  stale: boolean;
  /** Why the model is stale, in words; empty when it is not. */
  reasons: string[];
  /** What is worth knowing but does not make the model stale. */
  notes: string[];
  /** Last review date plus cadence; null without a recorded review. */
  nextDue: string | null;
  /** Days past nextDue; 0 when not overdue. */
  daysOverdue: number;
  /** Whether the model changed since the review; null when that could not be told. */
  changedSinceReview: boolean | null;
  /** Why git could not tell whether the model changed since the review; null when it could, or was not asked. */
  historyUnknown: string | null;
  /** The commits and uncommitted files counted as changes. */
  commits: ChangedCommit[];
  uncommitted: UncommittedChange[];
}

const LISTED = 5;

export function assessStaleness({ review, today, changesSinceReview }: StalenessInput): Staleness {
  const result: Staleness = { stale: false, reasons: [], notes: [], nextDue: null, daysOverdue: 0, changedSinceReview: null, historyUnknown: null, commits: [], uncommitted: [] };
  if (!review) return { ...result, stale: true, reasons: ["no review policy: nobody owns reviewing the model and no cadence is set"] };
  const last = review.lastReview;
  if (!last) return { ...result, stale: true, reasons: [`no review recorded (${review.owner} reviews every ${review.cadence})`] };

  // Dates are YYYY-MM-DD, so they compare as text. A review after today has not happened: it
  // cannot vouch for the model, or every change up to that day would go unnoticed.
  if (last.date > today) {
    result.reasons.push(`last review is dated ${last.date}, after today (${today}): a review cannot be recorded ahead of time; correct review.lastReview.date`);
  }
  result.nextDue = addDuration(last.date, review.cadence);
  const overdue = daysBetween(result.nextDue, today);
  if (overdue > 0) {
    result.daysOverdue = overdue;
    result.reasons.push(`last review ${last.date} is ${days(daysBetween(last.date, today))} old; cadence is ${review.cadence} (due ${result.nextDue}, ${days(overdue)} overdue)`);
  } else if (overdue === 0) {
    result.notes.push(`review due today (${result.nextDue})`);
  }

  if (!changesSinceReview) {
    result.notes.push("changes since the review were not checked");
  } else if (!changesSinceReview.known) {
    result.historyUnknown = changesSinceReview.reason;
    result.notes.push(`could not tell from git whether the model changed since the review: ${changesSinceReview.reason}`);
  } else {
    const changes = changesSinceReview;
    if (changes.unknownCommit !== undefined) {
      result.notes.push(`git does not know the reviewed commit ${quote(changes.unknownCommit)} (not in this repository's history, or ambiguous); changes are counted from the end of the review day (${last.date}) instead`);
    }
    result.commits = changes.commits.filter((c) => !c.modelUnchanged);
    result.uncommitted = changes.uncommitted.filter((u) => !u.modelUnchanged);
    result.changedSinceReview = result.commits.length > 0 || result.uncommitted.length > 0;
    const since = changes.since === "commit" && last.commit ? `the reviewed commit ${shortHash(last.commit)} (review on ${last.date})` : `the review on ${last.date}`;
    if (result.commits.length > 0) {
      result.reasons.push(`${count(result.commits.length, "commit")} changed the model since ${since}: ${listCommits(result.commits)}`);
    }
    if (result.uncommitted.length > 0) {
      result.reasons.push(`uncommitted changes to ${count(result.uncommitted.length, "model file")}: ${listed(result.uncommitted.map((u) => `${u.file} (${u.state})`))}`);
    }
    const ignored = changes.commits.filter((c) => c.modelUnchanged);
    if (ignored.length > 0) {
      result.notes.push(`${count(ignored.length, "commit")} since the review changed only the review record, decisions, comments or layout (not counted): ${listCommits(ignored)}`);
    }
    const ignoredFiles = changes.uncommitted.filter((u) => u.modelUnchanged);
    if (ignoredFiles.length > 0) {
      result.notes.push(`uncommitted changes to ${count(ignoredFiles.length, "model file")} touch only the review record, decisions, comments or layout (not counted): ${listed(ignoredFiles.map((u) => u.file))}`);
    }
  }
  result.stale = result.reasons.length > 0;
  return result;
}

/** Whether a commit made at `commitDate` (ISO 8601) comes after the end of the review day, in UTC. */
export function isAfterReviewDay(commitDate: string, reviewDate: string): boolean {
  const time = Date.parse(commitDate);
  // A date git wrote but we cannot read is counted: better a needless review than a missed change.
  if (Number.isNaN(time)) return true;
  return new Date(time).toISOString().slice(0, 10) > reviewDate;
}

/**
 * Whether two versions of a model file (undefined: the file did not exist) hold the same model
 * under review: equal once `review` and `decisions` are set aside. Text that does not parse is a change.
 */
export function sameModelUnderReview(file: string, before: Uint8Array | undefined, after: Uint8Array | undefined): boolean {
  if (before && after && Buffer.from(before).equals(Buffer.from(after))) return true;
  const a = reviewedContent(file, before);
  const b = reviewedContent(file, after);
  return a !== undefined && b !== undefined && isDeepStrictEqual(a, b);
}

const NOT_REVIEWED = new Set(["review", "decisions"]);

function reviewedContent(file: string, bytes: Uint8Array | undefined): Record<string, unknown> | undefined {
  if (bytes === undefined) return {};
  // Only the value matters here: the plain parser gives it without the position index, for every version of every
  // file history compares; anything it does not take plainly goes to the careful parser, which gives the same value.
  const plain = parsePlainFile(bytes);
  let value: unknown = plain?.value;
  if (!plain) {
    const outcome = parseModelFile(file, bytes);
    if (!outcome.ok) return undefined;
    value = outcome.parsed.value;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !NOT_REVIEWED.has(key)));
}

function listCommits(commits: readonly ChangedCommit[]): string {
  return listed(commits.map((c) => `${shortHash(c.hash)} '${subjectLine(c.subject)}'`));
}

function listed(items: readonly string[]): string {
  const shown = items.slice(0, LISTED).join(", ");
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}

function shortHash(hash: string): string {
  return hash.slice(0, 7);
}

function subjectLine(subject: string): string {
  return subject.length > 72 ? `${subject.slice(0, 71)}…` : subject;
}

/** The recorded commit when it looks like a revision; other text is not echoed (it may be anything). */
function quote(commit: string): string {
  return /^[A-Za-z0-9._/-]{1,100}$/.test(commit) ? `'${commit}'` : "(as recorded)";
}

function days(n: number): string {
  return count(n, "day");
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
