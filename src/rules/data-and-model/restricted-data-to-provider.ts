import { SENSITIVITY_WORDS, sensitivity } from "../../analysis/sensitivity.js";
import type { Flow } from "../../model/schema.js";
import { controlsOfType, someNames } from "../helpers.js";
import type { Detection, Rule } from "../rule.js";
import { EVIDENCE_LIMIT } from "./model-access.js";

const RESTRICTED = 4;

export const restrictedDataToProvider: Rule = {
  id: "TW-DAT-009",
  title: "Restricted data sent to an external model provider",
  category: "data-and-model",
  rationale:
    "Everything in an agent's context goes to the model provider with every call: payment data, credentials, health or government-ID data then sit in the provider's logs, abuse-monitoring queues and retention, under its staff and subprocessors, and in a jurisdiction the data owner may not have agreed to. Restricted data needs a reason to leave, a contract that covers it, or to be masked first.",
  appliesWhen:
    "An agent uses a hosted-api model, or a model in a vendor boundary, and restricted data (classification restricted, or flagged payment, credentials, health, biometric, government-id, children) is sent to it: listed on the agent's flows to the model, or anywhere in the agent's context (what flows into it, what its tools read), whether or not those flows list it, since the whole context goes with every call. An agent that calls several models splits its context among them: a model whose calls from the agent all list their data gets only that. A service or pipeline that calls such a model itself (a backend sending audio to a speech-to-text API) sends the restricted data its calls list; training flows are the training rules'.",
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
    /** The model, when a provider outside runs it: a hosted API, or a model in a vendor boundary. */
    const external = (modelId: string) => {
      const model = graph.node(modelId);
      if (!model || model.kind !== "model") return undefined;
      const boundary = graph.boundaryOf(modelId);
      const vendorBoundary = boundary !== undefined && graph.boundary(boundary)?.type === "vendor";
      return model.element.hosting === "hosted-api" || vendorBoundary ? { model, boundary, vendorBoundary } : undefined;
    };
    /** Where the model runs, for a sentence, and the model's line of evidence. */
    const placeOf = (modelId: string) => {
      const { model, boundary, vendorBoundary } = external(modelId)!;
      const provider = typeof model.element.provider === "string" ? model.element.provider : graph.nameOf(modelId);
      return {
        at: boundary && graph.nameOf(boundary).includes(provider) ? graph.nameOf(boundary) : `${provider}${boundary ? ` (${graph.nameOf(boundary)})` : ""}`,
        evidence: { element: modelId, note: `${model.element.hosting === "hosted-api" ? "hosted API" : "model"} of ${provider}${vendorBoundary ? ` in vendor boundary ${graph.nameOf(boundary!)}` : ""}` },
      };
    };
    for (const node of graph.ofKind("agent")) {
      const agent = graph.agent(node.id)!;
      const inContext = contextData.of(agent.id);
      const models = [...new Set(agent.models)].sort();
      for (const modelId of models) {
        if (!external(modelId)) continue;
        const calls = graph.flowsFrom(agent.id).filter((f) => f.to === modelId);
        // The model's context is the agent's: what the call flows list and what the analysis finds in the context both
        // go with every call, so a flow that lists only the main data does not keep the rest from the provider. An agent
        // that calls several models splits its context among them, and only the flows say how: a model whose calls all
        // list their data (an extraction model sent the document alone) gets that.
        const split = models.length > 1 && calls.length > 0 && calls.every((f) => f.data !== undefined);
        const sent = new Map<string, { listedOn: string[]; from?: string }>();
        for (const flow of calls) {
          for (const data of flow.data ?? []) {
            if (!restricted(data)) continue;
            const entry = sent.get(data) ?? { listedOn: [] };
            if (!entry.listedOn.includes(flow.name ?? flow.id)) entry.listedOn.push(flow.name ?? flow.id);
            sent.set(data, entry);
          }
        }
        for (const [data, from] of split ? [] : inContext) {
          if (!restricted(data)) continue;
          const entry = sent.get(data) ?? { listedOn: [] };
          entry.from = from;
          sent.set(data, entry);
        }
        const restrictedSent = [...sent.keys()].sort();
        if (restrictedSent.length === 0) continue;
        const callsListingData = calls.filter((f) => f.data !== undefined).map((f) => f.name ?? f.id);
        // Redaction before the vendor call sits on the call itself: it counts when it covers every call that carries
        // the data (each carries the whole context, unless the calls split it), since an unmasked call leaks the same.
        // Only masking acts there; least privilege on a call is more likely the API key's scope than the fields sent.
        const carrying = split ? calls.filter((f) => f.data!.some(restricted)) : calls;
        const masking = carrying.map((f) => controlsOfType(graph, "data-minimisation", [f.id]));
        const onCalls = masking.length > 0 ? masking.reduce((all, on) => all.filter((id) => on.includes(id))) : [];
        // Which data the model lists on the call and which the analysis finds in the context.
        const howSent = (where: { listedOn: string[]; from?: string }): string => {
          const inferred = where.from === undefined ? "" : `in ${graph.nameOf(agent.id)}'s context from ${graph.nameOf(where.from)}`;
          if (where.listedOn.length > 0) return `listed on ${where.listedOn.join(", ")}${inferred ? `, and ${inferred}` : ""}`;
          return callsListingData.length > 0 ? `${inferred}, not listed on ${callsListingData.join(", ")}; the whole context goes with the call` : inferred;
        };
        const { at, evidence } = placeOf(modelId);
        detections.push({
          anchors: [agent.id, modelId],
          summary: `${graph.nameOf(agent.id)} sends ${someNames(context, restrictedSent)} to ${graph.nameOf(modelId)} at ${at}.`,
          evidence: [
            evidence,
            ...restrictedSent.slice(0, EVIDENCE_LIMIT).map((id) => ({ element: id, note: `${SENSITIVITY_WORDS[sensitivity(graph.data(id)!)]} data ${howSent(sent.get(id)!)}` })),
            ...calls.map((f) => ({ element: f.id, note: `call from ${graph.nameOf(agent.id)} to ${graph.nameOf(modelId)}` })),
          ],
          scope: onCalls,
        });
      }
    }
    // A service or pipeline that calls the model itself (a backend sending audio to a speech-to-text API) sends what
    // its calls list: it has no context beyond them. Training data is the training rules' (TW-DAT-001 and others).
    for (const node of graph.ofKind("model")) {
      if (!external(node.id)) continue;
      const bySender = new Map<string, Flow[]>();
      for (const flow of graph.flowsTo(node.id)) {
        const kind = graph.kindOf(flow.from);
        if (kind === "agent" || kind === "model" || flow.channel === "training" || !(flow.data ?? []).some(restricted)) continue;
        (bySender.get(flow.from) ?? bySender.set(flow.from, []).get(flow.from)!).push(flow);
      }
      for (const [sender, calls] of [...bySender].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const restrictedSent = [...new Set(calls.flatMap((f) => (f.data ?? []).filter(restricted)))].sort();
        const masking = calls.map((f) => controlsOfType(graph, "data-minimisation", [f.id]));
        const { at, evidence } = placeOf(node.id);
        detections.push({
          anchors: [sender, node.id],
          summary: `${graph.nameOf(sender)} sends ${someNames(context, restrictedSent)} to ${graph.nameOf(node.id)} at ${at}.`,
          evidence: [
            evidence,
            ...restrictedSent.slice(0, EVIDENCE_LIMIT).map((id) => ({ element: id, note: `${SENSITIVITY_WORDS[sensitivity(graph.data(id)!)]} data listed on ${calls.filter((f) => f.data!.includes(id)).map((f) => f.name ?? f.id).join(", ")}` })),
          ],
          scope: masking.reduce((all, on) => all.filter((id) => on.includes(id))),
        });
      }
    }
    return detections;
  },
};
