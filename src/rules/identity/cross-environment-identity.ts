import { powerfulGrantsFactor } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const crossEnvironmentIdentity: Rule = {
  id: "TW-NHI-005",
  title: "Identity used across environments",
  category: "identity",
  rationale:
    "An identity used in production and in staging, development or CI lets whoever controls the weaker environment act in production: its credential sits on developer machines and test hosts that are guarded far less, and a test job can change production data by mistake.",
  appliesWhen: "An identity's environments include production and at least one other environment. A step less likely when the only other one is CI, which deploys to production and needs access there.",
  mappings: {
    stride: ["E", "T"],
    owaspNhi: ["NHI8:2025"],
    owaspAgentic: ["ASI03"],
    maestro: ["L4"],
    nistAiRmf: ["MANAGE"],
    nistCsf: ["PR.AA-05"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [{ control: "least-privilege", reduces: "impact", by: 1, how: "grants are limited to what the identity's production use needs" }],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const identity of [...graph.model.identities].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const environments = identity.environments ?? [];
      if (!environments.includes("production")) continue;
      const others = environments.filter((e) => e !== "production");
      if (others.length === 0) continue;
      const factors: Factor[] = [];
      if (others.includes("development")) factors.push({ dimension: "likelihood", delta: 1, reason: "development machines and notebooks are the least guarded place a production credential can sit" });
      // A pipeline that deploys to production needs access there: what CI adds is its jobs, which the CI rules weigh (TW-NHI-009, TW-RCE).
      if (others.length === 1 && others[0] === "ci") factors.push({ dimension: "likelihood", delta: -1, reason: "the other environment is CI, which deploys to production and needs access there; the risk is which jobs can use it" });
      factors.push(...powerfulGrantsFactor(context, identity));
      detections.push({
        anchors: [identity.id],
        summary: `${graph.nameOf(identity.id)} is used in production and in ${others.join(" and ")}.`,
        evidence: [
          { element: identity.id, note: `environments: ${environments.join(", ")}` },
          ...graph.runningAs(identity.id).map((u) => ({ element: u, note: "runs as it" })),
        ],
        factors,
      });
    }
    return detections;
  },
};
