// One model file from bytes to plain data with the position of every node,
// refusing hostile or broken input with located diagnostics instead of crashing or hanging.
import { CST, isAlias, isCollection, isMap, isScalar, isSeq, Lexer, LineCounter, parseDocument, Scalar, visit } from "yaml";
import type { Document, Node, YAMLError } from "yaml";
import type { Diagnostic, DiagnosticCode } from "./diagnostics.js";
import type { PlainParse, PositionIndex } from "./fast-parse.js";
import { fastParse, plainParse } from "./fast-parse.js";

export const LIMITS = {
  /** Largest single model file. */
  fileBytes: 8 * 1024 * 1024,
  /** Largest model, all files together. */
  modelBytes: 64 * 1024 * 1024,
  /** Most files one model may include. */
  files: 1000,
  /** Deepest nesting of mappings and sequences. */
  depth: 64,
  /** Most aliases, and most anchors, in one file (stops "billion laughs" documents). */
  aliases: 1000,
  /** Most nodes one file's aliases may stand for together, nested aliases expanded. */
  aliasedNodes: 100_000,
} as const;

export interface ParsedFile {
  file: string;
  /** The file's content as plain data. */
  value: unknown;
  /** Where each node and key sits in the file. */
  positions: PositionIndex;
}

export type ParseOutcome = { ok: true; parsed: ParsedFile } | { ok: false; diagnostics: Diagnostic[] };

function problem(file: string, code: DiagnosticCode, message: string, hint?: string, line = 1, col = 1): Diagnostic {
  return { file, line, col, severity: "error", code, message, ...(hint ? { hint } : {}) };
}

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the bytes are valid UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  // ignoreBOM keeps a leading byte order mark in the text, so a file saved with one compares equal.
  const lossy = Buffer.from(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes), "utf8");
  if (lossy.length === bytes.length && lossy.equals(bytes)) return -1;
  let i = 0;
  while (i < bytes.length && i < lossy.length && bytes[i] === lossy[i]) i++;
  return i;
}

/** Line and column of a byte; the column counts characters, as editors and the other diagnostics do. */
function lineColOfByte(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  // The bytes before the offset are valid UTF-8, so they decode to the characters the editor
  // shows; a byte order mark is not shown, and is dropped from the text before parsing too.
  const before = Buffer.from(bytes.subarray(lineStart, offset)).toString("utf8");
  return { line, col: (lineStart === 0 && before.startsWith("\ufeff") ? before.length - 1 : before.length) + 1 };
}

export function parseModelFile(file: string, bytes: Uint8Array): ParseOutcome {
  const fail = (...d: Diagnostic[]): ParseOutcome => ({ ok: false, diagnostics: d });
  if (bytes.length > LIMITS.fileBytes) {
    // Files on disk are read only to one byte past the limit, so the size is not known here.
    return fail(problem(file, "file-too-large", `file is larger than the limit of ${LIMITS.fileBytes} bytes (8 MiB)`, "split the model into several files with include"));
  }
  const invalidAt = firstInvalidUtf8(bytes);
  if (invalidAt >= 0) {
    const at = lineColOfByte(bytes, invalidAt);
    return fail(problem(file, "not-utf8", `file is not valid UTF-8 (byte ${invalidAt})`, "save the file as UTF-8", at.line, at.col));
  }
  let text = Buffer.from(bytes).toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") return fail(problem(file, "empty-file", "file is empty", "write the model's elements, or remove the include of this file"));

  // Most files are plain, well-formed YAML: the fast parser handles them (it refuses nesting past 100 levels itself), and anything
  // it does not handle plainly comes to the careful path below, which says what is wrong.
  const fast = fastParse(text, LIMITS);
  if (fast.handled && fast.depth <= LIMITS.depth && fast.value !== null && fast.value !== undefined) {
    return { ok: true, parsed: { file, value: fast.value, positions: fast.index } };
  }

  // Flow brackets and same-line indicators nest cheaply, and yaml keeps every open
  // level in memory: refuse them before the full parse can exhaust the heap.
  const cheapDepthAt = cheapNestingBeyond(text, 2 * LIMITS.depth);
  const lineCounter = lineIndex(text);
  if (cheapDepthAt >= 0) return { ok: false, diagnostics: refuseCheapNesting(file, text.slice(0, cheapDepthAt), lineCounter) };

  // uniqueKeys is off because yaml's check compares every key with every other (quadratic);
  // scanStructure finds duplicate keys in one pass instead.
  const doc = parseDocument(text, YAML_OPTIONS);
  const at = (offset: number) => lineCounter.linePos(offset);

  // Nesting first: a document too deep for yaml's recursion is refused whatever else is wrong in it.
  const stackError = doc.errors.find((error) => /call stack/i.test(error.message));
  const deepNode = deepestBeyondLimit(doc);
  if (deepNode || stackError) return fail(tooDeep(file, at(deepNode?.range?.[0] ?? stackError?.pos[0] ?? 0)));

  const diagnostics = syntaxProblems(file, doc, doc.errors, at);
  const structure = scanStructure(doc);
  for (const offset of structure.duplicateKeys) {
    const { line, col } = at(offset);
    diagnostics.push(problem(file, "duplicate-key", "this key appears twice in the same mapping", "keep one of the two; YAML would silently drop the other", line, col));
  }
  for (const offset of structure.unresolvedAliases) {
    const { line, col } = at(offset);
    diagnostics.push(problem(file, "yaml-syntax", "alias refers to an anchor that is not defined before it", "define the anchor (&name) before the alias (*name), or write the value out", line, col));
  }
  for (const offset of structure.badMerges) {
    const { line, col } = at(offset);
    diagnostics.push(problem(file, "yaml-syntax", "a merge key (<<) takes a mapping, an alias to one, or a list of those", "mark a mapping with an anchor (&name) and write '<<: *name', or write the keys out", line, col));
  }
  if (structure.tooMany) {
    const { line, col } = at(structure.tooMany.at);
    diagnostics.push(problem(file, "alias-limit", `file ${structure.tooMany.what === "aliases" ? "uses" : "defines"} more than ${LIMITS.aliases} ${structure.tooMany.what}`, ALIAS_HINT, line, col));
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics }; // not fail(...diagnostics): too many to spread

  const expandedAt = aliasExpansionBeyond(doc, LIMITS.aliasedNodes);
  if (expandedAt !== undefined) {
    const { line, col } = at(expandedAt);
    return fail(problem(file, "alias-limit", `aliases stand for more than ${LIMITS.aliasedNodes} nodes`, ALIAS_HINT, line, col));
  }
  // Bounded above, the same way the fast path bounds it; yaml's own count would refuse other documents.
  const value: unknown = doc.toJS({ maxAliasCount: -1 });
  if (value === null || value === undefined) return fail(problem(file, "empty-file", "file holds no content, only comments", "write the model's elements, or remove the include of this file"));
  return { ok: true, parsed: { file, value, positions: documentPositions(doc, lineCounter) } };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The loader's fast path: a file parseModelFile would take through fastParse and find to be a mapping,
 * read with only its element IDs placed; undefined for anything else, which the careful path then reports.
 */
export function parsePlainFile(bytes: Uint8Array): (PlainParse & { value: Record<string, unknown> }) | undefined {
  if (bytes.length > LIMITS.fileBytes) return undefined;
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined; // not UTF-8
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const plain = plainParse(text, LIMITS);
  if (!plain || plain.depth > LIMITS.depth) return undefined;
  const value = plain.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  return { ...plain, value: value as Record<string, unknown> };
}

/** Positions read from yaml's document model, for files that took the careful path. */
function documentPositions(doc: Document.Parsed, lineCounter: LineCounter): PositionIndex {
  const keyOffsets = new Map<string, Map<string, number>>();
  const locate = (path: readonly (string | number)[]) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
      if (node && node.range) return lineCounter.linePos(node.range[0]);
    }
    return { line: 1, col: 1 };
  };
  return {
    locate,
    locateKey(path, key) {
      // Keys are indexed once per mapping, so many unknown keys stay cheap.
      const mapKey = JSON.stringify(path);
      let offsets = keyOffsets.get(mapKey);
      if (!offsets) {
        offsets = new Map();
        const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
        if (isMap(map)) {
          for (const pair of map.items) {
            // String(): a key YAML reads as a number, boolean or null is a text key once the file is plain data.
            if (isScalar(pair.key) && pair.key.range && !offsets.has(String(pair.key.value))) offsets.set(String(pair.key.value), pair.key.range[0]);
          }
        }
        keyOffsets.set(mapKey, offsets);
      }
      const offset = offsets.get(key);
      return offset === undefined ? undefined : lineCounter.linePos(offset);
    },
  };
}

/** Messages from yaml whose end is text from the file (a token, a tag, a directive); that end is dropped. */
const ECHOING_MESSAGES = /^(Block scalar header includes extra characters|Unresolved tag|Could not resolve tag|Not a valid tag|Unknown directive|Unsupported YAML version|Verbatim tags aren't resolved|Invalid escape sequence|Ordered maps must not include duplicate keys)\b.*$/;

/** yaml's message without its position, and without any text it quotes from the file, which might be a secret. */
function yamlMessage(message: string): string {
  const first = (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
  // "Unexpected scalar token in YAML stream: \"...\"" ends with the token's source text.
  return first.replace(/: ".*"$/, "").replace(ECHOING_MESSAGES, "$1");
}

/**
 * Where each line starts, found by scanning for line feeds: yaml's own LineCounter misses
 * the line breaks inside some tokens it cannot parse, and then puts errors past the end of a line.
 */
function lineIndex(text: string): LineCounter {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) counter.addNewLine(i + 1);
  return counter;
}

const TOO_DEEP_HINT = "flatten the structure; a model needs only a few levels";
const ALIAS_HINT = "write the repeated content out, or use fewer nested aliases";

// merge: merge keys (<<) read as the fast path reads them.
const YAML_OPTIONS = { uniqueKeys: false, prettyErrors: false, strict: true, logLevel: "error", merge: true } as const;

function tooDeep(file: string, at: { line: number; col: number }): Diagnostic {
  return problem(file, "too-deep", `document nests deeper than ${LIMITS.depth} levels`, TOO_DEEP_HINT, at.line, at.col);
}

/** yaml's errors in the document as diagnostics. */
function syntaxProblems(file: string, doc: Document.Parsed, errors: readonly YAMLError[], at: (offset: number) => { line: number; col: number }): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const error of errors) {
    const { line, col } = at(error.pos[0]);
    if (error.code === "MULTIPLE_DOCS") {
      diagnostics.push(problem(file, "multiple-documents", "file holds more than one YAML document", "remove the '---' separator; split a model with include instead", line, col));
    } else if (error.code === "MISSING_CHAR" && /quote/.test(error.message)) {
      // yaml reports an unclosed quote where the file ends; the opening quote is what to fix.
      const open = unclosedQuoteStart(doc, error.pos[0]);
      const where = open === undefined ? { line, col } : at(open);
      diagnostics.push(problem(file, "yaml-syntax", "quoted value is not closed", "add the closing quote; until it, the rest of the file is read as part of this value", where.line, where.col));
    } else {
      diagnostics.push(problem(file, "yaml-syntax", yamlMessage(error.message), "check indentation, quoting and the ':' after each key", line, col));
    }
  }
  return diagnostics;
}

/**
 * Where open flow brackets plus block indicators on the current line first exceed `guard`
 * (the offset just past that token), or -1. In well-formed YAML every open bracket is a level
 * of the document and one line's indicators open at least one level per two ('? a : b'), so
 * with a guard of twice the depth limit, crossing it means the document is too deep (broken
 * syntax can break that link; refuseCheapNesting then reports the syntax errors). yaml's
 * lexer tells brackets from text in quotes and comments, and runs in constant memory.
 */
function cheapNestingBeyond(text: string, guard: number): number {
  let offset = 0;
  let flow = 0;
  let onLine = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    // The lexer's markers for documents, flow errors and scalars are not source text.
    if (type !== "doc-mode" && type !== "flow-error-end" && type !== "scalar") offset += token.length;
    if (type === "flow-map-start" || type === "flow-seq-start") flow++;
    else if ((type === "flow-map-end" || type === "flow-seq-end") && flow > 0) flow--;
    else if (type === "newline") onLine = 0;
    else if (flow === 0 && (type === "seq-item-ind" || type === "explicit-key-ind" || type === "map-value-ind")) onLine++;
    if (flow + onLine > guard) return offset;
  }
  return -1;
}

/**
 * Diagnostics for a document cut off where its brackets and indicators nest beyond the guard.
 * The prefix holds every level enclosing that point, so the first node too deep is in it. When
 * there is none, broken syntax made yaml read the brackets otherwise: its errors are the problem.
 */
function refuseCheapNesting(file: string, prefix: string, lineCounter: LineCounter): Diagnostic[] {
  const doc = parseDocument(prefix, YAML_OPTIONS);
  const at = (offset: number) => lineCounter.linePos(offset);
  const node = deepestBeyondLimit(doc);
  if (node) return [tooDeep(file, at(node.range?.[0] ?? 0))];
  // Errors where the prefix ends come from the cut (an unclosed bracket), not from the file.
  const errors = syntaxProblems(file, doc, doc.errors.filter((error) => error.pos[0] < prefix.length - 1), at);
  return errors.length > 0 ? errors : [tooDeep(file, at(prefix.length - 1))];
}

/** Start of the quoted scalar that runs to `end` without its closing quote. */
function unclosedQuoteStart(doc: Document.Parsed, end: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if ((node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) && node.range?.[1] === end) {
        start = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return start;
}

interface Structure {
  /** Offsets of keys that repeat an earlier key of the same mapping (compared as JS object keys). */
  duplicateKeys: number[];
  /** Offsets of aliases with no anchor of that name before them. */
  unresolvedAliases: number[];
  /** Offsets of merge keys' values (<<) that are not a mapping, an alias to one, or a list of those. */
  badMerges: number[];
  /**
   * Offset of the first alias or anchor beyond the limit: yaml resolves each alias by going
   * through every anchor and alias before it, so many of either make toJS quadratic.
   */
  tooMany?: { what: "aliases" | "anchors"; at: number };
}

/** One pass over a document no deeper than the limit: duplicate keys, aliases and anchors. */
function scanStructure(doc: Document.Parsed): Structure {
  const found: Structure = { duplicateKeys: [], unresolvedAliases: [], badMerges: [] };
  const anchors = new Map<string, Node>();
  const isMapping = (node: unknown) => isMap(node) || (isAlias(node) && isMap(anchors.get(node.source)));
  let aliases = 0;
  let anchorCount = 0;
  visit(doc, {
    Node(_key, node) {
      if (node.anchor) {
        anchors.set(node.anchor, node);
        if (++anchorCount > LIMITS.aliases) {
          found.tooMany = { what: "anchors", at: node.range?.[0] ?? 0 };
          return visit.BREAK;
        }
      }
      if (isAlias(node)) {
        const offset = node.range?.[0] ?? 0;
        aliases++;
        if (aliases > LIMITS.aliases) {
          found.tooMany = { what: "aliases", at: offset };
          return visit.BREAK;
        }
        if (!anchors.has(node.source)) found.unresolvedAliases.push(offset);
      } else if (isMap(node)) {
        const keys = new Set<string>();
        for (const pair of node.items) {
          if (!isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          if (keys.has(key)) found.duplicateKeys.push(pair.key.range?.[0] ?? 0);
          keys.add(key);
          // With merge keys on, yaml reads a plain << key as a symbol.
          const merges = typeof pair.key.value === "symbol";
          if (merges && !(isMapping(pair.value) || (isSeq(pair.value) && pair.value.items.every(isMapping)))) {
            found.badMerges.push((pair.value as Node | null)?.range?.[0] ?? pair.key.range?.[0] ?? 0);
          }
        }
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Offset of the alias at which the nodes all aliases stand for (nested aliases expanded) pass
 * `limit`, or undefined: the fast path's bound, counted alike (every key and value a node, an
 * empty value too). Anchors come before their aliases, so one pass in document order knows each
 * anchored node's size when an alias names it; an alias inside its own anchor counts as one node.
 * Recursion follows the document, which is no deeper than the limit here.
 */
function aliasExpansionBeyond(doc: Document.Parsed, limit: number): number | undefined {
  const sizes = new Map<string, number>();
  let expanded = 0;
  let beyondAt: number | undefined;
  const size = (node: unknown): number => {
    if (beyondAt !== undefined || node === null || node === undefined) return 1;
    if (isAlias(node)) {
      const aliased = sizes.get(node.source) ?? 1;
      expanded += aliased;
      if (expanded > limit) beyondAt = node.range?.[0] ?? 0;
      return aliased;
    }
    let total = 1;
    if (isMap(node)) for (const pair of node.items) total += size(pair.key) + size(pair.value);
    else if (isSeq(node)) for (const item of node.items) total += size(item);
    const anchor = (node as Node).anchor;
    if (anchor) sizes.set(anchor, total);
    return total;
  };
  size(doc.contents);
  return beyondAt;
}

/** The first collection nested deeper than the limit, found without recursion. */
function deepestBeyondLimit(doc: Document): Node | undefined {
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
