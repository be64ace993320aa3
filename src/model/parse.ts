// One model file from bytes to a YAML document, refusing hostile or broken input
// with located diagnostics instead of crashing or hanging.
import { isCollection, LineCounter, parseDocument, visit } from "yaml";
import type { Document, Node } from "yaml";
import type { Diagnostic, DiagnosticCode } from "./diagnostics.js";

export const LIMITS = {
  /** Largest single model file. */
  fileBytes: 8 * 1024 * 1024,
  /** Largest model, all files together. */
  modelBytes: 64 * 1024 * 1024,
  /** Most files one model may include. */
  files: 1000,
  /** Deepest nesting of mappings and sequences. */
  depth: 64,
  /** Most alias expansions in one file (stops "billion laughs" documents). */
  aliases: 1000,
} as const;

export interface ParsedFile {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The file's content as plain data. */
  value: unknown;
}

export type ParseOutcome = { ok: true; parsed: ParsedFile } | { ok: false; diagnostics: Diagnostic[] };

function problem(file: string, code: DiagnosticCode, message: string, hint?: string, line = 1, col = 1): Diagnostic {
  return { file, line, col, severity: "error", code, message, ...(hint ? { hint } : {}) };
}

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the bytes are valid UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const lossy = Buffer.from(new TextDecoder("utf-8").decode(bytes), "utf8");
  if (lossy.length === bytes.length && lossy.equals(bytes)) return -1;
  let i = 0;
  while (i < bytes.length && i < lossy.length && bytes[i] === lossy[i]) i++;
  return i;
}

function lineColOfByte(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

export function parseModelFile(file: string, bytes: Uint8Array): ParseOutcome {
  const fail = (...d: Diagnostic[]): ParseOutcome => ({ ok: false, diagnostics: d });
  if (bytes.length > LIMITS.fileBytes) {
    return fail(problem(file, "file-too-large", `file is ${bytes.length} bytes; the limit is ${LIMITS.fileBytes} bytes (8 MiB)`, "split the model into several files with include"));
  }
  const invalidAt = firstInvalidUtf8(bytes);
  if (invalidAt >= 0) {
    const at = lineColOfByte(bytes, invalidAt);
    return fail(problem(file, "not-utf8", `file is not valid UTF-8 (byte ${invalidAt})`, "save the file as UTF-8", at.line, at.col));
  }
  let text = Buffer.from(bytes).toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") return fail(problem(file, "empty-file", "file is empty", "write the model's elements, or remove the include of this file"));

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const at = (offset: number) => lineCounter.linePos(offset);

  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const { line, col } = at(error.pos[0]);
    if (error.code === "DUPLICATE_KEY") {
      diagnostics.push(problem(file, "duplicate-key", "this key appears twice in the same mapping", "keep one of the two; YAML would silently drop the other", line, col));
    } else if (error.code === "MULTIPLE_DOCS") {
      diagnostics.push(problem(file, "multiple-documents", "file holds more than one YAML document", "remove the '---' separator; split a model with include instead", line, col));
    } else if (/call stack/i.test(error.message)) {
      diagnostics.push(problem(file, "too-deep", `document nests deeper than ${LIMITS.depth} levels`, "flatten the structure; a model needs only a few levels", line, col));
    } else {
      diagnostics.push(problem(file, "yaml-syntax", firstLine(error.message), "check indentation, quoting and the ':' after each key", line, col));
    }
  }
  if (diagnostics.length > 0) return fail(...dedupeTooDeep(diagnostics));

  const tooDeep = deepestBeyondLimit(doc);
  if (tooDeep) {
    const { line, col } = at(tooDeep.range?.[0] ?? 0);
    return fail(problem(file, "too-deep", `document nests deeper than ${LIMITS.depth} levels`, "flatten the structure; a model needs only a few levels", line, col));
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: LIMITS.aliases });
  } catch (error) {
    if (/alias/i.test(String((error as Error).message))) {
      return fail(problem(file, "alias-limit", `aliases expand to more than ${LIMITS.aliases} nodes`, "write the repeated content out, or use fewer nested aliases"));
    }
    throw error;
  }
  if (value === null || value === undefined) return fail(problem(file, "empty-file", "file holds no content, only comments", "write the model's elements, or remove the include of this file"));
  return { ok: true, parsed: { file, doc, lineCounter, value } };
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

function dedupeTooDeep(diagnostics: Diagnostic[]): Diagnostic[] {
  const firstDeep = diagnostics.find((d) => d.code === "too-deep");
  return firstDeep ? [firstDeep] : diagnostics;
}

/** The first collection nested deeper than the limit, found without recursion. */
function deepestBeyondLimit(doc: Document.Parsed): Node | undefined {
  let found: Node | undefined;
  visit(doc, { Map: enter, Seq: enter });
  // yaml's visitor does not report leaving a node, so depth is measured from each collection's ancestors.
  function enter(_key: unknown, node: unknown, path: readonly unknown[]) {
    const depth = path.filter((p) => isCollection(p)).length + 1;
    if (depth > LIMITS.depth && !found) {
      found = node as Node;
      return visit.BREAK;
    }
    return undefined;
  }
  return found;
}
