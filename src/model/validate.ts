// Checks one parsed file against the schema and turns each schema issue into a
// located diagnostic with a hint. Values from the file are never quoted.
import type { z } from "zod";
import type { Diagnostic } from "./diagnostics.js";
import { didYouMean } from "./diagnostics.js";
import type { ParsedFile } from "./parse.js";
import type { PathSegment } from "./schema-walk.js";
import { allowedKeys, schemaAt, unwrap } from "./schema-walk.js";

/** Where a path lands in the file: the node itself, or the nearest ancestor that exists. */
export function locate(parsed: ParsedFile, path: readonly PathSegment[]): { line: number; col: number } {
  return parsed.positions.locate(path);
}

/** Position of a key inside the mapping at `path`, or of the mapping when the key cannot be placed. */
function locateKey(parsed: ParsedFile, path: readonly PathSegment[], key: string): { line: number; col: number } {
  return parsed.positions.locateKey(path, key) ?? parsed.positions.locate(path);
}

const SAFE_WORD = /^[A-Za-z0-9_.-]{1,60}$/;

export function describePath(path: readonly PathSegment[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === "number" ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), "");
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return "text";
  return `a ${typeof value}`;
}

function expectedName(expected: string): string {
  switch (expected) {
    case "object":
      return "a mapping";
    case "array":
      return "a list";
    case "string":
      return "text";
    default:
      return `a ${expected}`;
  }
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

export function validateFile<T>(parsed: ParsedFile, schema: z.ZodType<T>): { value?: T; diagnostics: Diagnostic[] } {
  const result = schema.safeParse(parsed.value);
  if (result.success) return { value: result.data, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const push = (at: { line: number; col: number }, code: Diagnostic["code"], message: string, hint?: string) =>
    diagnostics.push({ file: parsed.file, ...at, severity: "error", code, message, ...(hint ? { hint } : {}) });

  const pushMissing = (path: readonly PathSegment[]) => {
    const field = String(path[path.length - 1]);
    const about = describeField(schema, path, true);
    push(locate(parsed, path.slice(0, -1)), "missing-field", `missing required field '${field}' in ${describePath(path.slice(0, -1)) || "the top level"}`, `add '${field}:'${about ? ` (${about.replace(/\.$/, "")})` : ""}`);
  };

  for (const issue of result.error.issues) {
    const path = issue.path as PathSegment[];
    const where = describePath(path) || "the file";
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = allowedKeys(schemaAt(schema, path));
        for (const key of issue.keys) {
          // A key that is not a plain word is not repeated (it may be pasted text) and suggests nothing.
          const word = SAFE_WORD.test(key);
          const suggestion = word ? didYouMean(key, allowed) : undefined;
          push(
            locateKey(parsed, path, key),
            "unknown-key",
            `unknown key ${word ? `'${key}' ` : ""}in ${describePath(path) || "the top level"}`,
            suggestion ? `did you mean '${suggestion}'?` : `allowed keys: ${allowed.join(", ")}`,
          );
        }
        break;
      }
      case "invalid_type": {
        const actual = valueAt(parsed.value, path);
        if (actual === undefined) {
          pushMissing(path);
        } else {
          // One ID where a list is expected: the fix is the brackets, shown with the ID when it is a plain word.
          const field = String(path[path.length - 1]);
          const oneForMany = typeof actual === "string" && SAFE_WORD.test(field) && isListOfWords(schemaAt(schema, path));
          const hint = oneForMany ? `write it as a list: ${field}: [${SAFE_WORD.test(actual) ? actual : "…"}]` : describeField(schema, path);
          push(locate(parsed, path), "wrong-type", `${where} must be ${expectedName(issue.expected)}, not ${typeName(actual)}`, hint);
        }
        break;
      }
      case "invalid_value": {
        const allowed = issue.values.map(String);
        const actual = valueAt(parsed.value, path);
        // Zod reports a missing enum or literal field as a wrong value; to the user it is missing.
        if (actual === undefined) {
          pushMissing(path);
          break;
        }
        const suggestion = typeof actual === "string" ? didYouMean(actual, allowed) : undefined;
        const list = allowed.length <= 30 ? allowed.join(", ") : `${allowed.slice(0, 30).join(", ")}, …`;
        push(
          locate(parsed, path),
          "invalid-value",
          `${where} is not one of the allowed values`,
          suggestion ? `did you mean '${suggestion}'? allowed: ${list}` : `allowed: ${list}`,
        );
        break;
      }
      case "invalid_format":
      case "too_small":
      case "too_big": {
        push(locate(parsed, path), "invalid-value", `${where}: ${issueWording(issue)}`, describeField(schema, path));
        break;
      }
      default:
        push(locate(parsed, path), "invalid-value", `${where}: ${issue.message}`, describeField(schema, path));
    }
  }
  return { diagnostics };
}

/** A list of IDs or words (tools: [a, b]), as opposed to a list of elements written out in full. */
function isListOfWords(fieldSchema: z.ZodType | undefined): boolean {
  if (!fieldSchema) return false;
  const list = unwrap(fieldSchema);
  if (list._zod.def.type !== "array") return false;
  const item = unwrap((list as z.ZodArray<z.ZodType>).element);
  return item._zod.def.type === "string" || item._zod.def.type === "enum";
}

function issueWording(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_format") {
    if (issue.format === "date") return "expected a date written YYYY-MM-DD";
    return issue.message.startsWith("Invalid") ? `invalid ${issue.format}` : issue.message;
  }
  if (issue.code === "too_small") {
    if (issue.origin === "array") return `needs at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}`;
    if (issue.origin === "string") return "must not be empty";
    return issue.inclusive === false ? `must be more than ${issue.minimum}` : `must be at least ${issue.minimum}`;
  }
  if (issue.code === "too_big") return `must be at most ${issue.maximum}`;
  return issue.message;
}

/** The field's description from the schema, as a hint; for an item of a list, such as one tag, the list's. */
function describeField(schema: z.ZodType, path: readonly PathSegment[], ownOnly = false): string | undefined {
  for (let depth = path.length; depth >= (ownOnly ? path.length : 0); depth--) {
    const fieldSchema = schemaAt(schema, path.slice(0, depth));
    if (!fieldSchema) continue;
    // A description given before .optional() sits on the inner schema, not on the optional wrapper.
    const description = fieldSchema.meta()?.description ?? unwrap(fieldSchema).meta()?.description;
    if (typeof description === "string") return description;
  }
  return undefined;
}
