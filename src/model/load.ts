// Loads a model: finds the root file, follows includes inside the model's folder,
// validates each file, merges their lists and resolves references by ID.
import path from "node:path";
import type { z } from "zod";
import type { Diagnostic, SourceLocation } from "./diagnostics.js";
import { byPosition, decisionLocationKey, didYouMean, systemLocationKey } from "./diagnostics.js";
import type { ModelFiles } from "./files.js";
import { ReadProblem } from "./files.js";
import type { ParsedFile } from "./parse.js";
import { LIMITS, parseModelFile } from "./parse.js";
import { ELEMENT_LIST_KEYS, ID_PATTERN, IncludedFile, LIST_KIND, RootFile } from "./schema.js";
import type { ElementListKey } from "./schema.js";
import type { PathSegment } from "./schema-walk.js";
import { collectReferences } from "./schema-walk.js";
import type { ThreatModel } from "./model.js";
import { emptyModel } from "./model.js";
import { locate, validateFile } from "./validate.js";
import type { PlainParse } from "./fast-parse.js";
import { parsePlainFile } from "./parse.js";
import type { PlainCheck, ReferenceUse } from "./plain-check.js";
import { compilePlainCheck, NOT_PLAIN } from "./plain-check.js";
import { adversaryWarnings } from "./adversary-warnings.js";
import { agentChecks } from "./agent-checks.js";
import { flowChecks } from "./flow-checks.js";
import { capabilityWarnings } from "./capability-warnings.js";
import { controlWarnings } from "./control-warnings.js";
import { maskDiagnostic, maskSecretValues } from "./secret-values.js";
import type { ElementKind } from "./vocabulary.js";
import { COMPONENT_KINDS, kindNoun, withArticle } from "./vocabulary.js";

export const ROOT_FILE_NAME = "threatwright.yaml";

export interface LoadedModel {
  model: ThreatModel;
  /**
   * Where each element (by ID) is defined; decisions by finding ID under "decision:<finding>", and
   * the system's declaration under systemLocationKey(id), first. The system is not an element: its
   * ID may name one as well.
   */
  locations: Map<string, SourceLocation>;
  /** Kind of each element, by ID. */
  kinds: Map<string, ElementKind>;
  /** The files read, root first. */
  files: string[];
}

export type LoadResult = { ok: true; loaded: LoadedModel; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

interface FileEntry {
  parsed: ParsedFile;
  schema: z.ZodType;
  /** The file's value when it matched the schema. */
  valid?: Record<string, unknown>;
}

/** Resolves PATH as every command takes it: a model file, or a folder that holds threatwright.yaml. */
export function resolveModelPath(target: string, files: ModelFiles): { file: string } | { error: Diagnostic } {
  const kind = files.kind(target);
  if (kind === "missing") return { error: ioError(target, "no such file or folder", "give the model file or the folder that holds threatwright.yaml") };
  if (kind === "file") return { file: target };
  const file = path.join(target, ROOT_FILE_NAME);
  const rootKind = files.kind(file);
  if (rootKind === "folder") return { error: ioError(file, `${ROOT_FILE_NAME} is a folder, not a model file`, "rename or remove that folder, or point at the model file") };
  if (rootKind !== "file") return { error: ioError(target, `folder has no ${ROOT_FILE_NAME}`, "run 'threatwright init' here to start a model, or point at the model file") };
  return { file };
}

/** Whether a relative path climbs out of its base ('..', '../x'; a file named '..x' stays inside). */
function isOutside(relative: string): boolean {
  return relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}

const SAFE_PATH = /^[A-Za-z0-9._/ -]{1,200}$/;
const FINDING_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,299}$/;

/** `'value' ` when the value is plain enough to echo, else the fallback: messages never echo arbitrary text from the model. */
function quoted(value: string, pattern: RegExp, fallback: string): string {
  return pattern.test(value) ? `'${value}' ` : fallback;
}

function ioError(file: string, message: string, hint?: string): Diagnostic {
  return { file, line: 1, col: 1, severity: "error", code: "io-error", message, ...(hint ? { hint } : {}) };
}

export function loadModel(target: string, files: ModelFiles): LoadResult {
  const resolved = resolveModelPath(target, files);
  if ("error" in resolved) return { ok: false, diagnostics: [resolved.error] };
  // Most models load cleanly: the plain path reads them without the bookkeeping that only
  // diagnostics need. Anything it finds wrong or unusual, the careful path reads again and reports.
  const plain = loadPlainModel(resolved.file, files);
  return withSecretsMasked(plain ? { ok: true, loaded: plain, diagnostics: [] } : loadCarefully(resolved.file, files));
}

/**
 * The result with secret-shaped values masked in the model, and in every diagnostic too: a
 * message may quote what it is about (an unresolved reference, an unknown key), and that may
 * be a token pasted by mistake. An ID shaped like one is an error (see maskSecretValues).
 */
function withSecretsMasked(result: LoadResult): LoadResult {
  if (!result.ok) return { ok: false, diagnostics: result.diagnostics.map(maskDiagnostic) };
  const { model, locations, kinds, files } = result.loaded;
  const found = [...maskSecretValues(model, locations, kinds, files[0]!), ...controlWarnings(model, locations, files[0]!), ...capabilityWarnings(model, locations, files[0]!), ...adversaryWarnings(model, locations, files[0]!), ...agentChecks(model, locations, files[0]!), ...flowChecks(model, locations, files[0]!)];
  const diagnostics = (found.length === 0 ? result.diagnostics : [...result.diagnostics, ...found].sort(byPosition)).map(maskDiagnostic);
  return found.some((d) => d.severity === "error") ? { ok: false, diagnostics } : { ...result, diagnostics };
}

/** loadModel without the plain path: every file indexed and checked by zod. Tests compare the two. */
export function loadModelCarefully(target: string, files: ModelFiles): LoadResult {
  const resolved = resolveModelPath(target, files);
  if ("error" in resolved) return { ok: false, diagnostics: [resolved.error] };
  return withSecretsMasked(loadCarefully(resolved.file, files));
}

function loadCarefully(rootFile: string, files: ModelFiles): LoadResult {
  const root = modelFolder(rootFile, files);

  const diagnostics: Diagnostic[] = [];
  const entries: FileEntry[] = [];
  const seen = new Set<string>();
  let totalBytes = 0;

  const visit = (file: string, schema: z.ZodType, chain: string[]): void => {
    const real = files.realpath(file);
    seen.add(real);
    let bytes: Uint8Array;
    try {
      bytes = files.read(file);
    } catch (error) {
      diagnostics.push(ioError(file, `cannot read file (${(error as NodeJS.ErrnoException).code ?? "error"})`, error instanceof ReadProblem ? error.hint : "check that the file exists and that you may read it"));
      return;
    }
    totalBytes += bytes.length;
    if (totalBytes > LIMITS.modelBytes) {
      diagnostics.push({ ...ioError(file, `model exceeds ${LIMITS.modelBytes} bytes (64 MiB) in all`, "a model this size is likely generated by mistake"), code: "model-too-large" });
      return;
    }
    const outcome = parseModelFile(file, bytes);
    if (!outcome.ok) {
      for (const d of outcome.diagnostics) diagnostics.push(d); // not push(...): there may be too many to spread
      return;
    }
    const parsed = outcome.parsed;
    if (parsed.value === null || typeof parsed.value !== "object" || Array.isArray(parsed.value)) {
      diagnostics.push({ file, ...locate(parsed, []), severity: "error", code: "not-a-mapping", message: "a model file must be a mapping of keys such as system, agents, tools", hint: "start the file with 'threatwright: 1' and 'system:' (root) or with element lists (included files)" });
      return;
    }
    const { value, diagnostics: schemaProblems } = validateFile(parsed, schema);
    for (const d of schemaProblems) diagnostics.push(d);
    const entry: FileEntry = { parsed, schema, ...(value ? { valid: value as Record<string, unknown> } : {}) };
    entries.push(entry);

    const includes = (parsed.value as Record<string, unknown>).include;
    if (!Array.isArray(includes)) return;
    includes.forEach((include, index) => {
      if (typeof include !== "string" || include === "") return;
      const at = { file, ...locate(parsed, ["include", index]), severity: "error" as const };
      const resolved = resolveInclude(files, root, { file, real, chain }, include);
      if ("problem" in resolved) {
        diagnostics.push({ ...at, ...includeProblem(resolved.problem, include, file, rootFile) });
        return;
      }
      if (seen.has(resolved.real)) return; // included from two places: read once
      if (seen.size >= LIMITS.files) {
        diagnostics.push({ ...at, code: "too-many-files", message: `model includes more than ${LIMITS.files} files`, hint: `a model may have ${LIMITS.files} files, the root file included; merge some of them` });
        return;
      }
      visit(resolved.target, IncludedFile, [...chain, real]);
    });
  };

  visit(rootFile, RootFile, []);

  const { model, locations, kinds } = merge(entries, diagnostics);
  diagnostics.sort(byPosition);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !model) return { ok: false, diagnostics };
  return { ok: true, loaded: { model, locations, kinds, files: entries.map((e) => e.parsed.file) }, diagnostics };
}

/** The model's folder, as written and with links resolved: every file of the model must be inside both. */
interface ModelFolder {
  dir: string;
  real: string;
}

function modelFolder(rootFile: string, files: ModelFiles): ModelFolder {
  const dir = path.dirname(rootFile);
  return { dir, real: files.realpath(dir) };
}

type IncludeProblem = "absolute" | "outside" | "not-found" | "cycle";

/**
 * Where an include leads, or why it may not be followed: both paths apply these checks, the
 * careful one to report them, the plain one to leave the model to it. `from` is the including
 * file, its real path and the real paths of the files that included it.
 */
function resolveInclude(files: ModelFiles, root: ModelFolder, from: { file: string; real: string; chain: readonly string[] }, include: string): { target: string; real: string } | { problem: IncludeProblem } {
  if (path.isAbsolute(include)) return { problem: "absolute" };
  const target = path.join(path.dirname(from.file), include);
  // Checked on the path as written first, so a path outside is refused whether or not it exists.
  if (isOutside(path.relative(root.dir, target))) return { problem: "outside" };
  if (files.kind(target) !== "file") return { problem: "not-found" };
  const real = files.realpath(target);
  // And on the real path, so a link inside the folder cannot lead out of it.
  if (isOutside(path.relative(root.real, real))) return { problem: "outside" };
  if (from.chain.includes(real) || real === from.real) return { problem: "cycle" };
  return { target, real };
}

/** The diagnostic (less its position) for an include that may not be followed. */
function includeProblem(problem: IncludeProblem, include: string, file: string, rootFile: string): Pick<Diagnostic, "code" | "message" | "hint"> {
  switch (problem) {
    case "absolute":
      return { code: "include-outside-root", message: "include must be a path relative to this file", hint: "write the path relative to the including file" };
    case "outside":
      return { code: "include-outside-root", message: `included file ${quoted(include, SAFE_PATH, "")}is outside the model's folder`, hint: `keep every model file inside ${path.dirname(rootFile)}` };
    case "not-found":
      return { code: "include-not-found", message: `included file ${quoted(include, SAFE_PATH, "")}does not exist`, hint: `paths are relative to ${path.dirname(file)}` };
    case "cycle":
      return { code: "include-cycle", message: `include cycle: ${quoted(include, SAFE_PATH, "this file ")}is already being included on this path`, hint: "remove one of the includes; each file should be included once" };
  }
}

/** The model from its files' values (each valid, the root first): the root's settings, then every file's lists in order. */
function assembleModel(values: readonly Record<string, unknown>[]): ThreatModel {
  const model = emptyModel(values[0] as unknown as z.infer<typeof RootFile>);
  for (const value of values) {
    for (const key of ELEMENT_LIST_KEYS) {
      const list = value[key];
      // A loop, not push(...list): spreading a long list overflows the call stack.
      if (Array.isArray(list)) for (const element of list) (model[key] as unknown[]).push(element);
    }
  }
  return model;
}

/**
 * Every ID a file defines, in the file's order (so "first defined at" points at the earlier of
 * two definitions): each list's elements, the credentials of identities, and each decision's
 * finding (kind "decision"), with the path to the ID. Stops, giving false, when `define` does.
 */
function forEachDefinition(raw: Record<string, unknown>, define: (kind: ElementKind | "decision", idPath: PathSegment[], id: string) => boolean): boolean {
  for (const key of Object.keys(raw)) {
    if (!LIST_KEYS.has(key)) continue;
    const list = raw[key];
    if (!Array.isArray(list)) continue;
    for (let index = 0; index < list.length; index++) {
      const element: unknown = list[index];
      if (!element || typeof element !== "object") continue;
      const record = element as Record<string, unknown>;
      if (key === "decisions") {
        if (typeof record.finding === "string" && !define("decision", [key, index, "finding"], record.finding)) return false;
        continue;
      }
      if (typeof record.id === "string" && !define(LIST_KIND[key as Exclude<ElementListKey, "decisions">], [key, index, "id"], record.id)) return false;
      if (key !== "identities" || !Array.isArray(record.credentials)) continue;
      const credentials: unknown[] = record.credentials;
      for (let c = 0; c < credentials.length; c++) {
        const credential = credentials[c];
        if (!credential || typeof credential !== "object") continue;
        const id = (credential as Record<string, unknown>).id;
        if (typeof id === "string" && !define("credential", [key, index, "credentials", c, "id"], id)) return false;
      }
    }
  }
  return true;
}

const LIST_KEYS = new Set<string>(ELEMENT_LIST_KEYS);

interface Definition {
  kind: ElementKind;
  at: SourceLocation;
}

/** Merges the files' lists, checks IDs are unique and every reference resolves. */
function merge(entries: FileEntry[], diagnostics: Diagnostic[]): { model?: ThreatModel; locations: Map<string, SourceLocation>; kinds: Map<string, ElementKind> } {
  const definitions = new Map<string, Definition>();
  const locations = new Map<string, SourceLocation>();
  const kinds = new Map<string, ElementKind>();

  // The system's declaration, in the root file (visited first).
  const root = entries[0];
  const systemId = root ? systemIdOf(root.parsed.value) : undefined;
  if (root && systemId !== undefined) locations.set(systemLocationKey(systemId), { file: root.parsed.file, ...locate(root.parsed, ["system", "id"]) });

  // Register IDs from the raw values, so one invalid element does not hide the references to it.
  for (const entry of entries) {
    forEachDefinition(entry.parsed.value as Record<string, unknown>, (kind, idPath, id) => {
      const at: SourceLocation = { file: entry.parsed.file, ...locate(entry.parsed, idPath) };
      if (kind === "decision") {
        const locationKey = decisionLocationKey(id);
        const earlier = locations.get(locationKey);
        if (earlier) diagnostics.push({ ...at, severity: "error", code: "duplicate-decision", message: `finding ${quoted(id, FINDING_ID, "")}already has a decision`, hint: `first decided at ${earlier.file}:${earlier.line}:${earlier.col}; keep one decision per finding` });
        else locations.set(locationKey, at);
        return true;
      }
      const earlier = definitions.get(id);
      if (earlier) {
        diagnostics.push({ ...at, severity: "error", code: "duplicate-id", message: `ID ${quoted(id, ID_PATTERN, "")}is already used by ${earlier.kind === kind ? "another" : withArticle(earlier.kind)} element`, hint: `first defined at ${earlier.at.file}:${earlier.at.line}:${earlier.at.col}; IDs are unique across the whole model` });
        return true;
      }
      definitions.set(id, { kind, at });
      locations.set(id, at);
      kinds.set(id, kind);
      return true;
    });
  }

  // Candidate IDs per reference field, listed once; and a budget of did-you-mean searches, each of
  // which measures the distance to every candidate, so thousands of bad references stay fast.
  const candidatesFor = new Map<readonly ElementKind[], string[]>();
  let suggestionsLeft = 200;
  for (const entry of entries) {
    for (const site of collectReferences(entry.schema, entry.parsed.value)) {
      const definition = definitions.get(site.target);
      const at = { file: entry.parsed.file, ...locate(entry.parsed, site.path), severity: "error" as const };
      const expected = describeKinds(site.kinds);
      if (!definition) {
        let candidates = candidatesFor.get(site.kinds);
        if (!candidates) {
          // Only well-formed IDs are offered: an invalid one (already reported) may be anything, even a secret.
          candidates = [...definitions].filter(([candidate, d]) => site.kinds.includes(d.kind) && ID_PATTERN.test(candidate)).map(([candidate]) => candidate);
          candidatesFor.set(site.kinds, candidates);
        }
        const suggestion = ID_PATTERN.test(site.target) && suggestionsLeft-- > 0 ? didYouMean(site.target, candidates) : undefined;
        const name = ID_PATTERN.test(site.target) ? `'${site.target}'` : "this reference";
        diagnostics.push({ ...at, code: "unresolved-reference", message: `${name} is not the ID of ${expected}`, hint: suggestion ? `did you mean '${suggestion}'?` : candidates.length ? `known IDs of that kind: ${candidates.slice(0, 12).join(", ")}${candidates.length > 12 ? ", …" : ""}` : `define ${withArticle(kindNoun(site.kinds[0] ?? "element"))} with this ID` });
      } else if (!site.kinds.includes(definition.kind)) {
        diagnostics.push({ ...at, code: "wrong-reference-kind", message: `${quoted(site.target, ID_PATTERN, "the element named here ")}is ${withArticle(definition.kind)}, but here ${expected} is expected`, hint: `defined at ${definition.at.file}:${definition.at.line}:${definition.at.col}` });
      }
    }
  }

  const values = entries.map((e) => e.valid);
  if (values.length === 0 || !values.every((v) => v !== undefined)) return { locations, kinds };
  return { model: assembleModel(values), locations, kinds };
}

/** The system's ID as the root file's raw value gives it, when it is text. */
function systemIdOf(value: unknown): string | undefined {
  const system = value !== null && typeof value === "object" ? (value as Record<string, unknown>).system : undefined;
  const id = system !== null && typeof system === "object" ? (system as Record<string, unknown>).id : undefined;
  return typeof id === "string" ? id : undefined;
}

function describeKinds(kinds: readonly ElementKind[]): string {
  if (COMPONENT_KINDS.every((k) => kinds.includes(k))) return "a component";
  const named = kinds.map((k) => withArticle(kindNoun(k)));
  return named.length <= 2 ? named.join(" or ") : `${named.slice(0, -1).join(", ")} or ${named[named.length - 1]}`;
}

interface PlainEntry {
  file: string;
  parsed: PlainParse & { value: Record<string, unknown> };
  valid: Record<string, unknown>;
  references: ReferenceUse[];
}

const plainChecks = new Map<z.ZodType, PlainCheck | undefined>();

function plainCheckFor(schema: z.ZodType): PlainCheck | undefined {
  if (!plainChecks.has(schema)) plainChecks.set(schema, compilePlainCheck(schema));
  return plainChecks.get(schema);
}

/**
 * The model as loadCarefully would load it, when every file is plainly written and valid, every
 * include stays inside the folder and every ID and reference is sound; otherwise undefined.
 * It reads the same files in the same order, and places only the IDs, which is all a clean load reports.
 */
function loadPlainModel(rootFile: string, files: ModelFiles): LoadedModel | undefined {
  const root = modelFolder(rootFile, files);
  const entries: PlainEntry[] = [];
  const seen = new Set<string>();
  let totalBytes = 0;

  const visit = (file: string, schema: z.ZodType, chain: string[]): boolean => {
    const real = files.realpath(file);
    seen.add(real);
    let bytes: Uint8Array;
    try {
      bytes = files.read(file);
    } catch {
      return false;
    }
    totalBytes += bytes.length;
    if (totalBytes > LIMITS.modelBytes) return false;
    const parsed = parsePlainFile(bytes);
    const check = plainCheckFor(schema);
    if (!parsed || !check) return false;
    const references: ReferenceUse[] = [];
    const valid = check(parsed.value, references);
    if (valid === NOT_PLAIN) return false;
    entries.push({ file, parsed, valid: valid as Record<string, unknown>, references });

    const includes = parsed.value.include;
    if (!Array.isArray(includes)) return true;
    for (const include of includes) {
      if (typeof include !== "string" || include === "") return false;
      // Any problem is the careful path's to report.
      const resolved = resolveInclude(files, root, { file, real, chain }, include);
      if ("problem" in resolved) return false;
      if (seen.has(resolved.real)) continue;
      if (seen.size >= LIMITS.files || !visit(resolved.target, IncludedFile, [...chain, real])) return false;
    }
    return true;
  };
  if (!visit(rootFile, RootFile, [])) return undefined;

  const locations = new Map<string, SourceLocation>();
  const kinds = new Map<string, ElementKind>();
  // As merge registers them, so both paths build the same maps; a duplicate is the careful path's to report.
  const rootEntry = entries[0]!;
  const systemId = systemIdOf(rootEntry.parsed.value);
  const systemAt = systemId === undefined ? undefined : rootEntry.parsed.locateId(["system", "id"]);
  if (systemId === undefined || !systemAt) return undefined;
  locations.set(systemLocationKey(systemId), { file: rootEntry.file, ...systemAt });
  for (const entry of entries) {
    const sound = forEachDefinition(entry.parsed.value, (kind, idPath, id) => {
      const position = entry.parsed.locateId(idPath);
      const key = kind === "decision" ? decisionLocationKey(id) : id;
      if (!position || (kind === "decision" ? locations.has(key) : kinds.has(id))) return false;
      locations.set(key, { file: entry.file, ...position });
      if (kind !== "decision") kinds.set(id, kind);
      return true;
    });
    if (!sound) return undefined;
  }
  for (const entry of entries) {
    for (const reference of entry.references) {
      const kind = kinds.get(reference.target);
      if (kind === undefined || !reference.kinds.includes(kind)) return undefined;
    }
  }

  return { model: assembleModel(entries.map((e) => e.valid)), locations, kinds, files: entries.map((e) => e.file) };
}
