// The 'diagram' command: the system's data-flow diagram as SVG, Graphviz DOT or
// Mermaid, for the whole system or one workflow, condensed when it is large.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { analyze, prepareModel } from "../../analysis/analyze.js";
import { scopeResult } from "../../analysis/scope.js";
import { buildPathDiagram } from "../../diagram/attack-path.js";
import { buildTreeDiagram } from "../../diagram/attack-tree.js";
import { DEFAULT_MAX_NODES, DiagramOptionError, buildDiagram } from "../../diagram/diagram.js";
import { toDot } from "../../diagram/dot.js";
import { toMermaid } from "../../diagram/mermaid.js";
import { preloadGraphviz, toSvg } from "../../diagram/svg.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { knownWorkflow, loadOrReport } from "../load-or-report.js";
import { countParser, dateOption, PATH_HELP } from "../options.js";

export const DIAGRAM_FORMATS = ["svg", "dot", "mermaid"] as const;

export interface DiagramCommandOptions {
  format: (typeof DIAGRAM_FORMATS)[number];
  workflow?: string;
  path?: string;
  tree?: string;
  maxNodes: number;
  out?: string;
  date?: string;
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("diagram")
    .description("draw the data-flow diagram (components, flows, trust boundaries, untrusted entry points, injectable agents), one attack path or one attack tree")
    .argument("[path]", PATH_HELP, ".")
    .addOption(new Option("--format <format>", "output format").choices([...DIAGRAM_FORMATS]).default("svg"))
    .option("--workflow <id>", "draw only this workflow's components; with --path or --tree, rank paths among the workflow's findings")
    .option("--path <rank|finding-id>", "draw one attack path instead: its rank (1 is the worst) or its finding's ID")
    .option("--tree <rank|finding-id>", "draw one attack tree instead (every path to one goal): its rank (1 is the worst) or the ID of a finding whose path it holds")
    .addOption(new Option("--max-nodes <n>", "condense diagrams with more components than this").argParser(countParser(9999999, "nodes")).default(DEFAULT_MAX_NODES))
    .option("--out <file>", "write to this file instead of standard output (a .md file gets a fenced mermaid block)")
    .addOption(dateOption("analysis date for the severities shown (default: today)"))
    .action(async (target: string, options: DiagramCommandOptions) => setExit(await diagramCommand(io, target, options)));
}



export async function diagramCommand(io: CliIO, target: string, options: DiagramCommandOptions): Promise<number> {
  if (options.path !== undefined && options.tree !== undefined) {
    io.err("error: --path and --tree draw different things\n  hint: give one of them: --path draws one attack path, --tree every path to one goal\n");
    return EXIT.usage;
  }
  if (options.format === "svg") preloadGraphviz();
  const loaded = loadOrReport(io, target, "text");
  if ("exit" in loaded) return loaded.exit;
  const { model } = loaded.loaded;
  if (!knownWorkflow(io, model, options.workflow)) return EXIT.usage;
  const prepared = prepareModel(model);
  const analysis = analyze(model, { today: options.date ?? io.today(), locations: loaded.loaded.locations, prepared });
  let diagram;
  try {
    // With a workflow, paths and trees are ranked among that workflow's findings, as analyze --workflow and the report rank them.
    const scoped = () => scopeResult(analysis, { workflow: options.workflow });
    diagram =
      options.path !== undefined
        ? buildPathDiagram(prepared.graph, scoped(), options.path, options.workflow)
        : options.tree !== undefined
          ? buildTreeDiagram(prepared.graph, scoped(), options.tree, options.maxNodes, options.workflow)
          : buildDiagram(model, analysis, { workflow: options.workflow, maxNodes: options.maxNodes });
  } catch (error) {
    if (!(error instanceof DiagramOptionError)) throw error;
    io.err(`error: ${error.message}\n  hint: ${error.hint}\n`);
    return EXIT.usage;
  }
  if (diagram.omitted) io.err(`note: ${diagram.omitted}\n`);

  let text = options.format === "svg" ? await toSvg(diagram) : options.format === "dot" ? toDot(diagram) : toMermaid(diagram);
  if (options.out === undefined) {
    io.out(text);
    return EXIT.ok;
  }
  // Markdown renders a Mermaid diagram only inside a fenced block.
  if (options.format === "mermaid" && /\.(md|markdown)$/i.test(options.out)) text = "```mermaid\n" + text + "```\n";
  try {
    writeFileSync(path.resolve(io.cwd, options.out), text);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "its folder does not exist" : ((error as NodeJS.ErrnoException).code ?? "cannot write");
    io.err(`error: cannot write ${options.out}: ${reason}\n  hint: give a path in an existing, writable folder, or leave out --out to write to standard output\n`);
    return EXIT.usage;
  }
  return EXIT.ok;
}
