// The 'check' command, the CI gate: analyses the model (against a baseline revision when given),
// judges it by the policy and exits 1 when a check fails. Reports as text, Markdown for the pull
// request, SARIF for code scanning, or JSON.
import { realpathSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type { AnalysisResult, Finding } from "../../analysis/analyze.js";
import { analyze, prepareModel } from "../../analysis/analyze.js";
import type { GateBaseline, GateResult } from "../../lifecycle/gate.js";
import { runGate } from "../../lifecycle/gate.js";
import type { GitModel } from "../../lifecycle/git-files.js";
import { GitError, modelFolder, openModelAt, parseModelSpec, repositoryPath, repositoryRoot, runGit } from "../../lifecycle/git-files.js";
import { judgeStaleness, literal } from "../../lifecycle/git-history.js";
import type { Classification } from "../../lifecycle/model-diff.js";
import { diffModels } from "../../lifecycle/model-diff.js";
import type { GatePolicy } from "../../lifecycle/policy.js";
import { loadPolicy } from "../../lifecycle/policy.js";
import { formatDiagnostic } from "../../model/diagnostics.js";
import type { LoadedModel } from "../../model/load.js";
import { loadModel, resolveModelPath } from "../../model/load.js";
import { emptyModel } from "../../model/model.js";
import { TOOL } from "../../report/json.js";
import { mdEscape } from "../../report/markdown.js";
import { causeTally } from "../../analysis/root-causes.js";
import { sarifReport } from "../../report/sarif.js";
import { RULES } from "../../rules/index.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { loadAtRevision, loadOrReport, reportDiagnostics, reportGitError, sarifBase } from "../load-or-report.js";
import { dateOption, PATH_HELP } from "../options.js";
import { boundedText, terminalText } from "../../report/terminal-text.js";

// 1.1 added baseline.model, baseline.note, baseline.fallback and checks[].why.
export const CHECK_SCHEMA_VERSION = "1.1";

export interface CheckCommandOptions {
  format: "text" | "markdown" | "sarif" | "json";
  baseline?: string;
  policy?: string;
  date?: string;
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("check")
    .description("the CI gate: fail on new unmitigated findings, expired acceptances, overdue findings, a stale model or an unreviewed material change, as the policy says")
    .argument("[path]", PATH_HELP, ".")
    .option("--baseline <rev>", "gate only on what is new against this git revision (origin/main), or REV:PATH")
    .option("--policy <file>", "policy file (default: threatwright-policy.yaml next to the model, else the defaults)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "markdown", "sarif", "json"]).default("text"))
    .addOption(dateOption("the date to judge expiries, due dates and cadence against (default: today)"))
    .action((target: string, options: CheckCommandOptions) => setExit(checkCommand(io, target, options)));
}


/** Everything the gate decided, as --format json gives it. */
export interface CheckReport {
  schemaVersion: string;
  tool: { name: string; version: string };
  date: string;
  system: { id: string; name: string };
  baseline: {
    spec: string;
    findings: number;
    classification: Classification;
    /** "found"; "missing": no model at the revision, compared with an empty one; "invalid": compared with its last valid version (`fallback`), else an empty one. */
    model: BaselineState;
    /** What was wrong with the baseline and what the gate compared with instead ("missing": a note; "invalid": a warning); null when the model was found. */
    note: string | null;
    /** With an invalid model at the revision: the commit whose model, the last valid one, was compared with instead; null otherwise. */
    fallback: string | null;
  } | null;
  policy: GatePolicy & { file: string | null };
  passed: boolean;
  checks: GateResult[];
}

type BaselineState = "found" | "missing" | "invalid";

export function checkCommand(io: CliIO, target: string, options: CheckCommandOptions): number {
  const loaded = loadOrReport(io, target, options.format === "json" ? "json" : "text");
  if ("exit" in loaded) return loaded.exit;
  const { model, files, locations } = loaded.loaded;
  const rootFile = files[0]!;

  const policy = loadPolicy(io.files, rootFile, options.policy);
  if (!policy.ok) {
    for (const d of policy.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
    io.err("\ninvalid policy\n");
    return EXIT.usage;
  }

  const today = options.date ?? io.today();
  // Prepared once: the baseline diff needs the same graph and traces as this analysis.
  const facts = prepareModel(model);
  const result = analyze(model, { today, locations, prepared: facts });
  const lastReview = model.review?.lastReview;
  const { staleness } = judgeStaleness(model.review, files, today);

  let gateBaseline: GateBaseline | undefined;
  let reportedBaseline: CheckReport["baseline"] = null;
  if (options.baseline !== undefined) {
    const opened = openBaseline(io, options.baseline, rootFile);
    if ("exit" in opened) return opened.exit;
    if (opened.note !== null) io.err(`${opened.model === "missing" ? "note" : "warning"}: baseline: ${opened.note}\n`);
    if (opened.loaded === undefined) {
      // No usable model at the revision: the gate compares with an empty one, so everything is new.
      const empty = emptyModel({ system: model.system });
      gateBaseline = { result: { findings: [] }, diff: diffModels(empty, model, { facts: { before: prepareModel(empty), after: facts } }), lastReview: undefined, absent: opened.model };
    } else {
      const before = opened.loaded.model;
      const beforeFacts = prepareModel(before);
      gateBaseline = {
        result: analyze(before, { today, locations: opened.loaded.locations, prepared: beforeFacts }),
        diff: diffModels(before, model, { facts: { before: beforeFacts, after: facts } }),
        lastReview: before.review?.lastReview,
      };
    }
    reportedBaseline = { spec: options.baseline, findings: gateBaseline.result.findings.length, classification: gateBaseline.diff.classification, model: opened.model, note: opened.note, fallback: opened.fallback };
  }

  const verdict = runGate({ result, today, staleness, policy: policy.policy, lastReview, ...(gateBaseline ? { baseline: gateBaseline } : {}) });
  const report: CheckReport = {
    schemaVersion: CHECK_SCHEMA_VERSION,
    tool: { name: TOOL.name, version: TOOL.version },
    date: today,
    system: result.system,
    baseline: reportedBaseline,
    policy: { ...policy.policy, file: policy.file ?? null },
    passed: verdict.passed,
    checks: verdict.results,
  };
  switch (options.format) {
    case "json":
      io.out(`${JSON.stringify(report, null, 2)}\n`);
      break;
    case "markdown":
      io.out(markdownCheck(report, result));
      break;
    case "sarif":
      // With a baseline, every result says whether the change brought it (new), re-scored it (updated) or left it.
      io.out(sarifReport(result, RULES, { locations, base: sarifBase(io, rootFile), ...(gateBaseline ? { baseline: new Map(gateBaseline.result.findings.map((f) => [f.id, f.residual.score])) } : {}) }));
      break;
    default:
      io.out(textCheck(report, result));
  }
  return verdict.passed ? EXIT.ok : EXIT.invalid;
}

/** The baseline as read, in the terms of CheckReport.baseline (model, note, fallback). */
type OpenedBaseline =
  | { model: "found"; loaded: LoadedModel; note: null; fallback: null }
  /** Invalid at the revision: its last valid version, at commit `fallback`. */
  | { model: "invalid"; loaded: LoadedModel; note: string; fallback: string }
  /** No usable model: the gate compares with an empty one. */
  | { model: "missing" | "invalid"; loaded?: undefined; note: string; fallback: null }
  | { exit: number };

const EMPTY_BASELINE = "compared with an empty baseline, so every finding is new";

/**
 * The baseline model, read from the repository that holds the model being checked: REV:PATH as
 * `diff` reads it (PATH from the repository's top folder, or from the current folder when it starts
 * with ./ or ../), or a bare REV meaning the same model's path at that revision. A revision
 * without the model (the change adds it) gives an empty baseline, with a note. One with an invalid
 * model (a broken model was merged) gives its last valid version in the revision's history, or an
 * empty baseline when there is none, with a warning. No repository, no git or an unknown
 * revision is a setup error.
 */
function openBaseline(io: CliIO, spec: string, rootFile: string): OpenedBaseline {
  try {
    const parsed = parseModelSpec(spec);
    const absolute = realpathSync(path.resolve(rootFile));
    const root = realpathSync(repositoryRoot(path.dirname(absolute)));
    const revision = parsed.kind === "git" ? parsed.rev : spec;
    // The root was found from the model's own folder, so the model lies inside it.
    const target = parsed.kind === "git" ? baselinePath(io.cwd, root, parsed.path) : repositoryPath(root, absolute)!;
    const where = `${revision}:${target === "" ? "." : target}`;
    const missing: OpenedBaseline = { model: "missing", note: `no model at ${where}: ${EMPTY_BASELINE}`, fallback: null };
    let opened: GitModel;
    try {
      opened = openModelAt(root, revision, target);
    } catch (error) {
      // The path was checked to lie inside the repository: missing here means not at the revision.
      if (error instanceof GitError && error.code === "path-missing") return missing;
      throw error;
    }
    if ("error" in resolveModelPath(opened.target, opened.files)) return missing;
    const loaded = loadAtRevision(opened.target, opened.files, revision);
    const { diagnostics } = loaded;
    if (!loaded.ok) {
      const errors = diagnostics.filter((d) => d.severity === "error");
      const first = errors[0] ?? diagnostics[0];
      const invalid = `the model at ${where} is invalid (${errors.length} problem${errors.length === 1 ? "" : "s"})`;
      const problem = first ? `; the first problem: ${first.file}:${first.line}:${first.col}: ${first.message}` : "";
      const earlier = lastValidVersion(root, revision, target);
      if (earlier) return { model: "invalid", loaded: earlier.loaded, fallback: earlier.commit, note: `${invalid}: compared with its last valid version on ${revision}, ${earlier.commit.slice(0, 7)} '${earlier.subject}' (${earlier.date})${problem}` };
      return { model: "invalid", note: `${invalid}, and so is every earlier version on ${revision}: ${EMPTY_BASELINE}${problem}`, fallback: null };
    }
    if (diagnostics.length > 0) reportDiagnostics(io, diagnostics, "text");
    return { model: "found", loaded: loaded.loaded, note: null, fallback: null };
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const shown = error.code === "not-a-repository" ? new GitError(error.code, error.message, "--baseline reads the baseline model from git: check a model inside a git repository, or leave --baseline out") : error;
    return { exit: reportGitError(io, shown, "baseline") };
  }
}

/** How far back lastValidVersion looks: commits on the revision's first-parent line that touched the model's folder. */
const FALLBACK_COMMITS = 50;

/**
 * The newest valid version of the model at `target` (repository-relative, "" for the top) in the
 * history of `revision`: its first-parent line (a branch as merged, not the commits of each pull
 * request), among the commits that touched the model's folder. Undefined when there is none (or
 * git cannot say).
 */
function lastValidVersion(root: string, revision: string, target: string): { loaded: LoadedModel; commit: string; subject: string; date: string } | undefined {
  const folder = modelFolder(target);
  const pathspec = folder === "" ? [] : ["--", literal(folder)];
  const log = runGit(root, ["log", "--first-parent", `--max-count=${FALLBACK_COMMITS}`, "--format=%H%x1f%cs%x1f%s", revision, ...pathspec]);
  if (log.status !== 0) return undefined;
  for (const line of log.stdout.toString("utf8").split("\n")) {
    const [commit = "", date = "", ...subject] = line.split("\x1f");
    if (!/^[0-9a-f]{40,64}$/.test(commit)) continue;
    let opened: GitModel;
    try {
      opened = openModelAt(root, commit, target);
    } catch (error) {
      if (error instanceof GitError) continue; // no model in that commit: an older one may have it
      throw error;
    }
    const loaded = loadModel(opened.target, opened.files);
    if (loaded.ok) return { loaded: loaded.loaded, commit, date, subject: boundedText(subject.join("\x1f"), 72) };
  }
  return undefined;
}

/** The PATH of --baseline REV:PATH relative to the top of `root`, the model's repository; a path leading out of it is a usage error. */
function baselinePath(cwd: string, root: string, specPath: string): string {
  const fromCwd = specPath === "." || specPath === ".." || specPath.startsWith("./") || specPath.startsWith("../");
  const relative = fromCwd ? repositoryPath(root, path.resolve(cwd, specPath)) : path.posix.normalize(specPath === "" ? "." : specPath.replaceAll("\\", "/"));
  if (relative === null || relative === ".." || relative.startsWith("../") || path.posix.isAbsolute(relative)) {
    throw new GitError("bad-spec", `'${boundedText(specPath, 120)}' is outside the repository that holds the model (${root})`, "write PATH from the top folder of the model's repository, as in main:threatmodel/");
  }
  const trimmed = relative.replace(/\/+$/, "");
  return trimmed === "." ? "" : trimmed;
}

const LABEL: Record<GateResult["outcome"], string> = { pass: "pass", warn: "WARN", fail: "FAIL" };

/** "2 failed, 1 warning", or "" when every check passed; an invalid baseline is a warning too. */
function tally(report: Pick<CheckReport, "checks" | "baseline">): string {
  const failed = report.checks.filter((c) => c.outcome === "fail").length;
  const warned = report.checks.filter((c) => c.outcome === "warn").length + (report.baseline?.model === "invalid" ? 1 : 0);
  return [failed > 0 ? `${failed} failed` : "", warned > 0 ? `${warned} warning${warned === 1 ? "" : "s"}` : ""].filter(Boolean).join(", ");
}

function headline(report: Pick<CheckReport, "passed" | "checks" | "baseline">): string {
  const counts = tally(report);
  return `${report.passed ? "PASSED" : "FAILED"}${counts ? ` (${counts})` : ""}`;
}

/** What the change is against the baseline, in the header's parentheses. */
function changeLabel(baseline: NonNullable<CheckReport["baseline"]>): string {
  if (baseline.model === "missing") return "no model there: everything is new";
  if (baseline.model === "invalid") {
    if (baseline.fallback === null) return "invalid there: everything is new";
    const change = baseline.classification === "unchanged" ? "no change to the model" : `${baseline.classification} change`;
    return `invalid there: ${change} since its last valid version, ${baseline.fallback.slice(0, 7)}`;
  }
  return baseline.classification === "unchanged" ? "no change to the model" : `${baseline.classification} change`;
}

/** Why each failing finding counts against the baseline, by ID (the findings check says). */
function whyById(report: CheckReport): Map<string, string> {
  const why = new Map<string, string>();
  for (const check of report.checks) for (const [id, text] of Object.entries(check.why ?? {})) if (!why.has(id)) why.set(id, text);
  return why;
}

export function textCheck(report: CheckReport, result: AnalysisResult): string {
  const byId = new Map(result.findings.map((f) => [f.id, f]));
  const lines = [`Threatwright check of ${report.system.name} (${report.date})${report.baseline ? ` against ${report.baseline.spec} (${changeLabel(report.baseline)})` : ""}`];
  if (report.baseline?.note) lines.push(`  ${report.baseline.model === "invalid" ? "WARN baseline" : "note"}: ${report.baseline.note}`);
  lines.push("");
  for (const check of report.checks) {
    lines.push(`  ${LABEL[check.outcome].padEnd(5)}${check.check}: ${check.reason}`);
    if (check.outcome === "pass") continue;
    for (const id of check.findings ?? []) {
      const f = byId.get(id);
      const why = check.why?.[id];
      lines.push(`${f ? `         - [${f.severity} ${f.residual.score}] ${f.id}  ${f.title} (${f.status})` : `         - ${id}`}${why ? `: ${why}` : ""}`);
    }
  }
  lines.push("", headline(report));
  // Names and reasons are anyone's text: no escape sequence reaches the terminal.
  return `${lines.map(terminalText).join("\n")}\n`;
}

const MAX_ROWS = 50;

export function markdownCheck(report: CheckReport, result: AnalysisResult): string {
  const byId = new Map(result.findings.map((f) => [f.id, f]));
  const out = [`## Threatwright check: ${mdEscape(report.system.name)}`, ""];
  out.push(`**${report.passed ? "PASS" : "FAIL"}**: ${tally(report) || "all checks passed"}`, "");
  out.push(`Analysed on ${report.date}${report.baseline ? ` against \`${mdEscape(report.baseline.spec)}\` (${changeLabel(report.baseline)})` : " without a baseline"}.`, "");
  if (report.baseline?.note) out.push(`> ${report.baseline.model === "invalid" ? "**Warning**" : "Note"}: ${mdEscape(report.baseline.note)}`, "");
  out.push("| Check | Result | Detail |", "|---|---|---|");
  for (const check of report.checks) out.push(`| ${check.check} | ${check.outcome === "pass" ? "pass" : `**${check.outcome}**`} | ${mdEscape(check.reason)} |`);
  out.push("");
  const failing: Finding[] = [];
  for (const check of report.checks.filter((c) => c.outcome === "fail")) for (const id of check.findings ?? []) if (byId.has(id) && !failing.includes(byId.get(id)!)) failing.push(byId.get(id)!);
  if (failing.length > 0) {
    // With a baseline, a column says what the change did to each finding.
    const why = report.baseline ? whyById(report) : undefined;
    out.push("### Failing findings", "");
    if (failing.length > 1) out.push(`By root cause: ${mdEscape(causeTally(failing))}.`, "");
    out.push(`| Severity | Finding | Status | Residual |${why ? " Against the baseline |" : ""}`, `|---|---|---|---:|${why ? "---|" : ""}`);
    for (const f of failing.slice(0, MAX_ROWS)) out.push(`| ${f.severity} | \`${f.id}\` ${mdEscape(f.title)} | ${f.status}: ${mdEscape(f.statusReason)} | ${f.residual.score} |${why ? ` ${mdEscape(why.get(f.id) ?? "")} |` : ""}`);
    if (failing.length > MAX_ROWS) out.push(`| … and ${failing.length - MAX_ROWS} more (see the JSON output) | | | |${why ? " |" : ""}`);
    out.push("");
  }
  return out.join("\n");
}
