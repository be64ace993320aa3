// A model names where a secret is kept, never its value; but a value pasted by mistake into a
// credential's `location` would otherwise travel into finding summaries and then into a report
// that gets mailed around. The report masks such values and well-known token shapes.
import type { ThreatModel } from "../../model/model.js";

export const REDACTED = "[redacted: looks like a secret value]";

/** Shapes of widely used tokens and keys: provider prefixes, AWS key IDs, JWTs, PEM blocks. */
const TOKEN_SHAPES = [
  String.raw`\b(?:sk|pk|rk)[-_](?:live|test|proj|ant)?[-_]?[A-Za-z0-9_-]{16,}`,
  String.raw`\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}`,
  String.raw`\bgithub_pat_[A-Za-z0-9_]{20,}`,
  String.raw`\bglpat-[A-Za-z0-9_-]{16,}`,
  String.raw`\bxox[abposr]-[A-Za-z0-9-]{10,}`,
  String.raw`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`,
  String.raw`\bAIza[A-Za-z0-9_-]{30,}`,
  String.raw`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
  String.raw`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)`,
];
/** One pattern for all shapes: a report holds tens of thousands of sentences to check. */
const TOKENS = new RegExp(TOKEN_SHAPES.join("|"), "g");
const HAS_TOKEN = new RegExp(TOKEN_SHAPES.join("|"));

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

export type Redact = (text: string) => string;

/** A masking function for report text, primed with the model's secret-looking credential locations. */
export function secretRedactor(model: ThreatModel): Redact {
  const values = new Set<string>();
  for (const identity of model.identities) {
    for (const credential of identity.credentials ?? []) {
      if (credential.location && looksLikeSecretValue(credential.location)) values.add(credential.location);
    }
  }
  // Longest first, so a value that contains another is masked whole.
  const literal = [...values].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const value of literal) if (out.includes(value)) out = out.split(value).join(REDACTED);
    if (HAS_TOKEN.test(out)) out = out.replace(TOKENS, REDACTED);
    return out;
  };
}
