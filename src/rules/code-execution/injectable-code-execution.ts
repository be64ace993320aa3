import { effectStep, entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import { autonomyFactor, entryControls, entryWays, firstPerTool, injectableAgents, originEvidence, ownToolEffects, sandboxOf } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const injectableCodeExecution: Rule = {
  id: "TW-RCE-001",
  title: "Injectable agent can execute code or commands",
  category: "code-execution",
  rationale:
    "An agent that reads attacker-controlled text and has a tool that runs code or shell commands turns prompt injection into remote code execution: the attacker writes the commands and the agent runs them, with everything the runtime can reach (files, network, environment secrets, the identity it runs as).",
  appliesWhen: "An injectable agent has a tool of its own (or of an MCP server it uses) with an execute capability.",
  mappings: {
    stride: ["E", "T"],
    owaspLlm: ["LLM01:2025", "LLM05:2025", "LLM06:2025"],
    owaspAgentic: ["ASI05", "ASI02"],
    owaspAgenticThreats: ["T11", "T2"],
    owaspMcp: ["MCP05:2025"],
    atlasTechniques: ["AML.T0050", "AML.T0102", "AML.T0053"],
    atlasMitigations: ["AML.M0029", "AML.M0032", "AML.M0028"],
    maestro: ["L3", "L4"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 4,
  impact: 4,
  mitigations: [
    { control: "sandbox", reduces: "impact", by: 2, how: "commands run in an isolated sandbox without secrets, host access or open network" },
    { control: "human-approval", reduces: "likelihood", by: 2, how: "a person reads and approves each command before it runs" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "injected text is less likely to be obeyed", countsOn: "entry-path" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the runtime user and identity can do little beyond the task" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const { agent, origins, top, hops } of injectableAgents(context)) {
      // Any entry will do for the attacker: a control on the way in counts where it covers all of them.
      const onTheWayIn = entryControls(context, injectableCodeExecution, entryWays(origins, agent.id));
      for (const execute of firstPerTool(ownToolEffects(capabilities.agentEffects(agent.id)).filter((e) => e.action === "execute"))) {
        const tool = execute.tool!;
        const impact: Factor[] = [];
        // Where the code runs: the resource the tool executes on, or else wherever the tool itself runs.
        const sandbox = (execute.resource ? sandboxOf(context, execute.resource) : undefined) ?? sandboxOf(context, tool);
        if (sandbox) impact.push({ dimension: "impact", delta: -1, reason: `the commands run in ${graph.nameOf(sandbox)}, a sandbox` });
        const where = execute.resource ? ` on ${graph.nameOf(execute.resource)}` : "";
        const identity = graph.identityOf(tool);
        detections.push({
          anchors: [agent.id, tool],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)} and can run code or commands through ${graph.nameOf(tool)}${where}.`,
          evidence: [
            ...originEvidence(context, origins, agent.id),
            { element: tool, note: `execute capability${where}${identity ? `, running as ${graph.nameOf(identity.id)}` : ""}${sandbox ? `, inside ${graph.nameOf(sandbox)}` : ""}` },
            ...(execute.resource ? [{ element: execute.resource, note: "where the commands run" }] : []),
            ...onTheWayIn.evidence,
          ],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops), ...autonomyFactor(context, agent.id, tool), ...impact],
          path: [
            ...entrySteps(graph, untrusted, top, agent.id),
            { element: agent.id, action: `${graph.nameOf(agent.id)} writes the attacker's commands into a call to ${graph.nameOf(tool)}`, technique: "AML.T0102" },
            effectStep(graph, execute),
          ],
          scope: [tool, ...(execute.resource ? [execute.resource] : []), ...onTheWayIn.scope],
        });
      }
    }
    return detections;
  },
};
