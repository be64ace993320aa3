// Every command that reads a model loads it the same way and reports problems the same way.
import path from "node:path";
import { GitError, repositoryRoot } from "../lifecycle/git-files.js";
import type { Diagnostic } from "../model/diagnostics.js";
import { formatDiagnostic } from "../model/diagnostics.js";
import type { ModelFiles } from "../model/files.js";
import type { LoadedModel, LoadResult } from "../model/load.js";
import { loadModel } from "../model/load.js";
import type { ThreatModel } from "../model/model.js";
import { unknownWorkflow } from "../model/model.js";
import type { CliIO } from "./io.js";
import { EXIT } from "./io.js";

export type OutputFormat = "text" | "json";

export function reportDiagnostics(io: CliIO, diagnostics: Diagnostic[], format: OutputFormat): void {
  if (format === "json") {
    io.out(JSON.stringify({ valid: !diagnostics.some((d) => d.severity === "error"), diagnostics }, null, 2) + "\n");
    return;
  }
  for (const d of diagnostics) io.err(formatDiagnostic(d) + "\n");
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  if (errors > 0) {
    const files = new Set(diagnostics.map((d) => d.file)).size;
    io.err(`\n${errors} error${errors === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}\n`);
  }
}

/**
 * Loads the model at PATH, or reports why not and gives the exit code to use. `from` reads it
 * elsewhere than the working tree: from a git revision, whose files messages then name REV:PATH,
 * so it is clear which side of a comparison is at fault.
 */
export function loadOrReport(io: CliIO, target: string, format: OutputFormat, from?: { files: ModelFiles; revision: string }): { loaded: LoadedModel; warnings: Diagnostic[] } | { exit: number } {
  const result = from ? loadAtRevision(target, from.files, from.revision) : loadModel(target, io.files);
  const { diagnostics } = result;
  if (result.ok) {
    if (diagnostics.length > 0 && format === "text") reportDiagnostics(io, diagnostics, format);
    return { loaded: result.loaded, warnings: diagnostics };
  }
  reportDiagnostics(io, diagnostics, format);
  const ioOnly = diagnostics.every((d) => d.code === "io-error");
  return { exit: ioOnly ? EXIT.usage : EXIT.invalid };
}

/** Loads the model at PATH as read from a git revision: its messages name files REV:PATH. */
export function loadAtRevision(target: string, files: ModelFiles, revision: string): LoadResult {
  const result = loadModel(target, files);
  return { ...result, diagnostics: result.diagnostics.map((d) => ({ ...d, file: `${revision}:${d.file}` })) };
}

/**
 * Prints a problem git reported (no git, no repository, no such revision or path) with its hint,
 * and gives the exit code to use. `prefix` says which input it concerns ("baseline").
 */
export function reportGitError(io: CliIO, error: GitError, prefix?: string): number {
  io.err(`error: ${prefix === undefined ? "" : `${prefix}: `}${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ""}`);
  return EXIT.usage;
}

/** Whether the workflow a command was given exists (or none was given); if not, says so as a usage error. */
export function knownWorkflow(io: CliIO, model: ThreatModel, workflow: string | undefined): boolean {
  const problem = workflow === undefined ? undefined : unknownWorkflow(model, workflow);
  if (problem) io.err(`error: ${problem.message}\n  hint: ${problem.hint}\n`);
  return problem === undefined;
}

/**
 * What SARIF URIs are relative to (code scanning maps them to files from the repository's top):
 * the top folder of the git repository that holds the model's root file, found from the file's
 * own folder, so it does not matter where the command runs; outside git, the current folder.
 */
export function sarifBase(io: Pick<CliIO, "cwd">, rootFile: string): string {
  try {
    return repositoryRoot(path.dirname(path.resolve(io.cwd, rootFile)));
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return path.resolve(io.cwd);
  }
}
