import type { Effect } from "../../analysis/capabilities.js";
import type { Flow } from "../../model/schema.js";
import { autonomyFactor, isSevere, names, worstEffect } from "../helpers.js";
import type { AnalysisContext, Detection, Factor, Rule } from "../rule.js";

const CONSEQUENTIAL = new Set<Effect["action"]>(["spend", "write", "delete", "execute"]);

/**
 * Fires whether or not a check is in place: output validation and human
 * approval on the producer, the consumer, the flow or the consumer's
 * consequential tools lower the residual score (the rule is not named after the
 * absence of a control).
 */
export const uncheckedConsequentialOutput: Rule = {
  id: "TW-MIS-001",
  title: "Generated or extracted content drives consequential actions",
  category: "output-handling",
  rationale:
    "Models state wrong things with confidence: a hallucinated policy, a misread amount, an IBAN taken from the wrong line. When one component's generated or extracted output is the input on which another agent or service pays, writes, deletes or runs something, the error becomes an action. Unless the values are checked against a source of truth or a person confirms the action, nothing stands between a plausible mistake and its consequence; an attacker who reaches the producer can also make the mistake on purpose.",
  appliesWhen:
    "A flow goes from an agent or a model to another agent whose capabilities include spend, write, delete or execute, or to a service whose identity may do those; a model's flow to an agent that uses it as its own model does not count (that is the agent deciding), nor do a service's spending on model usage and writing to log stores (what it does around every call, not on the model's word), nor a service that gets only the agent's answer (channel output) and passes it on as an answer to a client or person (a chat backend relaying the reply acts on nothing it says, whatever its identity may do). Spending through a grant capped in total per hour, day or month is a known cost and does not raise the impact. Fires whether or not a check exists; output validation and human approval lower the residual.",
  mappings: {
    stride: ["T"],
    owaspLlm: ["LLM09:2025", "LLM05:2025"],
    owaspAgentic: ["ASI08", "ASI09"],
    owaspAgenticThreats: ["T5"],
    atlasMitigations: ["AML.M0029", "AML.M0033"],
    maestro: ["L3", "L5"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 14", "Art. 15"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "output-validation", reduces: "likelihood", by: 1, how: "values are checked (format, totals, against the system of record) before they are acted on" },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a person confirms the consequential action with the source at hand" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    // What a service's identity does around every model call, not on what the model says: paying for
    // model usage (billed to the account) and writing logs and traces.
    const bookkeeping = (e: Effect) =>
      (e.action === "spend" && graph.kindOf(e.resource!) === "model") || (e.action === "write" && graph.node(e.resource!)?.element.type === "log");
    for (const node of graph.components) {
      if (node.kind !== "agent" && node.kind !== "model") continue;
      const producer = node.id;
      const byConsumer = new Map<string, Flow[]>();
      for (const flow of graph.flowsFrom(producer)) {
        if (flow.to === producer) continue;
        const list = byConsumer.get(flow.to);
        if (list) list.push(flow);
        else byConsumer.set(flow.to, [flow]);
      }
      for (const [consumer, flows] of [...byConsumer].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const kind = graph.kindOf(consumer);
        let effects: Effect[];
        if (kind === "agent") {
          if (node.kind === "model" && graph.agent(consumer)?.models?.includes(producer)) continue;
          effects = capabilities.agentEffects(consumer).filter((e) => CONSEQUENTIAL.has(e.action));
        } else if (kind === "service") {
          if (relaysAnswer(context, flows, consumer)) continue;
          const identity = graph.identityOf(consumer);
          effects = identity ? capabilities.identityEffects(identity.id).filter((e) => CONSEQUENTIAL.has(e.action) && !bookkeeping(e)) : [];
        } else continue;
        if (effects.length === 0) continue;

        const worst = worstEffect(effects)!;
        const factors: Factor[] = [];
        // The attacker, if any, comes in where text reaches the producer: the entry approvals are judged against.
        const entry = untrusted.originsReaching(producer)[0]?.id;
        if (entry !== undefined) factors.push({ dimension: "likelihood", delta: 1, reason: `attacker text reaches ${graph.nameOf(producer)}, so a wrong value can be planted on purpose` });
        if (kind === "agent") factors.push(...autonomyFactor(context, consumer));
        // Of these, spending, deleting and running code, less spending through a grant capped in total per period: a known cost, not money moved at will.
        const severe = effects.filter((e) => isSevere(graph, e));
        if (severe.length > 0) factors.push({ dimension: "impact", delta: 1, reason: `${graph.nameOf(consumer)} can ${[...new Set(severe.map((e) => e.action))].join(", ")}` });
        else if (effects.every((e) => e.action === "write")) factors.push({ dimension: "impact", delta: -1, reason: `${graph.nameOf(consumer)} only writes; a wrong value is recorded, not paid, deleted or run` });

        const actions = [...new Set(effects.map((e) => `${e.action}${e.resource ? ` on ${graph.nameOf(e.resource)}` : ""}`))];
        const tools = [...new Set(effects.map((e) => e.tool).filter((t): t is string => t !== undefined))];
        const carried = [...new Set(flows.flatMap((f) => f.data ?? []))];
        detections.push({
          anchors: [producer, consumer],
          summary: `${graph.nameOf(consumer)} acts on what ${graph.nameOf(producer)} produces${carried.length ? ` (${names(context, carried.slice(0, 3))}${carried.length > 3 ? " and more" : ""})` : ""} and can ${actions.slice(0, 3).join(", ")}${actions.length > 3 ? " and more" : ""}; a wrong or made-up value becomes an action.`,
          evidence: [
            ...flows.map((f) => ({ element: f.id, note: `${f.channel} from ${graph.nameOf(producer)} to ${graph.nameOf(consumer)}${f.data?.length ? ` carrying ${f.data.map((d) => graph.nameOf(d)).join(", ")}` : ""}` })),
            { element: worst.tool ?? worst.identity ?? consumer, note: `consequential effect: ${worst.action}${worst.resource ? ` on ${graph.nameOf(worst.resource)}` : ""}` },
          ],
          factors,
          scope: [...flows.map((f) => f.id), ...tools],
          ...(entry !== undefined ? { entry } : {}),
        });
      }
    }
    return detections;
  },
};

/**
 * A service that gets only the agent's answer (channel output) and passes it on as an answer to a
 * client or a person: a chat backend relaying the reply. It acts on nothing the answer says, whatever
 * its identity may do (the agent's tools acting through a shared identity is TW-NHI-004's finding).
 */
function relaysAnswer(context: AnalysisContext, flows: readonly Flow[], service: string): boolean {
  if (!flows.every((f) => f.channel === "output")) return false;
  const { graph } = context;
  return graph.flowsFrom(service).some((f) => f.channel === "output" && (graph.kindOf(f.to) === "client" || graph.kindOf(f.to) === "actor"));
}
