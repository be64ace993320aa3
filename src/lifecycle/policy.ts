// The CI gate's policy: what makes `threatwright check` fail, warn or stay quiet. Defined once
// with Zod, so the type, the defaults and the validation of threatwright-policy.yaml agree.
import path from "node:path";
import { z } from "zod";
import { SEVERITIES } from "../analysis/scoring.js";
import type { Diagnostic } from "../model/diagnostics.js";
import type { ModelFiles } from "../model/files.js";
import { parseModelFile } from "../model/parse.js";
import { locate, validateFile } from "../model/validate.js";

/** The policy file's name, looked for next to the root model file. */
export const POLICY_FILE_NAME = "threatwright-policy.yaml";

export const OUTCOMES = ["fail", "warn", "off"] as const;
export type Enforcement = (typeof OUTCOMES)[number];

const enforcement = (fallback: Enforcement, description: string) => z.enum(OUTCOMES).default(fallback).meta({ description: `${description} (fail, warn or off; default ${fallback}).` });

export const FailOn = z
  .strictObject({
    severity: z
      .enum(SEVERITIES)
      .default("high")
      .meta({
        description:
          "Unmitigated findings (open, mitigating or reopened) at or above this severity fail the gate; with a baseline, only those the change brought or made worse: new, settled at the baseline and unsettled now, or re-scored into a higher severity (default high).",
      }),
  })
  .meta({ description: "Which findings fail the gate." });

export const GatePolicy = z
  .strictObject({
    failOn: FailOn.default({ severity: "high" }),
    expiredAcceptances: enforcement("fail", "Accepted or transferred findings whose expiry date has passed"),
    overdue: enforcement("warn", "Findings past their decision's due date and not yet settled"),
    stale: enforcement("warn", "A model overdue for review, changed in git since its last review, or with a review dated after today; when git cannot tell whether the model changed (a shallow clone), a warning at most"),
    materialChangeNeedsReview: enforcement("fail", "With a baseline: a material change whose pull request does not record a review (in review.lastReview, a later date, another reviewer or another commit than the baseline's)"),
  })
  .meta({ title: "Gate policy", description: "What makes `threatwright check` fail or warn." });

export type GatePolicy = z.infer<typeof GatePolicy>;

export const DEFAULT_POLICY: GatePolicy = GatePolicy.parse({});

export type PolicyLoad = { ok: true; policy: GatePolicy; file?: string } | { ok: false; diagnostics: Diagnostic[]; usage: boolean };

/**
 * Reads the policy: `explicit` (--policy FILE) must exist; otherwise threatwright-policy.yaml
 * beside the root model file is used when present, and the defaults when not. Problems come back
 * located (file:line:col), as the model loader reports them.
 */
export function loadPolicy(files: ModelFiles, rootModelFile: string, explicit?: string): PolicyLoad {
  const file = explicit ?? path.join(path.dirname(rootModelFile), POLICY_FILE_NAME);
  if (files.kind(file) !== "file") {
    if (explicit === undefined) return { ok: true, policy: DEFAULT_POLICY };
    return { ok: false, usage: true, diagnostics: [{ file, line: 1, col: 1, severity: "error", code: "io-error", message: "no such policy file", hint: "give the path of a threatwright-policy.yaml, or leave --policy out to use the defaults" }] };
  }
  let bytes: Uint8Array;
  try {
    bytes = files.read(file);
  } catch (error) {
    return { ok: false, usage: true, diagnostics: [{ file, line: 1, col: 1, severity: "error", code: "io-error", message: `cannot read policy file (${(error as NodeJS.ErrnoException).code ?? "error"})` }] };
  }
  // A file holding only comments means "the defaults", not an error.
  if (!/^\s*[^\s#]/m.test(Buffer.from(bytes).toString("utf8"))) return { ok: true, policy: DEFAULT_POLICY, file };
  const parsed = parseModelFile(file, bytes);
  if (!parsed.ok) return { ok: false, usage: false, diagnostics: parsed.diagnostics };
  const value = parsed.parsed.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, usage: false, diagnostics: [{ file, ...locate(parsed.parsed, []), severity: "error", code: "not-a-mapping", message: "a policy file must be a mapping", hint: "keys: failOn, expiredAcceptances, overdue, stale, materialChangeNeedsReview" }] };
  }
  const checked = validateFile(parsed.parsed, GatePolicy);
  if (!checked.value) return { ok: false, usage: false, diagnostics: checked.diagnostics };
  return { ok: true, policy: checked.value, file };
}
