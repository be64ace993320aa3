import { credentialExposureFactor, credentialsWithOwners, powerfulGrantsFactor } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const secretInCodeOrConfig: Rule = {
  id: "TW-NHI-003",
  title: "Secret stored in code or plain configuration",
  category: "identity",
  rationale:
    "A secret written into source code or a configuration file is copied wherever the file goes: every clone, fork, build artifact, backup and the version history. Anyone or anything that can read the file, including an agent that reads the workspace, has the credential.",
  appliesWhen: "A credential's storage is source code or a configuration file (secrets in MCP client configuration are TW-MCP-004).",
  mappings: {
    stride: ["I", "S"],
    owaspNhi: ["NHI2:2025"],
    atlasTechniques: ["AML.T0055"],
    maestro: ["L4", "L6"],
    nistAiRmf: ["MANAGE"],
    nistCsf: ["PR.AA-01"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "secret-scanning", reduces: "likelihood", by: 1, how: "secrets pushed to a repository are blocked or found and revoked" },
    { control: "secret-rotation", reduces: "impact", by: 1, how: "copies in old files and history stop working" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "a leaked copy can do less" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const { credential, identity } of credentialsWithOwners(context)) {
      if (credential.storage !== "source-code" && credential.storage !== "config-file") continue;
      // A configuration file of an MCP server, agent or client is TW-MCP-004's finding; one finding per secret.
      const inAgentConfig = (credential.presentIn ?? []).some((id) => ["mcp-server", "agent", "client"].includes(graph.kindOf(id) ?? ""));
      if (credential.storage === "config-file" && inAgentConfig) continue;
      const factors: Factor[] = [];
      if (credential.storage === "source-code") factors.push({ dimension: "likelihood", delta: 1, reason: "in source code it travels with every clone and stays in the history" });
      factors.push(...credentialExposureFactor(context, credential.id), ...powerfulGrantsFactor(context, identity));
      if (credential.lifetime === "short-lived") factors.push({ dimension: "impact", delta: -1, reason: "it is short-lived, so a copy stops working soon" });
      const where = credential.storage === "source-code" ? "source code" : "a configuration file";
      detections.push({
        anchors: [credential.id],
        summary: `${graph.nameOf(credential.id)} (${credential.lifetime} ${credential.type} of ${graph.nameOf(identity.id)}) is stored in ${where}${credential.location ? ` at ${credential.location}` : ""}.`,
        evidence: [
          { element: credential.id, note: `stored in ${where}${credential.location ? ` (${credential.location})` : ""}` },
          { element: identity.id, note: "the identity it authenticates" },
          ...(credential.presentIn ?? []).map((holder) => ({ element: holder, note: "the file is here" })),
        ],
        factors,
        scope: [identity.id, ...(credential.presentIn ?? [])],
      });
    }
    return detections;
  },
};
