import { entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, sensitivityFactor } from "../../analysis/factors.js";
import { heldData } from "../../analysis/sensitivity.js";
import { originEvidence, powerfulGrantsFactor } from "../helpers.js";
import type { Detection, Factor, PathStep, Rule } from "../rule.js";
import type { Data } from "../../model/schema.js";

interface SecretInContext {
  /** A credential or data flagged as credentials. */
  secret: string;
  /** Where it enters the context: a prompt, or the element the data comes from. */
  from: string;
  how: "prompt" | "input";
}

export const credentialInAgentContext: Rule = {
  id: "TW-NHI-010",
  title: "Credential in an agent's context",
  category: "identity",
  rationale:
    "A secret written into an agent's prompts or carried by the text it reads (a tool's output, a message, a retrieved document) is in the model's context, and the model can be talked into repeating it: in an answer, a tool call, a log line or a rendered link. Whoever steers the agent then holds the credential. A secret in the agent's runtime environment is not in the context: the agent's code uses it, and only code execution reads it (TW-RCE-002).",
  appliesWhen:
    "A credential is present in a prompt the agent loads, or data flagged as credentials can reach the agent's context (from its inputs, its tools or a prompt). People's own credentials (data flagged personal too, or with belongsTo: customers' session tokens or passwords) are left to the exfiltration rules: they are not the system's secrets.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM02:2025", "LLM07:2025"],
    owaspNhi: ["NHI2:2025"],
    owaspAgentic: ["ASI03"],
    atlasTechniques: ["AML.T0083", "AML.T0098", "AML.T0057"],
    atlasMitigations: ["AML.M0033"],
    maestro: ["L3"],
    nistAiRmf: ["MAP", "MANAGE"],
    nistCsf: ["PR.AA-01"],
  },
  // The default is for an agent untrusted text reaches (the exposure of its entry and who comes in
  // there adjust it); only trusted people talking to it takes two steps off.
  likelihood: 4,
  impact: 3,
  mitigations: [
    { control: "data-minimisation", reduces: "likelihood", by: 2, how: "secrets are redacted before text reaches the context" },
    { control: "output-validation", reduces: "likelihood", by: 1, how: "answers and tool arguments are checked for secrets" },
    { control: "secret-rotation", reduces: "impact", by: 1, how: "a revealed secret works for a shorter time" },
  ],
  detect(context) {
    const { graph, untrusted, contextData } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agent = graph.agent(node.id)!;
      const found = new Map<string, SecretInContext>();
      const add = (entry: SecretInContext) => {
        if (!found.has(entry.secret)) found.set(entry.secret, entry);
      };
      for (const prompt of [...(agent.prompts ?? [])].sort()) {
        for (const credential of graph.credentialsIn(prompt)) add({ secret: credential.id, from: prompt, how: "prompt" });
        for (const data of heldData(graph, prompt)) if (isMachineSecret(graph.data(data))) add({ secret: data, from: prompt, how: "prompt" });
      }
      for (const [data, from] of [...contextData.of(agent.id)].sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (isMachineSecret(graph.data(data))) add({ secret: data, from, how: "input" });
      }
      if (found.size === 0) continue;
      // Secrets harvested through the agent's tools, as opposed to arriving in a flow.
      const readByTool = (from: string) =>
        graph.kindOf(from) === "tool" || graph.toolsOf(agent.id).some((t) => t.capabilities.some((c) => c.action === "read" && (c.on ?? []).includes(from)));
      const origins = untrusted.originsReaching(agent.id);
      const top = origins[0];
      for (const entry of [...found.values()].sort((a, b) => (a.secret < b.secret ? -1 : 1))) {
        const credential = graph.credential(entry.secret);
        const owner = credential ? graph.ownerOfCredential(credential.id) : undefined;
        const factors: Factor[] = top
          ? [...exposureFactor(graph, top), ...attackerFactor(graph, top.id)]
          : [{ dimension: "likelihood", delta: -2, reason: `only trusted people talk to ${graph.nameOf(agent.id)}, though it may still echo the secret into answers and logs` }];
        factors.push(...(credential ? powerfulGrantsFactor(context, owner) : sensitivityFactor(graph, [entry.secret])));
        const where = entry.how === "prompt" ? `the prompt ${graph.nameOf(entry.from)}` : graph.nameOf(entry.from);
        const enters: PathStep = {
          element: entry.from,
          action: `${graph.nameOf(entry.secret)} enters ${graph.nameOf(agent.id)}'s context from ${where}`,
          technique: entry.how === "input" ? (readByTool(entry.from) ? "AML.T0098" : "AML.T0055") : "AML.T0083",
        };
        detections.push({
          anchors: [agent.id, entry.secret],
          summary: `${credential ? `The credential ${graph.nameOf(entry.secret)}` : `${graph.nameOf(entry.secret)} (data flagged as credentials)`} can enter the context of ${graph.nameOf(agent.id)} from ${where}${top ? `, and ${graph.nameOf(agent.id)} reads untrusted text from ${graph.nameOf(top.id)}` : ""}.`,
          evidence: [
            { element: entry.secret, note: credential ? `${credential.type} of ${owner ? graph.nameOf(owner.id) : "an identity"} in ${credential.storage}` : "data flagged credentials" },
            { element: entry.from, note: `where it enters the context (${entry.how})` },
            ...(top ? originEvidence(context, origins, agent.id) : []),
          ],
          factors,
          ...(top
            ? { path: [...entrySteps(graph, untrusted, top, agent.id), enters, { element: agent.id, action: `${graph.nameOf(agent.id)} repeats the secret in its answer or a tool call`, technique: "AML.T0057" }] }
            : {}),
          scope: [entry.from, ...(owner ? [owner.id] : [])],
        });
      }
    }
    return detections;
  },
};

/**
 * Data flagged as credentials that is a secret of the system's own (a key, a token of a service), not
 * people's credentials: session tokens or passwords of customers are also personal, or belong to the
 * people they are about, and leaking them is an exfiltration finding's (TW-EXF-001), not an NHI's.
 */
function isMachineSecret(data: Data | undefined): boolean {
  return data?.flags?.includes("credentials") === true && !data.flags.includes("personal") && !(data.belongsTo?.length);
}
