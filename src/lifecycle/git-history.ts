// What git knows about a model's files: the repository that holds them, the commits that touched
// them since a review, and uncommitted changes. Runs the git command line with argument arrays
// (never a shell), read-only; anything git cannot answer becomes "unknown", never a failure.
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import type { Review } from "../model/schema.js";
import { GitError, gitComplaint, parseCatFileBatch, repositoryPath, runGit } from "./git-files.js";
import type { ChangedCommit, ChangesSinceReview, Staleness, UncommittedChange } from "./staleness.js";
import { assessStaleness, isAfterReviewDay, sameModelUnderReview } from "./staleness.js";

export type RepositoryLookup = { root: string } | { unknown: string };

type GitResult = { ok: true; stdout: Buffer } | { ok: false; message: string };

function git(cwd: string, args: string[], input?: string): GitResult {
  let run;
  try {
    run = runGit(cwd, args, input);
  } catch (error) {
    if (error instanceof GitError) return { ok: false, message: error.message };
    throw error;
  }
  if (run.status !== 0) return { ok: false, message: run.stderr.trim() !== "" ? gitComplaint(run.stderr) : `git exited with code ${run.status}` };
  return { ok: true, stdout: run.stdout };
}


/** The top folder of the repository holding `dir` (links resolved), or why there is none. */
export function findRepositoryRoot(dir: string): RepositoryLookup {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return { unknown: `${dir} does not exist` };
  }
  const result = git(real, ["rev-parse", "--show-toplevel"]);
  if (!result.ok) return { unknown: /not a git repository/i.test(result.message) ? `${dir} is not inside a git repository` : result.message };
  const top = result.stdout.toString("utf8").trim();
  if (top === "") return { unknown: `${dir} is not inside a git working tree` };
  return { root: realpathSync(top) };
}

/** Each file by its path relative to the repository root, as git names it; or the first file outside the repository. */
function repositoryPaths(root: string, files: readonly string[]): { byRepoPath: Map<string, string> } | { outside: string } {
  const byRepoPath = new Map<string, string>();
  for (const file of files) {
    const relative = repositoryPath(root, file);
    if (relative === null) return { outside: file };
    byRepoPath.set(relative, file);
  }
  return { byRepoPath };
}

/** The full hash of a revision (hash, tag or branch), or undefined when git does not know it. */
export function resolveCommit(root: string, revision: string): string | undefined {
  // A revision starting with '-' would be read as an option.
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(revision)) return undefined;
  const result = git(root, ["rev-parse", "--verify", "--quiet", `${revision}^{commit}`]);
  return result.ok ? result.stdout.toString("utf8").trim() : undefined;
}

/** Whether HEAD names a commit: an empty repository has none. */
export function hasCommits(root: string): boolean {
  return git(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).ok;
}

export interface CommitRecord {
  hash: string;
  date: string;
  subject: string;
  /** Paths relative to the repository root. */
  files: string[];
}

const RECORD = "\x1e";
const FIELD = "\x1f";

/**
 * Commits reachable from HEAD that touched the paths (relative to the root), newest first; with
 * `after`, only those not reachable from that commit. Merge commits are left out: the commits they
 * bring in are listed themselves.
 */
export function commitsTouching(root: string, repoPaths: readonly string[], after?: string): CommitRecord[] {
  if (repoPaths.length === 0 || !hasCommits(root)) return [];
  const range = after ? `${after}..HEAD` : "HEAD";
  const result = git(root, ["log", "-z", "--no-merges", "--no-renames", "--name-only", `--format=${RECORD}%H${FIELD}%cI${FIELD}%s`, range, "--", ...repoPaths.map(literal)]);
  if (!result.ok) throw new Error(result.message);
  const commits: CommitRecord[] = [];
  // With -z: "<header>\0\n<file>\0<file>\0<header>\0\n<file>\0...".
  for (const token of result.stdout.toString("utf8").split("\0")) {
    const item = token.startsWith("\n") ? token.slice(1) : token;
    if (item.startsWith(RECORD)) {
      const [hash = "", date = "", ...subject] = item.slice(1).split(FIELD);
      commits.push({ hash, date, subject: subject.join(FIELD), files: [] });
    } else if (item !== "") {
      commits[commits.length - 1]?.files.push(item);
    }
  }
  return commits;
}

export interface WorkingChange {
  /** Relative to the repository root. */
  path: string;
  state: UncommittedChange["state"];
}

/** Paths (relative to the root) whose working copy or index differs from HEAD, or that git does not track or ignores. */
export function uncommittedChanges(root: string, repoPaths: readonly string[]): WorkingChange[] {
  if (repoPaths.length === 0) return [];
  // Ignored files too: a model file git ignores was never part of a reviewed commit. Traditional with
  // all untracked files names each file; matching would name only an ignored directory ("scratch/"),
  // which then reads as no file at all, and the model as unchanged.
  const result = git(root, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=traditional", "--no-renames", "--", ...repoPaths.map(literal)]);
  if (!result.ok) throw new Error(result.message);
  const changes: WorkingChange[] = [];
  for (const entry of result.stdout.toString("utf8").split("\0")) {
    if (entry.length < 4) continue;
    changes.push({ path: entry.slice(3), state: workingState(entry.slice(0, 2)) });
  }
  return changes;
}

function workingState(code: string): UncommittedChange["state"] {
  if (code === "??") return "untracked";
  if (code === "!!") return "ignored";
  if (code.includes("U") || code === "AA" || code === "DD") return "conflicted";
  if (code.includes("D")) return "deleted";
  if (code.includes("R")) return "renamed";
  if (code.includes("A")) return "added";
  return "modified";
}

/**
 * The bytes of files at revisions, each asked as [revision, path relative to the root]; undefined
 * where the file did not exist there. One git process answers them all.
 */
export function filesAtRevisions(root: string, requests: readonly (readonly [string, string])[]): (Uint8Array | undefined)[] {
  const answers: (Uint8Array | undefined)[] = requests.map(() => undefined);
  // The batch protocol is one request per line: a name with a line break cannot be asked (it reads as absent).
  const asked = requests.map(([revision, repoPath], index) => ({ index, name: `${revision}:${repoPath}` })).filter((r) => !/[\n\r]/.test(r.name));
  if (asked.length === 0) return answers;
  const result = git(root, ["cat-file", "--batch"], asked.map((r) => `${r.name}\n`).join(""));
  if (!result.ok) throw new Error(result.message);
  parseCatFileBatch(result.stdout, asked.length).forEach((object, index) => {
    if (object?.type === "blob") answers[asked[index]!.index] = object.content;
  });
  return answers;
}

// Pathspec magic off: a model file named '*.yaml' or ':x' means that file only.
export function literal(repoPath: string): string {
  return `:(literal)${repoPath}`;
}

// Past this many commits the content comparison is skipped (they all count): a bound on the work.
const COMPARED_COMMITS = 1000;

/**
 * Whether the model is stale, judged as every command judges it: its review cadence, and what git
 * says changed in its files since the last recorded review (without a review there is nothing to compare).
 */
export function judgeStaleness(review: Review | undefined, files: readonly string[], today: string): { staleness: Staleness; changes?: ChangesSinceReview } {
  const changes = review?.lastReview ? readChangesSinceReview(files, review.lastReview) : undefined;
  const staleness = assessStaleness({ review, today, ...(changes ? { changesSinceReview: changes } : {}) });
  return changes ? { staleness, changes } : { staleness };
}

/**
 * What changed in the model's files since its last review, as staleness needs it: `files` are the
 * model's files as the loader named them; the result names them the same way.
 */
export function readChangesSinceReview(files: readonly string[], lastReview: { date: string; commit?: string | undefined }): ChangesSinceReview {
  const first = files[0];
  if (first === undefined) return { known: false, reason: "the model has no files" };
  const lookup = findRepositoryRoot(path.dirname(first));
  if ("unknown" in lookup) return { known: false, reason: lookup.unknown };
  const root = lookup.root;
  const placed = repositoryPaths(root, files);
  if ("outside" in placed) return { known: false, reason: `${placed.outside} is outside the repository at ${root}` };
  const { byRepoPath } = placed;
  const repoPaths = [...byRepoPath.keys()];

  try {
    const reviewed = lastReview.commit === undefined ? undefined : resolveCommit(root, lastReview.commit);
    // A shallow clone (CI often fetches one commit) holds too little history to count from a date.
    if (!reviewed && isShallow(root)) {
      return { known: false, reason: `the repository at ${root} is a shallow clone without the ${lastReview.commit === undefined ? "history since the review" : "reviewed commit"}; fetch the full history (git fetch --unshallow, or fetch-depth: 0 in CI)` };
    }
    let records = commitsTouching(root, repoPaths, reviewed);
    if (!reviewed) records = records.filter((c) => isAfterReviewDay(c.date, lastReview.date));
    const commits = records.map((record, index) => changedCommit(root, record, byRepoPath, index < COMPARED_COMMITS));
    const uncommitted = workingChanges(root, repoPaths, byRepoPath);
    const unknownCommit = lastReview.commit !== undefined && reviewed === undefined ? lastReview.commit : undefined;
    return { known: true, since: reviewed ? "commit" : "date", ...(unknownCommit !== undefined ? { unknownCommit } : {}), commits, uncommitted };
  } catch (error) {
    return { known: false, reason: `git could not read the history: ${(error as Error).message}` };
  }
}

/** Whether the repository is a shallow clone; before git 2.15, rev-parse echoes the unknown option, read as not shallow. */
export function isShallow(root: string): boolean {
  const result = git(root, ["rev-parse", "--is-shallow-repository"]);
  return result.ok && result.stdout.toString("utf8").trim() === "true";
}

function changedCommit(root: string, record: CommitRecord, byRepoPath: Map<string, string>, compare: boolean): ChangedCommit {
  let modelUnchanged = false;
  if (compare && record.files.length > 0) {
    const versions = filesAtRevisions(root, record.files.flatMap((f) => [[`${record.hash}^`, f] as const, [record.hash, f] as const]));
    modelUnchanged = record.files.every((f, i) => sameModelUnderReview(f, versions[2 * i], versions[2 * i + 1]));
  }
  return { hash: record.hash, date: record.date, subject: record.subject, files: record.files.map((f) => byRepoPath.get(f) ?? f), modelUnchanged };
}

function workingChanges(root: string, repoPaths: readonly string[], byRepoPath: Map<string, string>): UncommittedChange[] {
  const changes = uncommittedChanges(root, repoPaths);
  const committed = hasCommits(root) ? filesAtRevisions(root, changes.map((c) => ["HEAD", c.path] as const)) : [];
  return changes.map((change, i) => ({
    file: byRepoPath.get(change.path) ?? change.path,
    state: change.state,
    modelUnchanged: change.state !== "conflicted" && sameModelUnderReview(change.path, committed[i], workingCopy(root, change.path)),
  }));
}

function workingCopy(root: string, repoPath: string): Uint8Array | undefined {
  try {
    return readFileSync(path.join(root, repoPath));
  } catch {
    return undefined;
  }
}
