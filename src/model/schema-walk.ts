// Walks the model schema alongside data, for the resolver (which fields are
// references), for error hints (which keys a mapping allows) and for the docs.
import { z } from "zod";
import type { ElementKind } from "./vocabulary.js";
import { referenceTargets } from "./schema.js";

export type PathSegment = string | number;

/** The schema with optional, default and nullable wrappers removed. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** The schema of the value at `path` below `schema`, if the path stays inside the schema. */
export function schemaAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    const bare = unwrap(current);
    if (bare instanceof z.ZodObject && typeof segment === "string") current = (bare.shape as Record<string, z.ZodType>)[segment];
    else if (bare instanceof z.ZodArray && typeof segment === "number") current = bare.element as z.ZodType;
    else return undefined;
  }
  return current;
}

/** Keys an object schema allows, or none when the schema is not an object. */
export function allowedKeys(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const bare = unwrap(schema);
  return bare instanceof z.ZodObject ? Object.keys(bare.shape) : [];
}

export interface ReferenceSite {
  path: PathSegment[];
  target: string;
  kinds: readonly ElementKind[];
}

/** Every reference in `value`, with where it sits and which kinds of element it may name. */
export function collectReferences(schema: z.ZodType, value: unknown, path: PathSegment[] = [], out: ReferenceSite[] = []): ReferenceSite[] {
  const kinds = referenceTargets.get(schema);
  if (kinds) {
    if (typeof value === "string") out.push({ path, target: value, kinds });
    return out;
  }
  const bare = unwrap(schema);
  if (bare !== schema) return collectReferences(bare, value, path, out);
  if (bare instanceof z.ZodObject && value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(bare.shape as Record<string, z.ZodType>)) {
      const childValue = (value as Record<string, unknown>)[key];
      if (childValue !== undefined) collectReferences(child, childValue, [...path, key], out);
    }
  } else if (bare instanceof z.ZodArray && Array.isArray(value)) {
    value.forEach((item, index) => collectReferences(bare.element as z.ZodType, item, [...path, index], out));
  }
  return out;
}
