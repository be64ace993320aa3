import assert from "node:assert/strict";
// Real git repositories for lifecycle tests: a temporary folder, `git init`, real commits
// through the git command line. Never a mock of git.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface TempRepo {
  /** Absolute path of the working tree. */
  root: string;
  /** Runs git in the repository and returns its standard output (trimmed at the end). */
  git(...args: string[]): string;
  /** Deletes the repository; call it in an after() hook. */
  remove(): void;
}

/** The environment git runs in: no inherited repository, no user or system config. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("GIT_") && key !== "GIT_SSL_CAINFO") delete env[key];
  return { ...env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: os.devNull, GIT_TERMINAL_PROMPT: "0" };
}

/** A fresh repository on branch main, with a committer identity, and no commits yet. */
export function makeRepo(): TempRepo {
  const root = mkdtempSync(path.join(os.tmpdir(), "tw-git-"));
  const git = (...args: string[]): string =>
    execFileSync("git", args, { cwd: root, env: gitEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 }).replace(/\s+$/, "");
  git("init", "--quiet", "--initial-branch=main");
  git("config", "user.email", "tests@example.com");
  git("config", "user.name", "Threatwright tests");
  git("config", "commit.gpgsign", "false");
  return { root, git, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Writes the files (path relative to the repository, content; null deletes the file), stages
 * everything and commits. `date` (YYYY-MM-DD or an ISO date-time) sets author and committer
 * dates, for tests of history. Returns the new commit's full hash.
 */
export function commitFiles(repo: TempRepo, files: Record<string, string | null>, message: string, date?: string): string {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(repo.root, relative);
    if (content === null) {
      rmSync(file, { force: true });
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  repo.git("add", "--all");
  const when = date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T12:00:00Z` : date;
  const args = ["commit", "--quiet", "--allow-empty", "-m", message];
  // Author and committer dates both come from the environment, so history tests control them.
  const env = when ? { ...gitEnv(), GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when } : gitEnv();
  execFileSync("git", args, { cwd: repo.root, env, stdio: ["ignore", "pipe", "pipe"] });
  return repo.git("rev-parse", "HEAD");
}

const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));

/** The files of one of the examples (examples/NAME), keyed by `prefix/file`, ready for commitFiles. */
export function exampleFiles(name: string, prefix = "threatmodel"): Record<string, string> {
  const folder = path.join(EXAMPLES, name);
  const files: Record<string, string> = {};
  for (const file of readdirSync(folder)) if (file.endsWith(".yaml")) files[`${prefix}/${file}`] = readFileSync(path.join(folder, file), "utf8");
  return files;
}

/** The files with one text replaced; fails the test when the text is not there. */
export function editFile(files: Record<string, string>, file: string, from: string, to: string): Record<string, string> {
  const text = files[file] ?? "";
  assert.ok(text.includes(from), `${file} should contain ${JSON.stringify(from)}`);
  return { ...files, [file]: text.replace(from, to) };
}
