import { entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor } from "../../analysis/factors.js";
import { originEvidence, outputConsumers } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const htmlRendering: Rule = {
  id: "TW-OUT-001",
  title: "Model output rendered as HTML",
  category: "output-handling",
  rationale:
    "A client or service that renders model output as HTML runs whatever markup the model writes: script, event handlers, forms, iframes and images that call out. Model output is untrusted data; when attacker text reaches the model it becomes stored or reflected cross-site scripting in the reader's session, and even without an attacker a model can echo markup it was shown.",
  appliesWhen:
    "An agent or model sends output (through a flow, or through one of its tools) to a client or service that renders HTML. Likelihood is higher when untrusted content reaches the producer.",
  mappings: {
    stride: ["T", "I", "E"],
    owaspLlm: ["LLM05:2025"],
    atlasTechniques: ["AML.T0077", "AML.T0051.001"],
    atlasMitigations: ["AML.M0033"],
    maestro: ["L7"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 2,
  impact: 3,
  mitigations: [
    { control: "output-encoding", reduces: "likelihood", by: 2, how: "the output is HTML-escaped (or rendered as text) so markup in it is shown, not run" },
    { control: "output-validation", reduces: "likelihood", by: 1, how: "an allow-list sanitiser strips scripts, handlers and remote resources" },
    { control: "egress-allowlist", reduces: "impact", by: 1, how: "a content security policy limits what injected markup can load or send" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    for (const node of graph.components) {
      if (node.kind !== "agent" && node.kind !== "model") continue;
      const producer = node.id;
      for (const { consumer, vias } of outputConsumers(context, producer)) {
        const handles = (graph.node(consumer)?.element.handles as string[] | undefined) ?? [];
        if (!handles.includes("renders-html")) continue;
        const origins = untrusted.originsReaching(producer);
        const top = origins[0];
        const factors: Factor[] = top
          ? [{ dimension: "likelihood", delta: 1, reason: `attacker text reaches ${graph.nameOf(producer)}, so the attacker chooses the markup` }, ...exposureFactor(graph, top), ...attackerFactor(graph, top.id)]
          : [{ dimension: "likelihood", delta: -1, reason: `no untrusted text reaches ${graph.nameOf(producer)}: harmful markup would have to come from the model or its own users` }];
        const carriers = [...new Set(vias.flatMap((v) => [v.flow, v.tool].filter((x): x is string => x !== undefined)))];
        detections.push({
          anchors: [producer, consumer],
          summary: `${graph.nameOf(consumer)} renders ${graph.nameOf(producer)}'s output as HTML${top ? `, and text from ${graph.nameOf(top.id)} reaches ${graph.nameOf(producer)}` : ""}.`,
          evidence: [
            { element: consumer, note: `handles output by ${handles.join(", ")}` },
            ...carriers.map((id) => ({ element: id, note: `carries ${graph.nameOf(producer)}'s output to ${graph.nameOf(consumer)}` })),
            ...(top ? originEvidence(context, origins, producer) : []),
          ],
          factors,
          ...(top
            ? {
                path: [
                  ...entrySteps(graph, untrusted, top, producer),
                  { element: producer, action: `${graph.nameOf(producer)} writes the attacker's markup (script, form or remote image) into its output`, technique: "AML.T0077" },
                  { element: consumer, action: `${graph.nameOf(consumer)} renders it as HTML in the reader's session`, technique: "AML.T0077" },
                ],
              }
            : {}),
          scope: carriers,
        });
      }
    }
    return detections;
  },
};
