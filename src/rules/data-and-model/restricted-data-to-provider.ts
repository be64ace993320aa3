import { SENSITIVITY_WORDS, sensitivity } from "../../analysis/sensitivity.js";
import type { Detection, Rule } from "../rule.js";
import { EVIDENCE_LIMIT, someNames } from "./model-access.js";

const RESTRICTED = 4;

export const restrictedDataToProvider: Rule = {
  id: "TW-DAT-009",
  title: "Restricted data sent to an external model provider",
  category: "data-and-model",
  rationale:
    "Everything in an agent's context goes to the model provider with every call: payment data, credentials, health or government-ID data then sit in the provider's logs, abuse-monitoring queues and retention, under its staff and subprocessors, and in a jurisdiction the data owner may not have agreed to. Restricted data needs a reason to leave, a contract that covers it, or to be masked first.",
  appliesWhen:
    "An agent uses a hosted-api model, or a model in a vendor boundary, and restricted data (classification restricted, or flagged payment, credentials, health, biometric, government-id, children) is sent to it: carried on the agent's flows to the model, or, where no such flow is modelled, anywhere in the agent's context.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM02:2025"],
    maestro: ["L1", "L6"],
    nistAiRmf: ["GOVERN", "MAP"],
    euAiAct: ["Art. 10"],
  },
  likelihood: 2,
  impact: 4,
  mitigations: [
    { control: "data-minimisation", reduces: "impact", by: 2, how: "restricted fields are masked or tokenised before the call" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the agent's tools return only the fields its task needs" },
  ],
  detect(context) {
    const { graph, contextData } = context;
    const detections: Detection[] = [];
    const restricted = (id: string): boolean => {
      const record = graph.data(id);
      return record !== undefined && sensitivity(record) >= RESTRICTED;
    };
    for (const node of graph.ofKind("agent")) {
      const agent = graph.agent(node.id)!;
      const inContext = contextData.of(agent.id);
      for (const modelId of [...new Set(agent.models)].sort()) {
        const model = graph.node(modelId);
        if (!model || model.kind !== "model") continue;
        const boundary = graph.boundaryOf(modelId);
        const vendorBoundary = boundary !== undefined && graph.boundary(boundary)?.type === "vendor";
        if (model.element.hosting !== "hosted-api" && !vendorBoundary) continue;
        const calls = graph.flowsFrom(agent.id).filter((f) => f.to === modelId);
        const whole = calls.length === 0 || calls.some((f) => f.data === undefined);
        // Restricted data sent on the call, with where it comes from; notes are written only for what is cited.
        const sent = new Map<string, { from?: string; flow?: string }>();
        if (whole) for (const [data, from] of inContext) if (restricted(data)) sent.set(data, { from });
        for (const flow of calls) for (const data of flow.data ?? []) if (!sent.has(data) && restricted(data)) sent.set(data, { flow: flow.name ?? flow.id });
        const restrictedSent = [...sent.keys()].sort();
        if (restrictedSent.length === 0) continue;
        const provider = typeof model.element.provider === "string" ? model.element.provider : graph.nameOf(modelId);
        detections.push({
          anchors: [agent.id, modelId],
          summary: `${graph.nameOf(agent.id)} sends ${someNames(context, restrictedSent)} to ${graph.nameOf(modelId)} at ${boundary && graph.nameOf(boundary).includes(provider) ? graph.nameOf(boundary) : `${provider}${boundary ? ` (${graph.nameOf(boundary)})` : ""}`}.`,
          evidence: [
            { element: modelId, note: `${model.element.hosting === "hosted-api" ? "hosted API" : "model"} of ${provider}${vendorBoundary ? ` in vendor boundary ${graph.nameOf(boundary!)}` : ""}` },
            ...restrictedSent.slice(0, EVIDENCE_LIMIT).map((id) => {
              const where = sent.get(id)!;
              return { element: id, note: `${SENSITIVITY_WORDS[sensitivity(graph.data(id)!)]} data ${where.flow ? `sent on ${where.flow}` : `in ${graph.nameOf(agent.id)}'s context from ${graph.nameOf(where.from!)}`}` };
            }),
            ...calls.map((f) => ({ element: f.id, note: `call from ${graph.nameOf(agent.id)} to ${graph.nameOf(modelId)}` })),
          ],
        });
      }
    }
    return detections;
  },
};
