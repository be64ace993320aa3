import { effectStep } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor } from "../../analysis/factors.js";
import { insidersOf, isUntrustedActor } from "../../analysis/untrusted-content.js";
import type { Effect } from "../../analysis/capabilities.js";
import { joinWords, reachesOutside } from "../../model/vocabulary.js";
import { allReadable, alreadyReadable } from "../already-readable.js";
import { effectImpactFactors, names, ownToolEffects, ownToolsFirst, worstEffect } from "../helpers.js";
import type { AnalysisContext, Detection, EvidenceItem, Rule } from "../rule.js";

export const writableInstructionFiles: Rule = {
  id: "TW-PI-004",
  title: "Instruction files writable by untrusted actors",
  category: "prompt-injection",
  rationale:
    "System prompts, rules files (AGENTS.md, .cursorrules), skills and instruction files are read by the agent as its own orders, with more authority than anything a user or a document says. Whoever can edit one does not have to trick the model: they reconfigure the agent. A rules file loaded from a pull request's head or a shared folder is such a file.",
  appliesWhen:
    "A prompt of any role that an agent loads is writable by an untrusted actor (public, customer or partner; contractors and employees when an insider adversary is modelled, only those it names when its `via` names any). A way out (a tool that sends, publishes or fetches outside) does not count toward the harm where the agent holds sensitive data and the writers may read all of it already (their own tenant's records, for instructions that reach their own tenant's sessions only: tenancy single), as TW-EXF-001 judges it; with nothing sensitive held, sending in the team's name still counts.",
  mappings: {
    stride: ["T", "E"],
    owaspLlm: ["LLM01:2025"],
    owaspAgentic: ["ASI01", "ASI04"],
    owaspAgenticThreats: ["T6", "T17"],
    atlasTechniques: ["AML.T0081", "AML.T0051.001"],
    atlasMitigations: ["AML.M0005", "AML.M0014", "AML.M0013"],
    maestro: ["L3", "L4"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    euAiAct: ["Art. 15"],
  },
  likelihood: 4,
  impact: 4,
  mitigations: [
    { control: "human-approval", reduces: "likelihood", by: 2, how: "changes to the file need a trusted reviewer before the agent loads them (code owners, protected branch)" },
    { control: "signed-artifacts", reduces: "likelihood", by: 2, how: "the agent only loads instruction files signed by the team" },
    { control: "pinned-artifacts", reduces: "likelihood", by: 1, how: "the agent loads a pinned revision (the base branch) rather than the latest edit" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "limits what a reconfigured agent can do" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const insiders = insidersOf(graph.model);
    const originById = new Map(untrusted.origins.map((o) => [o.id, o]));
    const actors = new Map(graph.model.actors.map((a) => [a.id, a]));
    const prompts = [...graph.model.prompts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const detections: Detection[] = [];
    for (const prompt of prompts) {
      const writers = (prompt.writableBy ?? []).filter((id) => {
        const actor = actors.get(id);
        return actor !== undefined && isUntrustedActor(actor, insiders);
      });
      if (writers.length === 0) continue;
      writers.sort((a, b) => (originById.get(b)?.exposure ?? 0) - (originById.get(a)?.exposure ?? 0) || (a < b ? -1 : 1));
      const origin = originById.get(prompt.id);
      for (const agent of graph.agentsLoadingPrompt(prompt.id)) {
        const { effects, idle } = harmfulEffects(context, agent.id, prompt.id, ownToolEffects(capabilities.agentEffects(agent.id)));
        const worst = worstEffect(ownToolsFirst(context, agent.id, effects));
        detections.push({
          anchors: [agent.id, prompt.id],
          summary: `${graph.nameOf(agent.id)} loads ${graph.nameOf(prompt.id)} (${prompt.role}${prompt.path ? `, ${prompt.path}` : ""}) as instructions, and ${names(context, writers)} can edit it.`,
          evidence: [
            { element: prompt.id, note: `${prompt.role} loaded by ${graph.nameOf(agent.id)}; writable by ${names(context, writers)}` },
            ...writers.map((w) => ({ element: w, note: `${actors.get(w)!.type} actor who can write the file` })),
            ...(worst && worst.action !== "read" ? [{ element: worst.tool!, note: `a reconfigured agent can ${worst.action} through it` }] : []),
            ...idle,
          ],
          factors: [...(origin ? exposureFactor(graph, origin) : []), ...attackerFactor(graph, prompt.id), ...effectImpactFactors(context, agent.id, effects)],
          path: [
            { element: writers[0]!, action: `${graph.nameOf(writers[0]!)} edits ${graph.nameOf(prompt.id)} to add their own instructions`, technique: "AML.T0081" },
            { element: agent.id, action: `${graph.nameOf(agent.id)} loads the file as its own instructions and follows them`, technique: "AML.T0051.001" },
            ...(worst ? [effectStep(graph, worst)] : []),
          ],
        });
      }
    }
    return detections;
  },
};

/**
 * The agent's effects that harm anyone when the prompt's writers reconfigure it. A way out (a tool that
 * sends, publishes or fetches outside) carries the agent's data where the writers choose: where the
 * context holds sensitive data and the writers may read all of it already (alreadyReadable: a tenant's
 * admin over their own tenant's records), it carries nothing new to them and is left out, with a note.
 */
function harmfulEffects(context: AnalysisContext, agentId: string, promptId: string, effects: readonly Effect[]): { effects: readonly Effect[]; idle: EvidenceItem[] } {
  const wayOut = effects.filter(reachesOutside);
  const sensitive = [...context.contextData.of(agentId).keys()];
  if (wayOut.length === 0 || sensitive.length === 0) return { effects, idle: [] };
  const readable = allReadable(sensitive.map((data) => alreadyReadable(context, agentId, { id: promptId }, data)));
  if (readable === undefined) return { effects, idle: [] };
  const tools = [...new Set(wayOut.map((e) => e.tool!))];
  return {
    effects: effects.filter((e) => !wayOut.includes(e)),
    idle: tools.slice(0, 3).map((tool) => ({ element: tool, note: `not counted: a way out, but ${joinWords(readable.who)} may read everything sensitive the agent holds already (${readable.how.join("; ")})` })),
  };
}
