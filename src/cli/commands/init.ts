import type { Command } from "commander";
import type { Stats } from "node:fs";
import { lstatSync, mkdirSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { errnoWords } from "../../model/files.js";
import { ROOT_FILE_NAME } from "../../model/load.js";
import { terminalText } from "../../report/terminal-text.js";
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
  const refuse = (problem: Problem) => {
    io.err(`${terminalText(problem.at)}: ${problem.message}\n  hint: ${problem.hint}\n`);
    return EXIT.usage;
  };
  const obstacle = folderObstacle(folder) ?? targetObstacle(target);
  if (obstacle) return refuse(obstacle);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    return refuse(cannotCreate(folder, error));
  }
  try {
    writeFileSync(target, starterModel(schemaPathFrom(folder)), { flag: "wx" });
  } catch (error) {
    return refuse(cannotWrite(folder, target, error));
  }
  io.out(`wrote ${terminalText(target)}\nnext: edit it to describe your system, then run 'threatwright validate ${terminalText(folder)}'\n`);
  return EXIT.ok;
}

/** Why init cannot write: where, what is wrong, and what to do about it. */
interface Problem {
  at: string;
  message: string;
  hint: string;
}

const codeOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? "error";

/** What is at a path (following links, or not), or the code of why it cannot be looked at (ENOENT: nothing is). */
function look(file: string, follow: boolean): Stats | string {
  try {
    return follow ? statSync(file) : lstatSync(file);
  } catch (error) {
    return codeOf(error);
  }
}

/** Why a link cannot be followed, for a message. */
function brokenLink(link: string, code: string): string {
  return code === "ENOENT" ? `a symbolic link to ${linkTarget(link)}, which does not exist` : `a symbolic link to ${linkTarget(link)}, which cannot be followed (${code})`;
}

/** A link's target as the link gives it, quoted for a message. */
function linkTarget(link: string): string {
  try {
    return `'${terminalText(readlinkSync(link))}'`;
  } catch {
    return "a path";
  }
}

/** Something that is not a folder where the folder should be. */
function folderObstacle(folder: string): Problem | undefined {
  const here = look(folder, false);
  if (typeof here === "string") return undefined; // nothing there (created below), or cannot be looked at (mkdir says why)
  const followed = look(folder, true);
  if (typeof followed === "string") {
    if (!here.isSymbolicLink()) return undefined;
    return { at: folder, message: `is ${brokenLink(folder, followed)}`, hint: "create the folder it points to, or give init another folder" };
  }
  if (followed.isDirectory()) return undefined;
  if (followed.isFile()) {
    return { at: folder, message: `is a file, not a folder; init writes ${ROOT_FILE_NAME} into a folder`, hint: `give init a folder (it is created if needed); to check a model file, run 'threatwright validate ${terminalText(folder)}'` };
  }
  return { at: folder, message: "is not a folder", hint: `give init a folder (it is created if needed); it writes ${ROOT_FILE_NAME} into it` };
}

/** Anything already where the model file would go: init never replaces it, and says what it is. */
function targetObstacle(target: string): Problem | undefined {
  const here = look(target, false);
  if (typeof here === "string") return undefined;
  const followed = look(target, true);
  if (typeof followed === "string") {
    if (!here.isSymbolicLink()) return alreadyExists(target);
    return { at: target, message: `already exists, as ${brokenLink(target, followed)}; init does not overwrite it`, hint: "remove the link to start a new model here, or restore the file it points to" };
  }
  if (followed.isDirectory()) return { at: target, message: "is a folder, where the model file would go", hint: "rename or remove that folder, or run init in another folder" };
  return alreadyExists(target);
}

function alreadyExists(target: string): Problem {
  return { at: target, message: "already exists; init does not overwrite a model", hint: "edit it, or run init in another folder" };
}

function cannotCreate(folder: string, error: unknown): Problem {
  const code = codeOf(error);
  if (code === "ENOTDIR" || code === "EEXIST") return { at: folder, message: "cannot create the folder: a part of the path is a file, not a folder", hint: "give init a folder whose path runs through folders only" };
  const reason = errnoWords(code);
  return { at: folder, message: `cannot create the folder: ${reason ? `${reason} (${code})` : code}`, hint: writeHint(code, path.dirname(path.resolve(folder))) };
}

function cannotWrite(folder: string, target: string, error: unknown): Problem {
  const code = codeOf(error);
  if (code === "EEXIST") return targetObstacle(target) ?? alreadyExists(target); // put there since the check
  const reason = errnoWords(code);
  return { at: target, message: `cannot write: ${reason ? `${reason} (${code})` : code}`, hint: writeHint(code, folder) };
}

function writeHint(code: string, folder: string): string {
  switch (code) {
    case "EACCES":
    case "EPERM":
      return `run init in a folder you may write to, or ask for write access to ${terminalText(folder)}`;
    case "EROFS":
      return "run init in a folder on a file system you may write to";
    case "ENOSPC":
    case "EDQUOT":
      return "free some space, then run init again";
    default:
      return `check that ${terminalText(folder)} is a folder you may write to`;
  }
}
