// The threatwright command: parses arguments, runs one command, returns its exit code.
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { diskFiles } from "../model/files.js";
import { SEVERITIES } from "../analysis/scoring.js";
import { analyzeCommand } from "./commands/analyze.js";
import type { AnalyzeCommandOptions } from "./commands/analyze.js";
import { register as registerCheck } from "./commands/check.js";
import { register as registerDecide } from "./commands/decide.js";
import { register as registerDiagram } from "./commands/diagram.js";
import { register as registerDiff } from "./commands/diff.js";
import { register as registerHistory } from "./commands/history.js";
import { register as registerReport } from "./commands/report.js";
import { initCommand } from "./commands/init.js";
import { rulesCommand } from "./commands/rules.js";
import type { RulesCommandOptions } from "./commands/rules.js";
import { register as registerStatus } from "./commands/status.js";
import { validateCommand } from "./commands/validate.js";
import type { CliIO } from "./io.js";
import { EXIT } from "./io.js";

export const VERSION = "0.1.0";

export function nodeIO(): CliIO {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    files: diskFiles,
    today: () => new Date().toISOString().slice(0, 10),
    cwd: process.cwd(),
  };
}

function parseDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidArgumentError("expected a date written YYYY-MM-DD");
  }
  return value;
}

const PATH_HELP = "model file, or folder holding threatwright.yaml";

function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command("threatwright")
    .description("Threat models of AI systems as code: validate, analyse, diff and gate.")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(run 'threatwright --help' for usage)");

  const format = () => new Option("--format <format>", "output format").choices(["text", "json"]).default("text");

  program
    .command("validate")
    .description("check a model: syntax, schema, IDs, references and includes")
    .argument("[path]", PATH_HELP, ".")
    .addOption(format())
    .action((target: string, options: { format: "text" | "json" }) => setExit(validateCommand(io, target, options)));

  program
    .command("analyze")
    .description("find the threats that apply, score them and rank the attack paths")
    .argument("[path]", PATH_HELP, ".")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "markdown", "sarif"]).default("text"))
    .addOption(new Option("--min-severity <severity>", "leave out findings below this severity").choices([...SEVERITIES]).default("info"))
    .option("--workflow <id>", "only findings that touch this workflow")
    .addOption(new Option("--date <YYYY-MM-DD>", "analysis date (default: today); fixes the clock for reproducible runs").argParser(parseDate))
    .action((target: string, options: AnalyzeCommandOptions) => setExit(analyzeCommand(io, target, options)));

  program
    .command("rules")
    .description("list the rule catalogue")
    .option("--framework <slug>", "only rules mapped to this framework (owasp-llm, owasp-agentic, owasp-nhi, owasp-mcp, atlas, maestro, stride, nist-ai-rmf, eu-ai-act, ...)")
    .option("--maps-to <id>", "only rules mapped to this item, such as LLM01:2025 or AML.T0051")
    .addOption(format())
    .action((options: RulesCommandOptions) => setExit(rulesCommand(io, options)));

  registerDiff(program, io, setExit);
  registerDecide(program, io, setExit);
  registerStatus(program, io, setExit);
  registerCheck(program, io, setExit);
  registerHistory(program, io, setExit);
  registerReport(program, io, setExit);
  registerDiagram(program, io, setExit);

  program
    .command("init")
    .description("write a commented starter model (never overwrites)")
    .argument("[folder]", "where to write threatwright.yaml", ".")
    .action((folder: string) => setExit(initCommand(io, folder)));

  return program;
}

export async function main(argv: string[], io: CliIO = nodeIO()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}
