// Records a decision in the model's files, in place. Only the decision's own entry (and, for a
// new decisions file, one include) changes: every other byte, comments and layout included, stays
// as the user wrote it. The edited model is loaded again before anything is written, and files are
// replaced by rename, so a refused or failed edit leaves them as they were.
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { Composer, CST, Document, isMap, isPair, isScalar, isSeq, parse, Parser } from "yaml";
import type { Node, Pair, Scalar, YAMLMap, YAMLSeq } from "yaml";
import type { Diagnostic, SourceLocation } from "../model/diagnostics.js";
import { DECISION_LOCATION_PREFIX, decisionLocationKey } from "../model/diagnostics.js";
import type { ModelFiles } from "../model/files.js";
import type { LoadedModel } from "../model/load.js";
import { loadModel } from "../model/load.js";
import type { Decision } from "../model/schema.js";

/** The file created next to the root file when the model has no decisions yet. */
export const DECISIONS_FILE_NAME = "decisions.yaml";

/** A decision's fields in the order a new entry is written; added fields take their place in it. */
export const DECISION_FIELDS = ["finding", "status", "owner", "due", "ticket", "justification", "expires", "reviewed", "controls"] as const;
export type DecisionField = Exclude<(typeof DECISION_FIELDS)[number], "finding">;

/** The fields to set on the decision about `finding`, and those to remove; fields not named keep their value. */
export interface DecisionRequest {
  finding: string;
  set: Partial<Pick<Decision, DecisionField>>;
  /** Fields to take out of an existing entry (the whole line); ignored for a new one. */
  remove?: readonly DecisionField[];
}

export interface FieldChange {
  field: DecisionField;
  /** The value before, absent when the field was not written. Lists are joined with ", ". */
  before?: string;
  /** The value after, absent when the field was removed. */
  after?: string;
}

export interface FileWrite {
  file: string;
  text: string;
  /** A new file rather than a replaced one. */
  created: boolean;
}

export interface DecisionEditPlan {
  /** Files to write, new files first, so an include never names a file that is not there yet. */
  writes: FileWrite[];
  /** The decision's `finding` field after the edit. */
  at: SourceLocation;
  /** The finding had no decision before. */
  newEntry: boolean;
  changes: FieldChange[];
  /** The decisions file created for this edit, if one was. */
  createdFile?: string;
  /** The file whose include list now names the created file. */
  includedFrom?: string;
  /** The model as it is after the edit. */
  loaded: LoadedModel;
}

export interface DecisionEditProblem {
  message: string;
  hint?: string;
  /**
   * "unreadable": a model file could not be read; "refused": the files are not laid out so that
   * the edit can be made; "invalid-result": the edited model would be invalid (see diagnostics).
   */
  kind: "unreadable" | "refused" | "invalid-result";
  /** Problems the edited model would have. */
  diagnostics: Diagnostic[];
}

export type DecisionEditOutcome = { ok: true; plan: DecisionEditPlan } | { ok: false; problem: DecisionEditProblem };

/** Plans the edit that records `request` in the loaded model's files; reads through `files`, writes nothing. */
export function planDecisionEdit(loaded: LoadedModel, request: DecisionRequest, files: ModelFiles): DecisionEditOutcome {
  const rootFile = loaded.files[0];
  if (!rootFile) return refuse("the model has no root file");
  const texts = new Map<string, string>();
  const read = (file: string): string => {
    const known = texts.get(file);
    if (known !== undefined) return known;
    const text = Buffer.from(files.read(file)).toString("utf8");
    texts.set(file, text);
    return text;
  };

  let writes: FileWrite[];
  let edit: TextEdit;
  let createdFile: string | undefined;
  try {
    const target = decisionsFileOf(loaded, request.finding, read);
    if (target) {
      const outcome = editDecisionsText(read(target), request);
      if ("error" in outcome) return refuse(`${target}: ${outcome.error}`, "write the decisions as a list under 'decisions:' (see docs/model.md)");
      edit = outcome;
      writes = [{ file: target, text: outcome.text, created: false }];
    } else {
      createdFile = path.join(path.dirname(rootFile), DECISIONS_FILE_NAME);
      if (files.kind(createdFile) !== "missing") {
        return refuse(`${createdFile} exists but is not part of the model`, `add '${DECISIONS_FILE_NAME}' to the include list of ${rootFile}, or move the file away`);
      }
      const rootText = read(rootFile);
      const included = includeText(rootText, DECISIONS_FILE_NAME);
      if ("error" in included) return refuse(`${rootFile}: ${included.error}`, "write the root file in block style, with include as a list of file names");
      edit = newDecisionsText(request, schemaComment(rootText), eolOf(rootText));
      writes = [
        { file: createdFile, text: edit.text, created: true },
        { file: rootFile, text: included.text, created: false },
      ];
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!code) throw error;
    return { ok: false, problem: { message: `cannot read a model file (${code})`, hint: "check that the model's files exist and that you may read them", kind: "unreadable", diagnostics: [] } };
  }

  // The model as it would be, loaded from the edited texts: nothing is written unless it is valid.
  const overlay = overlayFiles(files, new Map(writes.map((w) => [path.resolve(w.file), w.text])));
  const reloaded = loadModel(rootFile, overlay);
  if (!reloaded.ok) {
    return { ok: false, problem: { message: "the edit would make the model invalid; nothing was written", hint: "the problems listed are in the files as the edit would leave them; record this decision by hand", kind: "invalid-result", diagnostics: reloaded.diagnostics.filter((d) => d.severity === "error") } };
  }
  const at = reloaded.loaded.locations.get(decisionLocationKey(request.finding));
  if (!at) return refuse("the edited model does not hold the decision; nothing was written", "report this as a bug, with the decisions file");
  return {
    ok: true,
    plan: {
      writes: edit.changes.length > 0 ? writes : [],
      at,
      newEntry: edit.newEntry,
      changes: edit.changes,
      ...(createdFile ? { createdFile, includedFrom: rootFile } : {}),
      loaded: reloaded.loaded,
    },
  };
}

function refuse(message: string, hint?: string): DecisionEditOutcome {
  return { ok: false, problem: { message, ...(hint ? { hint } : {}), kind: "refused", diagnostics: [] } };
}

/** The file to record decisions in: the one holding this finding's decision, else the first holding any, else none. */
function decisionsFileOf(loaded: LoadedModel, finding: string, read: (file: string) => string): string | undefined {
  const own = loaded.locations.get(decisionLocationKey(finding));
  if (own) return own.file;
  const holding = new Set<string>();
  for (const [key, location] of loaded.locations) if (key.startsWith(DECISION_LOCATION_PREFIX)) holding.add(location.file);
  return (
    loaded.files.find((file) => holding.has(file)) ??
    // A file with an empty 'decisions:' list holds no located decision, but is where decisions go.
    loaded.files.find((file) => topLevelPair(parseWithTokens(read(file)).doc, "decisions") !== undefined) ??
    loaded.files.find((file) => path.basename(file) === DECISIONS_FILE_NAME && path.dirname(file) === path.dirname(loaded.files[0]!))
  );
}

// ---- Text edits -------------------------------------------------------------------------------

interface TextEdit {
  text: string;
  newEntry: boolean;
  changes: FieldChange[];
}

interface Splice {
  at: number;
  end: number;
  text: string;
  /** Orders splices at the same offset. */
  order: number;
}

/** Records the request in the text of a model file; the file may or may not have a decisions list yet. */
export function editDecisionsText(text: string, request: DecisionRequest): TextEdit | { error: string } {
  const eol = eolOf(text);
  const { doc } = parseWithTokens(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return { error: "the file is not a YAML mapping" };
  if (doc.contents.flow) return { error: "the file is written as one flow mapping ({...}); only block style is edited" };
  const pair = topLevelPair(doc, "decisions");
  const entryValues = newEntryValues(request);
  const added: TextEdit = { text, newEntry: true, changes: changesOf({}, request) };
  if (!pair) {
    // Only a file named decisions.yaml without the key gets here: the list goes at its end.
    const separator = text.length === 0 || text.endsWith("\n") ? "" : eol;
    return { ...added, text: `${text}${separator}${eol}decisions:${eol}${renderEntry(entryValues, 2, eol)}` };
  }
  const list = pair.value as Node | null;
  const entry = isSeq(list) ? list.items.find((item): item is YAMLMap => isMap(item) && item.get("finding") === request.finding) : undefined;
  if (entry) return editEntry(text, request, eol);
  const splices = appendToList(text, pair, { block: (col) => renderEntry(entryValues, col, eol), flow: renderFlowMap(entryValues) });
  if ("error" in splices) return { error: `'decisions' ${splices.error}` };
  return { ...added, text: applySplices(text, splices, eol) };
}

/** Adds a file to the root file's include list, creating the list if needed. */
export function includeText(text: string, file: string): { text: string } | { error: string } {
  const eol = eolOf(text);
  const { doc } = parseWithTokens(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return { error: "the file is not a YAML mapping" };
  if (doc.contents.flow) return { error: "the file is written as one flow mapping ({...}); only block style is edited" };
  const pair = topLevelPair(doc, "include");
  if (pair) {
    const splices = appendToList(text, pair, { block: (col) => `${" ".repeat(col)}- ${file}${eol}`, flow: file });
    return "error" in splices ? { error: `'include' ${splices.error}` } : { text: applySplices(text, splices, eol) };
  }
  // After the system and review blocks, where includes are usually written; the comments above the next key stay with it.
  const heads = (doc.contents as YAMLMap).items.filter((p) => isScalar(p.key) && ["threatwright", "system", "review"].includes(String(p.key.value)));
  const end = Math.max(0, ...heads.map((p) => endOfPair(text, p)));
  return { text: applySplices(text, [{ at: end, end, text: `${eol}include: [${file}]${eol}`, order: 0 }], eol) };
}

/** Edits an existing entry: values in place through the CST (keeping comments and quoting), then added fields as new lines. */
function editEntry(text: string, request: DecisionRequest, eol: string): TextEdit | { error: string } {
  const parsed = parseWithTokens(text);
  const entry = findEntry(parsed.doc, request.finding)!;
  const before = entry.toJSON() as Record<string, unknown>;
  const changes = changesOf(before, request);
  if (changes.length === 0) return { text, newEntry: false, changes };
  // Another entry may read an anchored value through an alias: changing it here would change that one too.
  const anchored = changes.find((c) => anchorsWithin(entry.get(c.field, true) as Node | undefined));
  if (entry.anchor || anchored) return { error: `the decision on ${request.finding} ${anchored ? `has a YAML anchor on its '${anchored.field}'` : "is a YAML anchor"}, which other entries may share; change it by hand` };
  const removed = new Set(changes.filter((c) => c.after === undefined).map((c) => c.field));
  const wanted = new Map(changes.filter((c) => c.after !== undefined).map((c) => [c.field, request.set[c.field]!]));

  if (entry.flow) {
    // A one-line flow entry is written again whole; its fields keep their order.
    const values = { ...before };
    for (const field of DECISION_FIELDS) if (wanted.has(field as DecisionField)) values[field] = wanted.get(field as DecisionField);
    for (const field of removed) delete values[field];
    const ordered = orderFields(Object.keys(before), values);
    return { text: applySplices(text, [{ at: entry.range![0], end: entry.range![1], text: renderFlowMap(ordered), order: 0 }], eol), newEntry: false, changes };
  }

  // Scalars that are there already change in place.
  let scalarEdits = 0;
  for (const [field, value] of wanted) {
    const node = entry.get(field, true) as Node | undefined;
    // An empty value ('owner:') has no text to replace: the pair is written again below.
    if (typeof value !== "string" || !isScalar(node) || !node.srcToken || !node.range || node.range[1] === node.range[0]) continue;
    CST.setScalarValue(node.srcToken, value, { afterKey: true, type: scalarType(node.srcToken, value) });
    wanted.delete(field);
    scalarEdits++;
  }
  const edited = scalarEdits > 0 ? parsed.tokens.map((t) => CST.stringify(t)).join("") : text;
  if (wanted.size === 0 && removed.size === 0) return { text: edited, newEntry: false, changes };

  // Lists, fields not written yet and fields taken out, as whole lines.
  const again = findEntry(parseWithTokens(edited).doc, request.finding)!;
  const pairs = again.items as Pair<Scalar, Node | null>[];
  const col = column(edited, pairs[0]!.key.range![0]);
  const splices: Splice[] = [];
  pairs.forEach((pair, index) => {
    if (!removed.has(pair.key.value as DecisionField)) return;
    const keyAt = pair.key.range![0];
    // The first field shares its line with the item's dash: the next field moves up onto it.
    // Otherwise the pair's lines go, and comment lines above the next field stay with it.
    const span = index === 0 ? { at: keyAt, end: pairs[1]!.key.range![0] } : { at: keyAt - column(edited, keyAt), end: endOfPair(edited, pair) };
    splices.push({ ...span, text: "", order: -1 });
  });
  for (const [field, value] of wanted) {
    const order = DECISION_FIELDS.indexOf(field);
    const present = pairs.find((p) => p.key.value === field);
    if (present) {
      const list = Array.isArray(value) ? listInPlace(edited, present.value, value as string[], eol) : undefined;
      if (list) splices.push({ ...list, order });
      else splices.push({ at: present.key.range![0], end: endOfPair(edited, present), text: renderPair(field, value, col, eol).slice(col), order });
      continue;
    }
    // After the last field that comes before it in the usual order (finding always does).
    const previous = pairs.filter((p) => DECISION_FIELDS.indexOf(p.key.value as DecisionField) < order).at(-1) ?? pairs.at(-1)!;
    // After the previous field's own comment lines, so a list is not parted from the comments in it.
    const at = endOfNode(edited, (previous.value as Node | null)?.range ? (previous.value as Node) : previous.key);
    splices.push({ at, end: at, text: renderPair(field, value, col, eol), order });
  }
  return { text: applySplices(edited, splices, eol), newEntry: false, changes };
}

/**
 * A list written again in its own style, its key line untouched: a flow list's brackets are
 * replaced, a block list's item lines. In a block list, an item that stays keeps its line and
 * the comment lines above it; an item that goes takes them along. Undefined for anything not
 * written as a list of plain one-line items.
 */
function listInPlace(text: string, node: Node | null, items: readonly string[], eol: string): Omit<Splice, "order"> | undefined {
  if (!isSeq(node) || !node.range || node.items.length === 0) return undefined;
  if (node.flow) return { at: node.range[0], end: node.range[1], text: renderFlowList(items) };
  const old = node.items as Node[];
  if (!old.every((item) => isScalar(item) && item.range && !text.slice(item.range[0], item.range[1]).includes("\n"))) return undefined;
  const start = text.lastIndexOf("\n", old[0]!.range![0] - 1) + 1;
  const kept = new Map<string, string>();
  let from = start;
  for (const item of old) {
    const end = lineEnd(text, item.range![1]);
    kept.set(String((item as Scalar).value), text.slice(from, end));
    from = end;
  }
  const dash = " ".repeat(column(text, text.lastIndexOf("-", old[0]!.range![0] - 1)));
  const lines = items.map((item) => kept.get(item) ?? `${dash}- ${renderFlowList([item]).slice(1, -1)}${eol}`);
  return { at: start, end: from, text: lines.join("") };
}

/** Whether the node, or anything in it, carries an anchor. */
function anchorsWithin(node: Node | undefined): boolean {
  if (!node) return false;
  if ((node as { anchor?: string }).anchor) return true;
  return isSeq(node) || isMap(node) ? (node.items as unknown[]).some((item) => anchorsWithin((isPair(item) ? item.value : item) as Node | undefined)) : false;
}

/** The splices that add one item to a list value: after its last item, or as a new block list. */
function appendToList(text: string, pair: Pair, item: { block: (col: number) => string; flow: string }): Splice[] | { error: string } {
  const value = pair.value as Node | null;
  const key = pair.key as Node;
  if (isSeq(value) && value.items.length > 0) {
    const last = value.items.at(-1) as Node;
    if (value.flow) return [{ at: last.range![1], end: last.range![1], text: `, ${item.flow}`, order: 0 }];
    const at = endOfNode(text, last);
    return [{ at, end: at, text: item.block(column(text, value.range![0])), order: 0 }];
  }
  const empty = value === null || (isScalar(value) && value.value === null) || (isSeq(value) && value.items.length === 0);
  if (!empty) return { error: "holds something other than a list" };
  // 'key:', 'key: ~' or 'key: []' become 'key:' followed by a block list; a comment on the line stays.
  const colon = text.indexOf(":", key.range![1]);
  // Only a written value ('~', '[]') is removed; the spaces before a comment stay, or the comment would join the key.
  const written = value?.range && value.range[1] > value.range[0] ? value.range[1] : colon + 1;
  const at = lineEnd(text, Math.max(colon + 1, value?.range ? value.range[2] : 0));
  return [
    { at: colon + 1, end: written, text: "", order: 0 },
    { at, end: at, text: item.block(column(text, key.range![0]) + 2), order: 1 },
  ];
}

function applySplices(text: string, splices: Splice[], eol: string): string {
  let result = text;
  const sorted = [...splices].sort((a, b) => b.at - a.at || b.order - a.order);
  for (const s of sorted) {
    // Appending at the very end of a file with no final newline starts a line first.
    const prefix = s.at === result.length && s.text.endsWith(eol) && result.length > 0 && !result.endsWith("\n") ? eol : "";
    result = result.slice(0, s.at) + prefix + s.text + result.slice(s.end);
  }
  return result;
}

function newDecisionsText(request: DecisionRequest, schema: string | undefined, eol: string): TextEdit {
  const header = [
    ...(schema ? [`# yaml-language-server: $schema=${schema}`] : []),
    "# Decisions on findings, keyed by their stable IDs. 'threatwright decide' edits this file",
    "# in place; comments you add here are kept.",
  ];
  const text = `${header.join(eol)}${eol}${eol}decisions:${eol}${renderEntry(newEntryValues(request), 2, eol)}`;
  return { text, newEntry: true, changes: changesOf({}, request) };
}

// ---- Rendering ----------------------------------------------------------------------------------

const RENDER = { lineWidth: 0, flowCollectionPadding: false } as const;

function newEntryValues(request: DecisionRequest): Record<string, unknown> {
  return orderFields([], { finding: request.finding, ...request.set });
}

/** The values in the existing keys' order, with fields not there yet in their usual place. */
function orderFields(existing: readonly string[], values: Record<string, unknown>): Record<string, unknown> {
  const keys = [...existing];
  for (const field of DECISION_FIELDS) {
    if (values[field] === undefined || keys.includes(field)) continue;
    const order = DECISION_FIELDS.indexOf(field);
    const before = keys.findLastIndex((k) => DECISION_FIELDS.indexOf(k as DecisionField) < order && DECISION_FIELDS.includes(k as DecisionField));
    keys.splice(before + 1, 0, field);
  }
  return Object.fromEntries(keys.filter((k) => values[k] !== undefined).map((k) => [k, values[k]]));
}

/** Lists of IDs read best on one line: `controls: [a, b]`. */
function flowLists(map: YAMLMap | undefined): void {
  for (const pair of map?.items ?? []) if (isSeq(pair.value)) (pair.value as YAMLSeq).flow = true;
}

function renderEntry(values: Record<string, unknown>, col: number, eol: string): string {
  const doc = new Document([values]);
  flowLists((doc.contents as YAMLSeq).items[0] as YAMLMap);
  return indent(doc.toString(RENDER), col, eol);
}

function renderPair(field: string, value: unknown, col: number, eol: string): string {
  const doc = new Document({ [field]: value });
  flowLists(doc.contents as YAMLMap);
  return indent(doc.toString(RENDER), col, eol);
}

function renderFlowList(items: readonly string[]): string {
  const doc = new Document([...items]);
  (doc.contents as YAMLSeq).flow = true;
  return doc.toString(RENDER).trimEnd();
}

function renderFlowMap(values: Record<string, unknown>): string {
  const doc = new Document(values);
  const map = doc.contents as YAMLMap;
  map.flow = true;
  flowLists(map);
  // A block scalar cannot sit in a flow mapping: text with line breaks is written with escapes, on the same line.
  for (const pair of map.items) if (isScalar(pair.value) && typeof pair.value.value === "string" && pair.value.value.includes("\n")) pair.value.type = "QUOTE_DOUBLE";
  return doc.toString(RENDER).trimEnd();
}

function indent(rendered: string, col: number, eol: string): string {
  const pad = " ".repeat(col);
  return rendered
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => (line === "" ? line : pad + line))
    .join(eol)
    .concat(eol);
}

/** Keeps the token's style, unless plain text would read back as something else or span lines. */
function scalarType(token: CST.Token, value: string): Scalar.Type | undefined {
  if (token.type !== "scalar") return undefined;
  if (value.includes("\n")) return "BLOCK_LITERAL";
  try {
    return parse(value) === value ? undefined : "QUOTE_DOUBLE";
  } catch {
    return "QUOTE_DOUBLE";
  }
}

// ---- Reading positions --------------------------------------------------------------------------

function parseWithTokens(text: string): { doc: Document.Parsed; tokens: CST.Token[] } {
  const tokens = [...new Parser().parse(text)];
  const docs = [...new Composer({ keepSourceTokens: true }).compose(tokens)];
  return { doc: docs[0] ?? (new Document() as Document.Parsed), tokens };
}

function topLevelPair(doc: Document, key: string): Pair | undefined {
  return isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
}

function findEntry(doc: Document, finding: string): YAMLMap | undefined {
  const list = topLevelPair(doc, "decisions")?.value;
  return isSeq(list) ? list.items.find((item): item is YAMLMap => isMap(item) && item.get("finding") === finding) : undefined;
}

/**
 * The offset just past the line on which a pair's value ends, with the comment on that line.
 * Comment lines after it stay out: they may describe what follows, and this is the span an
 * edit replaces or removes.
 */
function endOfPair(text: string, pair: Pair): number {
  const value = pair.value as Node | null;
  return lineEnd(text, value?.range ? value.range[1] : (pair.key as Node).range![1]);
}

/**
 * The offset just past a node and the comment lines yaml counts as its own: where something
 * written after it goes. yaml's node end can run on to the indentation of the next line; that
 * line belongs to what comes next, so the end stops at its start.
 */
function endOfNode(text: string, node: Node): number {
  const end = node.range![2];
  const lineStart = text.lastIndexOf("\n", end - 1) + 1;
  return text.slice(lineStart, end).trim() === "" ? lineStart : lineEnd(text, end);
}

function lineEnd(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === "\n") return offset;
  const newline = text.indexOf("\n", offset);
  return newline < 0 ? text.length : newline + 1;
}

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

function eolOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

function changesOf(before: Record<string, unknown>, request: DecisionRequest): FieldChange[] {
  const show = (value: unknown) => (Array.isArray(value) ? value.join(", ") : String(value));
  const changes: FieldChange[] = [];
  for (const field of DECISION_FIELDS) {
    if (field === "finding") continue;
    const previous = before[field];
    if (request.remove?.includes(field)) {
      if (previous !== undefined) changes.push({ field, ...(previous !== null ? { before: show(previous) } : {}) });
      continue;
    }
    const after = request.set[field];
    if (after === undefined) continue;
    if (previous !== undefined && show(previous) === show(after)) continue;
    changes.push({ field, ...(previous !== undefined && previous !== null ? { before: show(previous) } : {}), after: show(after) });
  }
  return changes;
}

// ---- Schema comment -----------------------------------------------------------------------------

const SCHEMA_COMMENT = /^#\s*yaml-language-server:\s*\$schema=(\S+)threatwright\.schema\.json\s*$/m;

/**
 * The editor schema for the new file: next to the one the root file names. Without such a
 * comment there is no path that is right for everyone who clones the repository, so none is written.
 */
function schemaComment(rootText: string): string | undefined {
  const named = SCHEMA_COMMENT.exec(rootText.slice(0, 2000));
  return named ? `${named[1]}threatwright-fragment.schema.json` : undefined;
}

// ---- Files --------------------------------------------------------------------------------------

/** The files with some texts replaced or added, for loading the model as it would be after the edit. */
function overlayFiles(base: ModelFiles, texts: ReadonlyMap<string, string>): ModelFiles {
  const edited = (file: string) => texts.get(path.resolve(file));
  return {
    kind: (file) => (edited(file) !== undefined ? "file" : base.kind(file)),
    read: (file) => {
      const text = edited(file);
      return text !== undefined ? Buffer.from(text, "utf8") : base.read(file);
    },
    realpath: (file) => (edited(file) !== undefined && base.kind(file) === "missing" ? path.join(base.realpath(path.dirname(file)), path.basename(file)) : base.realpath(file)),
  };
}

/**
 * Writes every file to a temporary file in its folder, then renames each over its target: a
 * failure while writing leaves every file as it was. Links are followed, so a linked model file
 * stays a link.
 */
export function writeFilesAtomically(writes: readonly FileWrite[]): void {
  const staged: { temp: string; target: string }[] = [];
  try {
    for (const write of writes) {
      const target = write.created ? write.file : realpathSync(write.file);
      const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
      const fd = openSync(temp, "wx");
      staged.push({ temp, target });
      try {
        writeSync(fd, write.text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (!write.created) chmodSync(temp, statSync(target).mode & 0o7777);
    }
  } catch (error) {
    for (const { temp } of staged) {
      try {
        unlinkSync(temp);
      } catch {
        // Already gone.
      }
    }
    throw error;
  }
  for (const { temp, target } of staged) renameSync(temp, target);
}
