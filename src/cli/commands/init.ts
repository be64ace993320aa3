import type { Command } from "commander";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT_FILE_NAME } from "../../model/load.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { starterModel } from "../starter-model.js";

/** The JSON Schema shipped with this package, for the editor comment in the starter model. */
function schemaPathFrom(folder: string): string {
  const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
  const schema = path.join(packageRoot, "schema", "threatwright.schema.json");
  const relative = path.relative(path.resolve(folder), schema);
  return relative.split(path.sep).join("/");
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("init")
    .description("write a commented starter model (never overwrites)")
    .argument("[folder]", "where to write threatwright.yaml", ".")
    .action((folder: string) => setExit(initCommand(io, folder)));
}

export function initCommand(io: CliIO, folder: string): number {
  const target = path.join(folder, ROOT_FILE_NAME);
  if (existsSync(target)) {
    io.err(`${target}: already exists; init does not overwrite a model\n  hint: edit it, or run init in another folder\n`);
    return EXIT.usage;
  }
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(target, starterModel(schemaPathFrom(folder), io.today()), { flag: "wx" });
  } catch (error) {
    io.err(`${target}: cannot write (${(error as NodeJS.ErrnoException).code ?? "error"})\n`);
    return EXIT.usage;
  }
  io.out(`wrote ${target}\nnext: edit it to describe your system, then run 'threatwright validate ${folder}'\n`);
  return EXIT.ok;
}
