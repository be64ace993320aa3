import { decisionFactor } from "../../analysis/factors.js";
import { attackerFedInputs, type AttackerFedInput } from "../../analysis/untrusted-content.js";
import type { Control } from "../../model/schema.js";
import { names, someNames, strengthIn } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, PathStep, Rule } from "../rule.js";
import { EVIDENCE_LIMIT, credentialWords, endpointOrigin, endpointWho, entryFactors, entryThreat, inferenceEndpoint, originWho, type InferenceEndpoint } from "./model-access.js";

/** What feeds the classifier attacker-shaped input; `endpoint` where the origin is its inference endpoint. */
interface Feeder extends AttackerFedInput {
  endpoint?: InferenceEndpoint;
}

export const classifierEvasion: Rule = {
  id: "TW-DAT-011",
  title: "Classifier can be evaded with crafted input",
  category: "data-and-model",
  rationale:
    "A classification model (fraud, risk, moderation, malware or spam scoring) decides what happens to the input it is given. When an attacker shapes that input, no injection is needed: they submit variations, see which ones get through, and keep what the model scores as benign. A synthetic-identity ring probes an onboarding risk model this way; spammers tune messages past a filter. Each attempt looks like ordinary input, so nothing fails loudly.",
  appliesWhen:
    "A model with task classification is fed input an untrusted origin shapes: a component that sends it input (by a flow other than training) or an agent calling it is reached by untrusted content (an untrusted actor or source sending straight to it counts), or a tool acting on it is reached or called by an agent that is, or its inference endpoint (its own, or the inference server it runs on) is exposed to the internet or partners: open to anyone there without authentication, or asking for credentials that untrusted actors calling it themselves hold, one step less likely, since credentials identify callers but do not bound their attempts. Models without a task (generation), embedding models, classifiers fed only by trusted components and classifiers reached only through training are out of scope (poisoning is TW-DAT-002). A human approval whose routedBy names the classifier raises the impact; otherwise the model's declared decision sets it: high stakes +1, low -1.",
  mappings: {
    stride: ["S", "T"],
    atlasTechniques: ["AML.T0015", "AML.T0043", "AML.T0042"],
    atlasMitigations: ["AML.M0015", "AML.M0004", "AML.M0003", "AML.M0002"],
    maestro: ["L1"],
    nistAiRmf: ["MEASURE", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    {
      control: "rate-limit",
      reduces: "likelihood",
      by: 1,
      how: "finding input that passes takes many attempts; a per-caller limit makes probing slow and visible. It counts on the classifier or its host, or when every component that feeds it attacker-shaped input has one",
      countsOn: "named",
    },
    { control: "model-monitoring", reduces: "likelihood", by: 1, how: "shifts in the score distribution and runs of near-threshold inputs from one source are noticed", countsOn: "anchors" },
    { control: "red-teaming", reduces: "likelihood", by: 1, how: "the classifier is tested against adversarial inputs and hardened (adversarial training, evasion test sets) before release", countsOn: "anchors" },
    {
      control: "output-obfuscation",
      reduces: "likelihood",
      by: 1,
      how: "callers get a label or a coarse band, not the score: a probe learns whether it passed, not how near it came, so finding input that passes takes far more attempts",
      countsOn: "anchors",
    },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("model")) {
      if (node.element.task !== "classification") continue;
      const model = node.id;
      const feeders = feedersOf(context, model);
      const top = feeders[0];
      if (!top) continue;
      const name = graph.nameOf(model);
      const who = top.endpoint ? endpointWho(graph, top.endpoint) : originWho(graph, top.origin);
      // What passes the top origin's input on to the model, for the summary (none when the origin sends it straight).
      const front = feeders.find((i) => i.origin.id === top.origin.id && i.input !== top.origin.id)?.input;
      const approvals = routedApprovals(context, model);
      const factors: Factor[] = entryFactors(graph, top.origin, top.endpoint);
      if (approvals.length > 0) {
        const covered = approvals.flatMap((c) => c.covers);
        const tools = covered.filter((id) => graph.kindOf(id) === "tool");
        factors.push({
          dimension: "impact",
          delta: 1,
          reason: `${name} decides which actions go to ${names(context, approvals.map((c) => c.id))} (human approval of ${someNames(context, [...new Set(tools.length ? tools : covered)])}): input it scores as benign skips the review`,
        });
      } else factors.push(...decisionFactor(graph, [model], "input it scores as benign gets the decision the attacker wants"));
      const limit = probeLimit(context, model, feeders);
      const origins = [...new Map(feeders.map((i) => [i.origin.id, i])).values()];
      const evidence: EvidenceItem[] = [
        { element: model, note: "task classification: labels or scores the input it is given" },
        ...origins.slice(0, 3).map((i) => {
          const way = route(context, i, model);
          return { element: i.origin.id, note: `untrusted entry (${i.origin.reason}); ${way.length === 1 ? `its callers query ${name} at its own interface` : `reaches ${name} via ${way.map((id) => graph.nameOf(id)).join(" → ")}`}` };
        }),
        ...feeders.slice(0, EVIDENCE_LIMIT).map((i) => ({ element: i.input, note: feederNote(context, i, model) })),
        ...approvals.map((c) => ({ element: c.id, note: `human approval of ${someNames(context, c.covers)}; ${name} decides which actions are sent to it` })),
        ...limit.evidence,
      ];
      const approvalWords = approvals.length > 0 ? `, and it decides which actions go to ${names(context, approvals.map((c) => c.id))}` : "";
      detections.push({
        anchors: [model],
        summary: `${name} scores input from ${who}${front ? ` (through ${graph.nameOf(front)})` : ""}${approvalWords}: by trying variations they can find input it lets through.`,
        evidence,
        factors,
        path: evasionPath(context, top, model, approvals),
        scope: [...feeders.map((i) => i.input), ...limit.scope],
      });
    }
    return detections;
  },
};

/**
 * attackerFedInputs, and the classifier's inference endpoint where outsiders query it (inferenceEndpoint):
 * it takes the place of what the endpoint passes on when it is the more dangerous entry. Most dangerous
 * entry first (entryThreat), then the most exposed, then by input.
 */
function feedersOf(context: AnalysisContext, model: string): Feeder[] {
  const { graph } = context;
  const feeders: Feeder[] = attackerFedInputs(graph, context.untrusted, model);
  const endpoint = inferenceEndpoint(context, model);
  if (endpoint) {
    const fed: Feeder = { input: endpoint.element, origin: endpointOrigin(graph, endpoint), endpoint };
    const at = feeders.findIndex((i) => i.input === endpoint.element);
    if (at < 0) feeders.push(fed);
    else if (entryThreat(graph, fed.origin, endpoint) > entryThreat(graph, feeders[at]!.origin)) feeders[at] = fed;
  }
  const threat = (i: Feeder) => entryThreat(graph, i.origin, i.endpoint);
  return feeders.sort((a, b) => threat(b) - threat(a) || b.origin.exposure - a.origin.exposure || (a.input < b.input ? -1 : 1));
}

/** Human approvals, not merely planned, whose routedBy names the model, in ID order. */
function routedApprovals(context: AnalysisContext, model: string): Control[] {
  return context.graph.model.controls
    .filter((c) => c.type === "human-approval" && c.status !== "planned" && (c.routedBy ?? []).includes(model))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The elements the origin's input passes on its way to the model, origin first and the model last. */
function route(context: AnalysisContext, fed: Feeder, model: string): string[] {
  const { graph, untrusted } = context;
  // Callers of the endpoint query the model at it: through the server, or at the model's own interface.
  if (fed.endpoint) return fed.endpoint.element === model ? [model] : [fed.endpoint.element, model];
  const via = (hops: readonly { node: string }[]) => hops.map((h) => h.node);
  const direct = via(untrusted.pathFrom(fed.origin.id, fed.input));
  if (direct.length > 0) return [...direct, model];
  // A tool the origin's text does not reach itself: an agent it reaches calls the tool.
  for (const agent of graph.agentsUsingTool(fed.input)) {
    const hops = via(untrusted.pathFrom(fed.origin.id, agent.id));
    if (hops.length > 0) return [...hops, fed.input, model];
  }
  return [fed.origin.id, model];
}

function feederNote(context: AnalysisContext, fed: Feeder, model: string): string {
  const { graph } = context;
  if (fed.endpoint) {
    const { exposure, authentication } = fed.endpoint;
    return `inference endpoint of ${graph.nameOf(model)}: exposure ${exposure}, ${authentication === undefined ? "no authentication" : `authentication ${authentication}`}`;
  }
  const from = graph.nameOf(fed.origin.id);
  if (graph.kindOf(fed.input) === "tool") {
    const callers = graph.agentsUsingTool(fed.input).filter((a) => context.untrusted.originsReaching(a.id).length > 0).map((a) => a.id);
    return `acts on ${graph.nameOf(model)}${callers.length ? `, called by ${someNames(context, callers)}` : ""}; its input is shaped by ${from}`;
  }
  if (fed.input === fed.origin.id) return `sends input straight to ${graph.nameOf(model)}`;
  return `sends ${graph.nameOf(model)} input shaped by ${from}`;
}

/**
 * The rate limit that slows probing: the strongest on the model or its host, or, when every feeder
 * (or its host) has one, the weakest feeder's best; the stronger of the two. A limit on some feeders
 * only leaves a way to probe without it, so it does not count and says so.
 */
function probeLimit(context: AnalysisContext, model: string, feeders: readonly AttackerFedInput[]): { scope: string[]; evidence: EvidenceItem[] } {
  const { graph } = context;
  const limitsOn = (id: string) =>
    [id, graph.hostOf(id)]
      .filter((x): x is string => x !== undefined)
      .flatMap((x) => graph.controlsCovering(x))
      .filter((c) => c.type === "rate-limit")
      .sort((a, b) => strengthIn(context, b) - strengthIn(context, a) || (a.id < b.id ? -1 : 1));
  const onModel = limitsOn(model)[0];
  let weakest: Control | undefined;
  let open: string | undefined;
  const seen = new Map<string, Control>();
  for (const fed of feeders) {
    const limits = limitsOn(fed.input);
    for (const c of limits) seen.set(c.id, c);
    const best = limits[0];
    if (!best) open ??= fed.input;
    else if (!weakest || strengthIn(context, best) < strengthIn(context, weakest)) weakest = best;
  }
  const onFeeders = open === undefined ? weakest : undefined;
  const chosen = onModel && (!onFeeders || strengthIn(context, onModel) >= strengthIn(context, onFeeders)) ? onModel : onFeeders;
  if (chosen) {
    const where = chosen === onModel ? graph.nameOf(model) : `every component that feeds ${graph.nameOf(model)} attacker-shaped input`;
    return { scope: [chosen.id], evidence: [{ element: chosen.id, note: `rate limit on ${where}: probing for input that passes is slow` }] };
  }
  const evidence = [...seen.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((c) => ({ element: c.id, note: `limits some input to ${graph.nameOf(model)}, but not what ${graph.nameOf(open!)} sends, so it does not count` }));
  return { scope: [], evidence };
}

function evasionPath(context: AnalysisContext, top: Feeder, model: string, approvals: readonly Control[]): PathStep[] {
  const { graph } = context;
  const { origin, endpoint } = top;
  const name = graph.nameOf(model);
  const entry = endpoint
    ? `the attacker sends ${graph.nameOf(endpoint.element)} input crafted to pass ${name}${endpoint.authentication === undefined ? "" : `, with ${credentialWords(endpoint.authentication)} held by ${names(context, endpoint.callers)} (a holder's own, or one leaked or bought)`}`
    : graph.kindOf(origin.id) === "actor"
      ? `${graph.nameOf(origin.id)} submits input crafted to pass ${name}`
      : `the attacker puts input crafted to pass ${name} into ${graph.nameOf(origin.id)}`;
  const skipped = approvals.length > 0 ? `, so the action skips ${names(context, approvals.map((c) => c.id))}` : "";
  return [
    { element: origin.id, action: entry, technique: "AML.T0043" },
    { element: model, action: `the attacker sees which attempts ${name} lets through and refines the input`, technique: "AML.T0042" },
    { element: model, action: `${name} scores the crafted input as benign${skipped}`, technique: "AML.T0015" },
  ];
}
