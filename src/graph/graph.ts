// The model as an indexed graph: every lookup the analyses need, built once in
// linear time. Lists are kept in ID order so every traversal is deterministic.
import type { ThreatModel } from "../model/model.js";
import { COMPONENT_LIST_KEYS } from "../model/model.js";
import type { Agent, Boundary, Control, Credential, Data, Flow, Identity, McpServer, Tool } from "../model/schema.js";
import { LIST_KIND } from "../model/schema.js";
import type { Action, ComponentKind, ElementKind } from "../model/vocabulary.js";

/** A tool whose capability names a resource, with the action. */
export interface ToolUse {
  tool: string;
  action: Action;
}

/** Any element with an ID, with its kind. */
export interface Node {
  id: string;
  kind: ElementKind;
  element: { id: string; name?: string; description?: string } & Record<string, unknown>;
}

export interface SystemGraph {
  model: ThreatModel;
  node(id: string): Node | undefined;
  kindOf(id: string): ElementKind | undefined;
  nameOf(id: string): string;
  /** Components of every kind, in ID order. */
  components: Node[];
  /** Components of one kind, in ID order; for agents, those the team runs (not another organisation's, thirdParty). */
  ofKind<K extends ComponentKind>(kind: K): Node[];
  flowsFrom(id: string): Flow[];
  flowsTo(id: string): Flow[];
  /** Tools an agent can call: its own and those of the MCP servers it connects to. */
  toolsOf(agentId: string): Tool[];
  agentsUsingTool(toolId: string): Agent[];
  /** Tools whose capabilities name the resource, with the action, in tool ID order. */
  toolsActingOn(resourceId: string): ToolUse[];
  agentsUsingServer(serverId: string): Agent[];
  /** Tools the MCP server serves, in tool ID order. */
  toolsOfServer(serverId: string): Tool[];
  agentsUsingModel(modelId: string): Agent[];
  agentsLoadingPrompt(promptId: string): Agent[];
  server(id: string): McpServer | undefined;
  tool(id: string): Tool | undefined;
  agent(id: string): Agent | undefined;
  identity(id: string): Identity | undefined;
  identityOf(componentId: string): Identity | undefined;
  /** Components that act as the identity. */
  runningAs(identityId: string): string[];
  credential(id: string): Credential | undefined;
  ownerOfCredential(credentialId: string): Identity | undefined;
  /** Credentials whose secret sits in the component's environment or configuration. */
  credentialsIn(componentId: string): Credential[];
  /** Components that run on a host. */
  hostedOn(hostId: string): string[];
  /** The host a component runs on (runsOn), if any. */
  hostOf(componentId: string): string | undefined;
  controlsCovering(elementId: string): Control[];
  data(id: string): Data | undefined;
  boundary(id: string): Boundary | undefined;
  boundaryOf(componentId: string): string | undefined;
  workflowsOf(componentId: string): string[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function buildGraph(model: ThreatModel): SystemGraph {
  const nodes = new Map<string, Node>();
  // Names are asked for constantly (every sentence a rule writes); read once, not off elements of many shapes each time.
  const names = new Map<string, string>();
  // System-level findings are anchored at the system's ID; an element of the same ID (set below) wins.
  names.set(model.system.id, model.system.name);
  const add = (kind: ElementKind, element: Node["element"]) => {
    nodes.set(element.id, { id: element.id, kind, element });
    if (element.name !== undefined && element.name !== null) names.set(element.id, element.name);
    else names.delete(element.id);
  };
  for (const key of Object.keys(LIST_KIND) as (keyof typeof LIST_KIND)[]) {
    for (const element of model[key]) add(LIST_KIND[key], element as Node["element"]);
  }
  const credentials = new Map<string, Credential>();
  const credentialOwner = new Map<string, Identity>();
  for (const identity of model.identities) {
    for (const credential of identity.credentials ?? []) {
      credentials.set(credential.id, credential);
      credentialOwner.set(credential.id, identity);
      add("credential", credential as Node["element"]);
    }
  }

  const components: Node[] = [];
  for (const key of COMPONENT_LIST_KEYS) for (const element of model[key]) components.push(nodes.get(element.id)!);
  components.sort(byId);
  const componentsByKind = new Map<ElementKind, Node[]>();
  // Another organisation's agent is an entry, not one the rules look inside: it is left out of the agents by kind.
  for (const component of components) if (!(component.kind === "agent" && (component.element as Agent).thirdParty === true)) push(componentsByKind, component.kind, component);

  const flowsFrom = new Map<string, Flow[]>();
  const flowsTo = new Map<string, Flow[]>();
  for (const flow of [...model.flows].sort(byId)) {
    push(flowsFrom, flow.from, flow);
    push(flowsTo, flow.to, flow);
  }

  const toolsByServer = new Map<string, Tool[]>();
  const toolsById = new Map(model.tools.map((t) => [t.id, t]));
  for (const tool of [...model.tools].sort(byId)) if (tool.server) push(toolsByServer, tool.server, tool);

  const agentTools = new Map<string, Tool[]>();
  const agentsByTool = new Map<string, Agent[]>();
  const agentsByServer = new Map<string, Agent[]>();
  const agentsByModel = new Map<string, Agent[]>();
  const agentsByPrompt = new Map<string, Agent[]>();
  for (const agent of [...model.agents].sort(byId)) {
    const tools = new Map<string, Tool>();
    for (const toolId of agent.tools ?? []) {
      const tool = toolsById.get(toolId);
      if (tool) tools.set(tool.id, tool);
    }
    for (const serverId of agent.mcpServers ?? []) {
      push(agentsByServer, serverId, agent);
      for (const tool of toolsByServer.get(serverId) ?? []) tools.set(tool.id, tool);
    }
    const sorted = [...tools.values()].sort(byId);
    agentTools.set(agent.id, sorted);
    for (const tool of sorted) push(agentsByTool, tool.id, agent);
    for (const modelId of agent.models ?? []) push(agentsByModel, modelId, agent);
    for (const promptId of agent.prompts ?? []) push(agentsByPrompt, promptId, agent);
  }

  const toolUses = new Map<string, ToolUse[]>();
  for (const tool of [...model.tools].sort(byId)) for (const capability of tool.capabilities) for (const resource of capability.on ?? []) push(toolUses, resource, { tool: tool.id, action: capability.action });

  const identities = new Map(model.identities.map((i) => [i.id, i]));
  const runningAs = new Map<string, string[]>();
  const hosted = new Map<string, string[]>();
  for (const component of components) {
    const runsAs = component.element.runsAs;
    if (typeof runsAs === "string") push(runningAs, runsAs, component.id);
    const runsOn = component.element.runsOn;
    if (typeof runsOn === "string") push(hosted, runsOn, component.id);
  }

  const credentialsIn = new Map<string, Credential[]>();
  for (const credential of [...credentials.values()].sort(byId)) for (const where of credential.presentIn ?? []) push(credentialsIn, where, credential);

  const coveredBy = new Map<string, Control[]>();
  for (const control of [...model.controls].sort(byId)) for (const covered of control.covers) push(coveredBy, covered, control);

  const workflows = new Map<string, string[]>();
  for (const workflow of [...model.workflows].sort(byId)) for (const member of workflow.components) push(workflows, member, workflow.id);

  const dataById = new Map(model.data.map((d) => [d.id, d]));
  const boundaries = new Map(model.boundaries.map((b) => [b.id, b]));
  const servers = new Map(model.mcpServers.map((s) => [s.id, s]));
  const agentsById = new Map(model.agents.map((a) => [a.id, a]));

  return {
    model,
    node: (id) => nodes.get(id),
    kindOf: (id) => nodes.get(id)?.kind,
    nameOf: (id) => names.get(id) ?? id,
    components,
    ofKind: (kind) => componentsByKind.get(kind) ?? [],
    flowsFrom: (id) => flowsFrom.get(id) ?? [],
    flowsTo: (id) => flowsTo.get(id) ?? [],
    toolsOf: (id) => agentTools.get(id) ?? [],
    agentsUsingTool: (id) => agentsByTool.get(id) ?? [],
    toolsActingOn: (id) => toolUses.get(id) ?? [],
    agentsUsingServer: (id) => agentsByServer.get(id) ?? [],
    toolsOfServer: (id) => toolsByServer.get(id) ?? [],
    agentsUsingModel: (id) => agentsByModel.get(id) ?? [],
    agentsLoadingPrompt: (id) => agentsByPrompt.get(id) ?? [],
    server: (id) => servers.get(id),
    tool: (id) => toolsById.get(id),
    agent: (id) => agentsById.get(id),
    identity: (id) => identities.get(id),
    identityOf: (id) => {
      const runsAs = nodes.get(id)?.element.runsAs;
      return typeof runsAs === "string" ? identities.get(runsAs) : undefined;
    },
    runningAs: (id) => runningAs.get(id) ?? [],
    credential: (id) => credentials.get(id),
    ownerOfCredential: (id) => credentialOwner.get(id),
    credentialsIn: (id) => credentialsIn.get(id) ?? [],
    hostedOn: (id) => hosted.get(id) ?? [],
    hostOf: (id) => {
      const runsOn = nodes.get(id)?.element.runsOn;
      return typeof runsOn === "string" ? runsOn : undefined;
    },
    controlsCovering: (id) => coveredBy.get(id) ?? [],
    data: (id) => dataById.get(id),
    boundary: (id) => boundaries.get(id),
    boundaryOf: (id) => {
      const boundary = nodes.get(id)?.element.boundary;
      return typeof boundary === "string" ? boundary : undefined;
    },
    workflowsOf: (id) => workflows.get(id) ?? [],
  };
}
