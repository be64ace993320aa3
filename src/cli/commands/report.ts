// The 'report' command: one self-contained HTML file (summary, heat map, diagram, attack paths,
// findings, framework coverage, decisions, figures) that works offline and prints to PDF.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { analyze, prepareModel } from "../../analysis/analyze.js";
import { preloadGraphviz } from "../../diagram/svg.js";
import { judgeStaleness } from "../../lifecycle/git-history.js";
import { htmlReport } from "../../report/html/render.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { knownWorkflow, loadOrReport } from "../load-or-report.js";
import { dateOption, PATH_HELP } from "../options.js";

export interface ReportCommandOptions {
  out: string;
  date?: string;
  workflow?: string;
}

export const DEFAULT_REPORT_FILE = "threatwright-report.html";

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const generator = `Threatwright ${program.version() ?? ""}`.trim();
  program
    .command("report")
    .description("write a self-contained HTML report: summary, heat map, diagram, attack paths, findings, coverage, decisions")
    .argument("[path]", PATH_HELP, ".")
    .option("--out <file>", "where to write the HTML ('-' for standard output)", DEFAULT_REPORT_FILE)
    .addOption(dateOption("analysis date (default: today); fixes the clock for reproducible reports"))
    .option("--workflow <id>", "only this workflow's findings and diagram")
    .action(async (target: string, options: ReportCommandOptions) => setExit(await reportCommand(io, target, options, generator)));
}


export async function reportCommand(io: CliIO, target: string, options: ReportCommandOptions, generator = "Threatwright"): Promise<number> {
  // Graphviz gets ready on its own thread while the model loads and is analysed.
  preloadGraphviz();
  const loaded = loadOrReport(io, target, "text");
  if ("exit" in loaded) return loaded.exit;
  const { model, files, locations } = loaded.loaded;
  if (!knownWorkflow(io, model, options.workflow)) return EXIT.usage;
  const today = options.date ?? io.today();
  const prepared = prepareModel(model);
  const analysis = analyze(model, { today, locations, prepared });
  const { staleness } = judgeStaleness(model.review, files, today);
  const { html, findings } = await htmlReport({ model, graph: prepared.graph, analysis, staleness, generator, ...(options.workflow !== undefined ? { workflow: options.workflow } : {}) });

  if (options.out === "-") {
    io.out(html);
    return EXIT.ok;
  }
  const destination = path.resolve(io.cwd, options.out);
  try {
    writeFileSync(destination, html);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    io.err(`${options.out}: cannot write the report (${code})\n  hint: check that the folder exists and is writable, or pass --out - to write to standard output\n`);
    return EXIT.usage;
  }
  io.out(`wrote ${options.out} (${findings} finding${findings === 1 ? "" : "s"}, ${Math.ceil(Buffer.byteLength(html) / 1024)} KiB)\n`);
  return EXIT.ok;
}
