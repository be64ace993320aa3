import { moreDangerous } from "../../analysis/factors.js";
import { entrySteps } from "../../analysis/attack-paths.js";
import type { UntrustedOrigin } from "../../analysis/untrusted-content.js";
import type { Control, Tool } from "../../model/schema.js";
import { CONSEQUENTIAL_ACTIONS } from "../../model/vocabulary.js";
import { byDamage, controlsOfType, joinWords, names, originEvidence, SEVERE_ACTIONS, someNames, worstToolAction } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, PathStep, Rule } from "../rule.js";

/** What a review screen does with agent text that lets a request pass for something it is not. */
const DISGUISING: ReadonlySet<string> = new Set(["renders-markdown", "renders-links", "renders-html"]);

export const approverManipulation: Rule = {
  id: "TW-HUM-001",
  title: "Approvers see content an attacker shaped",
  category: "multi-agent",
  rationale:
    "A person approving an agent's action judges what an agent prepared: its summary, its justification, the fields it filled in. When that agent reads attacker-controlled text, the attacker writes that material too (\"urgent, supplier confirmed the new account by phone\"), and a steady stream of routine requests trains approvers to click through. The approval is still the strongest control against a steered agent, and the findings it lowers say how likely the steering is; this finding is what is left of it: the attacker must both steer the agent and get a person to approve, so it is scored on what makes the person easy to fool (a review screen that renders the agent's markdown and links), and its impact is that of the worst action the approval gates.",
  appliesWhen:
    "A human-approval control (not only planned) covers tools that agents call, and the agent whose text the approver reads is reachable by untrusted content: the agent that writes into the review queue where the approval is decided (a review-queue service the control covers, that a gated tool's request reaches, or whose decision goes to the agent calling a gated tool or to an agent that instructs it), or else the agent calling the gated tool, whose call the approval prompt shows. One finding per approval control, listing the tools it gates.",
  mappings: {
    stride: ["S", "T"],
    owaspLlm: ["LLM01:2025", "LLM09:2025"],
    owaspAgentic: ["ASI09"],
    owaspAgenticThreats: ["T10", "T15"],
    atlasTechniques: ["AML.T0051.001", "AML.T0067"],
    atlasMitigations: ["AML.M0029", "AML.M0018"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    euAiAct: ["Art. 14"],
  },
  likelihood: 2,
  impact: 3,
  controlShortfall: true,
  mitigations: [
    { control: "output-validation", reduces: "likelihood", by: 1, how: "what the approver sees is checked against the system of record, not only the agent's words; on every gated tool (or on the agents preparing the requests, or the screens showing them), since a steered agent words the request checked least" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "the approval screen shows source documents and system data apart from agent-written text; on every gated tool, as above" },
    { control: "rate-limit", reduces: "likelihood", by: 1, how: "fewer requests per approver, less approval fatigue; on a gated tool, since a limit on the agent's requests or its host's budget does not bound how many approvals one request puts to the approvers" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    const reviewServices = graph.ofKind("service").filter((node) => node.element.type === "review-queue").map((node) => node.id);
    for (const control of [...graph.model.controls].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (control.type !== "human-approval" || control.status === "planned") continue;
      // The tools the approval gates that some agent calls; an approval of an agent as a whole is not a request anyone words.
      const gated = [...new Set(control.covers)]
        .sort()
        .map((id) => graph.tool(id))
        .filter((tool): tool is Tool => tool !== undefined && graph.agentsUsingTool(tool.id).length > 0);
      if (gated.length === 0) continue;
      // Whose text the approver reads: the agents writing into the review queue, or else those whose calls the prompt shows.
      const linked = reviewQueues(context, control, gated, reviewServices);
      const writers = queueWriters(context, linked, gated);
      const queues = writers.length > 0 ? linked : [];
      const candidates = queues.length > 0 ? writers : callers(context, gated);
      const preparers = candidates
        .map((p) => ({ ...p, origins: untrusted.originsReaching(p.agent) }))
        .filter((p) => p.origins.length > 0)
        .sort((a, b) => moreDangerous(graph, a.origins[0]!, b.origins[0]!) || (a.agent < b.agent ? -1 : 1));
      const preparer = preparers[0];
      if (!preparer) continue;
      // Without a review queue the prompt shows each call: only the tools a steered agent calls are requests the attacker words.
      const shaped = (queues.length > 0 ? gated : gated.filter((tool) => graph.agentsUsingTool(tool.id).some((a) => preparers.some((p) => p.agent === a.id)))).sort(
        (a, b) => byDamage(worstToolAction([a])!.action, worstToolAction([b])!.action) || (a.id < b.id ? -1 : 1),
      );
      const worst = worstToolAction(shaped)!;
      const screens = [...new Set(queues.flatMap((q) => [q.queue, ...q.screens]))];
      const disguising = screens.flatMap((id) => handlesOf(context, id).filter((h) => DISGUISING.has(h)).map((h) => ({ screen: id, handles: h })));
      const top: UntrustedOrigin = preparer.origins[0]!;
      const condition = control.threshold ? ` above ${control.threshold.amount} ${control.threshold.currency}` : "";
      const shapedIds = shaped.map((t) => t.id);
      const preparerIds = preparers.map((p) => p.agent);
      const toolNames = someNames(context, shapedIds);
      const who = names(context, preparerIds);
      const likelihood: Factor[] = disguising.length
        ? [{ dimension: "likelihood", delta: 1, reason: disguiseWords(context, [...new Set(disguising.map((d) => d.screen))], [...new Set(disguising.map((d) => d.handles))]) }]
        : [];
      const impact: Factor[] = SEVERE_ACTIONS.has(worst.action)
        ? [{ dimension: "impact", delta: 1, reason: `the worst action it gates can ${worst.action} (${graph.nameOf(worst.tool)})` }]
        : shaped.every((t) => t.capabilities.every((c) => c.action === "read"))
          ? [{ dimension: "impact", delta: -1, reason: `the actions it gates only read: a fooled approver lets data be looked up, nothing changed` }]
          : [];
      const lookups = control.threshold ? [] : shaped.filter((t) => t.capabilities.some((c) => c.action === "read" || c.action === "fetch"));
      const seen: EvidenceItem[] = queues.length
        ? queues.flatMap((q) => queueEvidence(context, q, preparers))
        : preparers.map((p) => ({
            element: p.agent,
            note: `calls ${names(context, shaped.filter((t) => graph.agentsUsingTool(t.id).some((a) => a.id === p.agent)).map((t) => t.id))} with arguments and explanations it writes, which are what the approval prompt shows; no review queue is modelled that puts the source it read beside them`,
          }));
      const evidence: EvidenceItem[] = [
        ...originEvidence(context, preparer.origins, preparer.agent, 2),
        { element: control.id, note: `human approval of ${toolNames}${condition}; the approver decides on what ${who} wrote` },
        ...seen,
        ...shaped.map((t): EvidenceItem => ({ element: t.id, note: `gated: ${capabilityWords(context, t)}` })),
      ];
      if (lookups.length) {
        evidence.push({ element: control.id, note: `every call of ${names(context, lookups.map((t) => t.id))}, which look${lookups.length === 1 ? "s" : ""} things up, needs a click: approvers who confirm routine lookups all day stop reading (approval fatigue)` });
      }
      const where = queues[0]?.queue ?? worst.tool;
      const path: PathStep[] = [
        ...entrySteps(graph, untrusted, top, preparer.agent),
        { element: where, action: `${graph.nameOf(preparer.agent)} writes the request and its justification so that it looks routine`, technique: "AML.T0067" },
        { element: control.id, action: `the approver, seeing only what the agent wrote, approves ${graph.nameOf(worst.tool)}`, technique: "AML.T0067" },
      ];
      // A check of what the approver sees helps only where it covers every request a steered agent can word (it words
      // the one checked least), and a rate limit only where it caps the gated calls themselves.
      const partial = uncountedControls(context, shapedIds, [...preparerIds, ...screens]);
      detections.push({
        ...(partial.size > 0 ? { notCounted: partial } : {}),
        anchors: [control.id],
        summary: `People approving ${toolNames}${condition} (${graph.nameOf(control.id)}) decide on what ${who} wrote${queues.length ? ` into ${names(context, queues.map((q) => q.queue))}` : ""}, and ${graph.nameOf(preparer.agent)} reads text from ${graph.nameOf(top.id)}: a steered agent can word its requests to be approved.`,
        evidence,
        factors: [...likelihood, ...impact],
        path,
        scope: [...new Set([...preparerIds, ...shapedIds, ...screens])],
      });
    }
    return detections;
  },
};

interface ReviewQueue {
  /** A review-queue service where approvers decide. */
  queue: string;
  /** Why it is this approval's queue, in words. */
  link: string;
  /** The gated tools whose requests reach the queue (their callers word what it shows). */
  fromTools: string[];
  /** Clients that show the queue's items. */
  screens: string[];
  /** People who read the queue or its screens. */
  approvers: string[];
}

interface Preparer {
  agent: string;
  /** The tool or flow through which its text reaches the approver. */
  via: string;
}

/**
 * The review queues where the approval is decided: a review-queue service the control covers, one
 * that a gated tool's request reaches through services (the ERP puts the payment in its inbox), or one
 * whose decision goes to an agent calling a gated tool or to an agent that instructs it.
 */
function reviewQueues(context: AnalysisContext, control: Control, gated: readonly Tool[], reviewServices: readonly string[]): ReviewQueue[] {
  const { graph } = context;
  const callerIds = new Set(gated.flatMap((t) => graph.agentsUsingTool(t.id).map((a) => a.id)));
  const found: ReviewQueue[] = [];
  for (const id of reviewServices) {
    const fromTools = gated.filter((t) => reachesThroughServices(context, t.id, id)).map((t) => t.id);
    let link: string | undefined;
    if (control.covers.includes(id)) link = `covered by ${graph.nameOf(control.id)}`;
    else if (fromTools.length) link = `${names(context, fromTools)} put${fromTools.length === 1 ? "s" : ""} the request there`;
    else {
      for (const flow of graph.flowsFrom(id)) {
        if (graph.kindOf(flow.to) !== "agent") continue;
        if (callerIds.has(flow.to)) link = `its decision goes to ${graph.nameOf(flow.to)}, which calls the gated tool`;
        else {
          const instructed = graph.flowsFrom(flow.to).find((f) => callerIds.has(f.to));
          if (instructed) link = `its decision goes to ${graph.nameOf(flow.to)}, which instructs ${graph.nameOf(instructed.to)}, the agent calling the gated tool`;
        }
        if (link) break;
      }
    }
    if (!link) continue;
    const screens = graph
      .flowsFrom(id)
      .map((f) => f.to)
      .filter((to) => graph.kindOf(to) === "client");
    const approvers = [...new Set([id, ...screens].flatMap((shown) => graph.flowsFrom(shown).map((f) => f.to)).filter((to) => graph.kindOf(to) === "actor"))].sort();
    found.push({ queue: id, link, fromTools, screens: [...new Set(screens)].sort(), approvers });
  }
  return found;
}

/** Whether flows lead from the tool to the target through services only (at most three hops). */
function reachesThroughServices(context: AnalysisContext, from: string, target: string): boolean {
  const { graph } = context;
  let frontier = [from];
  const seen = new Set(frontier);
  for (let hop = 0; hop < 3 && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const flow of graph.flowsFrom(id)) {
        if (flow.to === target) return true;
        if (seen.has(flow.to) || graph.kindOf(flow.to) !== "service") continue;
        seen.add(flow.to);
        next.push(flow.to);
      }
    }
    frontier = next;
  }
  return false;
}

/** Agents whose text lands in the queues: a flow of their own, a tool that writes there, or a gated tool whose request reaches it. */
function queueWriters(context: AnalysisContext, queues: readonly ReviewQueue[], gated: readonly Tool[]): Preparer[] {
  const { graph } = context;
  const found = new Map<string, string>();
  const note = (agent: string, via: string) => {
    if (!found.has(agent)) found.set(agent, via);
  };
  for (const { queue, fromTools } of queues) {
    for (const flow of graph.flowsTo(queue)) {
      const kind = graph.kindOf(flow.from);
      if (kind === "agent") note(flow.from, flow.id);
      else if (kind === "tool") for (const agent of graph.agentsUsingTool(flow.from)) note(agent.id, flow.from);
    }
    for (const use of graph.toolsActingOn(queue)) {
      if (!CONSEQUENTIAL_ACTIONS.has(use.action)) continue;
      for (const agent of graph.agentsUsingTool(use.tool)) note(agent.id, use.tool);
    }
    for (const tool of gated.filter((t) => fromTools.includes(t.id))) for (const agent of graph.agentsUsingTool(tool.id)) note(agent.id, tool.id);
  }
  return [...found].map(([agent, via]) => ({ agent, via }));
}

/** The agents calling the gated tools, each with the first gated tool it calls. */
function callers(context: AnalysisContext, gated: readonly Tool[]): Preparer[] {
  const found = new Map<string, string>();
  for (const tool of gated) for (const agent of context.graph.agentsUsingTool(tool.id)) if (!found.has(agent.id)) found.set(agent.id, tool.id);
  return [...found].map(([agent, via]) => ({ agent, via }));
}

function queueEvidence(context: AnalysisContext, queue: ReviewQueue, preparers: readonly Preparer[]): EvidenceItem[] {
  const { graph } = context;
  const screens = [queue.queue, ...queue.screens];
  const rendered = [...new Set(screens.flatMap((id) => handlesOf(context, id)).filter((h) => DISGUISING.has(h)))];
  const writers = preparers.map((p) => `${graph.nameOf(p.agent)} (through ${graph.nameOf(p.via)})`);
  const readBy = queue.approvers.length ? `, read there by ${names(context, queue.approvers)}` : "";
  const rendering = rendered.length ? `; ${rendered.map((h) => RENDERED[h]).join(", ")}` : "; shown as plain text";
  return [
    {
      element: queue.queue,
      note: `where the approval is decided (${queue.link}): ${names(context, screens)} show${screens.length === 1 ? "s" : ""} what ${joinWords(writers)} wrote${readBy}${rendering}`,
    },
  ];
}

function handlesOf(context: AnalysisContext, id: string): string[] {
  const handles = context.graph.node(id)?.element.handles;
  return Array.isArray(handles) ? (handles as string[]) : [];
}

/** What each way of rendering agent text lets a request pretend. */
const RENDERED: Readonly<Record<string, string>> = {
  "renders-markdown": "rendered markdown lets agent-written text look like system data",
  "renders-html": "rendered HTML lets agent-written text look like system data or hide",
  "renders-links": "a link's text can hide where it points",
};

/** "Compliance review queue and Compliance console render markdown and links the agent writes: ..." */
function disguiseWords(context: AnalysisContext, screens: readonly string[], handles: readonly string[]): string {
  const what = joinWords(handles.map((h) => h.replace(/^renders-/, "")).map((w) => (w === "html" ? "HTML" : w)));
  return `${names(context, screens)} render${screens.length === 1 ? "s" : ""} ${what} the agent writes (${handles.map((h) => RENDERED[h]).join("; ")})`;
}

/** "write on Staging database, delete on Staging database" for a tool's capabilities. */
function capabilityWords(context: AnalysisContext, tool: Tool): string {
  const words = tool.capabilities.map((c) => `${c.action}${c.on?.length ? ` on ${names(context, c.on)}` : ""}`);
  return `${context.graph.nameOf(tool.id)} can ${joinWords([...new Set(words)])}; called by ${names(context, context.graph.agentsUsingTool(tool.id).map((a) => a.id))}`;
}

/**
 * Controls on the finding's elements that do not count against it, with why: checks of what the approver sees
 * (output-validation, content-isolation) that cover some of the gated tools and neither the agents preparing
 * the requests nor the screens showing them (`whole`); and rate limits on those agents, screens, or their hosts
 * and identities, that cover none of the gated tools themselves, since a cap on people's requests or on a
 * tenant's model budget does not bound how many approval prompts one steered request produces.
 */
function uncountedControls(context: AnalysisContext, tools: readonly string[], whole: readonly string[]): Map<string, string> {
  const { graph } = context;
  const uncounted = new Map<string, string>();
  for (const type of ["output-validation", "content-isolation"] as const) {
    const onWhole = new Set(controlsOfType(graph, type, whole, { runtime: true }));
    for (const id of controlsOfType(graph, type, tools, { runtime: true })) {
      if (onWhole.has(id)) continue;
      const checked = tools.filter((t) => controlsOfType(graph, type, [t], { runtime: true }).includes(id));
      const open = tools.filter((t) => !checked.includes(t));
      if (open.length > 0) uncounted.set(id, `${id} (${type}) checks ${names(context, checked)} but not ${names(context, open)}, and a steered agent words the request checked least`);
    }
  }
  const onTools = new Set(controlsOfType(graph, "rate-limit", tools));
  for (const id of controlsOfType(graph, "rate-limit", [...whole, ...tools], { runtime: true })) {
    if (!onTools.has(id)) uncounted.set(id, `${id} (rate-limit) does not cover ${names(context, tools)}, so it does not bound how many approvals a steered agent puts to the approvers`);
  }
  return uncounted;
}
