// Warnings about tool capabilities that carry a field their action does not use: a destination on
// a write, a spending limit on a send. The model is valid and the analysis ignores the field; the
// warning says so, at the tool, so the author's intent (often a limit that matters) is not lost.
import type { Diagnostic, SourceLocation } from "./diagnostics.js";
import { locationOf } from "./diagnostics.js";
import type { ThreatModel } from "./model.js";
import type { Action } from "./vocabulary.js";
import { DESTINATION_ACTIONS } from "./vocabulary.js";

/** Which actions read each action-specific field of a capability (docs/model.md says the same). */
const READ_BY: Readonly<Record<"destination" | "limit", readonly Action[]>> = {
  destination: DESTINATION_ACTIONS,
  limit: ["spend"],
};

export function capabilityWarnings(model: ThreatModel, locations: ReadonlyMap<string, SourceLocation>, rootFile: string): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  for (const tool of model.tools) {
    const at = locationOf(locations, tool.id, rootFile);
    tool.capabilities.forEach((capability, index) => {
      for (const field of ["destination", "limit"] as const) {
        if (capability[field] === undefined || READ_BY[field].includes(capability.action)) continue;
        warnings.push({
          ...at,
          severity: "warning",
          code: "field-for-another-action",
          message: `tool '${tool.id}', capability ${index + 1} (${capability.action}): ${field} is read only for ${READ_BY[field].join(", ")}, so the analysis ignores it`,
          hint: field === "destination" ? "remove it, or give the destination to the send, publish or fetch capability it describes" : "remove it, or put the limit on the spend capability or on the identity's spend permission",
        });
      }
    });
  }
  return warnings;
}
