import { sensitivityFactor } from "../../analysis/factors.js";
import { heldData, sensitivity } from "../../analysis/sensitivity.js";
import { agentsReading, names, type StoreAccess } from "../helpers.js";
import type { AnalysisContext, Detection, Rule } from "../rule.js";

const RETRIEVAL_STORES = new Set(["vector", "memory"]);

/**
 * What this rule finds at a store: the agents that read it and the data it holds, or nothing when
 * it does not apply. TW-EXF-005 (permission-blind retrieval) leaves the stores this rule speaks for
 * to it, so one store and agent get the tenant story or the asker's-permissions story, not both.
 */
export function crossTenantExposure(context: AnalysisContext, storeId: string): { readers: StoreAccess[]; data: string[] } | undefined {
  const { graph } = context;
  const store = graph.node(storeId)?.element;
  if (!store || graph.kindOf(storeId) !== "datastore" || !RETRIEVAL_STORES.has(String(store.type)) || store.tenancy !== "shared") return undefined;
  const readers = agentsReading(context, storeId);
  if (readers.length === 0) return undefined;
  const data = [...new Set([...heldData(graph, storeId), ...graph.flowsFrom(storeId).flatMap((f) => f.data ?? [])])].filter((d) => graph.data(d) !== undefined).sort();
  if (data.length > 0 && data.every((d) => sensitivity(graph.data(d)!) <= 1)) return undefined; // only public content: nothing to leak
  return { readers, data };
}

export const crossTenantRetrieval: Rule = {
  id: "TW-EXF-004",
  title: "Cross-tenant retrieval from a shared store",
  category: "exfiltration",
  rationale:
    "Similarity search returns whatever is closest to the query. When one vector or memory store holds several tenants' content side by side, a missing or wrong tenant filter puts another customer's documents or memories into the context, and the model repeats them. A curious or malicious tenant can also craft queries to pull them out.",
  appliesWhen: "A vector or memory store with tenancy shared is read by an agent (a flow from the store to the agent, or a tool that reads it), unless everything known to be in it is public.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM08:2025", "LLM02:2025"],
    atlasTechniques: ["AML.T0085.000", "AML.T0057"],
    atlasMitigations: ["AML.M0005", "AML.M0027"],
    maestro: ["L2"],
    nistAiRmf: ["MAP", "MANAGE"],
  },
  likelihood: 3,
  impact: 4,
  mitigations: [
    { control: "tenant-isolation", reduces: "likelihood", by: 2, how: "each tenant's content sits in its own index or namespace, or every query is filtered by tenant outside the model's control" },
    { control: "authorization", reduces: "likelihood", by: 1, how: "retrieved entries are checked against the caller's permissions before they reach the context" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("datastore")) {
      const exposure = crossTenantExposure(context, node.id);
      if (!exposure) continue;
      const { readers, data } = exposure;
      const store = node.element;
      const agents = readers.map((r) => r.agent);
      detections.push({
        anchors: [node.id],
        summary: `${graph.nameOf(node.id)} holds several tenants' ${data.length ? names(context, data.slice(0, 3)) : "content"} side by side and ${names(context, agents)} retrieve${agents.length === 1 ? "s" : ""} from it; one tenant's queries can return another's entries.`,
        evidence: [
          { element: node.id, note: `${String(store.type)} store with tenancy shared` },
          ...readers.map((r) => ({ element: r.agent, note: `retrieves from it (via ${graph.nameOf(r.via)})` })),
          ...data.slice(0, 4).map((d) => ({ element: d, note: "held for several tenants" })),
        ],
        factors: [...sensitivityFactor(graph, data)],
        scope: [...readers.map((r) => r.via), ...agents],
      });
    }
    return detections;
  },
};
