// The JSON Schemas editors use to check and complete model files, derived from the
// Zod schemas in schema.ts: one for the root file, one for included files; and the
// derivation every generated schema goes through (the analysis report's too).
import { z } from "zod";
import { FORMAT_VERSION, IncludedFile, RootFile } from "./schema.js";

/** Where the generated schemas live in the package, relative to its root. */
export const ROOT_SCHEMA_FILE = "schema/threatwright.schema.json";
export const FRAGMENT_SCHEMA_FILE = "schema/threatwright-fragment.schema.json";

export type JsonSchema = Record<string, unknown>;

/**
 * A draft-07 JSON Schema from a Zod schema, with its `$id` and the header fields first. `io`:
 * "input" for files people write (defaults optional), "output" for what Threatwright writes.
 * Schemas for editors also get markdownDescription.
 */
export function deriveJsonSchema(schema: z.ZodType, id: string, options: { io: "input" | "output"; forEditors: boolean }): JsonSchema {
  const generated = z.toJSONSchema(schema, { target: "draft-07", io: options.io, unrepresentable: "throw", cycles: "throw", reused: "inline" }) as JsonSchema;
  const { $schema, title, description, ...rest } = generated;
  const ordered = { $schema, $id: id, title, description, ...rest };
  return options.forEditors ? withMarkdownDescriptions(ordered) : ordered;
}

const derive = (schema: z.ZodType, id: string) => deriveJsonSchema(schema, id, { io: "input", forEditors: true });

const SUBSCHEMA = new Set(["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"]);
const SUBSCHEMA_LISTS = new Set(["anyOf", "oneOf", "allOf"]);
const SUBSCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions", "$defs"]);

/**
 * Copies every schema's description to markdownDescription, which VS Code and
 * yaml-language-server prefer for hovers. Keys keep their generated order, and
 * examples, enums and constants are copied as they are.
 */
function withMarkdownDescriptions(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  const sub = (value: unknown) => (value !== null && typeof value === "object" && !Array.isArray(value) ? withMarkdownDescriptions(value as JsonSchema) : value);
  for (const [key, value] of Object.entries(schema)) {
    if (SUBSCHEMA.has(key)) out[key] = sub(value);
    else if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map(sub);
    else if (SUBSCHEMA_MAPS.has(key) && value !== null && typeof value === "object") out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, sub(child)]));
    else out[key] = value;
    if (key === "description" && typeof value === "string") out.markdownDescription = value;
  }
  return out;
}

/** The JSON Schema of the root model file (threatwright.yaml), draft-07. */
export function modelJsonSchema(): JsonSchema {
  return derive(RootFile, `urn:threatwright:schema:model:${FORMAT_VERSION}`);
}

/** The JSON Schema of a file included from the model, draft-07. */
export function fragmentJsonSchema(): JsonSchema {
  return derive(IncludedFile, `urn:threatwright:schema:fragment:${FORMAT_VERSION}`);
}

/** A schema as written to disk: two-space indentation and a trailing newline. */
export function formatJsonSchema(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
