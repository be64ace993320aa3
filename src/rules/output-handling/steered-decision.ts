import { entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, pathLengthFactor } from "../../analysis/factors.js";
import type { Agent } from "../../model/schema.js";
import { autonomyFactor, entryControls, entryWays, injectableAgents, originEvidence } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

type Decision = NonNullable<Agent["decision"]>;

/** Impact steps from the rule's default of 3 (high stakes 5, medium 4, low 2), with what a wrong decision costs in words. */
const STAKES: Readonly<Record<Decision["stakes"], { delta: number; cost: string }>> = {
  high: { delta: 2, cost: "costs much" },
  medium: { delta: 1, cost: "costs something" },
  low: { delta: -1, cost: "costs little" },
};

/**
 * An agent whose answer is the decision acts on nothing itself, so rules that rate a hijack by the
 * agent's tools rate it low (TW-PI-002); this rule rates the decision instead.
 */
export const steeredDecision: Rule = {
  id: "TW-MIS-002",
  title: "An attacker can steer a decision the agent makes",
  category: "output-handling",
  rationale:
    "Some agents act on nothing themselves: their answer is the decision. A screening agent decides which sanctions hits are false positives, a claims or credit agent approves or refuses, a gate decides which cases a person sees, and the system acts on the answer without anyone checking each one. Steering the answer is then enough: a forged document, a line in a case note or a message an upstream agent passes on that makes the agent clear a sanctioned person or approve a bad claim. Such an agent has no tool with side effects, so a hijack rated by what its tools can do looks harmless; what is at stake is the decision itself (a sanctions breach, a mule account, a person wrongly refused credit).",
  appliesWhen:
    "An agent declares a decision (decision.what and decision.stakes: its answer is a decision the system acts on) and untrusted text reaches it by any way: users talking to it, stored content, tool output or another agent. One finding per agent. The likelihood takes the usual factors for the most exposed entry (exposure, attacker capability, path length) and a person declared in the loop (autonomy supervised -1, suggest -2); the impact follows the stakes from the default of 3: high +2, medium +1, low -1. decision.aboutPeople leaves the score alone and adds the EU AI Act's human-oversight duties to the evidence.",
  mappings: {
    stride: ["T", "E"],
    owaspLlm: ["LLM01:2025", "LLM09:2025"],
    owaspAgentic: ["ASI01"],
    owaspAgenticThreats: ["T6"],
    atlasTechniques: ["AML.T0051.000", "AML.T0051.001", "AML.T0048"],
    atlasMitigations: ["AML.M0029", "AML.M0033", "AML.M0020", "AML.M0024"],
    maestro: ["L3", "L6"],
    nistAiRmf: ["MAP", "MEASURE", "MANAGE"],
    euAiAct: ["Art. 14", "Art. 15", "Art. 26"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    {
      control: "human-approval",
      reduces: "likelihood",
      by: 2,
      how: "a person confirms each decision with the evidence at hand before the system acts on it, so a steered answer has to convince them too",
      countsOn: "anchors",
    },
    {
      control: "output-validation",
      reduces: "likelihood",
      by: 1,
      how: "each decision is checked against fixed rules and the evidence (a screening hit with the applicant's date of birth stays a match, an approval outside policy limits is refused); a steered decision within the rules still passes",
      countsOn: "anchors",
    },
    {
      control: "content-isolation",
      reduces: "likelihood",
      by: 1,
      how: "the agent reads documents and messages apart from its instructions, so instructions in them are weighed as data, not obeyed; it does nothing against false facts (a forged date of birth), so one step",
      countsOn: "entry-path",
    },
    {
      control: "model-monitoring",
      reduces: "likelihood",
      by: 1,
      how: "the agent's decisions are watched for drift (a rising clearance rate, one source's cases always decided one way), so steered decisions are noticed after some have taken effect",
      countsOn: "anchors",
    },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    return injectableAgents(context).flatMap(({ agent, origins, top, hops }): Detection[] => {
      const decision = agent.decision;
      if (!decision) return [];
      const name = graph.nameOf(agent.id);
      // Every entry counts: an attacker uses whichever way in is open.
      const onTheWayIn = entryControls(context, steeredDecision, entryWays(origins, agent.id));
      const { delta, cost } = STAKES[decision.stakes];
      const stakes: Factor = { dimension: "impact", delta, reason: `a wrong decision on ${decision.what} ${cost} (stakes ${decision.stakes})` };
      return [
        {
          anchors: [agent.id],
          summary: `Text from ${graph.nameOf(top.id)} reaches ${name} via ${hops.map((h) => graph.nameOf(h.node)).join(" → ")}, whose answer decides ${decision.what}: a steered answer decides it the attacker's way.`,
          evidence: [...originEvidence(context, origins, agent.id), decisionEvidence(agent, decision), ...onTheWayIn.evidence],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops), ...autonomyFactor(context, agent.id), stakes],
          path: [
            ...entrySteps(graph, untrusted, top, agent.id),
            { element: agent.id, action: `${name} decides ${decision.what} the way the attacker wants, and the system acts on it`, technique: "AML.T0048" },
          ],
          // The path's elements (their workflows are the finding's), and the controls that count on the way in.
          scope: [...hops.map((h) => h.node), ...onTheWayIn.scope],
        },
      ];
    });
  },
};

/** Who acts on the decision, as the agent's autonomy says: the system, or a person who approves or applies each one. */
const ACTED_ON: Readonly<Record<string, string>> = {
  autonomous: "the system acts on its answer",
  supervised: "a person approves each decision before it takes effect",
  suggest: "a person applies each decision",
};

function decisionEvidence(agent: Agent, decision: Decision): EvidenceItem {
  const people = decision.aboutPeople ? "; the decision is about people, which brings the EU AI Act's human-oversight duties (Art. 14, and Art. 26 for deployers)" : "";
  return { element: agent.id, note: `decides ${decision.what}; ${ACTED_ON[agent.autonomy ?? "autonomous"]} (stakes ${decision.stakes})${people}` };
}
