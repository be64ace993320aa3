import { effectImpactFactors, names, ownToolEffects } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

/** Roles a team may keep in a console or a database; rules files and skills are files in a repository by nature, tool descriptions come with a server's code. */
const EDITABLE_LIVE = new Set(["system", "developer", "instructions", "template"]);

const impactOf = (factors: readonly Factor[]): number => factors.reduce((sum, f) => sum + (f.dimension === "impact" ? f.delta : 0), 0);

export const unreviewedInstructionChanges: Rule = {
  id: "TW-GOV-007",
  title: "Agent instructions edited live, outside version control",
  category: "governance",
  rationale:
    "A system prompt is the agent's orders. When people edit it in an admin console or a database and the change takes effect at once, no second person sees it, no history says what it said last week, and nothing can roll it back: a mistaken edit, an insider or a hijacked admin account reconfigures the agent without review. A prompt kept as a file in a repository gets history, review and rollback from the repository.",
  appliesWhen:
    "A system, developer, instructions or template prompt an agent loads is written by actors the analysis trusts (employees, admins; untrusted writers are TW-PI-004), and says neither the file it is kept in (path) nor the repository that keeps it (storedIn). Rules files and skills are files in a repository by nature, and tool descriptions come with a server's code, so they are left out.",
  mappings: {
    stride: ["T", "R"],
    owaspAgentic: ["ASI01", "ASI10"],
    owaspAgenticThreats: ["T6", "T8"],
    atlasTechniques: ["AML.T0081"],
    atlasMitigations: ["AML.M0019", "AML.M0024", "AML.M0014"],
    maestro: ["L3", "L6"],
    nistAiRmf: ["GOVERN", "MANAGE"],
  },
  likelihood: 2,
  impact: 3,
  mitigations: [
    // On the prompt itself: an approval of the agent's tool calls or a trace of its actions says nothing about who changed its orders.
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a second person approves each change before the agent loads it", countsOn: "anchors" },
    { control: "telemetry", reduces: "likelihood", by: 1, how: "every change is recorded with who made it and what it said, so a bad one is noticed and rolled back", countsOn: "anchors" },
  ],
  detect(context) {
    const { graph, capabilities, untrusted } = context;
    // A prompt an untrusted actor writes is an untrusted origin: an injection (TW-PI-004), whatever the change control.
    const untrustedOrigins = new Set(untrusted.origins.map((o) => o.id));
    const actorType = new Map(graph.model.actors.map((a) => [a.id, a.type]));
    const detections: Detection[] = [];
    for (const prompt of [...graph.model.prompts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      const writers = prompt.writableBy ?? [];
      if (!EDITABLE_LIVE.has(prompt.role) || prompt.path !== undefined || prompt.storedIn !== undefined || writers.length === 0 || untrustedOrigins.has(prompt.id)) continue;
      const agents = graph.agentsLoadingPrompt(prompt.id);
      if (agents.length === 0) continue;
      // The impact is that of the agent that can do most once reconfigured.
      const worst = agents.map((agent) => effectImpactFactors(context, agent.id, ownToolEffects(capabilities.agentEffects(agent.id)))).reduce((a, b) => (impactOf(b) > impactOf(a) ? b : a));
      detections.push({
        anchors: [prompt.id],
        summary: `${graph.nameOf(prompt.id)}, the ${prompt.role} instructions of ${names(context, agents.map((a) => a.id))}, is edited by ${names(context, writers)} outside any repository: a change comes with no history, review or rollback.`,
        evidence: [
          { element: prompt.id, note: `${prompt.role}${prompt.version ? ` version ${prompt.version}` : ""}; no path or storedIn says where it is versioned` },
          ...writers.map((w) => ({ element: w, note: `${actorType.get(w)} actor who can edit it` })),
          ...agents.map((a) => ({ element: a.id, note: `loads it as instructions` })),
        ],
        factors: worst,
        scope: agents.map((a) => a.id),
      });
    }
    return detections;
  },
};
