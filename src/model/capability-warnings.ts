// Warnings about tool capabilities that carry a field their action does not use: a destination on
// a write, a spending limit on a send. The model is valid and the analysis ignores the field; the
// warning says so, at the tool, so the author's intent (often a limit that matters) is not lost.
// Also a read that returns data none of its resources holds: a slip in one list or the other.
import type { Diagnostic, SourceLocation } from "./diagnostics.js";
import { locationOf } from "./diagnostics.js";
import type { ThreatModel } from "./model.js";
import type { Action } from "./vocabulary.js";
import { DESTINATION_ACTIONS } from "./vocabulary.js";

/** Which actions read each action-specific field of a capability (docs/model.md says the same). */
const READ_BY: Readonly<Record<"destination" | "limit" | "returns" | "fills", readonly Action[]>> = {
  destination: DESTINATION_ACTIONS,
  limit: ["spend"],
  returns: ["read"],
  fills: ["write"],
};

const HINTS: Readonly<Record<keyof typeof READ_BY, string>> = {
  destination: "remove it, or give the destination to the send, publish or fetch capability it describes",
  limit: "remove it, or put the limit on the spend capability or on the identity's spend permission",
  returns: "remove it, or give it to the read capability whose answer it describes",
  fills: "remove it, or give it to the write capability that types the secret into the page",
};

export function capabilityWarnings(model: ThreatModel, locations: ReadonlyMap<string, SourceLocation>, rootFile: string): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  const holdings = new Map<string, readonly string[]>();
  for (const list of [model.datastores, model.sources, model.services, model.datasets, model.prompts] as const) for (const element of list) if (element.holds) holdings.set(element.id, element.holds);
  for (const tool of model.tools) {
    const at = locationOf(locations, tool.id, rootFile);
    tool.capabilities.forEach((capability, index) => {
      for (const field of ["destination", "limit", "returns", "fills"] as const) {
        if (capability[field] === undefined || READ_BY[field].includes(capability.action)) continue;
        warnings.push({
          ...at,
          severity: "warning",
          code: "field-for-another-action",
          message: `tool '${tool.id}', capability ${index + 1} (${capability.action}): ${field} is read only for ${READ_BY[field].join(", ")}, so the analysis ignores it`,
          hint: HINTS[field],
        });
      }
      if (capability.action === "read" && capability.returns) {
        const held = new Set((capability.on ?? []).flatMap((id) => holdings.get(id) ?? []));
        // Only where every resource says what it holds: a service without a holds list may well return the data.
        const allSay = (capability.on ?? []).length > 0 && (capability.on ?? []).every((id) => holdings.has(id));
        for (const data of capability.returns) {
          if (!allSay || held.has(data)) continue;
          warnings.push({
            ...at,
            severity: "warning",
            code: "returns-not-held",
            message: `tool '${tool.id}', capability ${index + 1} (read): returns '${data}', which none of ${(capability.on ?? []).join(", ")} holds, so the agent gets data its source does not have`,
            hint: `add '${data}' to the resource's holds, or take it out of returns`,
          });
        }
      }
    });
  }
  return warnings;
}
