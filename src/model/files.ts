// The loader's only window on the file system, so tests and property tests can
// hand it files from memory.
import type { Stats } from "node:fs";
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { LIMITS } from "./parse.js";

export interface ModelFiles {
  /**
   * "folder"; "missing" when nothing is at the path; "file" otherwise: a file, or anything else
   * that is there but is no folder or cannot be looked at (a named pipe, a device, a link to
   * nothing, a link loop, a folder it may not enter), which `read` then refuses, saying why.
   * Taking those for missing would report a folder as holding no model, and suggest `init` there.
   */
  kind(path: string): "file" | "folder" | "missing";
  /**
   * The file's bytes. Throws when it cannot read them, with `code` saying why in words after the
   * errno name ("EACCES: permission denied"), or "not a regular file but a named pipe (FIFO)";
   * diskFiles' errors also carry a `hint` (ReadProblem).
   */
  read(path: string): Uint8Array;
  /** The path with links resolved; used to keep includes inside the model's folder. */
  realpath(path: string): string;
}

export const diskFiles: ModelFiles = {
  kind(file) {
    let stat: Stats;
    try {
      stat = statSync(file);
    } catch (error) {
      return nothingAt(file, error) ? "missing" : "file";
    }
    return stat.isDirectory() ? "folder" : "file";
  },
  // Only regular files are read: a named pipe or a device (/dev/stdin, /dev/zero) may never end
  // a read the way a file does. One byte past the limit is enough to refuse a file as too large;
  // reading no further keeps memory bounded.
  read: (file) => readRegularFile(file, LIMITS.fileBytes + 1),
  realpath: (file) => resolveLinks(file),
};

/** Whether nothing at all is at the path (not even a link to nothing), given why stat failed. */
function nothingAt(file: string, error: unknown): boolean {
  const code = errorCode(error);
  if (code === "ENOTDIR") return true; // a part of the path is a file: nothing can be under it
  if (code !== "ENOENT") return false;
  try {
    lstatSync(file); // a link whose target is missing
    return false;
  } catch {
    return true;
  }
}

/**
 * The real path, or, when the links cannot be followed (a loop, a link to nothing, a folder on the
 * way it may not enter), the path under its nearest resolvable folder: `read` then says what is
 * wrong. Nothing can be read through such a path, so it leads nowhere outside the model's folder.
 * A path where nothing is throws ENOENT, as realpath does.
 */
function resolveLinks(file: string): string {
  try {
    return realpathSync(file);
  } catch (error) {
    const parent = path.dirname(file);
    if (parent === file || nothingAt(file, error)) throw error;
    return path.join(resolveLinks(parent), path.basename(file));
  }
}

/** Why diskFiles could not read a file: `code` says it in words, `hint` what to do about it. */
export class ReadProblem extends Error {
  constructor(
    file: string,
    readonly code: string,
    readonly hint: string,
    cause?: unknown,
  ) {
    super(`${file}: ${code}`, cause === undefined ? {} : { cause });
  }
}

/** Reads a regular file, to at most `limit` bytes; anything else is refused without a read. */
function readRegularFile(file: string, limit: number): Uint8Array {
  let fd: number;
  try {
    refuseIrregular(file, statSync(file));
    // Non-blocking: should a named pipe take the file's place after the check, opening it does
    // not wait for a writer, and the check on what was opened refuses it.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw readError(file, error);
  }
  try {
    refuseIrregular(file, fstatSync(fd));
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
  } catch (error) {
    throw readError(file, error);
  } finally {
    closeSync(fd);
  }
}

function refuseIrregular(file: string, stat: Stats): void {
  if (stat.isFile()) return;
  if (stat.isDirectory()) throw new ReadProblem(file, "not a regular file but a folder", "give the path of a model file");
  const what = stat.isFIFO() ? "a named pipe (FIFO)" : stat.isSocket() ? "a socket" : stat.isCharacterDevice() ? "a character device" : stat.isBlockDevice() ? "a block device" : "something else";
  throw new ReadProblem(file, `not a regular file but ${what}`, "give the path of a model file: named pipes, sockets and devices are not read, as reading one may never end");
}

/** What the file system's common errors mean, in words to follow the errno name; for reads and writes alike. */
const ERRNO_WORDS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  ELOOP: "too many symbolic links, or a link that leads to itself",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "a folder, not a file",
  ENAMETOOLONG: "the path is too long",
  EIO: "input/output error",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
};

export function errnoWords(code: string): string | undefined {
  return ERRNO_WORDS[code];
}

/** What to do when a read fails with the error. */
const READ_HINTS: Record<string, string> = {
  EACCES: "check that you may read the file, and enter the folders on its path",
  EPERM: "check that you may read the file, and enter the folders on its path",
  ELOOP: "make the link point at the model file",
  ENOTDIR: "check the path",
  EISDIR: "give the path of a model file",
  ENAMETOOLONG: "move the model to a shorter path",
  EIO: "check the disk or the network file system the file is on",
};

function readError(file: string, error: unknown): Error {
  if (error instanceof ReadProblem) return error;
  const code = errorCode(error);
  if (code === undefined) return error instanceof Error ? error : new Error(String(error));
  let found: [string, string] | undefined = READ_HINTS[code] !== undefined ? [ERRNO_WORDS[code]!, READ_HINTS[code]] : undefined;
  if (code === "ENOENT") found = nothingAt(file, error) ? ["no such file", "check that the file exists"] : ["a symbolic link to a file that does not exist", "restore the file the link points to, or remove the link"];
  return new ReadProblem(file, found ? `${code}: ${found[0]}` : code, found?.[1] ?? "check that the file exists and that you may read it", error);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : undefined;
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
