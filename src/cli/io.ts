// What a command may touch: its output streams, the files, the clock. Tests pass their own.
import type { ModelFiles } from "../model/files.js";

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  files: ModelFiles;
  /** Today's date (YYYY-MM-DD), the only clock the commands see. */
  today(): string;
  cwd: string;
}

/** Exit codes, documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** The model is invalid, or (for gates) the check failed. */
  invalid: 1,
  /** Wrong usage, or a file could not be read or written. */
  usage: 2,
} as const;
