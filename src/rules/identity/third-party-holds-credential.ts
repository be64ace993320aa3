import { attackerFactor } from "../../analysis/factors.js";
import { controlsOfType, credentialsWithOwners, powerfulGrantsFactor } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const thirdPartyHoldsCredential: Rule = {
  id: "TW-NHI-008",
  title: "A third party holds the organisation's credential",
  category: "identity",
  rationale:
    "A credential present in a third party's MCP server or in a vendor's platform is only as safe as that party's code, updates and staff. A compromised package, a malicious update or a breach at the vendor hands the organisation's access to the attacker, who then acts as a trusted identity.",
  appliesWhen:
    "A credential is present in an MCP server (or one of its tools) whose publisher is not first-party, or in a component whose trust boundary is of type vendor. One finding per credential and holder, grouped under the holder (the MCP server for its tools) as their root cause; the most capable adversary coming in through the holder sets the attacker capability.",
  mappings: {
    stride: ["S", "I"],
    owaspNhi: ["NHI3:2025"],
    owaspAgentic: ["ASI04"],
    owaspAgenticThreats: ["T17"],
    owaspMcp: ["MCP01:2025"],
    atlasTechniques: ["AML.T0010.005", "AML.T0098"],
    maestro: ["L7", "L4"],
    nistAiRmf: ["MAP", "MANAGE"],
    nistCsf: ["PR.AA-01"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "pinned-artifacts", reduces: "likelihood", by: 1, how: "an update cannot swap in code that takes the credential" },
    {
      control: "least-privilege",
      reduces: "impact",
      by: 1,
      how: "the credential the third party holds can do less. It counts on the credential or the identity it authenticates, not on the identity the holder itself runs as: narrowing that one leaves this credential as strong",
      countsOn: "named",
    },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const { credential, identity } of credentialsWithOwners(context)) {
      for (const holder of [...new Set(credential.presentIn ?? [])].sort()) {
        const tool = graph.tool(holder);
        const server = graph.server(holder) ?? (tool?.server ? graph.server(tool.server) : undefined);
        const boundary = graph.boundaryOf(holder);
        const factors: Factor[] = [];
        let party: string;
        if (server && server.publisherTrust !== "first-party") {
          party = `code from ${server.publisher} (publisher trust: ${server.publisherTrust})`;
          if (server.publisherTrust === "vendor") factors.push({ dimension: "likelihood", delta: -1, reason: `${server.publisher} is a known vendor` });
          else if (!server.pinned || server.pinned === "none") factors.push({ dimension: "likelihood", delta: 1, reason: `${graph.nameOf(server.id)} is not pinned, so each install runs whatever was last published` });
        } else if (boundary && graph.boundary(boundary)?.type === "vendor") {
          party = `a platform of the vendor ${graph.nameOf(boundary)}`;
          factors.push({ dimension: "likelihood", delta: -1, reason: `${graph.nameOf(boundary)} is a contracted vendor` });
        } else continue;
        // An adversary who comes in through the server or the vendor's platform (a compromised package, a rogue update).
        factors.push(...attackerFactor(graph, server?.id ?? holder));
        factors.push(...powerfulGrantsFactor(context, identity));
        if (credential.lifetime === "short-lived") factors.push({ dimension: "impact", delta: -1, reason: "it is short-lived, so a stolen copy stops working soon" });
        detections.push({
          anchors: [credential.id, holder],
          summary: `${graph.nameOf(credential.id)} of ${graph.nameOf(identity.id)} is present in ${graph.nameOf(holder)}, ${party}.`,
          evidence: [
            { element: credential.id, note: `${credential.lifetime} ${credential.type}${credential.location ? ` (${credential.location})` : ""}` },
            { element: holder, note: `holds the credential; ${party}` },
            { element: identity.id, note: "the identity it authenticates" },
          ],
          factors,
          scope: [identity.id, ...(server && server.id !== holder ? [server.id] : []), ...controlsOfType(graph, "least-privilege", [credential.id, identity.id])],
          // Every credential the party holds follows from one weakness: the party's code or platform holding them.
          causeAt: server?.id ?? holder,
        });
      }
    }
    return detections;
  },
};
