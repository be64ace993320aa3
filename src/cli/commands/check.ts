// The 'check' command, the CI gate: analyses the model (against a baseline revision when given),
// judges it by the policy and exits 1 when a check fails. Reports as text, Markdown for the pull
// request, SARIF for code scanning, or JSON.
import { realpathSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type { AnalysisResult, Finding } from "../../analysis/analyze.js";
import { analyze, prepareModel } from "../../analysis/analyze.js";
import type { GateBaseline, GateResult, GateVerdict } from "../../lifecycle/gate.js";
import { runGate } from "../../lifecycle/gate.js";
import { GitError, openGitModel, parseModelSpec, repositoryPath, repositoryRoot } from "../../lifecycle/git-files.js";
import { judgeStaleness } from "../../lifecycle/git-history.js";
import { diffModels } from "../../lifecycle/model-diff.js";
import type { GatePolicy } from "../../lifecycle/policy.js";
import { loadPolicy } from "../../lifecycle/policy.js";
import { formatDiagnostic } from "../../model/diagnostics.js";
import type { LoadedModel } from "../../model/load.js";
import { TOOL } from "../../report/json.js";
import { mdEscape } from "../../report/markdown.js";
import { sarifReport } from "../../report/sarif.js";
import { RULES } from "../../rules/index.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { loadOrReport, reportGitError } from "../load-or-report.js";
import { dateOption, PATH_HELP } from "../options.js";
import { terminalText } from "../../report/terminal-text.js";

export const CHECK_SCHEMA_VERSION = "1.0";

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
  baseline: { spec: string; findings: number; classification: string } | null;
  policy: GatePolicy & { file: string | null };
  passed: boolean;
  checks: GateResult[];
}

interface Baseline {
  spec: string;
  gate: GateBaseline;
}

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

  let baseline: Baseline | undefined;
  if (options.baseline !== undefined) {
    const opened = openBaseline(io, options.baseline, rootFile);
    if ("exit" in opened) return opened.exit;
    const before = opened.loaded.model;
    const beforeFacts = prepareModel(before);
    baseline = {
      spec: options.baseline,
      gate: {
        result: analyze(before, { today, locations: opened.loaded.locations, prepared: beforeFacts }),
        diff: diffModels(before, model, { facts: { before: beforeFacts, after: facts } }),
        lastReview: before.review?.lastReview,
      },
    };
  }

  const verdict = runGate({ result, staleness, policy: policy.policy, lastReview, ...(baseline ? { baseline: baseline.gate } : {}) });
  const report: CheckReport = {
    schemaVersion: CHECK_SCHEMA_VERSION,
    tool: { name: TOOL.name, version: TOOL.version },
    date: today,
    system: result.system,
    baseline: baseline ? { spec: baseline.spec, findings: baseline.gate.result.findings.length, classification: baseline.gate.diff.classification } : null,
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
      io.out(sarifReport(result, RULES, { locations, ...(baseline ? { baseline: new Map(baseline.gate.result.findings.map((f) => [f.id, f.residual.score])) } : {}) }));
      break;
    default:
      io.out(textCheck(report, result));
  }
  return verdict.passed ? EXIT.ok : EXIT.invalid;
}

/**
 * The baseline model: REV:PATH as `diff` reads it, or a bare REV meaning the same model's path at
 * that revision, in the repository that holds the model.
 */
function openBaseline(io: CliIO, spec: string, rootFile: string): { loaded: LoadedModel } | { exit: number } {
  try {
    const parsed = parseModelSpec(spec);
    let opened;
    let revision: string;
    if (parsed.kind === "git") {
      opened = openGitModel(io.cwd, parsed);
      revision = parsed.rev;
    } else {
      const absolute = realpathSync(path.resolve(rootFile));
      const root = realpathSync(repositoryRoot(path.dirname(absolute)));
      // The root was found from the model's own folder, so the model lies inside it.
      opened = openGitModel(root, { rev: spec, path: repositoryPath(root, absolute)! });
      revision = spec;
    }
    return loadOrReport(io, opened.target, "text", { files: opened.files, revision });
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return { exit: reportGitError(io, error, "baseline") };
  }
}


const LABEL: Record<GateResult["outcome"], string> = { pass: "pass", warn: "WARN", fail: "FAIL" };

/** "2 failed, 1 warning", or "" when every check passed. */
function tally(checks: readonly GateResult[]): string {
  const failed = checks.filter((c) => c.outcome === "fail").length;
  const warned = checks.filter((c) => c.outcome === "warn").length;
  return [failed > 0 ? `${failed} failed` : "", warned > 0 ? `${warned} warning${warned === 1 ? "" : "s"}` : ""].filter(Boolean).join(", ");
}

function headline(report: Pick<GateVerdict, "passed"> & { checks: GateResult[] }): string {
  const counts = tally(report.checks);
  return `${report.passed ? "PASSED" : "FAILED"}${counts ? ` (${counts})` : ""}`;
}

export function textCheck(report: CheckReport, result: AnalysisResult): string {
  const byId = new Map(result.findings.map((f) => [f.id, f]));
  const lines = [`Threatwright check of ${report.system.name} (${report.date})${report.baseline ? ` against ${report.baseline.spec} (${report.baseline.classification} change)` : ""}`, ""];
  for (const check of report.checks) {
    lines.push(`  ${LABEL[check.outcome].padEnd(5)}${check.check}: ${check.reason}`);
    if (check.outcome === "pass") continue;
    for (const id of check.findings ?? []) {
      const f = byId.get(id);
      lines.push(f ? `         - [${f.severity} ${f.residual.score}] ${f.id}  ${f.title} (${f.status})` : `         - ${id}`);
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
  out.push(`**${report.passed ? "PASS" : "FAIL"}**: ${tally(report.checks) || "all checks passed"}`, "");
  out.push(`Analysed on ${report.date}${report.baseline ? ` against \`${mdEscape(report.baseline.spec)}\` (${report.baseline.classification} change)` : " without a baseline"}.`, "");
  out.push("| Check | Result | Detail |", "|---|---|---|");
  for (const check of report.checks) out.push(`| ${check.check} | ${check.outcome === "pass" ? "pass" : `**${check.outcome}**`} | ${mdEscape(check.reason)} |`);
  out.push("");
  const failing: Finding[] = [];
  for (const check of report.checks.filter((c) => c.outcome === "fail")) for (const id of check.findings ?? []) if (byId.has(id) && !failing.includes(byId.get(id)!)) failing.push(byId.get(id)!);
  if (failing.length > 0) {
    out.push("### Failing findings", "", "| Severity | Finding | Status | Residual |", "|---|---|---|---:|");
    for (const f of failing.slice(0, MAX_ROWS)) out.push(`| ${f.severity} | \`${f.id}\` ${mdEscape(f.title)} | ${f.status}: ${mdEscape(f.statusReason)} | ${f.residual.score} |`);
    if (failing.length > MAX_ROWS) out.push(`| … and ${failing.length - MAX_ROWS} more (see the JSON output) | | | |`);
    out.push("");
  }
  return out.join("\n");
}
