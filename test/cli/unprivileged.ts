// Runs the command as a real process that file permissions apply to. Root may read and write
// everything, so as root (as in CI containers) the process runs as the user 'nobody'; as anyone
// else it runs as that user, for whom a folder of mode 000 or 555 they own is as closed.
import { execFile } from "node:child_process";
import { chmodSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NOBODY = 65534;

/** Whether the process runs as another user than the tests (root's tests run it as 'nobody'). */
const asRoot = process.getuid?.() === 0;

/**
 * Lets the unprivileged process reach a folder the tests made (mkdtemp makes them 700): read and
 * enter it, and write in it when `writable`.
 */
export function openTo(folder: string, writable = false): void {
  chmodSync(folder, writable ? 0o777 : 0o755);
}

export function runUnprivileged(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const user = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
    execFile(process.execPath, ["--import", "tsx", path.join(root, "scripts/dev.ts"), ...args], { cwd: root, timeout: 30_000, killSignal: "SIGKILL", ...user }, (error, out, err) => {
      const failure = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
      resolve({ code: failure ? (typeof failure.code === "number" ? failure.code : null) : 0, out, err });
    });
  });
}
