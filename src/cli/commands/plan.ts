// threatwright plan: the controls that lower the residual risk still to act on the most, in order.
import type { Command } from "commander";
import { Option } from "commander";
import { buildGraph } from "../../graph/graph.js";
import { DEFAULT_CANDIDATES, DEFAULT_STEPS, planRemediation } from "../../planning/plan.js";
import { planJson, planMarkdown, planText } from "../../report/plan.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { knownWorkflow, loadOrReport } from "../load-or-report.js";
import { countParser, dateOption, PATH_HELP } from "../options.js";

export interface PlanCommandOptions {
  format: "text" | "json" | "markdown";
  steps: number;
  candidates: number;
  workflow?: string;
  date?: string;
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("plan")
    .description("propose the controls that lower the residual risk the most, each measured by re-analysing the model")
    .argument("[path]", PATH_HELP, ".")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
    .addOption(new Option("--steps <n>", "controls to propose at most").argParser(countParser(50, "steps")).default(DEFAULT_STEPS))
    .addOption(new Option("--candidates <n>", "candidate controls to measure on a step at most (each is one analysis of the model)").argParser(countParser(10000, "candidates")).default(DEFAULT_CANDIDATES))
    .option("--workflow <id>", "plan for the findings that touch this workflow")
    .addOption(dateOption("analysis date (default: today); fixes the clock for reproducible runs"))
    .action((target: string, options: PlanCommandOptions) => setExit(planCommand(io, target, options)));
}

export function planCommand(io: CliIO, target: string, options: PlanCommandOptions): number {
  const loaded = loadOrReport(io, target, options.format === "json" ? "json" : "text");
  if ("exit" in loaded) return loaded.exit;
  const { model } = loaded.loaded;
  if (!knownWorkflow(io, model, options.workflow)) return EXIT.usage;
  const plan = planRemediation(model, { today: options.date ?? io.today(), steps: options.steps, candidates: options.candidates, ...(options.workflow ? { workflow: options.workflow } : {}) });
  const { nameOf } = buildGraph(model);
  io.out(options.format === "json" ? planJson(plan) : options.format === "markdown" ? planMarkdown(plan, nameOf) : planText(plan, nameOf));
  return EXIT.ok;
}
