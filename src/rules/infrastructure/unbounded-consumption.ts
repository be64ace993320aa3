import { exposureFactor } from "../../analysis/factors.js";
import type { Detection, Factor, Rule } from "../rule.js";
import { directEntry, directEntryEvidence } from "../helpers.js";
import { capitalised, endpointOrigin, endpointWho, entryFactors, inferenceEndpoint, type InferenceEndpoint } from "../data-and-model/model-access.js";

export const unboundedConsumption: Rule = {
  id: "TW-INF-002",
  title: "Unbounded consumption by untrusted users",
  category: "infrastructure",
  rationale:
    "Every message an outsider sends to an agent costs model calls, and an agent that plans and calls tools turns one message into many. Without limits per user, session and period, one script can exhaust the model quota for everyone, run up the bill, and take the service down (denial of service and denial of wallet).",
  appliesWhen:
    "Untrusted actors (public, customers, partners) reach an agent directly, through clients and services only, or query a self-hosted model's inference endpoint themselves (one open to its network, or one whose credentials they hold: credentials identify callers, they do not bound how much each asks). It applies whether or not limits exist; rate limits on the agent, its client, the service it runs on, the endpoint or its models lower the residual.",
  mappings: {
    stride: ["D"],
    owaspLlm: ["LLM10:2025"],
    owaspAgenticThreats: ["T4"],
    atlasTechniques: ["AML.T0034", "AML.T0034.002", "AML.T0029"],
    atlasMitigations: ["AML.M0004"],
    maestro: ["L4"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 3,
  impact: 2,
  mitigations: [
    { control: "rate-limit", reduces: "likelihood", by: 2, how: "caps requests per user, session or address, so one caller cannot take the capacity" },
    { control: "spend-limit", reduces: "impact", by: 1, how: "caps what the model calls can cost (the service stops instead of the bill growing)" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const entry = directEntry(context, node.id);
      if (!entry) continue;
      const agent = graph.agent(node.id)!;
      const models = agent.models ?? [];
      const factors: Factor[] = [...exposureFactor(graph, entry.origin)];
      const tools = graph.toolsOf(agent.id);
      if (agent.autonomy === "autonomous" && tools.length > 0) {
        factors.push({ dimension: "impact", delta: 1, reason: `${graph.nameOf(agent.id)} plans and calls tools on its own, so one message can start many model and tool calls` });
      }
      detections.push({
        anchors: [agent.id],
        summary: `Requests from ${graph.nameOf(entry.origin.id)}${entry.origins.length > 1 ? " and others" : ""} go straight to ${graph.nameOf(agent.id)}${entry.frontends.length ? ` through ${entry.frontends.map((f) => graph.nameOf(f)).join(" → ")}` : ""}; each costs calls to ${models.map((m) => graph.nameOf(m)).join(", ")}${tools.length ? ` and can start tool calls` : ""}.`,
        evidence: [...directEntryEvidence(context, entry, agent.id), ...models.map((m) => ({ element: m, note: `model called for every request${graph.node(m)?.element.hosting === "hosted-api" ? " (billed per token)" : ""}` }))],
        factors,
        scope: [...entry.frontends, ...models],
      });
    }
    // A self-hosted model outsiders query themselves: each request costs the team's inference capacity. One finding per endpoint.
    const endpoints = new Map<string, { endpoint: InferenceEndpoint; served: string[] }>();
    for (const node of graph.ofKind("model")) {
      const endpoint = inferenceEndpoint(context, node.id);
      if (!endpoint) continue;
      const known = endpoints.get(endpoint.element);
      if (known) known.served.push(node.id);
      else endpoints.set(endpoint.element, { endpoint, served: [node.id] });
    }
    for (const [element, { endpoint, served }] of [...endpoints].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const origin = endpointOrigin(graph, endpoint);
      detections.push({
        anchors: [element],
        summary: `${capitalised(endpointWho(graph, endpoint))} query ${graph.nameOf(element)} themselves; each request costs inference on ${served.map((m) => graph.nameOf(m)).join(", ")}, and one caller can take the capacity.`,
        evidence: [
          { element, note: origin.reason },
          ...endpoint.callers.slice(0, 3).map((c) => ({ element: c, note: "queries the endpoint directly" })),
          ...served.map((m) => ({ element: m, note: "model served for every request" })),
        ],
        factors: entryFactors(graph, origin, endpoint),
        scope: served,
      });
    }
    return detections;
  },
};
