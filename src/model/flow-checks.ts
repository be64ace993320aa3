// Checks on flows that the schema cannot say alone: a session (whose signed-in session the sender
// speaks into) is about an actor's words, so it belongs on a flow from an actor, and on one from
// someone other than the session's owner. A flow's relays name flows into the client or service it leaves.
import type { Diagnostic, SourceLocation } from "./diagnostics.js";
import { locationOf } from "./diagnostics.js";
import type { ThreatModel } from "./model.js";
import type { Flow } from "./schema.js";

export function flowChecks(model: ThreatModel, locations: ReadonlyMap<string, SourceLocation>, rootFile: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  const actors = new Set(model.actors.map((a) => a.id));
  const flows = new Map(model.flows.map((f) => [f.id, f]));
  const clientsAndServices = new Set([...model.clients, ...model.services].map((c) => c.id));
  for (const flow of model.flows) {
    if (flow.relays) found.push(...relayChecks(flow, flow.relays, flows, clientsAndServices, locationOf(locations, flow.id, rootFile)));
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

/** A flow's relays route what a client or service passes on: the flow leaves one, and each relayed flow arrives at it. */
function relayChecks(flow: Flow, relays: readonly string[], flows: ReadonlyMap<string, Flow>, clientsAndServices: ReadonlySet<string>, at: SourceLocation): Diagnostic[] {
  if (!clientsAndServices.has(flow.from)) {
    return [
      {
        ...at,
        severity: "error",
        code: "invalid-value",
        message: `flow '${flow.id}' has relays but leaves '${flow.from}', which is not a client or service: relays say which of what reaches a client or service it passes on`,
        hint: "remove relays, or put them on the flow that leaves the client or service",
      },
    ];
  }
  return relays
    .filter((id) => flows.get(id)?.to !== flow.from)
    .map((id) => ({
      ...at,
      severity: "error" as const,
      code: "invalid-value" as const,
      message: `flow '${flow.id}' relays '${id}', which does not arrive at '${flow.from}': a flow can carry on only what reaches the component it leaves`,
      hint: `name flows whose 'to' is ${flow.from}`,
    }));
}
