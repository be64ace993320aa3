// Where a team would put a control of each type, given an element a finding is anchored at. The
// scoring counts a control on any element of a finding's scope, so the element where a control
// scores most is often the agent; but no one builds a spend cap or an authorisation check "on an
// agent": they build it in the tool that pays, or the retrieval that filters.
import type { ThreatModel } from "../model/model.js";
import { ELEMENT_LIST_KEYS } from "../model/schema.js";
import type { ControlType } from "../model/vocabulary.js";
import { CONSEQUENTIAL_ACTIONS } from "../model/vocabulary.js";

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
export function placer(model: ThreatModel): (anchors: readonly string[], type: ControlType) => string[] {
  const agents = new Map(model.agents.map((a) => [a.id, a]));
  const tools = new Map(model.tools.map((t) => [t.id, t]));
  const runsAs = new Map<string, string>();
  const runsOn = new Map<string, string>();
  for (const key of ELEMENT_LIST_KEYS) {
    for (const element of model[key] as readonly { id?: string; runsAs?: string; runsOn?: string }[]) {
      if (element.id === undefined) continue;
      if (element.runsAs !== undefined) runsAs.set(element.id, element.runsAs);
      if (element.runsOn !== undefined) runsOn.set(element.id, element.runsOn);
    }
  }
  const stores = new Set([...model.datastores, ...model.sources].map((s) => s.id));
  const identityOf = (id: string) => runsAs.get(id) ?? runsAs.get(runsOn.get(id) ?? "");
  const toolsOf = (agentId: string, does: (tool: NonNullable<ReturnType<typeof tools.get>>) => boolean) =>
    (agents.get(agentId)?.tools ?? []).filter((id) => {
      const tool = tools.get(id);
      return tool !== undefined && does(tool);
    });

  /** Where the control goes instead of the anchor; undefined to keep it on the anchor, [] for nowhere. */
  const moved = (id: string, type: ControlType): string[] | undefined => {
    const agent = agents.get(id);
    if (ON_IDENTITY.has(type) && (agent || tools.has(id))) {
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
        return [...new Set(model.flows.filter((f) => f.to === id && stores.has(f.from)).map((f) => f.from))];
      }
      case "tenant-isolation": {
        // The store returns only the caller's rows: the stores its tools read and those it retrieves from.
        const read = toolsOf(id, () => true).flatMap((t) => tools.get(t)!.capabilities.filter((c) => c.action === "read").flatMap((c) => c.on ?? []));
        const retrieved = model.flows.filter((f) => f.to === id).map((f) => f.from);
        return nonEmpty([...new Set([...read, ...retrieved])].filter((s) => stores.has(s)));
      }
      case "spend-limit":
        return nonEmpty([...toolsOf(id, (t) => t.capabilities.some((c) => c.action === "spend")), ...agent.models]);
      case "output-encoding":
        // Encoding is done where the output is rendered: the clients and services the agent's output goes to.
        return nonEmpty([...new Set(model.flows.filter((f) => f.from === id && f.channel === "output").map((f) => f.to))]);
      case "egress-allowlist":
        return nonEmpty(toolsOf(id, (t) => t.capabilities.some((c) => (c.action === "send" || c.action === "publish" || c.action === "fetch") && c.destination !== "fixed")));
      default:
        return ON_ARTIFACT.has(type) ? nonEmpty([...(agent.mcpServers ?? []), ...agent.models]) : undefined;
    }
  };
  return (anchors, type) => anchors.filter((id) => id !== model.system.id).flatMap((id) => moved(id, type) ?? [id]);
}

const nonEmpty = (ids: string[]): string[] | undefined => (ids.length > 0 ? ids : undefined);
