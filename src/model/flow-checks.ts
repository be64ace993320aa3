// Checks on flows that the schema cannot say alone: a session (whose signed-in session the sender
// speaks into) is about an actor's words, so it belongs on a flow from an actor, and on one from
// someone other than the session's owner.
import type { Diagnostic, SourceLocation } from "./diagnostics.js";
import { locationOf } from "./diagnostics.js";
import type { ThreatModel } from "./model.js";

export function flowChecks(model: ThreatModel, locations: ReadonlyMap<string, SourceLocation>, rootFile: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  const actors = new Set(model.actors.map((a) => a.id));
  for (const flow of model.flows) {
    if (!flow.session) continue;
    const at = locationOf(locations, flow.id, rootFile);
    if (!actors.has(flow.from)) {
      found.push({
        ...at,
        severity: "error",
        code: "invalid-value",
        message: `flow '${flow.id}' has a session but leaves '${flow.from}', which is not an actor: a session says how a person's words enter someone else's session`,
        hint: "move session to the flow from the actor who speaks or writes (from: patients), or remove it",
      });
    } else if (flow.session.of === flow.from) {
      found.push({
        ...at,
        severity: "error",
        code: "invalid-value",
        message: `flow '${flow.id}' has a session of '${flow.from}', its own sender: a session names the other actor, whose signed-in session the sender speaks into`,
        hint: "name the actor who starts the session (of: clinicians), or remove session if the sender signs in themselves",
      });
    }
  }
  return found;
}
