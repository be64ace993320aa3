// The loader masks secret values pasted into a model (src/model/secret-values.ts); a report
// may also be built from a model that did not come through the loader, and is mailed around,
// so it masks them again on its own.
import type { ThreatModel } from "../../model/model.js";
import { looksLikeSecretValue, maskTokenShapes, REDACTED } from "../../model/secret-values.js";

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
    return maskTokenShapes(out);
  };
}
