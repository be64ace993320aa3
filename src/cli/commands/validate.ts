import type { Command } from "commander";
import { Option } from "commander";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import type { OutputFormat } from "../load-or-report.js";
import { loadOrReport, reportDiagnostics } from "../load-or-report.js";
import { COMPONENT_LIST_KEYS } from "../../model/model.js";
import { boundedText, terminalText } from "../../report/terminal-text.js";
import { PATH_HELP } from "../options.js";

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("validate")
    .description("check a model: syntax, schema, IDs, references and includes")
    .argument("[path]", PATH_HELP, ".")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action((target: string, options: { format: OutputFormat }) => setExit(validateCommand(io, target, options)));
}

export function validateCommand(io: CliIO, target: string, options: { format: OutputFormat }): number {
  const result = loadOrReport(io, target, options.format);
  if ("exit" in result) return result.exit;
  const { model, files } = result.loaded;
  if (options.format === "json") {
    reportDiagnostics(io, result.warnings, "json");
    return EXIT.ok;
  }
  const components = COMPONENT_LIST_KEYS.reduce((sum, key) => sum + model[key].length, 0);
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [
    count(components, "component", "components"),
    count(model.flows.length, "flow", "flows"),
    count(model.identities.length, "identity", "identities"),
    count(model.controls.length, "control", "controls"),
    count(model.workflows.length, "workflow", "workflows"),
  ];
  io.out(`${terminalText(files[0]!)}: valid model '${boundedText(model.system.name, NAME_LIMIT)}' (${parts.join(", ")}) in ${files.length} file${files.length === 1 ? "" : "s"}\n`);
  return EXIT.ok;
}

/** The longest name quoted back, in characters: a name is a line's worth, not a page. */
const NAME_LIMIT = 200;

