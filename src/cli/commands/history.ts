// The 'history' command: figures over the git history of a model (findings by severity, closure
// rate, mean time to mitigate, overdue items, expired acceptances, decision coverage), per commit
// or per ISO week, as a table, CSV or JSON.
import { realpathSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { SEVERITIES } from "../../analysis/scoring.js";
import type { Bucketing, FigurePoint } from "../../lifecycle/figures.js";
import { computeFigures, roundedRatio, roundFigures } from "../../lifecycle/figures.js";
import { GitError, repositoryPath, repositoryRoot } from "../../lifecycle/git-files.js";
import type { ShallowCut, SkippedCommit } from "../../lifecycle/history.js";
import { readModelHistory } from "../../lifecycle/history.js";
import { TOOL } from "../../report/json.js";
import { terminalText } from "../../report/terminal-text.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { reportGitError } from "../load-or-report.js";
import { countParser, parseDate, PATH_HELP } from "../options.js";

// 1.1 added `shallow` (where a shallow clone cuts the history).
export const HISTORY_SCHEMA_VERSION = "1.1";

export interface HistoryCommandOptions {
  by: Bucketing;
  since?: string;
  maxCommits: number;
  format: "table" | "json" | "csv";
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("history")
    .description("figures over the model's git history: findings by severity, closure rate, time to mitigate, overdue, expired acceptances, coverage")
    .argument("[path]", PATH_HELP, ".")
    .addOption(new Option("--by <bucket>", "one row per commit, or per ISO week (its last commit)").choices(["commit", "week"]).default("commit"))
    .addOption(new Option("--since <YYYY-MM-DD>", "only commits on or after this date").argParser(parseDate))
    .addOption(new Option("--max-commits <n>", "the most recent N commits").argParser(countParser(999999)).default(200))
    .addOption(new Option("--format <format>", "output format").choices(["table", "json", "csv"]).default("table"))
    .action((target: string, options: HistoryCommandOptions) => setExit(historyCommand(io, target, options)));
}

export interface HistoryReport {
  schemaVersion: string;
  tool: { name: string; version: string };
  model: string;
  by: Bucketing;
  since: string | null;
  maxCommits: number;
  commits: { listed: number; considered: number; analysed: number; skipped: number };
  /** The oldest commit considered when a shallow clone lacks its parents (the history is cut there), else null. */
  shallow: ShallowCut | null;
  /** Rates to 4 decimals, days to 1 (roundFigures). */
  points: FigurePoint[];
  skipped: SkippedCommit[];
}

export function historyCommand(io: CliIO, target: string, options: HistoryCommandOptions): number {
  let report: HistoryReport;
  try {
    const root = realpathSync(repositoryRoot(io.cwd));
    const repoPath = repositoryPath(root, path.resolve(io.cwd, target));
    if (repoPath === null) {
      io.err(`error: '${terminalText(target)}' is outside the repository at ${root}\n`);
      return EXIT.usage;
    }
    const history = readModelHistory(root, repoPath, { maxCommits: options.maxCommits, ...(options.since !== undefined ? { since: options.since } : {}) });
    const considered = history.snapshots.length + history.skipped.length;
    if (considered === 0) {
      io.err(`error: no commit touched '${terminalText(repoPath || ".")}'${options.since ? ` since ${options.since}` : ""}\n  hint: commit the model first, or name its folder or file\n`);
      return EXIT.usage;
    }
    report = {
      schemaVersion: HISTORY_SCHEMA_VERSION,
      tool: { name: TOOL.name, version: TOOL.version },
      model: repoPath || ".",
      by: options.by,
      since: options.since ?? null,
      maxCommits: options.maxCommits,
      commits: { listed: history.listed, considered, analysed: history.analysed, skipped: history.skipped.length },
      shallow: history.shallow,
      points: computeFigures(history.snapshots, options.by).map(roundFigures),
      skipped: history.skipped,
    };
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return reportGitError(io, error);
  }
  // On stderr whatever the format, so the CSV and JSON on stdout stay as they are; JSON also has the field.
  if (report.shallow !== null) io.err(shallowNote(report.shallow));
  io.out(options.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : options.format === "csv" ? csvHistory(report) : tableHistory(report));
  // Commits exist, yet the model loaded at none of them.
  return report.points.length === 0 ? EXIT.invalid : EXIT.ok;
}

function shallowNote(cut: ShallowCut): string {
  return (
    `note: the repository is a shallow clone: the model's history is cut at ${cut.commit.slice(0, 10)} (${cut.date}), whose parents were not fetched; ` +
    "the closure rate and mean time to mitigate count only from there, and findings that were already there look new\n" +
    "  hint: fetch the full history: git fetch --unshallow, or fetch-depth: 0 in actions/checkout (GIT_DEPTH: 0 in GitLab CI)\n"
  );
}

// Percentages rounded once from the counts, not from the rounded rate.
const percent = (part: number, whole: number) => (whole === 0 ? "-" : `${roundedRatio(part, whole, 0)}%`);
// The days are already rounded to 1 decimal.
const days = (value: number | null) => (value === null ? "-" : value.toFixed(1));
const SHORT: Record<(typeof SEVERITIES)[number], string> = { critical: "crit", high: "high", medium: "med", low: "low", info: "info" };
const SEVERITIES_DOWN = [...SEVERITIES].reverse();

export function tableHistory(report: HistoryReport): string {
  const header = [report.by === "week" ? "week" : "commit", "date", "findings", "open", ...SEVERITIES_DOWN.map((s) => SHORT[s]), "closed", "mttm(d)", "overdue", "expired", "coverage"];
  const rows = report.points.map((p) => [
    report.by === "week" ? p.week : p.commit.slice(0, 10),
    p.date,
    `${p.findings.total}`,
    `${p.findings.open}`,
    ...SEVERITIES_DOWN.map((s) => `${p.findings.openBySeverity[s]}`),
    percent(p.closure.closed * 100, p.closure.seen),
    days(p.meanTimeToMitigate.days),
    `${p.overdue}`,
    `${p.expiredAcceptances}`,
    p.coverage.rate === null ? "-" : `${percent(p.coverage.covered * 100, p.coverage.withFindings)} (${p.coverage.covered}/${p.coverage.withFindings})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Text columns left, figures right, as a terminal reader scans them.
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  const out = [`Threatwright history of ${report.model} (${report.commits.considered} commit${report.commits.considered === 1 ? "" : "s"}${report.by === "week" ? `, ${report.points.length} week${report.points.length === 1 ? "" : "s"}` : ""})`, "", line(header), ...rows.map(line)];
  out.push("", "open: findings not mitigated, accepted, transferred or false positive, by severity; closed: share of findings seen so far that are mitigated or gone;", "mttm: mean days from a finding's first appearance to its first closure; coverage: components whose findings all have a decision that is not open.");
  if (report.skipped.length > 0) {
    out.push("", `Skipped (${report.skipped.length})`);
    for (const s of report.skipped) out.push(`  ${s.hash.slice(0, 10)}  ${s.date}  ${s.reason}`);
  }
  // Model text (the path, load failures) may hold control characters: every line is made safe at once.
  return `${out.map(terminalText).join("\n")}\n`;
}

/**
 * RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; lines end CRLF.
 * A text cell a spreadsheet would run as a formula (starting with = + - @, tab or carriage
 * return: OWASP's CSV injection list) gets a ' in front first. Numbers are written as they are,
 * so a negative one (mttm_days, when commit dates go back) stays a number.
 */
function csvField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHistory(report: HistoryReport): string {
  const header = [
    "commit",
    "date",
    "week",
    "subject",
    "commits",
    "findings",
    "open",
    ...SEVERITIES_DOWN.map((s) => `open_${s}`),
    ...SEVERITIES_DOWN.map((s) => `all_${s}`),
    "seen",
    "closed",
    "closure_rate",
    "mitigated",
    "mttm_days",
    "overdue",
    "expired_acceptances",
    "components",
    "components_with_findings",
    "components_covered",
    "coverage",
  ];
  const rows = report.points.map((p) => [
    p.commit,
    p.date,
    p.week,
    p.subject,
    p.commits,
    p.findings.total,
    p.findings.open,
    ...SEVERITIES_DOWN.map((s) => p.findings.openBySeverity[s]),
    ...SEVERITIES_DOWN.map((s) => p.findings.bySeverity[s]),
    p.closure.seen,
    p.closure.closed,
    p.closure.rate,
    p.meanTimeToMitigate.mitigated,
    p.meanTimeToMitigate.days,
    p.overdue,
    p.expiredAcceptances,
    p.coverage.components,
    p.coverage.withFindings,
    p.coverage.covered,
    p.coverage.rate,
  ]);
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}
