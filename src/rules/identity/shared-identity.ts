import type { SystemGraph } from "../../graph/graph.js";
import type { Identity } from "../../model/schema.js";
import { injectableAgentsReaching, names, powerfulGrantsFactor } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

/**
 * The separate workloads using an identity: components that run as it or hold
 * one of its credentials. A component that runs on a host using the same
 * identity, or a tool of an MCP server using it, is part of that workload.
 */
function workloads(graph: SystemGraph, identity: Identity): { users: string[]; roots: string[] } {
  const users = new Set(graph.runningAs(identity.id));
  for (const credential of identity.credentials ?? []) for (const holder of credential.presentIn ?? []) users.add(holder);
  const rootOf = (id: string): string => {
    const seen = new Set<string>();
    let current = id;
    while (!seen.has(current)) {
      seen.add(current);
      const element = graph.node(current)?.element;
      const server = typeof element?.server === "string" && users.has(element.server) ? element.server : undefined;
      const host = typeof element?.runsOn === "string" && users.has(element.runsOn) ? element.runsOn : undefined;
      const next = server ?? host;
      if (!next) break;
      current = next;
    }
    return current;
  };
  const sorted = [...users].sort();
  return { users: sorted, roots: [...new Set(sorted.map(rootOf))].sort() };
}

export const sharedIdentity: Rule = {
  id: "TW-NHI-004",
  title: "One identity shared by several components",
  category: "identity",
  rationale:
    "When separate workloads or agents act as one identity, each gets the access all of them need, a compromise of the most exposed one reaches everything the others may do, and the audit trail cannot say which of them acted. Rotating or revoking the credential stops all of them at once.",
  appliesWhen:
    "Two or more separate workloads run as the identity or hold its credentials (a component running on a host that uses the same identity, or a tool of an MCP server that does, counts as part of that host or server), or two or more agents run as it.",
  mappings: {
    stride: ["E", "R"],
    owaspNhi: ["NHI9:2025"],
    owaspAgentic: ["ASI03"],
    owaspAgenticThreats: ["T3"],
    atlasMitigations: ["AML.M0026"],
    maestro: ["L4", "L6"],
    nistAiRmf: ["MANAGE"],
    nistCsf: ["PR.AA-01", "PR.AA-05"],
  },
  likelihood: 2,
  impact: 2,
  mitigations: [{ control: "least-privilege", reduces: "impact", by: 1, how: "the shared grants are cut to what every user needs" }],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    for (const identity of [...graph.model.identities].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const { users, roots } = workloads(graph, identity);
      const agents = users.filter((u) => graph.kindOf(u) === "agent");
      if (roots.length < 2 && agents.length < 2) continue;
      const sharing = agents.length >= 2 && roots.length < 2 ? agents : roots;
      const factors: Factor[] = [];
      // Steerable users: agents that read untrusted text and act as it or can reach one of its credentials.
      const hijackable = [
        ...users.filter((u) => graph.kindOf(u) === "agent" && untrusted.reaches(u)),
        ...(identity.credentials ?? []).flatMap((c) => injectableAgentsReaching(context, c.id).map((h) => h.agent)),
      ].sort();
      if (hijackable.length) factors.push({ dimension: "likelihood", delta: 1, reason: `${graph.nameOf(hijackable[0]!)} reads untrusted text, and a hijack of it acts with the access the others need` });
      factors.push(...powerfulGrantsFactor(context, identity));
      const runsAs = new Set(graph.runningAs(identity.id));
      const evidence: EvidenceItem[] = users.map((u) => {
        const held = (identity.credentials ?? []).filter((c) => c.presentIn?.includes(u)).map((c) => graph.nameOf(c.id));
        return { element: u, note: [runsAs.has(u) ? "runs as it" : "", held.length ? `holds ${held.join(", ")}` : ""].filter(Boolean).join("; ") };
      });
      detections.push({
        anchors: [identity.id],
        summary: `${graph.nameOf(identity.id)} is used by ${sharing.length} separate ${sharing === agents ? "agents" : "workloads"}: ${names(context, sharing)}.`,
        evidence: [{ element: identity.id, note: `shared identity` }, ...evidence],
        factors,
        scope: [...sharing],
      });
    }
    return detections;
  },
};
