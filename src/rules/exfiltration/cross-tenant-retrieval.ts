import { sensitivityFactor } from "../../analysis/factors.js";
import { heldData, sensitivity } from "../../analysis/sensitivity.js";
import { agentsReading, names } from "../helpers.js";
import type { Detection, Rule } from "../rule.js";

const RETRIEVAL_STORES = new Set(["vector", "memory"]);

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
      const store = node.element;
      if (!RETRIEVAL_STORES.has(String(store.type)) || store.tenancy !== "shared") continue;
      const readers = agentsReading(context, node.id);
      if (readers.length === 0) continue;
      const data = [...new Set([...heldData(graph, node.id), ...graph.flowsFrom(node.id).flatMap((f) => f.data ?? [])])].filter((d) => graph.data(d) !== undefined).sort();
      if (data.length > 0 && data.every((d) => sensitivity(graph.data(d)!) <= 1)) continue; // only public content: nothing to leak
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
