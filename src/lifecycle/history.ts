// The model as it was at each commit that touched it: walks git's first-parent history of the
// model's folder, loads and analyses the model at every commit as of that commit's date, and
// hands the results to the figures. Git is read through its command line with argument arrays.
import path from "node:path";
import type { AnalysisResult } from "../analysis/analyze.js";
import { analyze } from "../analysis/analyze.js";
import type { ModelFiles } from "../model/files.js";
import type { LoadedModel } from "../model/load.js";
import { loadModel } from "../model/load.js";
import { COMPONENT_LIST_KEYS } from "../model/model.js";
import { LIMITS } from "../model/parse.js";
import type { GitObject } from "./git-files.js";
import { GitError, gitComplaint, gitFiles, modelFolder, parseCatFileBatch, runGit } from "./git-files.js";
import { hasCommits, isShallow, literal } from "./git-history.js";
import type { Snapshot } from "./figures.js";
import { snapshotFindings } from "./figures.js";

export interface HistoryCommit {
  hash: string;
  /** Committer date as git prints it (ISO 8601 with the committer's offset). */
  committed: string;
  /** The committer's calendar date (YYYY-MM-DD): the analysis date of this commit. */
  date: string;
  subject: string;
}

export interface SkippedCommit extends HistoryCommit {
  /** Why the model could not be analysed at this commit. */
  reason: string;
}

export interface ModelHistory {
  /** Commits that touched the model's folder, within --since, before --max-commits cut the list. */
  listed: number;
  /** One per commit whose model loaded, oldest first. */
  snapshots: Snapshot[];
  skipped: SkippedCommit[];
  /** Analyses actually run (the rest came from the cache). */
  analysed: number;
  /**
   * Where a shallow clone cuts the history short: the oldest commit considered, when its parents
   * were not fetched; null when the commits considered are all there (see shallowCut).
   */
  shallow: ShallowCut | null;
}

export interface ShallowCut {
  commit: string;
  /** YYYY-MM-DD, the commit's date. */
  date: string;
}

export interface HistoryOptions {
  /** Only commits on or after this date (YYYY-MM-DD, committer date). */
  since?: string;
  /** The most recent N commits are kept. */
  maxCommits: number;
}

const FIELD = "\t";

function git(cwd: string, args: string[], input?: string): string {
  return gitBytes(cwd, args, input).toString("utf8");
}

function gitBytes(cwd: string, args: string[], input?: string): Buffer {
  const run = runGit(cwd, args, input);
  if (run.status !== 0) throw new GitError("git-failed", `git ${args[0] ?? ""} failed: ${gitComplaint(run.stderr)}`);
  return run.stdout;
}

/** Commits on HEAD's first-parent line that touched `folder` (repository-relative, "" for the top), oldest first. */
export function listModelCommits(repoRoot: string, folder: string): HistoryCommit[] {
  // An empty repository has no HEAD: no history rather than an error.
  if (!hasCommits(repoRoot)) return [];
  const pathspec = folder === "" ? "." : literal(folder);
  const out = git(repoRoot, ["log", "--first-parent", "--reverse", "--format=%H%x09%cI%x09%s", "HEAD", "--", pathspec]);
  return out
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [hash = "", committed = "", ...subject] = line.split(FIELD);
      return { hash, committed, date: committed.slice(0, 10), subject: subject.join(FIELD) };
    });
}

/** The tree hash of `folder` at each commit, in one git process; undefined where it is absent. */
function folderTrees(repoRoot: string, commits: readonly string[], folder: string): (string | undefined)[] {
  if (commits.length === 0) return [];
  const out = git(repoRoot, ["cat-file", "--batch-check"], commits.map((c) => `${c}:${folder}\n`).join(""));
  const lines = out.split("\n");
  return commits.map((_, i) => {
    // "<oid> tree <size>", or "<name> missing".
    const [oid, type] = (lines[i] ?? "").split(" ");
    return type === "tree" || type === "blob" ? oid : undefined;
  });
}

/**
 * Loads and analyses the model at `target` (repository-relative: a model file or the folder
 * holding threatwright.yaml) at every commit that touched its folder.
 */
export function readModelHistory(repoRoot: string, target: string, options: HistoryOptions): ModelHistory {
  const folder = modelFolder(target);
  let commits = listModelCommits(repoRoot, folder);
  if (options.since !== undefined) commits = commits.filter((c) => c.date >= options.since!);
  const listed = commits.length;
  commits = commits.slice(Math.max(0, commits.length - options.maxCommits));
  const trees = folderTrees(repoRoot, commits.map((c) => c.hash), folder);

  // Loading depends on the tree only; the analysis also on the date (expiry, rotation, due dates).
  // Only what the figures need is kept: a tree seldom comes back (a revert), and when it does on
  // another date it is loaded again rather than every model being held for the whole walk.
  const reader = new TreeReader(repoRoot);
  reader.readTrees(trees.filter((t): t is string => t !== undefined));
  const failures = new Map<string, string>();
  const bodies = new Map<string, SnapshotBody>();
  const snapshots: Snapshot[] = [];
  const skipped: SkippedCommit[] = [];

  commits.forEach((commit, i) => {
    const tree = trees[i];
    if (tree === undefined) {
      skipped.push({ ...commit, reason: `${target || "."} does not exist at this commit` });
      return;
    }
    const key = `${tree}@${commit.date}`;
    let body = bodies.get(key);
    let failure = failures.get(tree);
    if (body === undefined && failure === undefined) {
      const loaded = loadAt(() => reader.files(tree, folder, trees, i + 1) ?? gitFiles(repoRoot, commit.hash, { under: folder }), target);
      if (typeof loaded === "string") {
        failure = loaded;
        failures.set(tree, failure);
      } else {
        body = snapshotBody(loaded, analyze(loaded.model, { today: commit.date, locations: loaded.locations }));
        bodies.set(key, body);
      }
    }
    if (body === undefined) skipped.push({ ...commit, reason: failure! });
    else snapshots.push({ commit: commit.hash, date: commit.date, subject: commit.subject, ...body });
  });
  return { listed, snapshots, skipped, analysed: bodies.size, shallow: commits[0] === undefined ? null : shallowCut(repoRoot, commits[0]) };
}

/**
 * The oldest commit considered, when a shallow clone (git clone --depth N, CI checkouts) holds
 * none of its parents: the model's history may go back further than what is there. In a shallow
 * clone, git shows the oldest commit fetched without parents, and `git log -- folder` lists it
 * when the folder exists there (as if it were created); its object still names the parents it
 * had. A root commit has none to miss, so a clone deep enough to reach it is not cut.
 */
function shallowCut(repoRoot: string, oldest: HistoryCommit): ShallowCut | null {
  if (!isShallow(repoRoot)) return null;
  if (git(repoRoot, ["log", "-1", "--format=%P", oldest.hash]).trim() !== "") return null;
  const object = git(repoRoot, ["cat-file", "commit", oldest.hash]);
  const end = object.indexOf("\n\n");
  const headers = end < 0 ? object : object.slice(0, end);
  return /^parent /m.test(headers) ? { commit: oldest.hash, date: oldest.date } : null;
}

/** The model at a commit, or why it does not load. */
function loadAt(files: () => ModelFiles, target: string): LoadedModel | string {
  try {
    const result = loadModel(target === "" ? "." : target, files());
    if (result.ok) return result.loaded;
    const first = result.diagnostics.find((d) => d.severity === "error") ?? result.diagnostics[0];
    const more = result.diagnostics.filter((d) => d.severity === "error").length - 1;
    return first ? `${first.file}: ${first.message}${more > 0 ? ` (and ${more} more error${more === 1 ? "" : "s"})` : ""}` : "the model does not load";
  } catch (error) {
    if (error instanceof GitError) return error.message;
    throw error;
  }
}

/** A snapshot without its commit: what one analysis of one tree on one date gives. */
type SnapshotBody = Omit<Snapshot, "commit" | "date" | "subject">;

function snapshotBody(loaded: LoadedModel, result: AnalysisResult): SnapshotBody {
  const { model } = loaded;
  return {
    findings: snapshotFindings(result.findings),
    expired: result.decisions.summary.expired,
    components: COMPONENT_LIST_KEYS.flatMap((key) => model[key].map((element) => element.id)),
  };
}

interface TreeEntry {
  mode: string;
  oid: string;
}

const TREE_MODE = "40000";
const SYMLINK_MODE = "120000";
const SUBMODULE_MODE = "160000";
/** Blob bytes read per git process and held at once. */
const CHUNK_BYTES = 64 * 1024 * 1024;

/**
 * The model's folder at many commits, read in a handful of git processes (trees level by level,
 * then the YAML blobs in batches) rather than several per commit: with hundreds of commits,
 * starting git dominated the time. Trees and blobs shared between commits are read once.
 */
class TreeReader {
  private readonly trees = new Map<string, [string, TreeEntry][]>();
  private readonly flat = new Map<string, Map<string, TreeEntry>>();
  private readonly blobs = new Map<string, Buffer>();
  private readonly sizes = new Map<string, number>();

  constructor(private readonly repoRoot: string) {}

  /** Reads the trees and, level by level, their subtrees; then the sizes of their YAML blobs. */
  readTrees(roots: readonly string[]): void {
    let pending = [...new Set(roots)].filter((oid) => !this.trees.has(oid));
    while (pending.length > 0) {
      const next = new Set<string>();
      for (const [oid, object] of this.batch(pending)) {
        if (object.type !== "tree") continue;
        const entries = parseTree(object.content, oid.length / 2);
        this.trees.set(oid, entries);
        for (const [, entry] of entries) if (entry.mode === TREE_MODE && !this.trees.has(entry.oid)) next.add(entry.oid);
      }
      pending = [...next];
    }
    const yaml = new Set<string>();
    for (const root of roots) for (const oid of this.yamlBlobs(root)) yaml.add(oid);
    const unknown = [...yaml].filter((oid) => !this.sizes.has(oid));
    if (unknown.length === 0) return;
    // "<oid> blob <size>" per line.
    for (const line of git(this.repoRoot, ["cat-file", "--batch-check"], unknown.join("\n") + "\n").split("\n")) {
      const [oid = "", type = "", size = ""] = line.split(" ");
      if (type === "blob") this.sizes.set(oid, Number(size));
    }
  }

  /**
   * The folder at `tree` as the loader's ModelFiles, paths under `folder`; undefined when it holds
   * a symbolic link or submodule (gitFiles follows those) or a tree not read. `trees` from index
   * `next` on are the ones read after it, whose blobs may be fetched in the same batch.
   */
  files(tree: string, folder: string, trees: readonly (string | undefined)[], next: number): ModelFiles | undefined {
    const entries = this.flatTree(tree);
    if (!entries || [...entries.values()].some((e) => e.mode === SYMLINK_MODE || e.mode === SUBMODULE_MODE)) return undefined;
    const prefix = folder === "" ? "" : `${folder}/`;
    const byPath = new Map<string, TreeEntry>();
    const folders = new Set<string>([folder === "" ? "." : folder]);
    for (const [name, entry] of entries) {
      byPath.set(prefix + name, entry);
      for (let slash = name.lastIndexOf("/"); slash > 0; slash = name.lastIndexOf("/", slash - 1)) folders.add(prefix + name.slice(0, slash));
    }
    this.prefetch(this.yamlBlobs(tree), trees, next);
    const normal = (p: string) => path.posix.normalize(p.replaceAll("\\", "/")).replace(/\/+$/, "") || ".";
    return {
      kind: (p) => (folders.has(normal(p)) ? "folder" : byPath.has(normal(p)) ? "file" : "missing"),
      read: (p) => {
        const entry = byPath.get(normal(p));
        if (!entry) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
        // One byte past the limit is enough for the loader to refuse the file.
        if ((this.sizes.get(entry.oid) ?? 0) > LIMITS.fileBytes) return new Uint8Array(LIMITS.fileBytes + 1);
        let content = this.blobs.get(entry.oid);
        if (!content) {
          content = this.batch([entry.oid]).get(entry.oid)?.content ?? Buffer.alloc(0);
          if (content.length > LIMITS.fileBytes) return content.subarray(0, LIMITS.fileBytes + 1);
        }
        return content;
      },
      realpath: (p) => {
        const n = normal(p);
        if (!folders.has(n) && !byPath.has(n)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
        return n;
      },
    };
  }

  /** Makes the blobs available: when they are not all held, reads them with the next ones in one batch. */
  private prefetch(oids: readonly string[], trees: readonly (string | undefined)[], next: number): void {
    const missing = oids.filter((oid) => !this.blobs.has(oid) && (this.sizes.get(oid) ?? 0) <= LIMITS.fileBytes);
    if (missing.length === 0) return;
    // Memory stays bounded: what the current model needs, plus one chunk.
    const keep = new Set(oids);
    for (const oid of this.blobs.keys()) if (!keep.has(oid)) this.blobs.delete(oid);
    const wanted = new Set(missing);
    let bytes = missing.reduce((sum, oid) => sum + (this.sizes.get(oid) ?? 0), 0);
    const want = (oid: string): boolean => {
      const size = this.sizes.get(oid) ?? 0;
      if (this.blobs.has(oid) || wanted.has(oid) || size > LIMITS.fileBytes) return true;
      if (bytes + size > CHUNK_BYTES && wanted.size > 0) return false;
      wanted.add(oid);
      bytes += size;
      return true;
    };
    ahead: for (let i = next; i < trees.length; i++) {
      const tree = trees[i];
      for (const oid of tree === undefined ? [] : this.yamlBlobs(tree)) if (!want(oid)) break ahead;
    }
    for (const [oid, object] of this.batch([...wanted])) this.blobs.set(oid, object.content);
  }

  private yamlBlobs(tree: string): string[] {
    return [...(this.flatTree(tree) ?? [])].filter(([name]) => /\.ya?ml$/i.test(name)).map(([, e]) => e.oid);
  }

  /** Every file under a tree read before, by path relative to it. */
  private flatTree(tree: string): Map<string, TreeEntry> | undefined {
    const cached = this.flat.get(tree);
    if (cached) return cached;
    const entries = this.trees.get(tree);
    if (!entries) return undefined;
    const files = new Map<string, TreeEntry>();
    for (const [name, entry] of entries) {
      if (entry.mode !== TREE_MODE) {
        files.set(name, entry);
        continue;
      }
      const sub = this.flatTree(entry.oid);
      if (!sub) return undefined;
      for (const [inner, e] of sub) files.set(`${name}/${inner}`, e);
    }
    this.flat.set(tree, files);
    return files;
  }

  /** Objects by ID from one `git cat-file --batch`. */
  private batch(oids: readonly string[]): Map<string, GitObject> {
    const objects = new Map<string, GitObject>();
    if (oids.length === 0) return objects;
    const out = gitBytes(this.repoRoot, ["cat-file", "--batch"], oids.join("\n") + "\n");
    parseCatFileBatch(out, oids.length).forEach((object, index) => {
      if (object) objects.set(oids[index]!, object);
    });
    return objects;
  }
}

/** A raw tree object: "<mode> <name>\0<binary oid>" repeated. */
function parseTree(content: Buffer, oidBytes: number): [string, TreeEntry][] {
  const entries: [string, TreeEntry][] = [];
  for (let at = 0; at < content.length; ) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space);
    if (space < 0 || nul < 0) break;
    const mode = content.subarray(at, space).toString("utf8");
    const name = content.subarray(space + 1, nul).toString("utf8");
    entries.push([name, { mode, oid: content.subarray(nul + 1, nul + 1 + oidBytes).toString("hex") }]);
    at = nul + 1 + oidBytes;
  }
  return entries;
}
