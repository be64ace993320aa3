import { isDirect } from "../../analysis/attack-paths.js";
import type { Action } from "../../model/vocabulary.js";
import { autonomyFactor, joinWords, names, ownToolEffects } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

const CONSEQUENTIAL: ReadonlySet<Action> = new Set(["spend", "send", "write", "delete"]);
const AFFECTED: ReadonlySet<string> = new Set(["customer", "public", "partner"]);

export const noHumanReviewPath: Rule = {
  id: "TW-GOV-004",
  title: "No human review path for people affected by an agent",
  category: "governance",
  rationale:
    "Customers, partners and the public who deal with an agent that refunds, sends, changes or deletes things on its own need a way to reach a person who can review and reverse what it did. Without one, a wrong or manipulated decision stands, complaints have nowhere to go, and nobody learns that the agent misbehaves.",
  appliesWhen:
    "Customers, public users or partners talk to an agent directly (through clients and services only), the agent's tools spend, send, write or delete (a write by a tool that calls with the asker's own token, delegated, does not count: it changes only what the person asking may change themselves, in their name, and they can undo it; a delegated spend, send or delete still counts), and no human-review-path control (implemented or partial) covers the agent or the host it runs on.",
  mappings: {
    stride: ["R"],
    owaspAgentic: ["ASI09"],
    owaspAgenticThreats: ["T15"],
    atlasMitigations: ["AML.M0029"],
    maestro: ["L6", "L7"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    euAiAct: ["Art. 14"],
  },
  likelihood: 2,
  impact: 3,
  mitigations: [{ control: "human-review-path", reduces: "impact", by: 1, how: "a person can review and reverse the agent's decision" }],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agent = graph.agent(node.id)!;
      const people = untrusted
        .originsReaching(agent.id)
        .filter((o) => graph.kindOf(o.id) === "actor" && AFFECTED.has(String(graph.node(o.id)?.element.type)) && isDirect(graph, untrusted.pathFrom(o.id, agent.id)))
        .map((o) => o.id);
      if (people.length === 0) continue;
      // A change made with the asker's own token (a delegated write) is one they may see and undo themselves;
      // money spent, messages sent and deletions made in their name are not.
      const effects = ownToolEffects(capabilities.agentEffects(agent.id)).filter((e) => CONSEQUENTIAL.has(e.action) && !(e.action === "write" && graph.tool(e.tool!)?.delegated === true));
      if (effects.length === 0) continue;
      const covered = [agent.id, ...(agent.runsOn ? [agent.runsOn] : [])].some((id) => graph.controlsCovering(id).some((c) => c.type === "human-review-path" && c.status !== "planned"));
      if (covered) continue;
      const tools = [...new Set(effects.map((e) => e.tool!))];
      const actions = [...new Set(effects.map((e) => e.action))];
      const factors: Factor[] = [];
      if ((agent.autonomy ?? "autonomous") === "autonomous") factors.push({ dimension: "likelihood", delta: 1, reason: `${graph.nameOf(agent.id)} acts without a person approving each action` });
      factors.push(...autonomyFactor(context, agent.id));
      if (graph.model.system.euAiActRisk === "high") factors.push({ dimension: "impact", delta: 1, reason: "a high-risk system under the EU AI Act must allow effective human oversight (Art. 14)" });
      detections.push({
        anchors: [agent.id],
        summary: `${names(context, people)} deal directly with ${graph.nameOf(agent.id)}, which can ${joinWords(actions)} through ${names(context, tools)}, and no human review path is modelled.`,
        evidence: [
          ...people.map((p) => ({ element: p, note: "affected people who talk to the agent directly" })),
          ...tools.map((t) => ({ element: t, note: [...new Set(effects.filter((e) => e.tool === t).map((e) => e.action))].join(", ") })),
          { element: agent.id, note: `autonomy ${agent.autonomy ?? "not stated"}; no human-review-path control covers it` },
        ],
        factors,
      });
    }
    return detections;
  },
};
