// What each agent, identity and credential can do: agent -> tools -> resources,
// and through code execution on to the credentials present where it runs and
// the permissions of the identities behind them (lateral movement).
import type { SystemGraph } from "../graph/graph.js";
import type { Agent, Capability, Permission, SpendLimit, Tool } from "../model/schema.js";
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
  /**
   * Credentials an agent's code execution can read: in the runtime of a tool that runs code itself, and
   * where its code runs (the components an execute capability names) and in whatever else runs there.
   * A secret in the agent's own configuration is used by its code, not handed to the model, so only
   * code execution reaches it.
   */
  reachableCredentials(agentId: string): { credential: string; via: string[] }[];
  /** Permissions granted but not used by any component acting as the identity. */
  unusedPermissions(identityId: string): PermissionUse[];
  /** Components that act as the identity: those that run as it, and those with no identity of their own whose caller or host does; in ID order. */
  actingAs(identityId: string): string[];
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

/** Where an execute capability of the tool on \`resource\` runs code: there, or, when it names none, where the tool itself runs (its host, else the tool). */
export function codeSite(tool: Tool, resource: string | undefined): string {
  return resource ?? tool.runsOn ?? tool.id;
}

/** Where a tool's execute capabilities run code (codeSite of each); empty for a tool that runs no code. */
export function codeSites(tool: Tool): string[] {
  const sites = new Set<string>();
  for (const capability of tool.capabilities) {
    if (capability.action !== "execute") continue;
    if (!capability.on || capability.on.length === 0) sites.add(codeSite(tool, undefined));
    for (const target of capability.on ?? []) sites.add(codeSite(tool, target));
  }
  return [...sites];
}

/** Whether code run at the site runs in the tool's own runtime (the tool or its host), where the tool's environment is readable. */
export function isOwnRuntime(tool: Tool, site: string): boolean {
  return site === tool.id || site === tool.runsOn;
}

/** Whether some of the tool's code runs in its own runtime. */
export function runsCodeWhereItRuns(tool: Tool): boolean {
  return codeSites(tool).some((site) => isOwnRuntime(tool, site));
}

/** The identity of the host a component runs on, if any. */
function hostIdentity(graph: SystemGraph, host: string | undefined): string | undefined {
  return host ? graph.identityOf(host)?.id : undefined;
}

/**
 * The identity a tool acts as when an agent (if any) calls it: its own, else the agent's, else that of the host
 * either runs on; none for a tool that calls with the asker's delegated token (it acts as the asker).
 */
export function actingIdentity(graph: SystemGraph, tool: Tool, agent?: Agent): string | undefined {
  if (tool.delegated === true) return undefined;
  return tool.runsAs ?? agent?.runsAs ?? hostIdentity(graph, tool.runsOn) ?? hostIdentity(graph, agent?.runsOn);
}

export function analyseCapabilities(graph: SystemGraph): Capabilities {
  const identityEffects = (identityId: string, via: string[] = [], credential?: string): Effect[] =>
    (graph.identity(identityId)?.permissions ?? []).flatMap((permission: Permission) =>
      permission.actions.map((action) => ({
        action,
        resource: permission.resource,
        identity: identityId,
        ...(credential ? { credential } : {}),
        ...(action === "spend" && permission.limit ? { limit: permission.limit } : {}),
        via: [...via, identityId, permission.resource],
      })),
    );

  const reachableCredentials = (agentId: string): { credential: string; via: string[] }[] => {
    const found = new Map<string, string[]>();
    const note = (credentialId: string, via: string[]) => {
      if (!found.has(credentialId)) found.set(credentialId, via);
    };
    for (const tool of graph.toolsOf(agentId)) {
      const sites = codeSites(tool);
      if (sites.length === 0) continue;
      // The tool's own environment, when its code runs where the tool does.
      if (sites.some((site) => isOwnRuntime(tool, site))) for (const credential of graph.credentialsIn(tool.id)) note(credential.id, [agentId, tool.id]);
      for (const site of sites) {
        if (site === tool.id) continue;
        for (const credential of graph.credentialsIn(site)) note(credential.id, [agentId, tool.id, site]);
        // Code on a host can read the configuration of everything else running there.
        for (const neighbour of graph.hostedOn(site)) for (const credential of graph.credentialsIn(neighbour)) note(credential.id, [agentId, tool.id, site, neighbour]);
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
      // Code run in the tool's own runtime can use every permission of the identity the tool runs as;
      // a tool that has code run elsewhere (a CI job it dispatches) only calls out as that identity.
      if (tool.runsAs && runsCodeWhereItRuns(tool)) effects.push(...identityEffects(tool.runsAs, [agentId, tool.id]));
    }
    for (const { credential, via } of reachableCredentials(agentId)) {
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

  // Who acts as each identity: components that name it (runsAs), and those that name none and so act as
  // the identity of the agent that calls them (a tool, actingIdentity) or of their host.
  let acting: Map<string, string[]> | undefined;
  const actingAs = (identityId: string): string[] => {
    if (!acting) {
      const found = new Map<string, Set<string>>();
      const add = (identity: string | undefined, component: string) => {
        if (identity !== undefined) found.set(identity, (found.get(identity) ?? new Set()).add(component));
      };
      for (const identity of graph.model.identities) for (const component of graph.runningAs(identity.id)) add(identity.id, component);
      for (const kind of ["agent", "tool", "pipeline", "service", "mcp-server"] as const) {
        for (const node of graph.ofKind(kind)) {
          if (graph.identityOf(node.id) !== undefined) continue;
          const tool = graph.tool(node.id);
          if (!tool) add(hostIdentity(graph, node.element.runsOn as string | undefined), node.id);
          else {
            const callers = graph.agentsUsingTool(tool.id);
            for (const agent of callers.length > 0 ? callers : [undefined]) add(actingIdentity(graph, tool, agent), node.id);
          }
        }
      }
      acting = new Map([...found].map(([identity, components]) => [identity, [...components].sort()]));
    }
    return acting.get(identityId) ?? [];
  };

  const unusedPermissions = (identityId: string): PermissionUse[] => {
    const identity = graph.identity(identityId);
    if (!identity) return [];
    const used = new Set<string>();
    const use = (resource: string, action: Action) => used.add(`${resource}\u0000${action}`);
    // A call uses what it does and, on a metered API (a model, a search or screening vendor), spend: whatever the
    // call does, it is billed, so spend granted on what a component acting as the identity calls is used.
    const call = (resource: string, actions: readonly Action[]) => {
      for (const action of actions) use(resource, action);
      use(resource, "spend");
    };
    // A component that holds one of the identity's credentials (presentIn), or runs on a host that does, may act as it
    // too: a pipeline on a host whose workload token is projected into it writes with that token.
    const holders = new Set<string>();
    for (const credential of identity.credentials ?? []) {
      for (const where of credential.presentIn ?? []) {
        holders.add(where);
        for (const hosted of graph.hostedOn(where)) holders.add(hosted);
      }
    }
    // Calling a model: some clouds grant it as invoke, which teams write as execute; that is the same call, not running code.
    for (const componentId of new Set([...actingAs(identityId), ...[...holders].sort()])) {
      const tool = graph.tool(componentId);
      for (const capability of tool?.capabilities ?? []) for (const resource of capability.on ?? []) call(resource, USES[capability.action]);
      // Keeping a copy in step with its sources (an ingestion flow into a store) removes what was removed there.
      // A mail service's grant to send is used by what sends through it, and by the mailer itself.
      for (const flow of graph.flowsFrom(componentId)) {
        call(flow.to, graph.kindOf(flow.to) === "model" ? ["read", "write", "execute"] : flow.channel === "ingestion" && graph.kindOf(flow.to) === "datastore" ? ["write", "delete"] : ["write"]);
        if (sendsEmail(graph, flow.to)) use(flow.to, "send");
      }
      if (sendsEmail(graph, componentId)) use(componentId, "send");
      for (const flow of graph.flowsTo(componentId)) use(flow.from, "read");
      for (const model of graph.agent(componentId)?.models ?? []) call(model, ["read", "execute"]);
    }
    const unused: PermissionUse[] = [];
    for (const permission of identity.permissions ?? []) {
      for (const action of permission.actions) {
        if (!used.has(`${permission.resource}\u0000${action}`)) unused.push({ identity: identityId, resource: permission.resource, action, ...(permission.scope ? { scope: permission.scope } : {}) });
      }
    }
    return unused;
  };

  return { agentEffects, reachableCredentials, unusedPermissions, actingAs, identityEffects: (id) => identityEffects(id) };
}

/** A component that sends email: a service of type email, or one that handles sends-email. */
function sendsEmail(graph: SystemGraph, id: string): boolean {
  const element = graph.node(id)?.element;
  return graph.kindOf(id) === "service" && (element?.type === "email" || (Array.isArray(element?.handles) && element.handles.includes("sends-email")));
}
