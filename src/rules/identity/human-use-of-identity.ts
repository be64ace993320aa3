import { joinWords, powerfulGrantsFactor } from "../helpers.js";
import type { SystemGraph } from "../../graph/graph.js";
import type { Detection, Factor, Rule } from "../rule.js";

const agentsFirst = (graph: SystemGraph) => (a: string, b: string) => Number(graph.kindOf(b) === "agent") - Number(graph.kindOf(a) === "agent") || (a < b ? -1 : 1);

export const humanUseOfIdentity: Rule = {
  id: "TW-NHI-006",
  title: "People use a non-human identity",
  category: "identity",
  rationale:
    "When people sign in or run commands with a workload's identity, its secret is copied to laptops, password managers and shell histories, nobody can tell from the logs whether a person or the workload acted, and people get the workload's grants without the controls on their own accounts (MFA, reviews, offboarding).",
  appliesWhen: "An identity is marked as also used by people (humanUse).",
  mappings: {
    stride: ["S", "R"],
    owaspNhi: ["NHI10:2025"],
    owaspAgenticThreats: ["T9"],
    atlasTechniques: ["AML.T0012"],
    maestro: ["L6"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    nistCsf: ["PR.AA-01", "PR.AA-03"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "secret-rotation", reduces: "likelihood", by: 1, how: "copies people made stop working" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the identity can do less in a person's hands" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const identity of [...graph.model.identities].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (identity.humanUse !== true) continue;
      const factors: Factor[] = [];
      const staticSecrets = (identity.credentials ?? []).filter((c) => c.lifetime === "static");
      if (staticSecrets.length > 0) factors.push({ dimension: "likelihood", delta: 1, reason: `${staticSecrets.map((c) => graph.nameOf(c.id)).join(", ")} ${staticSecrets.length === 1 ? "is" : "are"} static, so copies people keep work until rotated` });
      factors.push(...powerfulGrantsFactor(context, identity));
      const users = [...new Set([...graph.runningAs(identity.id), ...(identity.credentials ?? []).flatMap((c) => c.presentIn ?? [])])].sort(agentsFirst(graph));
      const shown = users.slice(0, 3).map((u) => graph.nameOf(u));
      if (users.length > 3) shown.push(`${users.length - 3} more`);
      detections.push({
        anchors: [identity.id],
        summary: `People also use ${graph.nameOf(identity.id)}${users.length ? `, the identity of ${joinWords(shown)}` : ""}.`,
        evidence: [
          { element: identity.id, note: "humanUse: people sign in or run commands with it" },
          ...(identity.credentials ?? []).map((c) => ({ element: c.id, note: `${c.lifetime} ${c.type} in ${c.storage}` })),
        ],
        factors,
      });
    }
    return detections;
  },
};
