// Where a team would put a control of each type, given an element a finding is anchored at. The
// scoring counts a control on any element of a finding's scope, so the element where a control
// scores most is often the agent; but no one builds a spend cap or an authorisation check "on an
// agent": they build it in the tool that pays, or the retrieval that filters.
import type { SystemGraph } from "../graph/graph.js";
import type { Tool } from "../model/schema.js";
import type { ControlType } from "../model/vocabulary.js";
import { CONSEQUENTIAL_ACTIONS, reachesOutside } from "../model/vocabulary.js";

/** Control types that belong on an identity: an agent or tool gets them through the identity it acts as. */
const ON_IDENTITY: ReadonlySet<ControlType> = new Set(["least-privilege", "secret-rotation"]);
/** Control types that belong on an artifact: an agent gets them through its MCP servers and models. */
const ON_ARTIFACT: ReadonlySet<ControlType> = new Set(["pinned-artifacts", "signed-artifacts", "dependency-scanning"]);

/**
 * Where a control of the type may go for a finding, from its anchors (not the system's own ID,
 * which system-level findings carry and no control covers). On an agent:
 * - an approval goes on the tools that act (a person approves the refund, not every answer);
 * - an authorisation check on the tools it calls, else on the stores it retrieves from, never on
 *   the agent itself: the model cannot be trusted to check who may see what;
 * - tenant isolation on the stores its tools read or it retrieves from;
 * - a spend cap on the tools that spend and on the models it calls, one budget each;
 * - an egress allowlist on the tools that send, publish or fetch where the caller chooses;
 * - output encoding where its output is rendered, on the clients and services it writes to;
 * - pinning, signing and dependency scanning on its MCP servers and models.
 * On an agent or tool, least privilege and rotation go on the identity it acts as (its own, else
 * its host's). Otherwise, or with nowhere to move to, the control stays on the anchor.
 */
export function placer(graph: SystemGraph): (anchors: readonly string[], type: ControlType) => string[] {
  const { model } = graph;
  const identityOf = (id: string) => graph.identityOf(id)?.id ?? graph.identityOf(graph.hostOf(id) ?? "")?.id;
  const isStore = (id: string) => graph.kindOf(id) === "datastore" || graph.kindOf(id) === "source";
  // The tools the agent lists itself (not its MCP servers'), as a team wires controls to them.
  const toolsOf = (agentId: string, does: (tool: Tool) => boolean) =>
    (graph.agent(agentId)?.tools ?? []).filter((id) => {
      const tool = graph.tool(id);
      return tool !== undefined && does(tool);
    });

  /** Where the control goes instead of the anchor; undefined to keep it on the anchor, [] for nowhere. */
  const moved = (id: string, type: ControlType): string[] | undefined => {
    const agent = graph.agent(id);
    if (ON_IDENTITY.has(type) && (agent || graph.tool(id))) {
      const identity = identityOf(id);
      return identity === undefined ? undefined : [identity];
    }
    if (!agent) return undefined;
    switch (type) {
      case "human-approval":
        return nonEmpty(toolsOf(id, (t) => t.capabilities.some((c) => CONSEQUENTIAL_ACTIONS.has(c.action))));
      case "authorization": {
        const called = toolsOf(id, () => true);
        if (called.length > 0) return called;
        return [...new Set(graph.flowsTo(id).map((f) => f.from).filter(isStore))];
      }
      case "tenant-isolation": {
        // The store returns only the caller's rows: the stores its tools read and those it retrieves from.
        const read = toolsOf(id, () => true).flatMap((t) => graph.tool(t)!.capabilities.filter((c) => c.action === "read").flatMap((c) => c.on ?? []));
        const retrieved = graph.flowsTo(id).map((f) => f.from);
        return nonEmpty([...new Set([...read, ...retrieved])].filter(isStore));
      }
      case "spend-limit":
        return nonEmpty([...toolsOf(id, (t) => t.capabilities.some((c) => c.action === "spend")), ...(agent.models ?? [])]);
      case "output-encoding":
        // Encoding is done where the output is rendered: the clients and services the agent's output goes to.
        return nonEmpty([...new Set(graph.flowsFrom(id).filter((f) => f.channel === "output").map((f) => f.to))]);
      case "egress-allowlist":
        return nonEmpty(toolsOf(id, (t) => t.capabilities.some(reachesOutside)));
      default:
        return ON_ARTIFACT.has(type) ? nonEmpty([...(agent.mcpServers ?? []), ...(agent.models ?? [])]) : undefined;
    }
  };
  return (anchors, type) => anchors.filter((id) => id !== model.system.id).flatMap((id) => moved(id, type) ?? [id]);
}

const nonEmpty = (ids: string[]): string[] | undefined => (ids.length > 0 ? ids : undefined);
