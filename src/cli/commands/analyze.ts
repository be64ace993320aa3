import type { Command } from "commander";
import { Option } from "commander";
import { analyze } from "../../analysis/analyze.js";
import { scopeResult } from "../../analysis/scope.js";
import type { Severity } from "../../analysis/scoring.js";
import { SEVERITIES } from "../../analysis/scoring.js";
import { jsonReport } from "../../report/json.js";
import { markdownReport } from "../../report/markdown.js";
import { sarifReport } from "../../report/sarif.js";
import type { FindingGrouping } from "../../report/text.js";
import { FINDING_GROUPINGS, textReport } from "../../report/text.js";
import { RULES } from "../../rules/index.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { knownWorkflow, loadOrReport, sarifBase } from "../load-or-report.js";
import { dateOption, PATH_HELP } from "../options.js";

export interface AnalyzeCommandOptions {
  format: "text" | "json" | "markdown" | "sarif";
  minSeverity: Severity;
  workflow?: string;
  date?: string;
  groupBy: FindingGrouping;
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("analyze")
    .description("find the threats that apply, score them and rank the attack paths")
    .argument("[path]", PATH_HELP, ".")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "markdown", "sarif"]).default("text"))
    .addOption(new Option("--min-severity <severity>", "leave out findings below this severity").choices([...SEVERITIES]).default("info"))
    .option("--workflow <id>", "only findings that touch this workflow")
    .addOption(new Option("--group-by <grouping>", "text and markdown: list findings under their severity or their root cause").choices([...FINDING_GROUPINGS]).default("severity"))
    .addOption(dateOption("analysis date (default: today); fixes the clock for reproducible runs"))
    .action((target: string, options: AnalyzeCommandOptions) => setExit(analyzeCommand(io, target, options)));
}

export function analyzeCommand(io: CliIO, target: string, options: AnalyzeCommandOptions): number {
  const loaded = loadOrReport(io, target, options.format === "json" ? "json" : "text");
  if ("exit" in loaded) return loaded.exit;
  const { model, locations, files } = loaded.loaded;
  if (!knownWorkflow(io, model, options.workflow)) return EXIT.usage;
  const result = scopeResult(analyze(model, { today: options.date ?? io.today(), locations }), { minSeverity: options.minSeverity, workflow: options.workflow });
  switch (options.format) {
    case "json":
      io.out(jsonReport(result));
      break;
    case "markdown":
      io.out(markdownReport(result, { workflow: options.workflow, groupBy: options.groupBy }));
      break;
    case "sarif":
      io.out(sarifReport(result, RULES, { locations, base: sarifBase(io, files[0]!) }));
      break;
    default:
      io.out(textReport(result, { workflow: options.workflow, groupBy: options.groupBy }));
  }
  return EXIT.ok;
}
