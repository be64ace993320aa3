// Attack paths as ordered steps, each an element, what the attacker does there,
// and the MITRE ATLAS technique. Rules build the entry part here and add the
// steps their threat ends with.
import type { PathStep } from "../rules/rule.js";
import type { SystemGraph } from "../graph/graph.js";
import type { Flow } from "../model/schema.js";
import type { Effect } from "./capabilities.js";
import type { Hop, UntrustedContent, UntrustedOrigin } from "./untrusted-content.js";

export const TECHNIQUE = {
  directInjection: "AML.T0051.000",
  indirectInjection: "AML.T0051.001",
  ragPoisoning: "AML.T0070",
  memoryPoisoning: "AML.T0080.000",
  toolPoisoning: "AML.T0110",
  agentConfiguration: "AML.T0081",
  toolInvocation: "AML.T0053",
  dataFromAgentTools: "AML.T0085.001",
  dataFromRag: "AML.T0085.000",
  exfiltrationViaTool: "AML.T0086",
  responseRendering: "AML.T0077",
  dataDestruction: "AML.T0101",
  commandInterpreter: "AML.T0050",
  maliciousCommands: "AML.T0102",
  unsecuredCredentials: "AML.T0055",
  toolCredentialHarvesting: "AML.T0098",
  validAccounts: "AML.T0012",
  financialHarm: "AML.T0048.000",
  reputationalHarm: "AML.T0048.001",
  costHarvesting: "AML.T0034",
} as const;

/** A client or a service: it passes a person's text on as it is (a chat widget, a gateway, a phone line), taking no step of its own. */
export function isRelay(graph: SystemGraph, id: string): boolean {
  const kind = graph.kindOf(id);
  return kind === "client" || kind === "service";
}

/**
 * Whether a client or service passes what reaches it by the flow in (a flow's ID, or undefined for content
 * that did not come by a flow) on along the flow out: always, unless the flow out names what it relays.
 */
export function passesOn(inbound: string | undefined, outbound: Pick<Flow, "relays">): boolean {
  return outbound.relays === undefined || (inbound !== undefined && outbound.relays.includes(inbound));
}

/** Whether some flow out of the client or service names what it relays: it routes, rather than passing everything on. */
export function routes(graph: SystemGraph, id: string): boolean {
  let routing = routingIndex.get(graph);
  if (!routing) routingIndex.set(graph, (routing = new Set(graph.model.flows.filter((f) => f.relays !== undefined).map((f) => f.from))));
  return routing.size > 0 && routing.has(id);
}

const routingIndex = new WeakMap<SystemGraph, ReadonlySet<string>>();

/** The flow a hop came by, when it came by one. */
export function hopFlow(graph: SystemGraph, hop: Hop | undefined): Flow | undefined {
  const node = hop?.via === "flow" && hop.ref !== undefined ? graph.node(hop.ref) : undefined;
  return node?.kind === "flow" ? (node.element as unknown as Flow) : undefined;
}

/** The flow the origin's text leaves along, when the first hop is a flow. */
function firstFlow(graph: SystemGraph, hops: readonly Hop[]): Flow | undefined {
  return hopFlow(graph, hops[1]);
}

/**
 * A direct injection: the attacker's text goes straight to the agent through clients and services only.
 * Words spoken into someone else's session that the system does not take as requests (session, asks: false) are content.
 */
export function isDirect(graph: SystemGraph, hops: readonly Hop[]): boolean {
  const first = hops[0];
  if (!first || graph.kindOf(first.node) !== "actor") return false;
  if (firstFlow(graph, hops)?.session?.asks === false) return false;
  for (let i = 1; i < hops.length - 1; i++) if (!isRelay(graph, hops[i]!.node)) return false;
  return true;
}

/** Steps from an untrusted origin to the agent that ends up following the attacker's text. */
export function entrySteps(graph: SystemGraph, untrusted: UntrustedContent, origin: UntrustedOrigin, agentId: string): PathStep[] {
  const hops = untrusted.pathFrom(origin.id, agentId);
  if (hops.length === 0) return [];
  const direct = isDirect(graph, hops);
  const steps: PathStep[] = [];
  hops.forEach((hop, index) => {
    const name = graph.nameOf(hop.node);
    const kind = graph.kindOf(hop.node);
    if (index === 0) {
      if (direct) steps.push({ element: hop.node, action: `${name} sends a message with injected instructions`, technique: TECHNIQUE.directInjection });
      else if (kind === "mcp-server") steps.push({ element: hop.node, action: `${name} serves tool descriptions or output that carry instructions`, technique: TECHNIQUE.toolPoisoning });
      else if (kind === "prompt") steps.push({ element: hop.node, action: `attacker edits the instruction file ${name}`, technique: TECHNIQUE.agentConfiguration });
      else if (kind === "actor") steps.push({ element: hop.node, action: actorInjects(graph, hops), technique: TECHNIQUE.indirectInjection });
      // Another organisation's agent (thirdParty): its own replies carry the instructions.
      else if (kind === "agent" && graph.agent(hop.node)?.thirdParty === true) steps.push({ element: hop.node, action: `${name}, another organisation's agent, replies with injected instructions`, technique: TECHNIQUE.indirectInjection });
      else steps.push({ element: hop.node, action: `attacker plants instructions in ${name} (${origin.reason})`, technique: TECHNIQUE.indirectInjection });
      return;
    }
    if (index === hops.length - 1) {
      steps.push({ element: hop.node, action: `${name} reads the text and follows the injected instructions`, technique: direct ? TECHNIQUE.directInjection : TECHNIQUE.indirectInjection });
      return;
    }
    if (direct && isRelay(graph, hop.node)) return; // pass-through hops add nothing to a direct injection
    const store = graph.node(hop.node)?.element.type;
    if (kind === "datastore" && store === "vector") steps.push({ element: hop.node, action: `the text is indexed into ${name} and retrieved later`, technique: TECHNIQUE.ragPoisoning });
    else if (kind === "datastore" && store === "memory") steps.push({ element: hop.node, action: `the text persists in ${name}`, technique: TECHNIQUE.memoryPoisoning });
    else if (kind === "agent") steps.push({ element: hop.node, action: `${name} is steered and passes the instructions on`, technique: TECHNIQUE.indirectInjection });
    else if (kind === "tool") steps.push({ element: hop.node, action: `${name} returns the text to the agent`, technique: hop.via === "tool-description" ? TECHNIQUE.toolPoisoning : TECHNIQUE.indirectInjection });
    else steps.push({ element: hop.node, action: `the text passes through ${name}`, technique: TECHNIQUE.indirectInjection });
  });
  return steps;
}

/** What an actor whose text is content, not a request, does to inject: writes it, or says it in someone else's session. */
function actorInjects(graph: SystemGraph, hops: readonly Hop[]): string {
  const name = graph.nameOf(hops[0]!.node);
  const session = firstFlow(graph, hops)?.session;
  return session ? `${name} speak or write hidden instructions into a session ${graph.nameOf(session.of)} started` : `${name} writes text with hidden instructions`;
}

/** The step in which a hijacked agent uses a capability. */
export function effectStep(graph: SystemGraph, effect: Effect): PathStep {
  const target = effect.resource ? graph.nameOf(effect.resource) : "outside recipients";
  const tool = effect.tool ? graph.nameOf(effect.tool) : "a tool";
  switch (effect.action) {
    case "read":
      return { element: effect.tool ?? effect.resource ?? "", action: `calls ${tool} to read ${target}`, technique: TECHNIQUE.dataFromAgentTools };
    case "send":
    case "fetch":
      return { element: effect.tool ?? "", action: `calls ${tool} to send the data to an address the attacker chose`, technique: TECHNIQUE.exfiltrationViaTool };
    case "publish":
      return { element: effect.tool ?? "", action: `calls ${tool} to publish attacker-chosen content on ${target}`, technique: TECHNIQUE.toolInvocation };
    case "spend":
      return { element: effect.tool ?? "", action: `calls ${tool} to pay out from ${target}`, technique: TECHNIQUE.financialHarm };
    case "delete":
      return { element: effect.tool ?? effect.resource ?? "", action: `calls ${tool} to delete in ${target}`, technique: TECHNIQUE.dataDestruction };
    case "execute":
      return { element: effect.tool ?? "", action: `calls ${tool} to run attacker-chosen commands`, technique: TECHNIQUE.commandInterpreter };
    case "write":
    case "admin":
      return { element: effect.tool ?? effect.resource ?? "", action: `calls ${tool} to change ${target}`, technique: TECHNIQUE.toolInvocation };
  }
}
