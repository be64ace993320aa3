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

/** The schema's metadata merged through its optional, default and nullable wrappers; the outermost value of a key wins. */
export function metaOf(schema: z.ZodType): Record<string, unknown> {
  const layers: z.ZodType[] = [schema];
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
    layers.push(current);
  }
  return Object.assign({}, ...layers.reverse().map((layer) => layer.meta() ?? {})) as Record<string, unknown>;
}

/** Whether an object field may be left out. */
export function isOptionalField(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

/** The element kinds a reference field may name, or undefined when the field is not a reference. */
export function referenceKinds(schema: z.ZodType): readonly ElementKind[] | undefined {
  return referenceTargets.get(schema) ?? referenceTargets.get(unwrap(schema));
}

/** The fewest items an array schema accepts, or 0 when it sets no minimum. */
export function minItems(schema: z.ZodType): number {
  const bare = unwrap(schema);
  if (!(bare instanceof z.ZodArray)) return 0;
  let minimum = 0;
  for (const check of bare.def.checks ?? []) {
    const def = check._zod.def as { check: string; minimum?: number };
    if (def.check === "min_length" && typeof def.minimum === "number") minimum = Math.max(minimum, def.minimum);
  }
  return minimum;
}
