// The loader's only window on the file system, so tests and property tests can
// hand it files from memory.
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { LIMITS } from "./parse.js";

export interface ModelFiles {
  /** "file", "folder" or "missing". */
  kind(path: string): "file" | "folder" | "missing";
  read(path: string): Uint8Array;
  /** The path with links resolved; used to keep includes inside the model's folder. */
  realpath(path: string): string;
}

export const diskFiles: ModelFiles = {
  kind(path) {
    try {
      const stat = statSync(path);
      return stat.isDirectory() ? "folder" : "file";
    } catch {
      return "missing";
    }
  },
  // One byte past the limit is enough to refuse a file as too large; reading no further keeps
  // memory bounded and ends reads of endless files such as /dev/zero.
  read: (path) => readAtMost(path, LIMITS.fileBytes + 1),
  realpath: (path) => realpathSync(path),
};

function readAtMost(path: string, limit: number): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, limit - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** Files held in memory, keyed by normalised path; folders are implied by the paths. */
export function memoryFiles(entries: Record<string, string | Uint8Array>): ModelFiles {
  const files = new Map(Object.entries(entries).map(([path, content]) => [path, typeof content === "string" ? Buffer.from(content, "utf8") : content]));
  return {
    kind(path) {
      if (files.has(path)) return "file";
      const prefix = path.endsWith("/") ? path : `${path}/`;
      for (const key of files.keys()) if (key.startsWith(prefix) || path === "." || path === "") return "folder";
      return "missing";
    },
    read(path) {
      const content = files.get(path);
      if (!content) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
      return content;
    },
    realpath(path) {
      if (this.kind(path) === "missing") throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
      return path;
    },
  };
}
