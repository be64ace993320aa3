// Problems found in a model, located in its files. A diagnostic never quotes a
// scalar value from the model: a value might be a secret pasted by mistake.
import { closest, distance } from "fastest-levenshtein";
import { terminalText } from "../report/terminal-text.js";

export interface SourceLocation {
  /** Path of the file as the user would open it (relative to where the command ran, or absolute). */
  file: string;
  /** 1-based line and column. */
  line: number;
  col: number;
}

/** How a model's locations key a decision, which has no ID of its own: by its finding. */
export const DECISION_LOCATION_PREFIX = "decision:";
export const decisionLocationKey = (finding: string) => `${DECISION_LOCATION_PREFIX}${finding}`;
/** How a model's locations key the system's declaration (its `id` in the root file): the system is no element, and its ID may name one too. */
export const systemLocationKey = (id: string) => `system:${id}`;

/** Where an element is declared, for a diagnostic about it; the root file's start when the element has no known place. */
export function locationOf(locations: ReadonlyMap<string, SourceLocation>, id: string | undefined, rootFile: string): SourceLocation {
  return (id === undefined ? undefined : locations.get(id)) ?? { file: rootFile, line: 1, col: 1 };
}

export type DiagnosticCode =
  | "io-error"
  | "file-too-large"
  | "model-too-large"
  | "not-utf8"
  | "empty-file"
  | "yaml-syntax"
  | "multiple-documents"
  | "duplicate-key"
  | "too-deep"
  | "alias-limit"
  | "not-a-mapping"
  | "unknown-key"
  | "missing-field"
  | "wrong-type"
  | "invalid-value"
  | "duplicate-id"
  | "duplicate-decision"
  | "unresolved-reference"
  | "wrong-reference-kind"
  | "include-not-found"
  | "include-cycle"
  | "include-outside-root"
  | "too-many-files"
  | "secret-value"
  | "field-for-another-type"
  | "field-for-another-action"
  | "returns-not-held"
  | "pin-contradicts-model"
  | "rotation-contradicts-model"
  | "four-eyes-without-approvers"
  | "supervised-with-some-approvals"
  | "via-names-no-entry"
  | "ignored-for-third-party";

export interface Diagnostic extends SourceLocation {
  severity: "error" | "warning";
  code: DiagnosticCode;
  message: string;
  hint?: string;
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.col - b.col || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

/** Short forms people write for a word of the vocabulary ("k8s-secret" for kubernetes-secret). */
const SHORT_FORMS: Readonly<Record<string, string>> = { k8s: "kubernetes", gh: "github", pat: "personal-access-token", sa: "service-account" };

/** A word's parts ("oauth-client-secret": oauth, client, secret), short forms spelt out. */
function wordParts(word: string): string[] {
  return word
    .toLowerCase()
    .split(/[-_\s]+/)
    .flatMap((part) => (SHORT_FORMS[part] ?? part).split("-"))
    .filter(Boolean);
}

/**
 * The candidate a word most likely means: one that has all the word's parts (a shortened
 * "client-secret" for oauth-client-secret, "k8s-secret" for kubernetes-secret), the one with the
 * fewest parts besides; else the closest by spelling, when close enough to be a likely typo.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const parts = wordParts(word);
  // Only an unambiguous match: "secret" is part of several storage kinds and suggests none of them this way.
  let widened: string[] = [];
  let extra = Infinity;
  for (const candidate of candidates) {
    const own = wordParts(candidate);
    if (own.length < parts.length || !parts.every((p) => own.includes(p))) continue;
    if (own.length - parts.length < extra) [widened, extra] = [[candidate], own.length - parts.length];
    else if (own.length - parts.length === extra) widened.push(candidate);
  }
  if (widened.length === 1) return widened[0];
  const best = closest(word, candidates as string[]);
  const allowed = Math.max(2, Math.floor(word.length / 3));
  return distance(word.toLowerCase(), best.toLowerCase()) <= allowed ? best : undefined;
}

/**
 * The diagnostic as a terminal shows it. File names (a folder may be named with an escape sequence
 * or a line break), messages and hints are cleaned as terminalText cleans model text, so no part
 * recolours the screen or starts a line a CI log reads as a command (`::error ...`).
 */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${terminalText(d.file)}:${d.line}:${d.col}: ${d.severity} ${d.code}: ${terminalText(d.message)}`;
  return d.hint ? `${head}\n  hint: ${terminalText(d.hint)}` : head;
}
