// A model as it was at a git revision: the loader reads the tree through the git
// command line (rev-parse, ls-tree, cat-file), never the working tree.
import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import path from "node:path";
import type { ModelFiles } from "../model/files.js";
import { LIMITS } from "../model/parse.js";
import { boundedText } from "../report/terminal-text.js";

export type GitErrorCode = "git-missing" | "not-a-repository" | "unknown-revision" | "path-missing" | "bad-spec" | "git-failed";

/** A problem the user can fix (no git, no repository, no such revision or path); the CLI prints it and exits 2. */
export class GitError extends Error {
  constructor(
    readonly code: GitErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "GitError";
  }
}

/** Where a side of a diff comes from: the working tree, or a path at a git revision. */
export type ModelSpec = { kind: "worktree"; path: string } | { kind: "git"; rev: string; path: string };

/**
 * Reads `REV:PATH` as git does (`main:threatmodel/`, `HEAD~1:examples/x`, `v1.2:`): the path is
 * relative to the repository's top folder, or to the current folder when it starts with ./ or ../.
 * Anything without a colon is a working-tree path, and so is a Windows drive path (C:\x).
 */
export function parseModelSpec(spec: string): ModelSpec {
  const colon = spec.indexOf(":");
  if (colon < 0 || /^[A-Za-z]:[\\/]/.test(spec)) return { kind: "worktree", path: spec };
  const rev = spec.slice(0, colon);
  const specPath = spec.slice(colon + 1);
  if (rev === "") throw new GitError("bad-spec", `'${printable(spec)}' has no revision before ':'`, "write REV:PATH, such as main:threatmodel/ or HEAD~1:threatmodel/");
  // A revision that starts with '-' would be read by git as an option.
  if (rev.startsWith("-") || /[\s\p{Cc}]/u.test(rev)) throw new GitError("bad-spec", `'${printable(rev)}' is not a revision`, "name a branch, tag or commit, such as main or HEAD~1");
  return { kind: "git", rev, path: specPath };
}

/** Text safe to echo in a message: controls and direction overrides replaced, length bounded. */
function printable(text: string): string {
  return boundedText(text, 120);
}

export interface GitRun {
  status: number;
  stdout: Buffer;
  stderr: string;
}

// Variables that would point git at another repository than the one holding the model (set inside git hooks, say).
const REPOSITORY_OVERRIDES = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE"];

/** The environment every git call runs in: the model's own repository, no prompt, no optional locks. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" };
  for (const name of REPOSITORY_OVERRIDES) delete env[name];
  return env;
}

/**
 * Runs git with an argument list (never a shell string), file names unquoted, and returns what it
 * printed; the one way every command reaches git. Throws GitError only when git cannot run at all.
 */
export function runGit(cwd: string, args: readonly string[], input?: Buffer | string): GitRun {
  // A bound so a stuck git (a hung filesystem, a lock) never hangs the command; generous enough
  // for history's `git log` over a very large repository.
  const result = spawnSync("git", ["-c", "core.quotepath=off", ...args], { cwd, input, maxBuffer: 512 * 1024 * 1024, timeout: 300_000, windowsHide: true, env: gitEnv() });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !result.pid) throw new GitError("git-missing", "git is not installed or not on PATH", "install git: Threatwright reads other revisions and the model's history through it, or compare two folders");
    throw new GitError("git-failed", `git ${args[0] ?? ""} failed (${code ?? result.error.message})`);
  }
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr.toString("utf8") };
}

export interface GitObject {
  type: string;
  content: Buffer;
}

/**
 * The answers of one `git cat-file --batch`, one per line asked, in order: the object's type and
 * content, or undefined where git had none ("<name> missing", "<name> ambiguous").
 */
export function parseCatFileBatch(out: Buffer, asked: number): (GitObject | undefined)[] {
  const answers: (GitObject | undefined)[] = [];
  let at = 0;
  while (answers.length < asked) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    // "<oid> <type> <size>" then the content and a newline, or the name asked and why it is absent.
    const header = /^[0-9a-f]{40,64} ([a-z]+) (\d+)$/.exec(out.subarray(at, eol).toString("utf8"));
    at = eol + 1;
    if (!header) {
      answers.push(undefined);
      continue;
    }
    const length = Number(header[2]);
    answers.push({ type: header[1]!, content: out.subarray(at, at + length) });
    at += length + 1;
  }
  return answers;
}

/** git's own first line of complaint, for messages. */
export const gitComplaint = (stderr: string) => printable(stderr.split("\n").find((line) => line.trim() !== "")?.replace(/^(fatal|error): /, "") ?? "no message");

/** The top folder of the working tree that holds `cwd`. */
export function repositoryRoot(cwd: string): string {
  const run = runGit(cwd, ["rev-parse", "--show-toplevel"]);
  if (run.status !== 0) {
    if (/not a git repository/i.test(run.stderr)) throw new GitError("not-a-repository", "not in a git repository", "run the command inside the repository, or compare two folders");
    throw new GitError("git-failed", `git cannot find the repository: ${gitComplaint(run.stderr)}`);
  }
  return run.stdout.toString("utf8").trim();
}

/**
 * `file` relative to the repository's top folder `root` (links resolved), in git's form: a/b/c,
 * "" for the top; null when it lies outside. A file deleted from the working tree is placed by
 * the path given, since its history may still be there.
 */
export function repositoryPath(root: string, file: string): string | null {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    real = path.resolve(file);
  }
  const relative = path.relative(root, real).split(path.sep).join("/");
  if (relative === ".." || relative.startsWith("../") || path.isAbsolute(relative)) return null;
  return relative;
}

/** The tree object a revision names; an unknown revision is a GitError. */
function resolveTree(repoRoot: string, rev: string): string {
  if (rev.startsWith("-")) throw new GitError("bad-spec", `'${printable(rev)}' is not a revision`);
  const run = runGit(repoRoot, ["rev-parse", "--verify", "--quiet", `${rev}^{tree}`]);
  if (run.status !== 0) throw new GitError("unknown-revision", `unknown revision '${printable(rev)}'`, "name a branch, tag or commit that exists here (git fetch may be needed in a shallow CI clone)");
  return run.stdout.toString("utf8").trim();
}

interface TreeEntry {
  mode: string;
  oid: string;
  /** Bytes, or -1 for a submodule. */
  size: number;
}

const SYMLINK_MODE = "120000";
const MAX_LINK_HOPS = 40;

/** A repository-relative path in git's form (a/b/c), "" for the top, or null when it climbs out. */
function normalise(p: string): string | null {
  const slashed = path.sep === "\\" ? p.replaceAll("\\", "/") : p;
  if (slashed.startsWith("/")) return null;
  const n = path.posix.normalize(slashed).replace(/\/+$/, "");
  if (n === "." || n === "") return "";
  if (n === ".." || n.startsWith("../")) return null;
  return n;
}

export interface GitFilesOptions {
  /** List only this folder of the tree (the model's folder): less to read in a large repository. */
  under?: string;
}

/**
 * The tree at `rev` in the repository at `repoRoot`, as the loader's ModelFiles. Paths are
 * relative to the repository's top folder. The revision and the tree listing are read at once
 * (one `git ls-tree -r`), so an unknown revision fails here and not halfway through a load;
 * file contents are read on demand, the model's YAML files in one `git cat-file --batch`.
 */
export function gitFiles(repoRoot: string, rev: string, options: GitFilesOptions = {}): ModelFiles {
  const tree = resolveTree(repoRoot, rev);
  const list = (folder: string): Map<string, TreeEntry> => {
    const args = ["ls-tree", "-r", "-l", "-z", "--full-tree", tree];
    if (folder) args.push("--", folder);
    const listing = runGit(repoRoot, args);
    if (listing.status !== 0) throw new GitError("git-failed", `git cannot list revision '${printable(rev)}': ${gitComplaint(listing.stderr)}`);
    const found = new Map<string, TreeEntry>();
    for (const record of listing.stdout.toString("utf8").split("\0")) {
      // "<mode> <type> <object> <size>\t<path>"
      const tab = record.indexOf("\t");
      if (tab < 0) continue;
      const [mode = "", type = "", oid = "", size = "-"] = record.slice(0, tab).split(/ +/);
      if (type === "blob") found.set(record.slice(tab + 1), { mode, oid, size: size === "-" ? -1 : Number(size) }); // submodules are not followed
    }
    return found;
  };

  const under = options.under === undefined ? "" : (normalise(options.under) ?? "");
  let entries = list(under);
  if (under !== "") {
    const named = entries.get(under);
    // A model file: its includes are beside it. A symbolic link, or a link on the way, leads
    // elsewhere in the tree, so the whole tree is listed.
    if (named && named.mode !== SYMLINK_MODE) entries = list(path.posix.dirname(under).replace(/^\.$/, ""));
    else if (named || entries.size === 0) entries = list("");
  }
  const folders = new Set<string>([""]);
  for (const file of entries.keys()) {
    for (let slash = file.lastIndexOf("/"); slash > 0; slash = file.lastIndexOf("/", slash - 1)) folders.add(file.slice(0, slash));
  }

  const contents = new Map<string, Buffer>();
  let prefetched = false;

  const readBlob = (entry: TreeEntry, limit: number): Buffer => {
    const cached = contents.get(entry.oid);
    if (cached) return cached;
    const run = runGit(repoRoot, ["cat-file", "blob", entry.oid]);
    if (run.status !== 0) throw Object.assign(new Error(`git cat-file failed: ${gitComplaint(run.stderr)}`), { code: "EIO" });
    // Like diskFiles: one byte past the limit is enough for the loader to refuse the file.
    if (run.stdout.length > limit) return run.stdout.subarray(0, limit);
    contents.set(entry.oid, run.stdout);
    return run.stdout;
  };

  /** The real path of p inside the tree (symbolic links followed), or null if it leaves the tree or loops. */
  const resolve = (p: string): string | null => {
    const start = normalise(p);
    if (start === null) return null;
    let pending = start === "" ? [] : start.split("/");
    let current = "";
    for (let hops = 0; pending.length > 0; ) {
      const next = current === "" ? pending[0]! : `${current}/${pending[0]}`;
      pending = pending.slice(1);
      const entry = entries.get(next);
      if (entry?.mode !== SYMLINK_MODE) {
        current = next;
        continue;
      }
      if (++hops > MAX_LINK_HOPS) return null;
      let target: string;
      try {
        target = readBlob(entry, 4096).toString("utf8");
      } catch {
        return null; // an unreadable link leads nowhere
      }
      if (target.startsWith("/")) return null;
      const joined = normalise(path.posix.join(path.posix.dirname(next), target));
      if (joined === null) return null;
      pending = [...(joined === "" ? [] : joined.split("/")), ...pending];
      current = "";
    }
    return current;
  };

  const fileEntry = (p: string): TreeEntry | undefined => {
    const real = resolve(p);
    if (real === null) return undefined;
    const entry = entries.get(real);
    return entry && entry.mode !== SYMLINK_MODE && entry.size >= 0 ? entry : undefined;
  };

  /** Reads every YAML file under the model's folder in one git process, within the loader's limits. */
  const prefetch = (folder: string) => {
    prefetched = true;
    const prefix = folder === "" ? "" : `${folder}/`;
    const wanted: string[] = [];
    let total = 0;
    for (const [file, entry] of entries) {
      if (!file.startsWith(prefix) || !/\.ya?ml$/i.test(file) || entry.mode === SYMLINK_MODE || entry.size < 0 || entry.size > LIMITS.fileBytes) continue;
      if (wanted.length >= LIMITS.files || total + entry.size > LIMITS.modelBytes) break;
      total += entry.size;
      wanted.push(entry.oid);
    }
    if (wanted.length < 2) return;
    const run = runGit(repoRoot, ["cat-file", "--batch"], wanted.join("\n") + "\n");
    if (run.status !== 0) return; // read one by one instead
    parseCatFileBatch(run.stdout, wanted.length).forEach((object, index) => {
      if (object) contents.set(wanted[index]!, object.content);
    });
  };

  return {
    kind(p) {
      const real = resolve(p);
      if (real === null) return "missing";
      if (folders.has(real)) return "folder";
      return fileEntry(real) ? "file" : "missing";
    },
    read(p) {
      const entry = fileEntry(p);
      if (!entry) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
      // The listing gives the size: a blob over the limit is not read at all, and the loader,
      // which looks only at the length of what it gets, refuses it as too large.
      if (entry.size > LIMITS.fileBytes) return new Uint8Array(LIMITS.fileBytes + 1);
      if (!prefetched) prefetch(path.posix.dirname(resolve(p)!).replace(/^\.$/, ""));
      return readBlob(entry, LIMITS.fileBytes + 1);
    },
    realpath(p) {
      const real = resolve(p);
      if (real === null || (real !== "" && !folders.has(real) && !entries.has(real))) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
      return real === "" ? "." : real;
    },
  };
}

export interface GitModel {
  files: ModelFiles;
  /** The model's path, relative to the repository's top folder, for loadModel. */
  target: string;
  repoRoot: string;
}

/**
 * Opens the model a `REV:PATH` spec names, seen from the folder `cwd`: finds the repository,
 * resolves the revision and checks the path exists there. Every failure is a GitError.
 */
export function openGitModel(cwd: string, spec: { rev: string; path: string }): GitModel {
  const repoRoot = repositoryRoot(cwd);
  let relative = spec.path;
  if (relative === "." || relative.startsWith("./") || relative.startsWith("../") || relative === "..") {
    const prefix = runGit(cwd, ["rev-parse", "--show-prefix"]).stdout.toString("utf8").trim();
    relative = path.posix.join(prefix, relative);
  }
  const target = normalise(relative);
  if (target === null) throw new GitError("path-missing", `'${printable(spec.path)}' is outside the repository`, "write the path relative to the repository's top folder");
  return openModelAt(repoRoot, spec.rev, target);
}

/**
 * The folder of the model at `target` (repository-relative, in git's form): a model file's
 * folder, where its includes sit, or the model folder itself; "" for the top.
 */
export function modelFolder(target: string): string {
  const folder = /\.ya?ml$/i.test(target) ? path.posix.dirname(target) : target;
  return folder === "." ? "" : folder;
}

/**
 * Opens the model at `target` (relative to the top folder `repoRoot`, in git's form: a/b/c, "" for
 * the top) at revision `rev`, for a caller that has found the repository already: resolves the
 * revision and checks the path exists there. Every failure is a GitError.
 */
export function openModelAt(repoRoot: string, rev: string, target: string): GitModel {
  // A model file's includes sit beside it: list its folder, in one ls-tree.
  const files = gitFiles(repoRoot, rev, { under: modelFolder(target) });
  if (files.kind(target) === "missing") {
    throw new GitError("path-missing", `'${printable(target || ".")}' does not exist at revision '${printable(rev)}'`, "write the path relative to the repository's top folder, as in main:threatmodel/");
  }
  return { files, target: target === "" ? "." : target, repoRoot };
}
