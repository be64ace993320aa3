// Checks on agents that the schema cannot say alone: an agent the team runs calls a model, and one
// that belongs to another organisation (thirdParty) is only an entry, so what it lists of its own
// internals is ignored, and the warning says so where the author wrote it.
import type { Diagnostic, SourceLocation } from "./diagnostics.js";
import { locationOf } from "./diagnostics.js";
import type { ThreatModel } from "./model.js";

/** What another organisation's agent may list of its own that no rule reads, and no diff of the model counts as a change to review. */
export const THIRD_PARTY_INTERNALS = ["models", "prompts", "tools", "mcpServers", "autonomy", "decision"] as const;

export function agentChecks(model: ThreatModel, locations: ReadonlyMap<string, SourceLocation>, rootFile: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const agent of model.agents) {
    const at = locationOf(locations, agent.id, rootFile);
    if (agent.thirdParty === true) {
      const listed = THIRD_PARTY_INTERNALS.filter((field) => {
        const value = agent[field];
        return Array.isArray(value) ? value.length > 0 : value !== undefined;
      });
      if (listed.length > 0) {
        found.push({
          ...at,
          severity: "warning",
          code: "ignored-for-third-party",
          message: `agent '${agent.id}' is another organisation's (thirdParty), so the analysis ignores its ${listed.join(", ")}: what it says to the team's agents is what counts`,
          hint: "remove them, or drop thirdParty if the team runs this agent",
        });
      }
    } else if ((agent.models?.length ?? 0) === 0) {
      found.push({
        ...at,
        severity: "error",
        code: "missing-field",
        message: `agent '${agent.id}' names no models: an agent the team runs calls at least one`,
        hint: "add models: [the model IDs it calls], or write thirdParty: true for another organisation's agent (a partner's, reached over A2A)",
      });
    }
  }
  return found;
}
