import { exposureFactor } from "../../analysis/factors.js";
import type { Detection, Rule } from "../rule.js";
import { directEntry, directEntryEvidence } from "../helpers.js";

export const denialOfWallet: Rule = {
  id: "TW-INF-003",
  title: "Denial of wallet on a paid model API",
  category: "infrastructure",
  rationale:
    "A hosted model API bills every token. When outsiders can talk to the agent directly, long prompts, long answers and scripted conversations are paid by the team; the provider keeps serving until the card or the quota says stop. A spend limit on the account or key turns an open-ended bill into a known worst case.",
  appliesWhen:
    "Untrusted actors reach an agent directly (through clients and services only) and the agent calls a model through a vendor API (hosting hosted-api). Spend limits on the model, the agent or the key's identity lower the residual.",
  mappings: {
    stride: ["D"],
    owaspLlm: ["LLM10:2025"],
    owaspAgenticThreats: ["T4"],
    atlasTechniques: ["AML.T0034", "AML.T0034.000"],
    atlasMitigations: ["AML.M0004"],
    maestro: ["L1", "L4"],
    nistAiRmf: ["MANAGE"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "spend-limit", reduces: "impact", by: 2, how: "a budget cap on the provider account, project or key bounds the bill" },
    { control: "rate-limit", reduces: "likelihood", by: 1, how: "caps requests per user or session, so running up the bill takes many callers" },
  ],
  detect(context) {
    const { graph } = context;
    // Identities that pay for each model (their keys carry the bill and its limits).
    const payers = new Map<string, string[]>();
    for (const identity of graph.model.identities) {
      for (const permission of identity.permissions ?? []) {
        if (!permission.actions.includes("spend") || graph.kindOf(permission.resource) !== "model") continue;
        const list = payers.get(permission.resource);
        if (list) list.push(identity.id);
        else payers.set(permission.resource, [identity.id]);
      }
    }
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agent = graph.agent(node.id)!;
      const paid = [...new Set(agent.models)].sort().filter((m) => graph.node(m)?.element.hosting === "hosted-api");
      if (paid.length === 0) continue;
      const entry = directEntry(context, agent.id);
      if (!entry) continue;
      for (const model of paid) {
        const element = graph.node(model)!.element;
        const accounts = [...(payers.get(model) ?? [])].sort();
        detections.push({
          anchors: [agent.id, model],
          summary: `${graph.nameOf(entry.origin.id)} can make ${graph.nameOf(agent.id)} call ${graph.nameOf(model)}${typeof element.provider === "string" ? ` (${element.provider} API, billed per token)` : ""} as often and as long as they like; the bill is the team's.`,
          evidence: [
            ...directEntryEvidence(context, entry, agent.id),
            { element: model, note: `hosted API model called by ${graph.nameOf(agent.id)} for each request` },
            ...accounts.map((id) => ({ element: id, note: `identity billed for ${graph.nameOf(model)}` })),
          ],
          factors: [...exposureFactor(graph, entry.origin)],
          scope: [...entry.frontends, ...accounts, ...accounts.flatMap((id) => (graph.identity(id)?.credentials ?? []).map((c) => c.id))],
        });
      }
    }
    return detections;
  },
};
