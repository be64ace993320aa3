import { credentialExposureFactor, credentialsWithOwners, injectableAgentsReaching, powerfulGrantsFactor } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

/** Components whose configuration files are agent or MCP configuration. */
const CONFIG_KINDS = new Set(["mcp-server", "agent", "client"]);

export const mcpConfigCredentials: Rule = {
  id: "TW-MCP-004",
  title: "Credentials in MCP server configuration",
  category: "mcp",
  rationale:
    "MCP configuration files (mcp.json, claude_desktop_config.json, .cursor/mcp.json) hold the tokens their servers start with, in plain text. They are read by every process of the user, copied between machines, committed to repositories, and are the first thing infostealers and hijacked coding agents look for. Whoever reads the file acts as the identity behind the token.",
  appliesWhen:
    "A credential's storage is mcp-config, or it is stored in a configuration file (config-file) that sits in an MCP server, an agent or a client.",
  mappings: {
    stride: ["I", "E"],
    owaspLlm: ["LLM02:2025"],
    owaspAgentic: ["ASI03"],
    owaspAgenticThreats: ["T3"],
    owaspNhi: ["NHI2:2025"],
    owaspMcp: ["MCP01:2025"],
    atlasTechniques: ["AML.T0083", "AML.T0055"],
    atlasMitigations: ["AML.M0026"],
    maestro: ["L4", "L6"],
    nistAiRmf: ["GOVERN", "MANAGE"],
    nistCsf: ["PR.AA-01"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "secret-scanning", reduces: "likelihood", by: 1, how: "catches the file when it is committed or shared" },
    { control: "secret-rotation", reduces: "impact", by: 1, how: "a copied secret stops working at the next rotation" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the token behind the file can do little" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const { credential, identity: owner } of credentialsWithOwners(context)) {
      const where = (credential.presentIn ?? []).filter((c) => credential.storage === "mcp-config" || CONFIG_KINDS.has(graph.kindOf(c) ?? ""));
      if (credential.storage !== "mcp-config" && (credential.storage !== "config-file" || where.length === 0)) continue;
      const factors: Factor[] = [...credentialExposureFactor(context, credential.id)];
      if (credential.lifetime === "short-lived") factors.push({ dimension: "likelihood", delta: -1, reason: "short-lived: a copy stops working soon" });
      factors.push(...powerfulGrantsFactor(context, owner));
      const reader = injectableAgentsReaching(context, credential.id)[0];
      const file = credential.storage === "mcp-config" ? "MCP configuration" : "configuration file";
      const evidence: EvidenceItem[] = [
        { element: credential.id, note: `${credential.type}, ${credential.lifetime}, stored in ${credential.storage}${credential.location ? ` at ${credential.location}` : ""}` },
        ...where.map((c) => ({ element: c, note: `its ${file} holds ${graph.nameOf(credential.id)}` })),
        { element: owner.id, note: `identity the credential authenticates as${owner.permissions?.length ? `; granted ${owner.permissions.map((p) => `${p.actions.join("/")} on ${graph.nameOf(p.resource)}`).slice(0, 3).join(", ")}` : ""}` },
        ...(reader ? [{ element: reader.agent, note: `reads untrusted text and can get at it via ${reader.via.map((v) => graph.nameOf(v)).join(" → ")}` }] : []),
      ];
      detections.push({
        anchors: [credential.id],
        summary: `${graph.nameOf(credential.id)} sits in the ${file}${where.length ? ` of ${where.map((c) => graph.nameOf(c)).join(", ")}` : ""}${credential.location ? ` (${credential.location})` : ""}; whoever reads that file acts as ${graph.nameOf(owner.id)}.`,
        evidence,
        factors,
        scope: [...where, owner.id],
      });
    }
    return detections;
  },
};
