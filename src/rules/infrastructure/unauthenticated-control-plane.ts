import { attackerFactor } from "../../analysis/factors.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

const CONTROL_PLANES = new Set(["agent-gateway", "inference-server", "dashboard"]);
const EXPOSURE_LIKELIHOOD: Record<string, { delta: number; words: string }> = {
  internet: { delta: 2, words: "anyone on the internet reaches it, and scanners index such endpoints within days" },
  partner: { delta: 0, words: "partners' networks reach it" },
  internal: { delta: -1, words: "reachable from the internal network (any compromised host, or a server-side request forgery)" },
};
const WHAT: Record<string, string> = {
  "agent-gateway": "start agents and change their routing and tools",
  "inference-server": "run and swap the models it serves",
  dashboard: "submit jobs and read and change what the cluster runs",
  model: "query, and on many servers pull or replace, the model",
};

export const unauthenticatedControlPlane: Rule = {
  id: "TW-INF-001",
  title: "Unauthenticated AI control plane",
  category: "infrastructure",
  rationale:
    "Agent gateways, inference servers and cluster dashboards (Ray, MLflow, Kubeflow, Ollama, vLLM) often ship without authentication because they were meant for a trusted network. Reachable without it, they hand anyone free compute on the team's bill, the models and their prompts, and often code execution on the hosts with the credentials there. Internet-facing ones are found by scanners and exploited at scale.",
  appliesWhen:
    "A service of type agent-gateway, inference-server or dashboard, or a self-hosted model with an exposure, has authentication none and exposure internet, partner or internal (local-only does not apply). Likelihood follows the exposure.",
  mappings: {
    stride: ["S", "E", "I"],
    owaspLlm: ["LLM10:2025", "LLM03:2025"],
    owaspAgentic: ["ASI03"],
    owaspAgenticThreats: ["T3"],
    atlasTechniques: ["AML.T0049", "AML.T0040"],
    atlasMitigations: ["AML.M0019", "AML.M0005"],
    maestro: ["L4"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 15"],
    nistCsf: ["PR.AA-03"],
  },
  likelihood: 3,
  impact: 4,
  mitigations: [
    { control: "authentication", reduces: "likelihood", by: 3, how: "an authenticating proxy or gateway in front of it turns anonymous callers away" },
    { control: "authorization", reduces: "impact", by: 1, how: "authenticated callers can use only what their role needs" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the service runs with narrow credentials" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.components) {
      const element = node.element;
      const isControlPlane = node.kind === "service" && CONTROL_PLANES.has(element.type as string);
      const isSelfHostedModel = node.kind === "model" && element.hosting === "self-hosted";
      if (!isControlPlane && !isSelfHostedModel) continue;
      if (element.authentication !== "none") continue;
      const exposureName = element.exposure as string | undefined;
      const exposure = exposureName ? EXPOSURE_LIKELIHOOD[exposureName] : undefined;
      if (!exposure) continue; // local, or not stated
      const kind = node.kind === "model" ? "model" : (element.type as string);
      const name = graph.nameOf(node.id);
      const factors: Factor[] = [...attackerFactor(graph, node.id)];
      if (exposure.delta !== 0) factors.push({ dimension: "likelihood", delta: exposure.delta, reason: `exposure ${exposureName}: ${exposure.words}` });
      if (kind === "model" || kind === "inference-server") factors.push({ dimension: "impact", delta: -1, reason: "an inference endpoint gives away compute and the model rather than the hosts" });
      // Credentials in it, or in what runs on it, are within reach of whoever controls it.
      const onIt = [node.id, ...graph.hostedOn(node.id)];
      const secrets = [...new Set(onIt.flatMap((c) => graph.credentialsIn(c).map((cred) => cred.id)))].sort();
      if (secrets.length > 0) factors.push({ dimension: "impact", delta: 1, reason: `credentials on it: ${secrets.slice(0, 3).map((c) => graph.nameOf(c)).join(", ")}${secrets.length > 3 ? " and more" : ""}` });
      const agentsBehind = graph
        .flowsFrom(node.id)
        .map((f) => f.to)
        .filter((to, i, all) => graph.kindOf(to) === "agent" && all.indexOf(to) === i);
      const evidence: EvidenceItem[] = [
        { element: node.id, note: `${kind === "model" ? "self-hosted model" : kind}, exposure ${exposureName}, authentication none` },
        ...secrets.slice(0, 3).map((c) => ({ element: c, note: `credential present on ${name}` })),
        ...agentsBehind.slice(0, 3).map((a) => ({ element: a, note: `agent ${name} passes requests to` })),
      ];
      detections.push({
        anchors: [node.id],
        summary: `${name} (${kind === "model" ? "self-hosted model" : kind}) takes requests from the ${exposureName === "internet" ? "internet" : `${exposureName} network`} without authentication: anyone who reaches it can ${WHAT[kind]}${agentsBehind.length ? `, and drive ${agentsBehind.map((a) => graph.nameOf(a)).join(", ")}` : ""}.`,
        evidence,
        factors,
      });
    }
    return detections;
  },
};
