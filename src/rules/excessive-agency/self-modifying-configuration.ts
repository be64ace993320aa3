import type { Effect } from "../../analysis/capabilities.js";
import { entrySteps, TECHNIQUE } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import type { SystemGraph } from "../../graph/graph.js";
import { joinWords, names, originEvidence } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Factor, Rule } from "../rule.js";

const CHANGES = new Set<Effect["action"]>(["write", "publish", "admin"]);
/** Prompt roles that live as files in the repository the agent works on. */
const REPOSITORY_FILES = new Set(["rules-file", "instructions", "skill"]);

function isRepository(graph: SystemGraph, id: string): boolean {
  const node = graph.node(id);
  if (!node) return false;
  if (node.kind === "datastore" || node.kind === "source") return node.element.type === "code-repository";
  return node.kind === "service" && node.element.type === "code-host";
}

/** A repository the agent works in: checked out into it, its host or its code-running tool. */
function isHome(context: AnalysisContext, agentId: string, repository: string): boolean {
  const { graph } = context;
  const host = graph.agent(agentId)?.runsOn;
  const workspaces = new Set([agentId, ...(host ? [host] : []), ...graph.toolsOf(agentId).filter((t) => t.capabilities.some((c) => c.action === "execute")).map((t) => t.id)]);
  return graph.flowsFrom(repository).some((flow) => workspaces.has(flow.to));
}

interface Target {
  target: string;
  effects: Effect[];
  /** The instruction files the change reaches. */
  prompts: string[];
}

export const selfModifyingConfiguration: Rule = {
  id: "TW-AGY-005",
  title: "Agent can change its own instructions or configuration",
  category: "excessive-agency",
  rationale:
    "An agent that can rewrite the instructions it or another agent loads (a system prompt, a rules file, a skill) turns a one-off injection into a lasting one: the injected text becomes part of every later run, survives the end of the conversation, and reaches every user and every agent that loads the file. Without an attacker, an agent editing its own rules drifts from what its owners reviewed.",
  appliesWhen:
    "An agent has a write, publish or admin effect (through its tools, or laterally through credentials it reaches) on a prompt that it or another agent loads; or on a code repository or code host while it loads a rules file, instructions or a skill, which live in the repository (in the one the prompt's storedIn names, where it names one). Where several repositories qualify, those the agent works in (checked out into it, its host or its shell) are the ones reported.",
  mappings: {
    stride: ["T", "E"],
    owaspLlm: ["LLM06:2025", "LLM01:2025"],
    owaspAgentic: ["ASI10", "ASI06", "ASI01"],
    owaspAgenticThreats: ["T6", "T13"],
    atlasTechniques: ["AML.T0081", "AML.T0051.001"],
    atlasMitigations: ["AML.M0026", "AML.M0028", "AML.M0029"],
    maestro: ["L3"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 3,
  impact: 4,
  mitigations: [
    { control: "human-approval", reduces: "likelihood", by: 2, how: "changes to instruction files need a person's review (code owners, protected branches)" },
    { control: "least-privilege", reduces: "likelihood", by: 1, how: "the agent's tools and tokens cannot write instruction files" },
    { control: "pinned-artifacts", reduces: "likelihood", by: 1, how: "the agent loads its instructions from a pinned, protected revision, not from what it can change" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agent = graph.agent(node.id)!;
      const repositoryPrompts = (agent.prompts ?? []).filter((p) => REPOSITORY_FILES.has(String(graph.node(p)?.element.role))).sort();
      const targets = new Map<string, Target>();
      for (const effect of capabilities.agentEffects(agent.id)) {
        if (!CHANGES.has(effect.action) || !effect.resource) continue;
        const resource = effect.resource;
        let prompts: string[];
        if (graph.kindOf(resource) === "prompt") {
          if (graph.agentsLoadingPrompt(resource).length === 0) continue;
          prompts = [resource];
        } else if (repositoryPrompts.length > 0 && isRepository(graph, resource)) {
          // A file that says where it is kept lives there only.
          prompts = repositoryPrompts.filter((id) => {
            const storedIn = graph.node(id)?.element.storedIn;
            return storedIn === undefined || storedIn === resource;
          });
          if (prompts.length === 0) continue;
        } else continue;
        const entry = targets.get(resource);
        if (entry) entry.effects.push(effect);
        else targets.set(resource, { target: resource, effects: [effect], prompts });
      }
      if (targets.size === 0) continue;
      // Of several repositories, report the ones the agent works in (its instruction files are there), if any is known.
      const repositories = [...targets.keys()].filter((id) => graph.kindOf(id) === "datastore" || graph.kindOf(id) === "source");
      const home = repositories.filter((id) => isHome(context, agent.id, id));
      if (home.length > 0) for (const id of repositories) if (!home.includes(id)) targets.delete(id);

      const origins = untrusted.originsReaching(agent.id);
      const top = origins[0];
      const hops = top ? untrusted.pathFrom(top.id, agent.id) : [];
      const likelihood: Factor[] = top
        ? [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops)]
        : [{ dimension: "likelihood", delta: -2, reason: `no untrusted text reaches ${graph.nameOf(agent.id)}; a change would come from its own mistakes, not an attacker` }];
      for (const { target, effects, prompts } of [...targets.values()].sort((a, b) => (a.target < b.target ? -1 : 1))) {
        const tools = [...new Set(effects.flatMap((e) => (e.tool ? [e.tool] : [])))];
        const lateral = [...new Set(effects.flatMap((e) => (e.tool ? [] : e.credential ? [`credential ${graph.nameOf(e.credential)}`] : e.identity ? [`identity ${graph.nameOf(e.identity)}`] : [])))];
        const through = [...tools.map((t) => graph.nameOf(t)), ...lateral];
        const route = joinWords(through);
        const isPrompt = graph.kindOf(target) === "prompt";
        const loaders = isPrompt ? graph.agentsLoadingPrompt(target).map((a) => a.id) : [];
        const others = loaders.filter((id) => id !== agent.id);
        const whose = !isPrompt
          ? `where ${names(context, prompts)} live${prompts.length === 1 ? "s" : ""}`
          : loaders.includes(agent.id)
            ? `its own instructions${others.length ? `, also loaded by ${names(context, others)}` : ""}`
            : `the instructions ${names(context, others)} load${others.length === 1 ? "s" : ""}`;
        detections.push({
          anchors: [agent.id, target],
          summary:
            isPrompt
              ? `${graph.nameOf(agent.id)} can change ${graph.nameOf(target)}, ${whose}, through ${route}.`
              : `${graph.nameOf(agent.id)} loads ${names(context, prompts)} and can write to ${graph.nameOf(target)}, ${whose}, through ${route}.`,
          evidence: [
            ...originEvidence(context, origins, agent.id, 1),
            ...prompts.map((p): EvidenceItem => ({ element: p, note: `${String(graph.node(p)?.element.role)} loaded by ${names(context, graph.agentsLoadingPrompt(p).map((a) => a.id))}` })),
            ...effects.slice(0, 6).map((e): EvidenceItem => ({ element: e.tool ?? e.credential ?? e.identity ?? target, note: `${e.action} on ${graph.nameOf(target)}${e.credential ? ` with credential ${graph.nameOf(e.credential)} it can reach` : ""}` })),
          ],
          factors: likelihood,
          ...(top
            ? {
                path: [
                  ...entrySteps(graph, untrusted, top, agent.id),
                  { element: target, action: `writes the attacker's instructions into ${names(context, prompts)} in ${graph.nameOf(target)}, so every later run follows them`, technique: TECHNIQUE.agentConfiguration },
                ],
              }
            : {}),
          scope: [...tools, ...prompts],
        });
      }
    }
    return detections;
  },
};
