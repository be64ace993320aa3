import { heldData } from "../../analysis/sensitivity.js";
import type { SystemGraph } from "../../graph/graph.js";
import { CONSEQUENTIAL_ACTIONS } from "../../model/vocabulary.js";
import type { Factor, Rule } from "../rule.js";
import { isSevere } from "../helpers.js";

export const overPrivilegedIdentity: Rule = {
  id: "TW-NHI-001",
  title: "Over-privileged non-human identity",
  category: "identity",
  rationale:
    "An identity granted more than the components acting as it use widens the blast radius of every one of them: a hijacked agent, a leaked key or a bug in a tool can do everything the identity may, not just what the system needs.",
  appliesWhen:
    "An identity is granted a change, delete, admin, execute, spend, send or publish permission that no component acting as it uses (tool capabilities and flows are what counts as used). A component with no runsAs of its own acts as the identity of the agent that calls it (a tool) or of the host it runs on, so an agent on a host uses the host's grants; a component that holds one of the identity's credentials (presentIn), or runs on a host that does, may use its grants too; an ingestion flow into a store uses write and delete (keeping a copy in step with its sources removes what was removed there). Impact +1 where an unused grant administers, runs code, spends (with no cap on the total per hour, day or month under the material loss), or deletes in a resource that holds more than public data.",
  mappings: {
    stride: ["E"],
    owaspLlm: ["LLM06:2025"],
    owaspAgentic: ["ASI03"],
    owaspAgenticThreats: ["T3"],
    owaspNhi: ["NHI5:2025"],
    owaspMcp: ["MCP02:2025"],
    atlasMitigations: ["AML.M0026", "AML.M0028"],
    maestro: ["L4", "L6"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    nistCsf: ["PR.AA-05"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [{ control: "least-privilege", reduces: "impact", by: 2, how: "scopes are reviewed against what is used" }],
  detect(context) {
    const { graph, capabilities, untrusted } = context;
    const origins = new Set(untrusted.origins.map((o) => o.id));
    return graph.model.identities.flatMap((identity) => {
      const users = capabilities.actingAs(identity.id);
      if (users.length === 0) return []; // unused identities are a different finding
      const excess = capabilities.unusedPermissions(identity.id).filter((p) => CONSEQUENTIAL_ACTIONS.has(p.action));
      if (excess.length === 0) return [];
      // Text steers agents (and, through them, their tools); a pipeline or service that merely passes it on is not steered by it.
      const exposedUser = users.find((u) => (graph.kindOf(u) === "agent" && untrusted.reaches(u)) || origins.has(u) || graph.agentsUsingTool(u).some((a) => untrusted.reaches(a.id)));
      const factors: Factor[] = [];
      if (exposedUser) factors.push({ dimension: "likelihood", delta: 1, reason: `${graph.nameOf(exposedUser)} acts as it and is reachable by untrusted text` });
      // Deleting what is public and rebuilt anyway (a cache of published prices) loses nothing of value; deleting what is unstated might.
      // Spending a grant caps in total per hour, day or month (a metered key's billing cap, under the material loss) is a known cost (isSevere).
      const spendLimit = (resource: string) => identity.permissions?.find((g) => g.resource === resource && g.actions.includes("spend"))?.limit;
      const severe = excess.filter(
        (p) =>
          p.action === "admin" ||
          p.action === "execute" ||
          (p.action === "spend" && isSevere(graph, { action: "spend", identity: identity.id, ...(spendLimit(p.resource) ? { limit: spendLimit(p.resource)! } : {}) })) ||
          (p.action === "delete" && !holdsOnlyPublic(graph, p.resource)),
      );
      if (severe.length > 0) factors.push({ dimension: "impact", delta: 1, reason: `unused grants include ${[...new Set(severe.map((p) => `${p.action} on ${graph.nameOf(p.resource)}`))].join(", ")}` });
      const grants = excess.map((p) => `${p.action} on ${graph.nameOf(p.resource)}${p.scope ? ` (${p.scope})` : ""}`);
      return [
        {
          anchors: [identity.id],
          summary: `${graph.nameOf(identity.id)} is granted ${grants.join(", ")} that ${users.map((u) => graph.nameOf(u)).join(", ")} never use${users.length === 1 ? "s" : ""}.`,
          evidence: [
            ...excess.map((p) => ({ element: p.resource, note: `granted ${p.action}${p.scope ? ` (scope ${p.scope})` : ""}, not used` })),
            ...users.map((u) => ({ element: u, note: `acts as ${graph.nameOf(identity.id)}` })),
          ],
          factors,
          scope: [...users],
        },
      ];
    });
  },
};

/** Whether everything the resource is said to hold is public: nothing held, or held data of any other classification, is not. */
function holdsOnlyPublic(graph: SystemGraph, resource: string): boolean {
  const held = heldData(graph, resource);
  return held.length > 0 && held.every((d) => graph.data(d)?.classification === "public");
}
