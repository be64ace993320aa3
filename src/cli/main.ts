// The threatwright command: parses arguments, runs one command, returns its exit code.
// Only the module of the command being run is loaded: start-up is most of a CI gate's time.
import { Command, CommanderError } from "commander";
import { diskFiles } from "../model/files.js";
import type { CliIO } from "./io.js";
import { EXIT } from "./io.js";

export const VERSION = "0.1.0";

type Register = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

/** Every command, in the order help lists them. */
const COMMANDS: Record<string, () => Promise<{ register: Register }>> = {
  validate: () => import("./commands/validate.js"),
  analyze: () => import("./commands/analyze.js"),
  rules: () => import("./commands/rules.js"),
  diff: () => import("./commands/diff.js"),
  plan: () => import("./commands/plan.js"),
  decide: () => import("./commands/decide.js"),
  status: () => import("./commands/status.js"),
  check: () => import("./commands/check.js"),
  history: () => import("./commands/history.js"),
  report: () => import("./commands/report.js"),
  diagram: () => import("./commands/diagram.js"),
  init: () => import("./commands/init.js"),
};

export function nodeIO(): CliIO {
  return {
    out: writer(process.stdout),
    err: writer(process.stderr),
    files: diskFiles,
    today: () => new Date().toISOString().slice(0, 10),
    cwd: process.cwd(),
  };
}

/**
 * Writes to a standard stream until its reader goes away (`threatwright analyze | head`):
 * the rest is dropped and the command ends as it would have, with its own exit code,
 * rather than with an EPIPE stack trace.
 */
function writer(stream: NodeJS.WriteStream): (text: string) => void {
  let gone = false;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    gone = true;
  });
  return (text) => {
    if (!gone) stream.write(text);
  };
}

async function buildProgram(argv: string[], io: CliIO, setExit: (code: number) => void): Promise<Command> {
  const program = new Command("threatwright")
    .description("Threat models of AI systems as code: validate, analyse, diff and gate.")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(run 'threatwright --help' for usage)");
  // The program itself takes no option with a value, so the first word is the command.
  const requested = argv.find((arg) => !arg.startsWith("-"));
  // Help, a misspelt command or none at all: load every command, so help and suggestions are complete.
  const names = requested !== undefined && Object.hasOwn(COMMANDS, requested) ? [requested] : Object.keys(COMMANDS);
  const modules = await Promise.all(names.map((name) => COMMANDS[name]!()));
  for (const module of modules) module.register(program, io, setExit);
  return program;
}

export async function main(argv: string[], io: CliIO = nodeIO()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = await buildProgram(argv, io, (code) => (exitCode = code));
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
