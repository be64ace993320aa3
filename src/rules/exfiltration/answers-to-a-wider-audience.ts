import { sensitivityFactor } from "../../analysis/factors.js";
import { heldData, sensitiveSorted } from "../../analysis/sensitivity.js";
import type { SystemGraph } from "../../graph/graph.js";
import type { Actor } from "../../model/schema.js";
import { OUTSIDER_ACTOR_TYPES } from "../../model/vocabulary.js";
import { directReaders, names, readableBy } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

/**
 * Whether data reaches the agent as what people typed: from an actor or a client, or from a service that
 * does not hold it and receives it from one (a backend passing the question on).
 */
function isConversation(graph: SystemGraph, dataId: string, from: string): boolean {
  const typedThere = (id: string) => graph.kindOf(id) === "actor" || graph.kindOf(id) === "client";
  if (typedThere(from)) return true;
  if (graph.kindOf(from) !== "service" || heldData(graph, from).includes(dataId)) return false;
  return graph.flowsTo(from).some((f) => typedThere(f.from) && (f.data === undefined || f.data.includes(dataId)));
}

/** Capabilities that put the agent's words where others read them. */
const POSTING = new Set(["send", "publish", "write"]);

/** A place the agent's answers or posts appear: through its output (every answer) or a tool it calls (a post the model chooses). */
interface Place {
  id: string;
  /** The output flow or the posting tool. */
  via: string;
  how: "answer" | "post";
  /** What the output flow says it carries; undefined for a post, which may carry anything in the context. */
  carries?: readonly string[];
}

export const answersToAWiderAudience: Rule = {
  id: "TW-EXF-006",
  title: "Answers shown to readers who may not see their sources",
  category: "exfiltration",
  rationale:
    "A copilot trims what it retrieves to the rights of the person asking. When it answers, or posts, in a place others read too (a channel thread, a shared space with guests), everyone there reads an answer trimmed for someone else: an employee's question in a channel with partner guests shows the guests passages from documents they could never open. No attacker is needed; it happens in ordinary use, and nobody notices, because the asker was entitled to the answer.",
  appliesWhen:
    "An agent's output flows to a client or service, or one of its tools sends, publishes or writes to one, and that place names its readers (readableBy). Sensitive data in the agent's context (or, for an output flow that lists its data, in the answer) counts for a reader when the element it comes from (for data a tool reads out of stores or sources, the one of them holding it that names the fewest readers) names its readers and not that one, or names none and the reader is outside the organisation (public, customer or partner). Data that belongs to that reader, or that they supplied, does not count.",
  mappings: {
    stride: ["I"],
    owaspLlm: ["LLM02:2025"],
    owaspAgentic: ["ASI03"],
    atlasTechniques: ["AML.T0057"],
    atlasMitigations: ["AML.M0027"],
    maestro: ["L3", "L6"],
    nistAiRmf: ["MAP", "MANAGE"],
    nistCsf: ["PR.AA-05"],
  },
  // Every answer in the place is read there: only a post the model decides to make takes a step off.
  likelihood: 4,
  impact: 3,
  mitigations: [
    { control: "authorization", reduces: "likelihood", by: 2, how: "answers and posts in a shared place are trimmed to what every reader there may see, not only the asker", countsOn: "anchors" },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "the asker sees the post, and who will read it, before it goes out" },
    { control: "data-minimisation", reduces: "impact", by: 1, how: "sensitive passages are left out of answers in shared places" },
  ],
  detect(context) {
    const { graph, contextData } = context;
    const detections: Detection[] = [];
    // Who may open each element's content: asked for every reader and piece of data, answered once.
    const allowedCache = new Map<string, ReadonlySet<string>>();
    const allowed = (id: string) => allowedCache.get(id) ?? allowedCache.set(id, directReaders(graph, id)).get(id)!;
    const originOf = (from: string, data: string) => readersOrigin(graph, from, data, allowed);
    for (const node of graph.ofKind("agent")) {
      const agent = graph.agent(node.id)!;
      if (agent.thirdParty === true) continue;
      // Places that name their readers first: most agents answer only the asker, and their context need not be traced here.
      const shared = placesOf(graph, agent.id)
        .map((place) => ({ place, readers: audienceOf(graph, place.id) }))
        .filter((p) => p.readers.length > 0);
      if (shared.length === 0) continue;
      const inContext = contextData.of(agent.id);
      for (const { place, readers } of shared) {
        const shown = place.carries ? place.carries.filter((d) => inContext.has(d)) : [...inContext.keys()];
        // Each piece of data, and the first reader (in ID order) it should not reach.
        const exposed = new Map<string, Actor>();
        for (const data of shown) {
          const from = inContext.get(data)!;
          // What people typed (the question, from them, their client or a backend passing it on) is the conversation itself, read there anyway.
          if (isConversation(graph, data, from)) continue;
          const allowedHere = originOf(from, data).readers;
          const reader = readers.find((r) => mayNotSee(graph, r, data, allowedHere));
          if (reader) exposed.set(data, reader);
        }
        if (exposed.size === 0) continue;
        const data = sensitiveSorted(graph, exposed.keys());
        const outside = [...new Set(exposed.values())].sort((a, b) => (a.id < b.id ? -1 : 1));
        const factors: Factor[] = [...sensitivityFactor(graph, data)];
        if (place.how === "post") factors.push({ dimension: "likelihood", delta: -1, reason: `only what ${graph.nameOf(agent.id)} chooses to post through ${graph.nameOf(place.via)} appears there, not every answer` });
        const evidence: EvidenceItem[] = [
          { element: place.id, note: `read by ${names(context, readers.map((r) => r.id))}` },
          { element: place.via, note: place.how === "answer" ? `${graph.nameOf(agent.id)}'s answers go there` : `posts there for ${graph.nameOf(agent.id)}` },
          ...data.slice(0, 4).map((d) => {
            const from = inContext.get(d)!;
            const origin = originOf(from, d);
            const through = origin.element === from ? "" : ` (through ${graph.nameOf(from)})`;
            return { element: d, note: `from ${graph.nameOf(origin.element)}${through}, which ${whoMaySee(graph, origin.readers)}; read there by ${graph.nameOf(exposed.get(d)!.id)}` };
          }),
        ];
        detections.push({
          anchors: [agent.id, place.id],
          summary: `${graph.nameOf(agent.id)} ${place.how === "answer" ? "answers" : "posts"} in ${graph.nameOf(place.id)}, where ${names(context, outside.map((a) => a.id))} read what it writes, and its ${place.how === "answer" ? "answers carry" : "context holds"} ${names(context, data.slice(0, 3))}${data.length > 3 ? " and more" : ""}, which they may not open themselves.`,
          evidence,
          factors,
          path: [
            { element: agent.id, action: `someone entitled to them asks ${graph.nameOf(agent.id)}, and ${graph.nameOf(data[0]!)} go into the answer`, technique: "AML.T0057" },
            { element: place.id, action: `${names(context, outside.map((a) => a.id))} read it in ${graph.nameOf(place.id)}`, technique: "AML.T0057" },
          ],
          scope: [place.via],
        });
      }
    }
    return detections;
  },
};

/**
 * Clients and services the agent's output flows to, and those its tools post to, in ID order, an answer
 * before a post to the same place, so the answer tells the finding's story where it exposes anything (the
 * finding keeps the first detection). A post is judged on its own too: where the output flow names what it
 * carries, a tool that posts to the same place may still carry anything in the context.
 */
function placesOf(graph: SystemGraph, agentId: string): Place[] {
  const answers = new Map<string, Place>();
  const posts = new Map<string, Place>();
  const isPlace = (id: string) => graph.kindOf(id) === "client" || graph.kindOf(id) === "service";
  for (const flow of graph.flowsFrom(agentId)) {
    if (isPlace(flow.to) && !answers.has(flow.to)) answers.set(flow.to, { id: flow.to, via: flow.id, how: "answer", ...(flow.data ? { carries: flow.data } : {}) });
  }
  for (const tool of graph.toolsOf(agentId)) {
    for (const capability of tool.capabilities) {
      if (!POSTING.has(capability.action)) continue;
      for (const target of capability.on ?? []) if (isPlace(target) && !posts.has(target)) posts.set(target, { id: target, via: tool.id, how: "post" });
    }
  }
  return [...answers.values(), ...posts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.how === "answer" ? -1 : 1));
}

/** The actors a client or service names as reading what appears there, in ID order. */
function audienceOf(graph: SystemGraph, placeId: string): Actor[] {
  return readableBy(graph, placeId)
    .map((id) => graph.node(id)?.element as unknown as Actor | undefined)
    .filter((a): a is Actor => a !== undefined)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Whether a reader may not see data from an element whose readers are `allowed`: it names readers and not
 * this one, or names none and the reader is outside the organisation. Their own data they may see (what
 * they typed themselves is the conversation, left out before).
 */
function mayNotSee(graph: SystemGraph, reader: Actor, dataId: string, allowed: ReadonlySet<string>): boolean {
  if (graph.data(dataId)?.belongsTo?.includes(reader.id)) return false;
  return allowed.size > 0 ? !allowed.has(reader.id) : OUTSIDER_ACTOR_TYPES.has(reader.type);
}

/**
 * Where the data's readers are decided: the element it comes from, or for a tool that reads it out of stores or
 * sources (a SQL tool on a warehouse), those of them that hold it. A tool names no readers; the store it reads does.
 * Of several, the one that names the fewest readers (in ID order among equals), since the data may come from it.
 */
function readersOrigin(graph: SystemGraph, from: string, data: string, allowed: (id: string) => ReadonlySet<string>): { element: string; readers: ReadonlySet<string> } {
  const tool = graph.tool(from);
  if (!tool) return { element: from, readers: allowed(from) };
  const held = [...new Set(tool.capabilities.filter((c) => c.action === "read" || c.action === "fetch").flatMap((c) => c.on ?? []))]
    .filter((id) => heldData(graph, id).includes(data))
    .sort();
  // One that names no readers lets every insider see it: it binds last.
  const narrowness = (readers: ReadonlySet<string>) => (readers.size === 0 ? Number.POSITIVE_INFINITY : readers.size);
  let best: { element: string; readers: ReadonlySet<string> } | undefined;
  for (const id of held) {
    const readers = allowed(id);
    if (!best || narrowness(readers) < narrowness(best.readers)) best = { element: id, readers };
  }
  return best ?? { element: from, readers: allowed(from) };
}

/** Who may open an element's content themselves (its readers, `allowed`), in words. */
function whoMaySee(graph: SystemGraph, allowed: ReadonlySet<string>): string {
  const ids = [...allowed].sort();
  return ids.length > 0 ? `only ${ids.map((a) => graph.nameOf(a)).join(", ")} may open` : "names no readers, so only the organisation's own people count as allowed";
}
