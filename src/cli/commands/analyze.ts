import type { Command } from "commander";
import { Option } from "commander";
import type { AnalysisResult } from "../../analysis/analyze.js";
import { analyze } from "../../analysis/analyze.js";
import type { Severity } from "../../analysis/scoring.js";
import { SEVERITIES } from "../../analysis/scoring.js";
import { jsonReport } from "../../report/json.js";
import { markdownReport } from "../../report/markdown.js";
import { sarifReport } from "../../report/sarif.js";
import { textReport } from "../../report/text.js";
import { RULES } from "../../rules/index.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { loadOrReport } from "../load-or-report.js";
import { dateOption, PATH_HELP } from "../options.js";

export interface AnalyzeCommandOptions {
  format: "text" | "json" | "markdown" | "sarif";
  minSeverity: Severity;
  workflow?: string;
  date?: string;
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("analyze")
    .description("find the threats that apply, score them and rank the attack paths")
    .argument("[path]", PATH_HELP, ".")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "markdown", "sarif"]).default("text"))
    .addOption(new Option("--min-severity <severity>", "leave out findings below this severity").choices([...SEVERITIES]).default("info"))
    .option("--workflow <id>", "only findings that touch this workflow")
    .addOption(dateOption("analysis date (default: today); fixes the clock for reproducible runs"))
    .action((target: string, options: AnalyzeCommandOptions) => setExit(analyzeCommand(io, target, options)));
}

/** Keeps the findings at or above a severity and, with a workflow, those touching it. */
export function filterResult(result: AnalysisResult, minSeverity: Severity, workflow?: string): AnalysisResult {
  const floor = SEVERITIES.indexOf(minSeverity);
  const findings = result.findings.filter((f) => SEVERITIES.indexOf(f.severity) >= floor && (!workflow || f.workflows.includes(workflow)));
  const kept = new Set(findings.map((f) => f.id));
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const attackPaths = result.attackPaths.filter((p) => kept.has(p.finding)).map((p, i) => ({ ...p, rank: i + 1 }));
  return { ...result, findings, attackPaths, summary: { ...result.summary, findings: findings.length, bySeverity } };
}

export function analyzeCommand(io: CliIO, target: string, options: AnalyzeCommandOptions): number {
  const loaded = loadOrReport(io, target, options.format === "json" ? "json" : "text");
  if ("exit" in loaded) return loaded.exit;
  const { model, locations } = loaded.loaded;
  if (options.workflow && !model.workflows.some((w) => w.id === options.workflow)) {
    io.err(`unknown workflow '${options.workflow}'\n  hint: workflows in this model: ${model.workflows.map((w) => w.id).join(", ") || "none"}\n`);
    return EXIT.usage;
  }
  const result = filterResult(analyze(model, { today: options.date ?? io.today(), locations }), options.minSeverity, options.workflow);
  switch (options.format) {
    case "json":
      io.out(jsonReport(result));
      break;
    case "markdown":
      io.out(markdownReport(result));
      break;
    case "sarif":
      io.out(sarifReport(result, RULES));
      break;
    default:
      io.out(textReport(result));
  }
  return EXIT.ok;
}
