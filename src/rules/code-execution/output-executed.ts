import { entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import type { OutputHandling } from "../../model/vocabulary.js";
import { originEvidence, outputConsumers, sandboxOf } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

const EXECUTES: Partial<Record<OutputHandling, string>> = { "executes-code": "code", "executes-shell": "shell commands", "executes-sql": "SQL" };

export const outputExecuted: Rule = {
  id: "TW-RCE-003",
  title: "Model output executed by a consumer",
  category: "code-execution",
  rationale:
    "A service or client that runs what a model writes (generated code, shell commands, SQL) executes whatever the model was talked into writing. When attacker text can reach the model's context, the attacker chooses the code, and the consumer runs it with its own rights: classic injection with the model as the carrier.",
  appliesWhen:
    "An agent or model whose context untrusted content reaches sends output (through a flow, or through one of its tools that does not itself execute) to a client or service that executes code, shell commands or SQL.",
  mappings: {
    stride: ["T", "E"],
    owaspLlm: ["LLM05:2025", "LLM01:2025"],
    owaspAgentic: ["ASI05"],
    owaspAgenticThreats: ["T11"],
    owaspMcp: ["MCP05:2025"],
    atlasTechniques: ["AML.T0050", "AML.T0102", "AML.T0051.001"],
    atlasMitigations: ["AML.M0033", "AML.M0032"],
    maestro: ["L3", "L4"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 4,
  impact: 4,
  mitigations: [
    { control: "output-validation", reduces: "likelihood", by: 2, how: "the output is parsed and checked against what may run (allow-listed statements, parameterised queries) before execution" },
    { control: "sandbox", reduces: "impact", by: 2, how: "the output runs isolated, without secrets, host access or open network" },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a person reviews the code before it runs" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the executing account can do little beyond the task" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    for (const node of graph.components) {
      if (node.kind !== "agent" && node.kind !== "model") continue;
      const producer = node.id;
      const origins = untrusted.originsReaching(producer);
      const top = origins[0];
      if (!top) continue;
      for (const { consumer, vias } of outputConsumers(context, producer)) {
        const handles = ((graph.node(consumer)?.element.handles as OutputHandling[] | undefined) ?? []).filter((h) => EXECUTES[h]);
        if (handles.length === 0) continue;
        // A tool that itself executes is the agent running code (TW-RCE-001), not a consumer of its output.
        const carriers = vias.filter((v) => !v.tool || !graph.tool(v.tool)?.capabilities.some((c) => c.action === "execute"));
        if (carriers.length === 0) continue;
        const hops = untrusted.pathFrom(top.id, producer);
        const what = handles.map((h) => EXECUTES[h]!).join(", ");
        const impact: Factor[] = [];
        if (handles.some((h) => h !== "executes-sql")) impact.push({ dimension: "impact", delta: 1, reason: `${graph.nameOf(consumer)} runs ${what}: arbitrary code on its host` });
        const sandbox = sandboxOf(context, consumer);
        if (sandbox) impact.push({ dimension: "impact", delta: -1, reason: sandbox === consumer ? `${graph.nameOf(consumer)} is a sandbox` : `${graph.nameOf(consumer)} runs in ${graph.nameOf(sandbox)}, a sandbox` });
        const carrierIds = [...new Set(carriers.flatMap((v) => [v.flow, v.tool].filter((x): x is string => x !== undefined)))];
        detections.push({
          anchors: [producer, consumer],
          summary: `${graph.nameOf(consumer)} executes ${what} that ${graph.nameOf(producer)} writes, and text from ${graph.nameOf(top.id)} reaches ${graph.nameOf(producer)}.`,
          evidence: [
            ...originEvidence(context, origins, producer),
            { element: consumer, note: `handles output by ${handles.join(", ")}` },
            ...carrierIds.map((id) => ({ element: id, note: `carries ${graph.nameOf(producer)}'s output to ${graph.nameOf(consumer)}` })),
          ],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops), ...impact],
          path: [
            ...entrySteps(graph, untrusted, top, producer),
            { element: producer, action: `${graph.nameOf(producer)} writes ${what} carrying the attacker's payload`, technique: "AML.T0102" },
            { element: consumer, action: `${graph.nameOf(consumer)} executes the output as it is`, technique: "AML.T0050" },
          ],
          scope: carrierIds,
        });
      }
    }
    return detections;
  },
};
