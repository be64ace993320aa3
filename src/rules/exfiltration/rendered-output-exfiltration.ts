import { entrySteps, isDirect, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor, sensitivityFactor } from "../../analysis/factors.js";
import type { SystemGraph } from "../../graph/graph.js";
import type { Capability, Flow, Tool } from "../../model/schema.js";
import { reachesOutside } from "../../model/vocabulary.js";
import { controlsOfType, entryControls, entryWays, injectableAgents, names, originEvidence, outputConsumers, sensitiveDataAtStake, storeNote, writtenBy, type OutputConsumer } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, Rule } from "../rule.js";

type Rendering = "image" | "unfurl" | "link";

/** How a client or service turns output into requests: images load and links unfurl by themselves, links open on a click. */
function rendering(graph: SystemGraph, id: string): Rendering | undefined {
  const kind = graph.kindOf(id);
  if (kind !== "client" && kind !== "service") return undefined;
  const handles = graph.node(id)?.element.handles;
  if (!Array.isArray(handles)) return undefined;
  if (handles.includes("fetches-images")) return "image";
  if (handles.includes("unfurls-links")) return "unfurl";
  if (handles.includes("renders-links")) return "link";
  return undefined;
}

interface Surface {
  renderer: string;
  how: Rendering;
  /** Elements the output passes through before it is rendered (tools, stores, services). */
  through: string[];
  /** Every way there is a send or publish whose recipient the caller names: a steered agent addresses it to the attacker, who is then the reader. */
  addressed: boolean;
}

/**
 * A send or publish to any recipient (or one not stated): the attacker names it, so what it delivers reaches them directly
 * (TW-EXF-001). To any recipient inside the organisation (internal), the attacker is not among them: a colleague's client renders it.
 */
function attackerAddressed(capability: Capability): boolean {
  return reachesOutside(capability) && capability.destination !== "allow-listed";
}

/** Capabilities by which a tool writes output somewhere. */
function writing(tool: Tool): Capability[] {
  return tool.capabilities.filter((c) => c.action === "write" || c.action === "publish" || c.action === "send");
}

/**
 * Where an agent's output is rendered: clients and services it writes to directly
 * or through its tools, and those that show what it left in a store, source or
 * service on the way (a comment on a code host, a record in a back office). A
 * service that renders output and passes it on is both a surface and a way to
 * the clients behind it, when they need no click and it does (a chat platform
 * that renders links, whose apps load images). Of several ways to a surface, one
 * the attacker does not address is kept.
 */
function renderingSurfaces(context: AnalysisContext, agentId: string, consumers: readonly OutputConsumer[]): Surface[] {
  const { graph } = context;
  const found = new Map<string, Surface>();
  const note = (renderer: string, through: string[], addressed: boolean) => {
    const how = rendering(graph, renderer);
    const known = found.get(renderer);
    if (how && (known === undefined || (known.addressed && !addressed))) found.set(renderer, { renderer, how, through, addressed });
  };
  // Every way the agent's output is left in a store, source or service.
  const held = new Map<string, { through: string[]; addressed: boolean }[]>();
  const hold = (node: string, through: string[], addressed: boolean) => {
    const kind = graph.kindOf(node);
    if (!(kind === "datastore" || kind === "source" || kind === "service")) return;
    (held.get(node) ?? held.set(node, []).get(node)!).push({ through: [...through, node], addressed });
  };
  // Whether what the way's tool puts there (where the flows say: writtenBy) travels on by the flow.
  const carries = (way: { through: string[] }, flow: Flow) => way.through.length > 1 && flow.data?.some((d) => writtenBy(graph, agentId, way.through[0]!).has(d)) === true;
  for (const consumer of consumers) {
    const ways = consumer.vias.map((via) => {
      if (via.tool === undefined) return { through: [], addressed: false };
      const tool = graph.toolsOf(agentId).find((t) => t.id === via.tool)!;
      // By a flow from the tool, whatever it writes may be what arrives; by a capability, only what acts on the consumer.
      const carrying = via.flow !== undefined ? writing(tool) : tool.capabilities.filter((c) => c.action !== "read" && c.action !== "fetch" && (c.on ?? []).includes(consumer.consumer));
      return { through: [tool.id], addressed: carrying.length > 0 && carrying.every(attackerAddressed) };
    });
    const way = ways.find((w) => w.through.length === 0) ?? ways.find((w) => !w.addressed) ?? ways[0]!;
    note(consumer.consumer, way.through, way.addressed);
  }
  for (const flow of graph.flowsFrom(agentId)) hold(flow.to, [], false);
  for (const tool of graph.toolsOf(agentId)) {
    const writes = writing(tool);
    for (const capability of writes) for (const resource of capability.on ?? []) hold(resource, [tool.id], attackerAddressed(capability));
    if (writes.length > 0) for (const flow of graph.flowsFrom(tool.id)) hold(flow.to, [tool.id], writes.every(attackerAddressed));
  }
  for (const [node, ways] of held) {
    // Behind a service that renders the output itself, only a surface that needs no click adds a way out.
    const shown = rendering(graph, node);
    // Of the ways in, one the attacker does not address; among those, the one whose output the flow onward carries (the
    // summary a record system releases to the portal, not the orders pended beside it), else the first.
    const open = ways.some((w) => !w.addressed) ? ways.filter((w) => !w.addressed) : ways;
    for (const flow of graph.flowsFrom(node)) {
      const how = rendering(graph, flow.to);
      if (!how || (shown !== undefined && (shown !== "link" || how === "link"))) continue;
      const way = (open.length > 1 ? open.find((w) => carries(w, flow)) : undefined) ?? open[0]!;
      note(flow.to, way.through, way.addressed);
    }
  }
  return [...found.values()].sort((a, b) => (a.renderer < b.renderer ? -1 : 1));
}

/** What each surface does with an injected URL, for the summary and the evidence. */
const SURFACE_WORDS: Readonly<Record<Rendering, string>> = {
  image: "loads markdown images without a click, so an injected image URL carries the data to the attacker's server",
  unfurl: "unfurls links (fetches each URL for a preview) without a click, so an injected link carries the data to the attacker's server",
  link: "renders links, so one click on an injected link carries the data to the attacker's server",
};
const SURFACE_NOTES: Readonly<Record<Rendering, string>> = {
  image: "fetches images in the output by itself (zero-click)",
  unfurl: "fetches the links in the output for a preview by itself (zero-click)",
  link: "renders clickable links in the output",
};

export const renderedOutputExfiltration: Rule = {
  id: "TW-EXF-002",
  title: "Exfiltration through rendered markdown images or links",
  category: "exfiltration",
  rationale:
    "A steered agent does not need a sending tool to leak data: it can write a markdown image or link whose URL carries the data to the attacker's server. A client that loads images by itself, or a chat platform that unfurls links (fetches each URL for a preview), sends the request as soon as the answer is posted (zero-click); one that renders links sends it when the reader clicks. The reader is a legitimate user, so nothing looks wrong.",
  appliesWhen:
    "An injectable agent has sensitive data in its context and its output reaches a client or service that fetches images, unfurls links or renders links, directly, through its tools, or through the store, source or service its tools write to; and the attacker is not the reader: some untrusted origin reaches the agent other than through that client and is not someone who talks to the agent and gets its answers back (they see all it holds already), and the output gets there other than only by a send or publish whose recipient the caller names (any, or not stated), where the attacker names their own (TW-EXF-001)." +
    " Data the people behind every entry may read already is left out, and the evidence says why: what a tool reads with their own token (delegated) when they ask in a session of their own, or what comes from a place that lets all of them read it (readableBy); from a store shared between tenants, only a delegated read, for an entry that reaches its writers' own tenant's sessions only (tenancy single).",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM05:2025", "LLM02:2025", "LLM01:2025"],
    owaspAgentic: ["ASI01"],
    owaspAgenticThreats: ["T6"],
    atlasTechniques: ["AML.T0077", "AML.T0051.001", "AML.T0057"],
    atlasMitigations: ["AML.M0033", "AML.M0020"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 4,
  impact: 4,
  mitigations: [
    { control: "output-encoding", reduces: "likelihood", by: 2, how: "images and links in model output are stripped, or images go through a proxy that drops query strings" },
    {
      control: "egress-allowlist",
      reduces: "likelihood",
      by: 2,
      how: "a CSP img-src or link allow-list keeps the client from contacting the attacker's host; it counts where the fetch happens, on the client or a service on the way that renders or proxies the output, not on the agent; nor on a client that only renders links, where a click opens the page and a CSP does not govern it",
      countsOn: "named",
    },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "injected text is less likely to be obeyed", countsOn: "entry-path" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    for (const injectable of injectableAgents(context)) {
      const { agent, origins } = injectable;
      // Where the attacker picks who receives the output, they read it themselves: the direct send is TW-EXF-001's finding.
      const consumers = outputConsumers(context, agent.id);
      const surfaces = renderingSurfaces(context, agent.id, consumers).filter((s) => !s.addressed);
      if (surfaces.length === 0) continue;
      const { atStake, leftOut } = sensitiveDataAtStake(context, injectable);
      if (atStake.length === 0) continue;
      // Someone who talks to the agent and gets its answers back (through a client or service its output reaches) hears whatever
      // it holds already: a link that leaks it to them adds nothing. The attacker of this finding is one who cannot see the output.
      const answered = new Set(consumers.map((c) => c.consumer));
      const unanswered = origins.filter((o) => {
        const hops = untrusted.pathFrom(o.id, agent.id);
        return !(isDirect(graph, hops) && hops.some((hop) => answered.has(hop.node)));
      });
      for (const surface of surfaces) {
        // Someone who reaches the agent only through the client that renders its output is the reader: leaking to them is no leak.
        const attackers = unanswered.filter((o) => !untrusted.pathFrom(o.id, agent.id).some((hop) => hop.node === surface.renderer));
        const top = attackers[0];
        if (!top) continue;
        const hops = untrusted.pathFrom(top.id, agent.id);
        // Every entry other than the reader's will do for the attacker: a control on the way in counts where it covers all of them.
        const onTheWayIn = entryControls(context, renderedOutputExfiltration, entryWays(attackers, agent.id));
        const dataIds = atStake.map((d) => d.data);
        const richest = atStake[0]!;
        const click: Factor[] = surface.how === "link" ? [{ dimension: "likelihood", delta: -2, reason: `${graph.nameOf(surface.renderer)} renders links but does not load images: a person has to click` }] : [];
        const renderer = graph.nameOf(surface.renderer);
        const clickOnly = onlyByClick(graph, surface);
        const allowlists = fetchAllowlists(graph, surface, clickOnly);
        detections.push({
          anchors: [agent.id, surface.renderer],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)} and holds ${names(context, dataIds.slice(0, 4))}${dataIds.length > 4 ? " and more" : ""}; its output is shown in ${renderer}${surface.through.length ? ` (through ${names(context, surface.through)})` : ""}, which ${SURFACE_WORDS[surface.how]}.`,
          evidence: [
            ...originEvidence(context, attackers, agent.id),
            ...atStake.slice(0, 4).map((d) => ({ element: d.data, note: `sensitive data in the agent's context, from ${graph.nameOf(d.from)}${storeNote(context, injectable.agent.id, d.data)}` })),
            ...leftOut,
            { element: surface.renderer, note: SURFACE_NOTES[surface.how] },
            ...surface.through.map((id) => ({ element: id, note: `carries the agent's output on to ${renderer}` })),
            ...onTheWayIn.evidence,
            ...allowlists.evidence,
          ],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops), ...sensitivityFactor(graph, dataIds), ...click],
          path: [
            ...entrySteps(graph, untrusted, top, agent.id),
            graph.kindOf(richest.from) === "datastore" && graph.node(richest.from)?.element.type === "vector"
              ? { element: richest.from, action: `retrieves ${graph.nameOf(richest.data)} from ${graph.nameOf(richest.from)}`, technique: TECHNIQUE.dataFromRag }
              : { element: richest.from, action: `gathers ${graph.nameOf(richest.data)} from ${graph.nameOf(richest.from)}`, technique: TECHNIQUE.dataFromAgentTools },
            {
              element: surface.renderer,
              action:
                surface.how === "image"
                  ? `writes a markdown image whose URL holds the data; ${renderer} fetches it from the attacker's server when the output is shown`
                  : surface.how === "unfurl"
                    ? `writes a link whose URL holds the data; ${renderer} fetches it for a preview as soon as it is posted`
                    : `writes a link whose URL holds the data; a reader of ${renderer} clicks it`,
              technique: TECHNIQUE.responseRendering,
            },
          ],
          scope: [...surface.through, ...onTheWayIn.scope, ...allowlists.counted],
          // Where a click is the only way out, the click factor stands for what an allow-list at the renderer cannot stop:
          // none is missing, so none is proposed (unless a service on the way has one, which counts).
          ...(clickOnly && allowlists.counted.length === 0 ? { accountedFor: ["egress-allowlist" as const] } : {}),
        });
      }
    }
    return detections;
  },
};

/** Whether the only way out is a click: the renderer renders links, and nothing on the way loads images or unfurls. */
function onlyByClick(graph: SystemGraph, surface: Surface): boolean {
  return surface.how === "link" && surface.through.every((id) => (rendering(graph, id) ?? "link") === "link");
}

/**
 * Egress allow-lists where the rendered output's URLs are fetched: on the renderer or its host, or on a service the output
 * passes (an image proxy). Where the only way out is a click, the renderer fetches nothing: its list (a CSP's img-src,
 * connect-src) does not govern the page a click opens, so it is named in the evidence, not counted. A service on the
 * way keeps its credit: it may route clicks through itself (a link-rewriting gateway), which the model does not say.
 */
function fetchAllowlists(graph: SystemGraph, surface: Surface, clickOnly: boolean): { counted: string[]; evidence: EvidenceItem[] } {
  const onRenderer = controlsOfType(graph, "egress-allowlist", [surface.renderer, graph.hostOf(surface.renderer)].filter((id): id is string => id !== undefined));
  const onTheWay = controlsOfType(graph, "egress-allowlist", surface.through.filter((id) => graph.kindOf(id) === "service"));
  if (!clickOnly) return { counted: [...new Set([...onRenderer, ...onTheWay])].sort(), evidence: [] };
  const renderer = graph.nameOf(surface.renderer);
  const uncounted = onRenderer.filter((id) => !onTheWay.includes(id));
  return {
    counted: onTheWay,
    evidence: uncounted.map((id) => ({
      element: id,
      note: `not counted: ${renderer} loads no images and unfurls no links, and an egress allow-list there (a CSP's img-src, connect-src) governs only what it fetches itself, not the page a person's click on a link opens`,
    })),
  };
}
