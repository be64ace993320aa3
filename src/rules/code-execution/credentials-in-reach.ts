import { effectStep, entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import { heldData, isSensitive, SENSITIVITY_WORDS, sensitivity } from "../../analysis/sensitivity.js";
import { codeSite, isOwnRuntime } from "../../analysis/capabilities.js";
import type { InjectableAgent } from "../helpers.js";
import { autonomyFactor, isSevere, injectableAgents, originEvidence, ownToolEffects, uncappedSpend, worstEffect } from "../helpers.js";
import type { Effect } from "../../analysis/capabilities.js";
import type { AnalysisContext, Detection, Factor, Rule } from "../rule.js";

export const credentialsInReach: Rule = {
  id: "TW-RCE-002",
  title: "Credentials within reach of an injectable agent's code execution",
  category: "code-execution",
  rationale:
    "Code that an injected agent runs can read every secret in its environment: variables, config files, tokens other tools left on the host. The attacker then acts as that identity from anywhere, with all its permissions and not only the ones the agent uses: the blast radius of the injection is the union of every identity whose secret sits where the code runs (lateral movement).",
  appliesWhen:
    "An injectable agent has a tool that executes code, and a credential is present where that code runs (the components the execute capability names, else the tool's own runtime and host) or in another component running there. A tool that has code run elsewhere, such as a CI job it dispatches, does not expose its own runtime. Data flagged credentials held where the code runs counts too (an engineer's own keys on a laptop), unless it names the modelled credentials whose values it is.",
  mappings: {
    stride: ["E", "I"],
    owaspLlm: ["LLM06:2025", "LLM02:2025"],
    owaspAgentic: ["ASI03", "ASI05"],
    owaspAgenticThreats: ["T3", "T11"],
    owaspNhi: ["NHI2:2025", "NHI5:2025"],
    owaspMcp: ["MCP01:2025"],
    atlasTechniques: ["AML.T0050", "AML.T0055", "AML.T0012", "AML.T0098"],
    atlasMitigations: ["AML.M0032", "AML.M0028", "AML.M0029"],
    maestro: ["L4", "L6"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 15"],
    nistCsf: ["PR.AA-01", "PR.AA-05"],
  },
  likelihood: 4,
  impact: 4,
  mitigations: [
    { control: "sandbox", reduces: "likelihood", by: 2, how: "commands run in a sandbox that does not hold the secret" },
    { control: "egress-allowlist", reduces: "likelihood", by: 1, how: "a stolen secret is harder to send out from the runtime" },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a person approves each command before it runs" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the identity behind the secret can do little beyond its job" },
    { control: "secret-rotation", reduces: "impact", by: 1, how: "a stolen secret stops working sooner" },
    { control: "spend-limit", reduces: "impact", by: 1, how: "caps what a stolen key that is billed per use can run up" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const { agent, origins, top, hops } of injectableAgents(context)) {
      const executes = ownToolEffects(capabilities.agentEffects(agent.id)).filter((e) => e.action === "execute");
      const ownTools = new Set(agent.tools ?? []);
      for (const { credential: credentialId, via } of capabilities.reachableCredentials(agent.id)) {
        const credential = graph.credential(credentialId);
        const owner = graph.ownerOfCredential(credentialId);
        // Reached where code runs: every execute effect that runs code there (in the tool's own runtime, for a
        // secret in the tool's environment) reaches it; name the agent's own (built-in) tool first.
        const candidates = executes.filter((e) => {
          const tool = graph.tool(e.tool!)!;
          const site = codeSite(tool, e.resource);
          return via.length > 2 ? site === via[2] : e.tool === via[1] && isOwnRuntime(tool, site);
        });
        const execute = candidates.find((e) => ownTools.has(e.tool!)) ?? candidates[0];
        if (!credential || !owner || !execute) continue;
        const tool = execute.tool!;
        const holder = via[via.length - 1]!;
        const where = via.length === 2 ? `in ${graph.nameOf(tool)}'s environment` : via.length === 3 ? `on ${graph.nameOf(holder)}, where ${graph.nameOf(tool)} runs code` : `in ${graph.nameOf(holder)}'s configuration on ${graph.nameOf(via[2]!)}, where ${graph.nameOf(tool)} runs code`;
        const grants = capabilities.identityEffects(owner.id);
        // Spending on a model is usage billed to the account (cost harvesting, capped by spend limits), not moving money.
        const severe = worstEffect(grants.filter((g) => isSevere(graph, g) && !(g.action === "spend" && graph.kindOf(g.resource!) === "model")));
        const worst = severe ?? worstEffect(grants);
        const impact: Factor[] = [];
        if (!worst) impact.push({ dimension: "impact", delta: -1, reason: `${graph.nameOf(owner.id)} has no permissions in the model` });
        else if (severe) impact.push({ dimension: "impact", delta: 1, reason: `${graph.nameOf(owner.id)} can ${severe.action} on ${graph.nameOf(severe.resource!)}${severe.action === "spend" ? uncappedSpend(graph, severe.limit) : ""}` });
        else if (grants.every((g) => g.action === "read") && !grants.some((g) => heldData(graph, g.resource!).some((d) => graph.data(d) && isSensitive(graph.data(d)!)))) {
          impact.push({ dimension: "impact", delta: -1, reason: `${graph.nameOf(owner.id)} can only read, and nothing sensitive` });
        }
        // A static key is access for good; a short-lived token only until it expires, so the attacker must act at once.
        if (credential.lifetime === "short-lived") impact.push({ dimension: "impact", delta: -1, reason: `${graph.nameOf(credentialId)} is short-lived: a stolen copy works only until it expires` });
        const byResource = new Map<string, string[]>();
        for (const permission of owner.permissions ?? []) byResource.set(permission.resource, [...(byResource.get(permission.resource) ?? []), ...permission.actions]);
        const unlocks = [...byResource].map(([resource, actions]) => `${[...new Set(actions)].join("/")} on ${graph.nameOf(resource)}`);
        detections.push({
          anchors: [agent.id, credentialId],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)} and runs code through ${graph.nameOf(tool)}, so it can read ${graph.nameOf(credentialId)} (${where}), which unlocks ${graph.nameOf(owner.id)}${unlocks.length ? ` (${unlocks.slice(0, 4).join(", ")}${unlocks.length > 4 ? " and more" : ""})` : ""}.`,
          evidence: [
            ...originEvidence(context, origins, agent.id),
            { element: tool, note: `runs code${execute.resource ? ` on ${graph.nameOf(execute.resource)}` : ""}` },
            { element: credentialId, note: `${credential.type}, ${credential.lifetime}, stored in ${credential.storage}${credential.location ? ` (${credential.location})` : ""}; present ${where}` },
            { element: owner.id, note: `the identity the credential authenticates${unlocks.length ? `: ${unlocks.join(", ")}` : ": no permissions modelled"}` },
          ],
          factors: [...reachLikelihood(context, { top, hops }, agent.id, tool), ...impact],
          path: [
            ...entrySteps(graph, untrusted, top, agent.id),
            effectStep(graph, execute),
            { element: credentialId, action: `the commands read ${graph.nameOf(credentialId)} ${where}`, technique: "AML.T0055" },
            {
              element: owner.id,
              action: `attacker acts as ${graph.nameOf(owner.id)}${worst ? `, up to ${worst.action} on ${graph.nameOf(worst.resource!)}` : ""}`,
              technique: "AML.T0012",
            },
          ],
          scope: [...new Set([tool, ...via.slice(2), credentialId, owner.id])],
        });
      }
      detections.push(...secretsHeldWhereCodeRuns(context, agent.id, executes, ownTools, { origins, top, hops }));
    }
    return detections;
  },
};

/** How likely the attacker gets the agent to run code through the tool: the entry's exposure and attacker, the path's length, a person in the loop. */
function reachLikelihood(context: AnalysisContext, entry: Pick<InjectableAgent, "top" | "hops">, agentId: string, tool: string): Factor[] {
  const { graph } = context;
  return [...exposureFactor(graph, entry.top), ...attackerFactor(graph, entry.top.id), ...pathLengthFactor(graph, entry.hops), ...autonomyFactor(context, agentId, tool, 1)];
}

/**
 * Secrets the model holds only as data (an engineer's ~/.aws, ~/.ssh or git token on a laptop): data flagged
 * credentials on the component where the agent's code runs. Data that names the credentials whose values it is
 * is left out: those are reported one by one above, with the identity each unlocks.
 */
function secretsHeldWhereCodeRuns(
  context: AnalysisContext,
  agentId: string,
  executes: readonly Effect[],
  ownTools: ReadonlySet<string>,
  entry: Pick<InjectableAgent, "origins" | "top" | "hops">,
): Detection[] {
  const { graph, untrusted } = context;
  const detections: Detection[] = [];
  const seen = new Set<string>();
  // The agent's own (built-in) tools first, as for credentials.
  for (const execute of [...executes].sort((a, b) => Number(ownTools.has(b.tool!)) - Number(ownTools.has(a.tool!)))) {
    const tool = execute.tool!;
    const site = codeSite(graph.tool(tool)!, execute.resource);
    for (const dataId of heldData(graph, site)) {
      const data = graph.data(dataId);
      if (!data?.flags?.includes("credentials") || (data.credentials?.length ?? 0) > 0 || seen.has(dataId)) continue;
      seen.add(dataId);
      const level = SENSITIVITY_WORDS[sensitivity(data)];
      const impact: Factor[] = sensitivity(data) >= 4 ? [{ dimension: "impact", delta: 1, reason: `${graph.nameOf(dataId)}: restricted secrets, and what they unlock is not modelled` }] : [];
      const where = `on ${graph.nameOf(site)}, where ${graph.nameOf(tool)} runs code`;
      detections.push({
        anchors: [agentId, dataId],
        summary: `${graph.nameOf(agentId)} reads text from ${graph.nameOf(entry.top.id)} and runs code through ${graph.nameOf(tool)}, so it can read ${graph.nameOf(dataId)} (${where}): secrets with no credential element, so what they unlock is not in the model.`,
        evidence: [
          ...originEvidence(context, entry.origins, agentId),
          { element: tool, note: `runs code${execute.resource ? ` on ${graph.nameOf(execute.resource)}` : ""}` },
          { element: dataId, note: `${level} data flagged credentials, held ${where}` },
        ],
        factors: [...reachLikelihood(context, entry, agentId, tool), ...impact],
        path: [
          ...entrySteps(graph, untrusted, entry.top, agentId),
          effectStep(graph, execute),
          { element: dataId, action: `the commands read ${graph.nameOf(dataId)} ${where}`, technique: "AML.T0055" },
        ],
        scope: [...new Set([tool, site, dataId])],
      });
    }
  }
  return detections;
}
