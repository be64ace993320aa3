// Warnings about controls that say something the analysis cannot use: who approves, on a control
// that is not an approval, and four eyes with nobody named to approve. The model is
// valid; the warning says which field is ignored and why, so the author's intent is not lost.
import type { Diagnostic, DiagnosticCode, SourceLocation } from "./diagnostics.js";
import type { ThreatModel } from "./model.js";

/**
 * Fields only a human approval reads. A condition, a router or a threshold on another control still
 * halves it (it acts only some of the time, docs/scoring.md), so they are not among them.
 */
const APPROVAL_FIELDS = ["approvers", "separateFromRequester"] as const;

export function controlWarnings(model: ThreatModel, locations: ReadonlyMap<string, SourceLocation>, rootFile: string): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  for (const control of model.controls) {
    const at = locations.get(control.id) ?? { file: rootFile, line: 1, col: 1 };
    const warn = (code: DiagnosticCode, message: string, hint: string) => warnings.push({ ...at, severity: "warning", code, message, hint });
    if (control.type !== "human-approval") {
      const fields = APPROVAL_FIELDS.filter((field) => control[field] !== undefined);
      if (fields.length > 0) {
        warn(
          "field-for-another-type",
          `control '${control.id}' is a ${control.type}, and ${fields.join(" and ")} ${fields.length === 1 ? "is" : "are"} read only on a human-approval control: the analysis ignores ${fields.length === 1 ? "it" : "them"}`,
          "remove the field, or make the control the human-approval it describes",
        );
      }
    } else if (control.separateFromRequester === true && (control.approvers?.length ?? 0) === 0) {
      warn(
        "four-eyes-without-approvers",
        `control '${control.id}' says approvers are kept off their own requests (separateFromRequester), but names no approvers: the analysis cannot tell who approves, and ignores it`,
        "name the actors who may approve under approvers",
      );
    }
  }
  return warnings;
}
