// A checker compiled once from the model schema, for the common case of a file
// that is plainly valid: it gives the value zod would give (a copy with each
// mapping's keys in schema order) and the references in it, or says "not plain"
// at the first problem, and the loader then lets zod and the careful path say
// what is wrong. It understands only what the schema uses; a schema with anything
// else compiles to nothing and every file goes through zod.
import type { z } from "zod";
import type { ElementKind } from "./vocabulary.js";
import { referenceTargets } from "./schema.js";

/** A reference in a plainly valid file: the ID named and the kinds it may name. */
export interface ReferenceUse {
  target: string;
  kinds: readonly ElementKind[];
}

export const NOT_PLAIN: unique symbol = Symbol("not plain");

/** The checked value (a copy, as zod returns it), or NOT_PLAIN; references found are appended to `references`. */
export type PlainCheck = (value: unknown, references: ReferenceUse[]) => unknown;

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  entries?: Record<string, unknown>;
  values?: readonly unknown[];
  checks?: { _zod: { def: CheckDef } }[];
  coerce?: boolean;
  check?: string;
  pattern?: RegExp;
}

interface CheckDef {
  check: string;
  minimum?: number;
  value?: unknown;
  inclusive?: boolean;
  pattern?: RegExp;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

class Unsupported extends Error {}

/** Compiles `schema`, or returns undefined when it uses a feature this checker does not reproduce exactly. */
export function compilePlainCheck(schema: z.ZodType): PlainCheck | undefined {
  try {
    return compile(schema);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function compile(schema: z.ZodType): PlainCheck {
  const def = defOf(schema);
  if (def.coerce) throw new Unsupported();
  const check = compileType(schema, def);
  const kinds = referenceTargets.get(schema);
  if (!kinds) return check;
  return (value, references) => {
    const checked = check(value, references);
    if (checked !== NOT_PLAIN) references.push({ target: checked as string, kinds });
    return checked;
  };
}

function compileType(schema: z.ZodType, def: Def): PlainCheck {
  switch (def.type) {
    case "string": {
      const tests = stringTests(def);
      return (value) => (typeof value === "string" && tests.every((test) => test(value)) ? value : NOT_PLAIN);
    }
    case "boolean":
      noChecks(def);
      return (value) => (typeof value === "boolean" ? value : NOT_PLAIN);
    case "number": {
      const tests = (def.checks ?? []).map(({ _zod }) => numberTest(_zod.def));
      return (value) => (typeof value === "number" && Number.isFinite(value) && tests.every((test) => test(value)) ? value : NOT_PLAIN);
    }
    case "enum": {
      noChecks(def);
      const allowed = new Set(Object.values(def.entries ?? {}));
      return (value) => (allowed.has(value) ? value : NOT_PLAIN);
    }
    case "literal": {
      noChecks(def);
      const allowed = new Set(def.values ?? []);
      return (value) => (allowed.has(value) ? value : NOT_PLAIN);
    }
    case "optional": {
      noChecks(def);
      const inner = compile(def.innerType!);
      return (value, references) => (value === undefined ? undefined : inner(value, references));
    }
    case "array": {
      let minimum = 0;
      for (const { _zod } of def.checks ?? []) {
        if (_zod.def.check !== "min_length" || typeof _zod.def.minimum !== "number") throw new Unsupported();
        minimum = Math.max(minimum, _zod.def.minimum);
      }
      const element = compile(def.element!);
      return (value, references) => {
        if (!Array.isArray(value) || value.length < minimum) return NOT_PLAIN;
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item = element(value[i], references);
          if (item === NOT_PLAIN) return NOT_PLAIN;
          out[i] = item;
        }
        return out;
      };
    }
    case "object":
      return compileStrictObject(def);
    default:
      throw new Unsupported(`${String(schema)}`);
  }
}

function noChecks(def: Def): void {
  if (def.checks?.length) throw new Unsupported();
}

/** A strict object: no unknown key, every required key present; the copy lists keys in schema order, as zod's does. */
function compileStrictObject(def: Def): PlainCheck {
  noChecks(def);
  if (!def.catchall || defOf(def.catchall).type !== "never") throw new Unsupported();
  const shape = def.shape!;
  const keys = Object.keys(shape);
  // zod asks `key in input`; with no field named like an Object.prototype member, that is the own-key test below.
  if (keys.some((key) => key in Object.prototype)) throw new Unsupported();
  const known = new Set(keys);
  const fields = keys.map((key) => ({ key, optional: defOf(shape[key]!).type === "optional", check: compile(shape[key]!) }));
  return (value, references) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return NOT_PLAIN;
    const input = value as Record<string, unknown>;
    for (const key of Object.keys(input)) if (!known.has(key)) return NOT_PLAIN;
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      // Own keys only: an inherited name such as 'constructor' is not a field the file gave.
      if (!Object.hasOwn(input, field.key)) {
        if (field.optional) continue;
        return NOT_PLAIN;
      }
      const checked = field.check(input[field.key], references);
      if (checked === NOT_PLAIN) return NOT_PLAIN;
      out[field.key] = checked;
    }
    return out;
  };
}

function stringTests(def: Def): ((value: string) => boolean)[] {
  const tests: ((value: string) => boolean)[] = [];
  // A string format (an ISO date) is its own check.
  if (def.check !== undefined) tests.push(stringTest({ check: def.check, ...(def.pattern ? { pattern: def.pattern } : {}) }));
  for (const { _zod } of def.checks ?? []) tests.push(stringTest(_zod.def));
  return tests;
}

function stringTest(check: CheckDef): (value: string) => boolean {
  const { pattern, minimum } = check;
  if (check.check === "string_format" && pattern && !pattern.global && !pattern.sticky) return (value) => pattern.test(value);
  // zod counts code points; for a floor of one, that is "not empty" either way.
  if (check.check === "min_length" && (minimum === 0 || minimum === 1)) return (value) => value.length >= minimum;
  throw new Unsupported();
}

function numberTest(check: CheckDef): (value: number) => boolean {
  const bound = check.value;
  if (check.check === "greater_than" && typeof bound === "number") return check.inclusive ? (value) => value >= bound : (value) => value > bound;
  if (check.check === "less_than" && typeof bound === "number") return check.inclusive ? (value) => value <= bound : (value) => value < bound;
  throw new Unsupported();
}
