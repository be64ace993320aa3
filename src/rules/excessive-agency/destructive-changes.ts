import type { Effect } from "../../analysis/capabilities.js";
import { effectStep, entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, integrityFactor, pathLengthFactor } from "../../analysis/factors.js";
import { heldData } from "../../analysis/sensitivity.js";
import { autonomyFactor, entryControls, entryWays, injectableAgents, joinWords, names, originEvidence, ownToolEffects } from "../helpers.js";
import type { Tool } from "../../model/schema.js";
import type { Detection, Factor, Rule } from "../rule.js";

const CHANGES = new Set<Effect["action"]>(["write", "delete", "admin"]);
const TARGET_KINDS = new Set(["datastore", "source", "service"]);

export const destructiveChanges: Rule = {
  id: "TW-AGY-001",
  title: "Injectable agent can change or delete important data",
  category: "excessive-agency",
  rationale:
    "An agent that reads attacker-controlled text and has tools that write to, delete from or administer stores and systems of record can be steered to falsify, hide or destroy data: records edited, messages moved out of sight, files deleted. The damage grows with what the target holds and is worst when it cannot be undone.",
  appliesWhen:
    "An injectable agent has a tool of its own (not a permission reached laterally) that writes, deletes or administers a datastore, source or service. Memory stores are left to the memory rules, a write by a tool that also spends (the order a purchase creates) to the spending rule, as the one call it is, and a write that only types a secret into the open page (fills) to TW-NHI-012: it discloses the secret and changes nothing stored.",
  mappings: {
    stride: ["T", "D", "E"],
    owaspLlm: ["LLM06:2025", "LLM01:2025"],
    owaspAgentic: ["ASI02", "ASI01"],
    owaspAgenticThreats: ["T2", "T6"],
    atlasTechniques: ["AML.T0053", "AML.T0101", "AML.T0051.001"],
    atlasMitigations: ["AML.M0029", "AML.M0028", "AML.M0030"],
    maestro: ["L3", "L7"],
    nistAiRmf: ["MANAGE"],
    euAiAct: ["Art. 14"],
    nistCsf: ["PR.AA-05"],
  },
  likelihood: 4,
  impact: 3,
  mitigations: [
    { control: "human-approval", reduces: "likelihood", by: 2, how: "a person confirms each change or deletion" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the tool's identity may change only what the task needs" },
    { control: "content-isolation", reduces: "likelihood", by: 1, how: "injected text is less likely to be obeyed", countsOn: "entry-path" },
  ],
  detect(context) {
    const { graph, untrusted, capabilities } = context;
    const detections: Detection[] = [];
    for (const { agent, origins, top, hops } of injectableAgents(context)) {
      const own = ownToolEffects(capabilities.agentEffects(agent.id));
      // A tool that spends makes one steered call, TW-AGY-002's: what it writes besides (the order the purchase creates) is part of it.
      const spends = new Set(own.filter((e) => e.action === "spend").map((e) => e.tool));
      const byTool = new Map<string, Effect[]>();
      for (const effect of own) {
        if (!CHANGES.has(effect.action) || !effect.resource) continue;
        const node = graph.node(effect.resource);
        if (!node || !TARGET_KINDS.has(node.kind)) continue;
        if (node.kind === "datastore" && node.element.type === "memory") continue;
        if (effect.action === "write" && spends.has(effect.tool)) continue;
        if (effect.action === "write" && onlyFills(graph.tool(effect.tool!), effect.resource)) continue;
        const list = byTool.get(effect.tool!);
        if (list) list.push(effect);
        else byTool.set(effect.tool!, [effect]);
      }
      if (byTool.size === 0) continue;
      // Any entry will do for the attacker: a control on the way in counts where it covers all of them.
      const onTheWayIn = entryControls(context, destructiveChanges, entryWays(origins, agent.id));
      for (const [tool, effects] of [...byTool].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const resources = [...new Set(effects.map((e) => e.resource!))];
        const destructive = effects.filter((e) => e.action === "delete" || e.action === "admin");
        const worst = destructive[0] ?? effects[0]!;
        const data = [...new Set(resources.flatMap((r) => heldData(graph, r)))];
        const severe: Factor[] = destructive.length
          ? [{ dimension: "impact", delta: 1, reason: `${graph.nameOf(tool)} can ${[...new Set(destructive.map((e) => e.action))].join(" and ")} in ${names(context, [...new Set(destructive.map((e) => e.resource!))])}, which may not be undone` }]
          : [];
        const actions = [...new Set(effects.map((e) => e.action))];
        detections.push({
          anchors: [agent.id, tool],
          summary: `${graph.nameOf(agent.id)} reads text from ${graph.nameOf(top.id)} and can ${joinWords(actions)} in ${names(context, resources)} through ${graph.nameOf(tool)}.`,
          evidence: [
            ...originEvidence(context, origins, agent.id),
            ...effects.map((e) => ({ element: e.resource!, note: `${e.action} through ${graph.nameOf(tool)}${heldData(graph, e.resource!).length ? `; holds ${names(context, heldData(graph, e.resource!))}` : ""}` })),
            ...onTheWayIn.evidence,
          ],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops), ...autonomyFactor(context, agent.id, tool), ...integrityFactor(graph, data), ...severe],
          path: [...entrySteps(graph, untrusted, top, agent.id), effectStep(graph, worst)],
          scope: [tool, ...resources, ...onTheWayIn.scope],
        });
      }
    }
    return detections;
  },
};

/** Whether every write of the tool on the resource only types secrets into the page open there (fills). */
function onlyFills(tool: Tool | undefined, resource: string): boolean {
  const writes = (tool?.capabilities ?? []).filter((c) => c.action === "write" && (c.on ?? []).includes(resource));
  return writes.length > 0 && writes.every((c) => (c.fills ?? []).length > 0);
}
