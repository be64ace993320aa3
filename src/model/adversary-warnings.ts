// Warnings about adversaries whose `via` names something no attacker text comes in by: a service, a
// model, an agent the team runs (an inference endpoint outsiders reach is a way in). A finding counts
// an adversary only at an untrusted entry it names (or whose writers it names), so such an adversary
// raises nothing and the author would not know it.
import type { Diagnostic, SourceLocation } from "./diagnostics.js";
import { locationOf } from "./diagnostics.js";
import type { ThreatModel } from "./model.js";

/** The IDs that can be a way in (analysis/factors.ts waysIn): what can be an untrusted entry, and what a fetching tool reads. */
function possibleWaysIn(model: ThreatModel): Set<string> {
  const ways = new Set<string>();
  for (const actor of model.actors) ways.add(actor.id);
  for (const source of model.sources) ways.add(source.id);
  for (const list of [model.datastores, model.prompts, model.datasets]) for (const element of list) if ((element.writableBy ?? []).length > 0) ways.add(element.id);
  for (const server of model.mcpServers) ways.add(server.id);
  for (const agent of model.agents) if (agent.thirdParty === true) ways.add(agent.id);
  // A self-hosted model's inference endpoint outsiders can reach: extraction, inversion and evasion start there.
  const reachable = (exposure: unknown) => exposure === "internet" || exposure === "partner";
  for (const service of model.services) if (service.type === "inference-server" && reachable(service.exposure)) ways.add(service.id);
  for (const m of model.models) if (m.hosting === "self-hosted" && reachable(m.exposure)) ways.add(m.id);
  for (const tool of model.tools) {
    for (const capability of tool.capabilities) {
      if (capability.action !== "fetch") continue;
      ways.add(tool.id);
      for (const target of capability.on ?? []) ways.add(target);
    }
  }
  return ways;
}

export function adversaryWarnings(model: ThreatModel, locations: ReadonlyMap<string, SourceLocation>, rootFile: string): Diagnostic[] {
  if (!model.adversaries.some((a) => a.via)) return [];
  const ways = possibleWaysIn(model);
  const warnings: Diagnostic[] = [];
  for (const adversary of model.adversaries) {
    const idle = (adversary.via ?? []).filter((id) => !ways.has(id));
    if (idle.length === 0) continue;
    const none = idle.length === adversary.via!.length;
    warnings.push({
      ...locationOf(locations, adversary.id, rootFile),
      severity: "warning",
      code: "via-names-no-entry",
      message: `adversary '${adversary.id}': via names ${idle.map((id) => `'${id}'`).join(", ")}, which no attacker text comes in by, so ${none ? "no finding counts this adversary" : "findings count it only where its other ways in are"}`,
      hint: "name the actors the adversary acts as (the public users of an API), a source, store, prompt or dataset they write to, an MCP server, a fetching tool, or another organisation's agent (thirdParty: true)",
    });
  }
  return warnings;
}
