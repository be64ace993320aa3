// Shared by the model tests: where the fixtures are, and how to write an expected diagnostic.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import type { Diagnostic, DiagnosticCode } from "../../src/model/diagnostics.js";
import { unwrap } from "../../src/model/schema-walk.js";

export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** Absolute path of a file or folder under test/model/fixtures. */
export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

/** An expected error diagnostic, spelt out field by field. */
export function error(file: string, line: number, col: number, code: DiagnosticCode, message: string, hint?: string): Diagnostic {
  return { file, line, col, severity: "error", code, message, ...(hint === undefined ? {} : { hint }) };
}

/**
 * The description a field has in the schema: some hints are the field's own description, and
 * the schema's wording may change, so tests take it from the schema rather than repeating it.
 */
export function descriptionOf(schema: z.ZodType): string {
  const description = schema.meta()?.description ?? unwrap(schema).meta()?.description;
  if (typeof description !== "string") throw new Error("field has no description");
  return description;
}

/** A small valid root file, for tests that build models in memory. */
export const MINIMAL_ROOT = "threatwright: 1\nsystem:\n  id: shop\n  name: Shop\n  owner: team@example.com\n";
