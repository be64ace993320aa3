// Runs the CLI in-process with captured output, a fixed date and a chosen working folder.
import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { ModelFiles } from "../../src/model/files.js";
import { diskFiles } from "../../src/model/files.js";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface CliOptions {
  today?: string;
  cwd?: string;
  files?: ModelFiles;
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  let out = "";
  let err = "";
  const today = options.today ?? "2026-11-22";
  const io: CliIO = { out: (t) => (out += t), err: (t) => (err += t), files: options.files ?? diskFiles, today: () => today, cwd: options.cwd ?? process.cwd() };
  const code = await main(args, io);
  return { code, out, err };
}
