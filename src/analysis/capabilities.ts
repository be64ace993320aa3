// What each agent, identity and credential can do: agent -> tools -> resources,
// and through code execution on to the credentials present where it runs and
// the permissions of the identities behind them (lateral movement).
import type { SystemGraph } from "../graph/graph.js";
import type { Capability, Permission, SpendLimit } from "../model/schema.js";
import type { Action } from "../model/vocabulary.js";
import type { z } from "zod";

export interface Effect {
  action: Action;
  resource?: string;
  /** The tool the agent calls for it. */
  tool?: string;
  /** Set when the effect is reached with a credential the agent should not hold (lateral movement). */
  credential?: string;
  identity?: string;
  destination?: Capability["destination"];
  limit?: z.infer<typeof SpendLimit>;
  /** Elements from the acting agent to the resource, for explanations. */
  via: string[];
}

export interface PermissionUse {
  identity: string;
  resource: string;
  action: Action;
  scope?: string;
}

export interface Capabilities {
  /** Everything an agent can do through its tools, and laterally through code execution. */
  agentEffects(agentId: string): Effect[];
  /** Credentials an agent can get hold of through code execution or its own runtime. */
  reachableCredentials(agentId: string): { credential: string; via: string[] }[];
  /** Permissions granted but not used by any component acting as the identity. */
  unusedPermissions(identityId: string): PermissionUse[];
  /** What the identity is granted, as effects. */
  identityEffects(identityId: string): Effect[];
}

/** Permission actions a capability uses. */
const USES: Record<Action, Action[]> = {
  read: ["read"],
  fetch: ["read"],
  write: ["write"],
  delete: ["delete"],
  execute: ["execute"],
  send: ["send"],
  publish: ["publish", "write"],
  spend: ["spend", "write"],
  admin: ["admin"],
};

export function analyseCapabilities(graph: SystemGraph): Capabilities {
  const identityEffects = (identityId: string, via: string[] = [], credential?: string): Effect[] =>
    (graph.identity(identityId)?.permissions ?? []).flatMap((permission: Permission) =>
      permission.actions.map((action) => ({
        action,
        resource: permission.resource,
        identity: identityId,
        ...(credential ? { credential } : {}),
        via: [...via, identityId, permission.resource],
      })),
    );

  const reachableCredentials = (agentId: string): { credential: string; via: string[] }[] => {
    const agent = graph.node(agentId);
    if (!agent) return [];
    const found = new Map<string, string[]>();
    const note = (credentialId: string, via: string[]) => {
      if (!found.has(credentialId)) found.set(credentialId, via);
    };
    for (const credential of graph.credentialsIn(agentId)) note(credential.id, [agentId]);
    for (const tool of graph.toolsOf(agentId)) {
      if (!tool.capabilities.some((c) => c.action === "execute")) continue;
      for (const credential of graph.credentialsIn(tool.id)) note(credential.id, [agentId, tool.id]);
      const host = tool.runsOn;
      if (host) {
        for (const credential of graph.credentialsIn(host)) note(credential.id, [agentId, tool.id, host]);
        // Code on a host can read the configuration of everything else running there.
        for (const neighbour of graph.hostedOn(host)) for (const credential of graph.credentialsIn(neighbour)) note(credential.id, [agentId, tool.id, host, neighbour]);
      }
    }
    return [...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([credential, via]) => ({ credential, via }));
  };

  const agentEffectsCache = new Map<string, Effect[]>();
  const agentEffects = (agentId: string): Effect[] => {
    const cached = agentEffectsCache.get(agentId);
    if (cached) return cached;
    const effects: Effect[] = [];
    for (const tool of graph.toolsOf(agentId)) {
      for (const capability of tool.capabilities) {
        const base = {
          action: capability.action,
          tool: tool.id,
          ...(capability.destination ? { destination: capability.destination } : {}),
          ...(capability.limit ? { limit: capability.limit } : {}),
        };
        if (!capability.on || capability.on.length === 0) effects.push({ ...base, via: [agentId, tool.id] });
        for (const resource of capability.on ?? []) effects.push({ ...base, resource, via: [agentId, tool.id, resource] });
      }
      // A tool that runs code can use every permission of the identity it runs as.
      if (tool.capabilities.some((c) => c.action === "execute") && tool.runsAs) effects.push(...identityEffects(tool.runsAs, [agentId, tool.id]));
    }
    for (const { credential, via } of reachableCredentials(agentId)) {
      // A secret in the agent's own configuration is used by its code, not handed to the model: only code execution reaches it.
      if (via.length < 2) continue;
      const owner = graph.ownerOfCredential(credential);
      if (owner) effects.push(...identityEffects(owner.id, [...via, credential], credential));
    }
    // One identity reached through several of its credentials grants the same thing once.
    const seen = new Set<string>();
    const unique = effects.filter((e) => {
      const key = [e.action, e.resource ?? "", e.tool ?? "", e.identity ?? ""].join("\u0000");
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    agentEffectsCache.set(agentId, unique);
    return unique;
  };

  const unusedPermissions = (identityId: string): PermissionUse[] => {
    const identity = graph.identity(identityId);
    if (!identity) return [];
    const used = new Set<string>();
    const use = (resource: string, action: Action) => used.add(`${resource}\u0000${action}`);
    for (const componentId of graph.runningAs(identityId)) {
      const tool = graph.tool(componentId);
      for (const capability of tool?.capabilities ?? []) for (const resource of capability.on ?? []) for (const action of USES[capability.action]) use(resource, action);
      for (const flow of graph.flowsFrom(componentId)) use(flow.to, "write");
      for (const flow of graph.flowsTo(componentId)) use(flow.from, "read");
      // Calling a model reads from it and, on a metered API, spends on it.
      const called = [...(graph.agent(componentId)?.models ?? []), ...graph.flowsFrom(componentId).map((f) => f.to).filter((to) => graph.kindOf(to) === "model")];
      for (const model of called) for (const action of ["read", "spend"] as const) use(model, action);
    }
    const unused: PermissionUse[] = [];
    for (const permission of identity.permissions ?? []) {
      for (const action of permission.actions) {
        if (!used.has(`${permission.resource}\u0000${action}`)) unused.push({ identity: identityId, resource: permission.resource, action, ...(permission.scope ? { scope: permission.scope } : {}) });
      }
    }
    return unused;
  };

  return { agentEffects, reachableCredentials, unusedPermissions, identityEffects: (id) => identityEffects(id) };
}
