// Placeholder: the 'history' command is being written; register() adds it to the program.
import type { Command } from "commander";
import type { CliIO } from "../io.js";

export function register(_program: Command, _io: CliIO, _setExit: (code: number) => void): void {}
