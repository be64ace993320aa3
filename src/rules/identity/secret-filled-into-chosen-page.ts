import { entrySteps } from "../../analysis/attack-paths.js";
import { attackerFactor, exposureFactor, moreDangerous, pathLengthFactor, sensitivityFactor } from "../../analysis/factors.js";
import type { Tool } from "../../model/schema.js";
import { admittingAllowLists, allowListAdmits, injectableAgents, names, originEvidence, powerfulGrantsFactor, type InjectableAgent } from "../helpers.js";
import type { Detection, Factor, Rule } from "../rule.js";

export const secretFilledIntoChosenPage: Rule = {
  id: "TW-NHI-012",
  title: "Secret typed into a page the agent chose",
  category: "identity",
  rationale:
    "A browser agent's login broker or card fill types a secret into whatever page is open, and keeps it from the model so that injected text cannot make the model repeat it. The page still receives it. An agent that opens pages of its own choosing can be steered to a look-alike login page, or find one in search results, and the broker then hands the portal password to whoever serves that page. Keeping the secret out of the context does not help: the disclosure is the fill itself, and the password then works as the account it belongs to.",
  appliesWhen:
    "A tool's write capability fills a credential or data into a page (fills), and an agent that calls the tool can also open pages at URLs it chooses (a fetch capability with destination any, or none stated). Navigation limited to allow-listed, internal or fixed sites cannot reach a look-alike page, and is left out, unless the allow-list takes in a site an adversary of the model gets in through (their page is on the list).",
  mappings: {
    stride: ["I", "S"],
    owaspLlm: ["LLM02:2025", "LLM06:2025"],
    owaspNhi: ["NHI2:2025"],
    owaspAgentic: ["ASI03", "ASI02"],
    atlasTechniques: ["AML.T0052", "AML.T0098", "AML.T0053"],
    atlasMitigations: ["AML.M0028", "AML.M0029"],
    maestro: ["L3"],
    nistAiRmf: ["MANAGE"],
    nistCsf: ["PR.AA-01"],
  },
  // The default is for a page anyone on the web may serve: an entry's exposure and who comes in there adjust it.
  likelihood: 4,
  impact: 3,
  mitigations: [
    { control: "egress-allowlist", reduces: "likelihood", by: 3, how: "the tool fills only on the origins it names (origin binding), or the browser opens only allow-listed sites" },
    { control: "human-approval", reduces: "likelihood", by: 2, how: "a person checks the page before the secret goes in" },
  ],
  detect(context) {
    const { graph, untrusted } = context;
    const detections: Detection[] = [];
    // Few tools fill anything: only theirs are sorted, and the injectable agents indexed only when there are some.
    const filling = graph.model.tools.filter((tool) => tool.capabilities.some((c) => c.action === "write" && (c.fills?.length ?? 0) > 0)).sort((a, b) => (a.id < b.id ? -1 : 1));
    if (filling.length === 0) return detections;
    const injectable = new Map(injectableAgents(context).map((entry) => [entry.agent.id, entry]));
    for (const tool of filling) {
      const filled = fillsOf(tool);
      // The agent an attacker reaches most easily among those that call the tool and browse freely.
      let caller: { entry: InjectableAgent; browsers: Tool[] } | undefined;
      for (const agent of graph.agentsUsingTool(tool.id)) {
        const entry = injectable.get(agent.id);
        // Browsing freely, or within an allow-list that takes in a site an adversary gets in through (their page is on it).
        const browsers = graph.toolsOf(agent.id).filter((t) => opensAnyPage(t) || allowListAdmits(graph, t.id) !== undefined);
        if (!entry || browsers.length === 0) continue;
        if (!caller || moreDangerous(graph, entry.top, caller.entry.top) < 0) caller = { entry, browsers };
      }
      if (!caller) continue;
      const { entry, browsers } = caller;
      const { agent, top, hops, origins } = entry;
      const browser = browsers[0]!;
      const admits = opensAnyPage(browser) ? undefined : allowListAdmits(graph, browser.id);
      const opens = admits ? `opens allow-listed sites, and the list takes in ${graph.nameOf(admits.target)}, where ${graph.nameOf(admits.adversary)} gets in` : "fetches any URL the agent chooses";
      for (const secret of filled) {
        const credential = graph.credential(secret);
        const owner = credential ? graph.ownerOfCredential(credential.id) : undefined;
        const what = credential ? `the ${credential.type} ${graph.nameOf(secret)}` : graph.nameOf(secret);
        const impact: Factor[] = credential
          ? [
              ...powerfulGrantsFactor(context, owner),
              ...(credential.lifetime === "short-lived" ? [{ dimension: "impact" as const, delta: -1, reason: `${graph.nameOf(secret)} is short-lived: whoever receives it has it only for a while` }] : []),
            ]
          : sensitivityFactor(graph, [secret]);
        detections.push({
          anchors: [tool.id, secret],
          summary: `${graph.nameOf(agent.id)} opens pages of its own choosing through ${graph.nameOf(browser.id)}, and ${graph.nameOf(tool.id)} types ${what} into whatever page is open: a look-alike page it is steered to${owner ? ` receives a secret that works as ${graph.nameOf(owner.id)}` : " receives it"}.`,
          evidence: [
            { element: tool.id, note: `fills ${names(context, filled)} into the open page` },
            { element: browser.id, note: `${opens}${browsers.length > 1 ? ` (also ${names(context, browsers.slice(1).map((b) => b.id))})` : ""}` },
            credential
              ? { element: secret, note: `${credential.type} of ${owner ? graph.nameOf(owner.id) : "an identity"}, ${credential.lifetime}` }
              : { element: secret, note: "data filled into the page" },
            ...originEvidence(context, origins, agent.id),
          ],
          factors: [...exposureFactor(graph, top), ...attackerFactor(graph, top.id), ...pathLengthFactor(graph, hops), ...impact],
          path: [
            ...entrySteps(graph, untrusted, top, agent.id),
            { element: browser.id, action: `${graph.nameOf(agent.id)} opens a look-alike page through ${graph.nameOf(browser.id)}`, technique: "AML.T0052" },
            { element: tool.id, action: `${graph.nameOf(tool.id)} types ${graph.nameOf(secret)} into it`, technique: "AML.T0098" },
          ],
          // Not the agent: an approval or allow-list on it is about its other actions.
          scope: browsers.map((b) => b.id),
          // The browser's own list lets the adversary's page in: it does not count (an origin binding on the fill still does).
          ...(admits ? { notCounted: admittingAllowLists(context, browser.id, admits, [browser.id]).notCounted! } : {}),
        });
      }
    }
    return detections;
  },
};

/** What a tool's writes type into the open page, each once, in ID order. */
function fillsOf(tool: Tool): string[] {
  return [...new Set(tool.capabilities.flatMap((c) => (c.action === "write" ? (c.fills ?? []) : [])))].sort();
}

/** A tool that opens pages at URLs the agent chooses with no list of sites: one may be a look-alike. */
function opensAnyPage(tool: Tool): boolean {
  return tool.capabilities.some((c) => c.action === "fetch" && (c.destination ?? "any") === "any");
}
