// A model names where a secret is kept, never its value. A value pasted by mistake (into a
// credential's location, or a token in a description) would otherwise travel into findings,
// reports and CI logs; the loader masks it in the loaded model and warns where it sits.
import type { Diagnostic, SourceLocation } from "./diagnostics.js";
import { DECISION_LOCATION_PREFIX, decisionLocationKey, locationOf } from "./diagnostics.js";
import type { ThreatModel } from "./model.js";
import type { ElementKind } from "./vocabulary.js";

export const REDACTED = "[redacted: looks like a secret value]";

/**
 * A key's random part has digits and capitals; a kebab-case ID that happens to start with
 * "sk-" (sk-learn-customer-records) has neither, and must not be taken for one.
 */
const RANDOM = String.raw`(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[0-9])`;

/** Shapes of widely used tokens and keys: provider prefixes, AWS key IDs, JWTs, PEM blocks. */
const TOKEN_SHAPES = [
  String.raw`\bsk-(?:proj|svcacct|admin|ant|live|test)-${RANDOM}[A-Za-z0-9_-]{16,}`,
  String.raw`\bsk-${RANDOM}[A-Za-z0-9]{32,}`,
  String.raw`\b(?:sk|pk|rk)_(?:live|test)_${RANDOM}[A-Za-z0-9]{16,}`,
  String.raw`\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}`,
  String.raw`\bgithub_pat_[A-Za-z0-9_]{20,}`,
  String.raw`\bglpat-[A-Za-z0-9_-]{16,}`,
  String.raw`\bxox[abposr]-[A-Za-z0-9-]{10,}`,
  String.raw`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`,
  String.raw`\bAIza[A-Za-z0-9_-]{30,}`,
  String.raw`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
  String.raw`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)`,
];
/** One pattern for all shapes: a large model holds tens of thousands of strings to check. */
const TOKENS = new RegExp(TOKEN_SHAPES.join("|"), "g");
const HAS_TOKEN = new RegExp(TOKEN_SHAPES.join("|"));

/** Whether the text holds a run shaped like a widely used token or key. */
export function hasTokenShape(text: string): boolean {
  return HAS_TOKEN.test(text);
}

/** The diagnostic with every token-shaped run in its message and hint replaced by REDACTED. */
export function maskDiagnostic(diagnostic: Diagnostic): Diagnostic {
  const message = maskTokenShapes(diagnostic.message);
  const hint = diagnostic.hint === undefined ? undefined : maskTokenShapes(diagnostic.hint);
  return message === diagnostic.message && hint === diagnostic.hint ? diagnostic : { ...diagnostic, message, ...(hint !== undefined ? { hint } : {}) };
}

/** The text with every token-shaped run replaced by REDACTED. */
export function maskTokenShapes(text: string): string {
  return HAS_TOKEN.test(text) ? text.replace(TOKENS, REDACTED) : text;
}

/**
 * Whether a credential location reads like a secret's value rather than its name: a token
 * shape, or a long unbroken run of mixed letters and digits that is not a variable name
 * (OPENAI_API_KEY), a path or a secret-manager reference.
 */
export function looksLikeSecretValue(text: string): boolean {
  if (HAS_TOKEN.test(text)) return true;
  if (text.length < 20 || /\s/.test(text)) return false;
  if (/^[A-Z][A-Z0-9_]*$/.test(text) || /[/:]/.test(text)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((c) => c.test(text)).length;
  return classes >= 3 || (classes === 2 && /[0-9]/.test(text) && text.length >= 32);
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * Masks secret-looking values in the model in place and says where each was, by the
 * enclosing element's location (the value itself is never quoted).
 */
export function maskSecretValues(model: ThreatModel, locations: ReadonlyMap<string, SourceLocation>, kinds: ReadonlyMap<string, ElementKind>, rootFile: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const warn = (owner: string | undefined, field: string) => {
    const at = locationOf(locations, owner, rootFile);
    const where = owner === undefined ? "the model" : HAS_TOKEN.test(owner) ? `this ${kinds.get(owner) ?? "element"}` : owner.startsWith(DECISION_LOCATION_PREFIX) ? `the decision on '${owner.slice(DECISION_LOCATION_PREFIX.length)}'` : `${kinds.get(owner) ?? "element"} '${owner}'`;
    diagnostics.push({
      ...at,
      severity: "warning",
      code: "secret-value",
      message: `${where}: '${field}' holds what looks like a secret's value; it is masked in every output`,
      hint: "a model names where a secret is kept (a variable, a file path, a secret-manager reference), never the value; remove it and rotate the secret, which is now in the repository's history",
    });
  };
  const visit = (value: Json, owner: string | undefined, field: string, isCredential: boolean): Json => {
    if (typeof value === "string" && field === "id") {
      // An ID is how everything else refers to the element, and every report prints it: masked,
      // two elements would become one. It is an error instead, and the message does not repeat it.
      if (HAS_TOKEN.test(value)) {
        const at = locationOf(locations, value, rootFile);
        diagnostics.push({ ...at, severity: "error", code: "secret-value", message: `the ID of this ${kinds.get(value) ?? "element"} looks like a secret's value`, hint: "IDs appear in every report and finding ID: give the element a name instead, and rotate the secret if it was real" });
      }
      return value;
    }
    if (typeof value === "string") {
      const whole = isCredential && field === "location" && looksLikeSecretValue(value);
      const masked = whole ? REDACTED : maskTokenShapes(value);
      if (masked !== value) warn(owner, field);
      return masked;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = visit(value[i]!, owner, field, false);
      return value;
    }
    if (value !== null && typeof value === "object") {
      // Elements are placed by their ID, decisions (which have none) by their finding.
      const decision = typeof value.finding === "string" ? decisionLocationKey(value.finding) : undefined;
      const id = typeof value.id === "string" && locations.has(value.id) ? value.id : decision !== undefined && locations.has(decision) ? decision : owner;
      const credential = id !== undefined && kinds.get(id) === "credential" && id === value.id;
      for (const key of Object.keys(value)) value[key] = visit(value[key]!, id, key, credential);
    }
    return value;
  };
  visit(model as unknown as Json, undefined, "", false);
  return diagnostics;
}
