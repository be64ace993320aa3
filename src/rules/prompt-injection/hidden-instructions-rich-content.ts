import { effectStep, entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import { effectImpactFactors, entryControls, entryWays, ownToolEffects, ownToolsFirst, worstEffect } from "../helpers.js";
import { reachesOutside } from "../../model/vocabulary.js";
import type { AnalysisContext, Detection, Rule } from "../rule.js";

/** Formats whose hidden text is in pixels or sound: it survives only a multimodal model or a transcript, not text extraction. */
const NOT_TEXT = new Set(["image", "audio"]);

/** Whether the origin's content reaches the agent on some way through none of the elements `avoid` picks out. */
function reachesAvoiding(context: AnalysisContext, origin: string, agentId: string, avoid: (id: string) => boolean): boolean {
  const seen = new Set([origin]);
  const queue = [origin];
  for (let next = 0; next < queue.length; next++) {
    for (const edge of context.untrusted.edges.get(queue[next]!) ?? []) {
      if (edge.to === agentId) return true;
      if (seen.has(edge.to) || avoid(edge.to)) continue;
      seen.add(edge.to);
      queue.push(edge.to);
    }
  }
  return false;
}

/**
 * Whether the origin's content reaches the agent as the file itself on some way, rather than only as text
 * an embedding-ingestion pipeline extracted into an index: a way through no such pipeline and no other agent.
 */
function reachesAsFile(context: AnalysisContext, origin: string, agentId: string): boolean {
  const { graph } = context;
  return reachesAvoiding(context, origin, agentId, (id) => graph.kindOf(id) === "agent" || graph.node(id)?.element.type === "embedding-ingestion");
}

/**
 * Whether the origin reaches the agent other than through a tool of the agent's that fetches from outside:
 * content fetched by the agent itself is TW-PI-003's finding, and no person reviews a fetched page anyway.
 */
function reachesOtherThanFetched(context: AnalysisContext, origin: string, agentId: string): boolean {
  const fetchers = new Set(context.graph.toolsOf(agentId).filter((t) => t.capabilities.some((c) => c.action === "fetch" && reachesOutside(c))).map((t) => t.id));
  return fetchers.size === 0 || reachesAvoiding(context, origin, agentId, (id) => fetchers.has(id));
}

/** Formats that can carry text a person reviewing the content does not see. */
const RICH = new Map<string, string>([
  ["pdf", "invisible text layers, white or tiny text"],
  ["html", "hidden elements, comments and CSS-hidden text"],
  ["image", "text in the image or its metadata that a multimodal model reads"],
  ["office", "hidden text, comments and metadata"],
  ["audio", "spoken instructions a transcript picks up"],
]);

export const hiddenInstructionsRichContent: Rule = {
  id: "TW-PI-005",
  title: "Hidden instructions in attachments and rich content",
  category: "prompt-injection",
  rationale:
    "PDFs, HTML, office documents, images and audio can carry text that a person looking at them never sees (white or tiny text, hidden layers and elements, metadata, text inside an image) but that text extraction or a multimodal model passes to the agent. Such instructions slip past human review and past filters that only look at the visible text.",
  appliesWhen:
    "A source whose content types include pdf, html, image, office or audio is written by untrusted actors (it is an untrusted origin) and its content reaches an agent without another agent in between (the first agent to parse it). Images and audio count only where the file itself reaches the agent: text an embedding-ingestion pipeline extracts for an index does not carry what is in their pixels or sound. A source that reaches the agent only through the agent's own fetch from outside is TW-PI-003's finding (nobody reviews a fetched page, so hidden text adds nothing).",
  mappings: {
    stride: ["T"],
    owaspLlm: ["LLM01:2025"],
    owaspAgentic: ["ASI01"],
    owaspAgenticThreats: ["T6"],
    atlasTechniques: ["AML.T0051.001", "AML.T0068"],
    atlasMitigations: ["AML.M0033", "AML.M0030", "AML.M0015"],
    maestro: ["L2", "L3"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "input-filtering", reduces: "likelihood", by: 1, how: "content is converted to visible text only and screened for instructions before it reaches the model", countsOn: "entry-path" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "extracted text is marked as data the model should not obey", countsOn: "entry-path" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "limits what a steered agent can do" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agentId = node.id;
      for (const origin of untrusted.originsReaching(agentId)) {
        if (graph.kindOf(origin.id) !== "source") continue;
        let types = ((graph.node(origin.id)?.element.contentTypes as string[] | undefined) ?? []).filter((t) => RICH.has(t));
        // Text in an image or a recording is lost when an ingestion pipeline extracts text for an index.
        if (types.some((t) => NOT_TEXT.has(t)) && !reachesAsFile(context, origin.id, agentId)) types = types.filter((t) => !NOT_TEXT.has(t));
        if (types.length === 0 || !reachesOtherThanFetched(context, origin.id, agentId)) continue;
        const hops = untrusted.pathFrom(origin.id, agentId);
        // Once another agent has parsed the file, what it passes on is plain text: that is indirect injection, not hidden content.
        if (hops.slice(1, -1).some((h) => graph.kindOf(h.node) === "agent")) continue;
        const effects = ownToolEffects(capabilities.agentEffects(agentId));
        const worst = worstEffect(ownToolsFirst(context, agentId, effects));
        const onTheWayIn = entryControls(context, hiddenInstructionsRichContent, entryWays([origin], agentId));
        detections.push({
          anchors: [agentId, origin.id],
          summary: `Content from ${graph.nameOf(origin.id)} (${types.join(", ")}), written by untrusted actors, reaches ${graph.nameOf(agentId)} via ${hops.map((h) => graph.nameOf(h.node)).join(" → ")}; instructions hidden in it are read by the model but not seen by people.`,
          evidence: [
            { element: origin.id, note: `untrusted content (${origin.reason}) in ${types.map((t) => `${t}: ${RICH.get(t)}`).join("; ")}` },
            { element: agentId, note: `reads it via ${hops.map((h) => h.node).join(" → ")}` },
            ...(worst && worst.action !== "read" ? [{ element: worst.tool!, note: `a steered agent can ${worst.action} through it` }] : []),
            ...onTheWayIn.evidence,
          ],
          factors: [...exposureFactor(graph, origin), ...attackerFactor(graph, origin.id), ...pathLengthFactor(graph, hops), ...effectImpactFactors(context, agentId, effects)],
          path: [
            { element: origin.id, action: `attacker sends ${types.join(" or ")} content with instructions hidden from human readers`, technique: "AML.T0068" },
            ...entrySteps(graph, untrusted, origin, agentId).slice(1),
            ...(worst ? [effectStep(graph, worst)] : []),
          ],
          scope: [...hops.flatMap((h) => [h.node, ...(h.ref && graph.kindOf(h.ref) === "flow" ? [h.ref] : [])]), ...onTheWayIn.scope],
        });
      }
    }
    return detections;
  },
};
