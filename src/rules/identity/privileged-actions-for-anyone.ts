import type { Action } from "../../model/vocabulary.js";
import { actingIdentity, askedHow, askers as askersOf, askerSignIn, byDamage, controlsOfType, names, reachedBy, SEVERE_ACTIONS, sessionAuthorization } from "../helpers.js";
import type { Detection, EvidenceItem, Factor, Rule } from "../rule.js";

/** Actions that change something in the organisation's systems: what a requester should be entitled to. Sending a message and reading are other rules' (TW-OUT-002, TW-PRV-001). */
const PRIVILEGED: ReadonlySet<Action> = new Set(["write", "delete", "execute", "admin", "spend", "publish"]);

/** Requesters from outside the organisation: many, unknown, and none of them entitled to the organisation's own actions. */
const OUTSIDE: ReadonlySet<string> = new Set(["public", "customer"]);

/**
 * The action counterpart of TW-PRV-001: no injection is needed, the person asking is the attacker.
 * One finding per agent, naming its tools that act, since the fix (check the requester's own
 * entitlement) is one for all of them.
 */
export const privilegedActionsForAnyone: Rule = {
  id: "TW-PRV-002",
  title: "Agent takes privileged actions for anyone who asks, with its own identity",
  category: "identity",
  rationale:
    "An agent that people talk to directly, or whose router passes their request on to it, and that changes, deletes, runs, spends or publishes through tools acting as a service identity does so with that identity's rights, not the rights of the person asking. Unless the tool checks that the requester may do this to this record (their own order, a deployment they own), anyone who can talk to the agent can have it act: refund someone else's order, restart a production service, delete another user's data. This is authorisation bypass by ordinary requests, not prompt injection: the request is the attack.",
  appliesWhen:
    "Untrusted actors talk to an agent directly (through clients and services only), or other agents pass their request on to it (a flow between the agents carries the data of the request), and the agent has tools that write, delete, execute, administer, spend or publish, running as a service identity (the tool's own, the agent's, or their host's) rather than on behalf of the person asking (a tool marked delegated calls with the asker's own token, and does not count). One finding per agent. Likelihood +1 when customers or the public can ask, +1 when the askers do not sign in; impact +1 when a tool can delete, execute, administer or spend. Someone whose words are only content in another's session (a flow's session, asks: false) does not ask; against someone who asks in another's session (asks: true), authorization checks that session's owner and does not count.",
  mappings: {
    stride: ["E", "T"],
    owaspLlm: ["LLM06:2025"],
    owaspAgentic: ["ASI03"],
    owaspAgenticThreats: ["T3"],
    atlasTechniques: ["AML.T0053", "AML.T0048"],
    atlasMitigations: ["AML.M0027", "AML.M0028", "AML.M0029"],
    maestro: ["L3", "L6"],
    nistAiRmf: ["MAP", "MANAGE"],
    nistCsf: ["PR.AA-05"],
  },
  likelihood: 3,
  impact: 3,
  mitigations: [
    { control: "authorization", reduces: "likelihood", by: 2, how: "the tool checks that the person asking may take this action on this record" },
    { control: "human-approval", reduces: "likelihood", by: 1, how: "a person approves each action, though they may not know who is entitled to it" },
    { control: "least-privilege", reduces: "impact", by: 1, how: "the identity can do less, so a request beyond the asker's rights does less" },
    { control: "rate-limit", reduces: "impact", by: 1, how: "caps how many actions one requester can have taken" },
  ],
  detect(context) {
    const { graph } = context;
    const detections: Detection[] = [];
    for (const node of graph.ofKind("agent")) {
      const agent = graph.agent(node.id)!;
      const askers = askersOf(context, agent.id);
      const top = askers[0];
      if (!top) continue;
      const acting: { tool: string; actions: Action[]; on: string[]; identity: string; severe: boolean }[] = [];
      for (const tool of graph.toolsOf(agent.id)) {
        const privileged = tool.capabilities.filter((c) => PRIVILEGED.has(c.action));
        const identity = privileged.length > 0 ? actingIdentity(graph, tool, agent) : undefined;
        if (!identity) continue;
        acting.push({
          tool: tool.id,
          actions: [...new Set(privileged.map((c) => c.action))].sort(byDamage),
          on: [...new Set(privileged.flatMap((c) => c.on ?? []))],
          identity,
          // A tool's own spend stays damaging whatever its cap (only a grant's capped spend is not, isSevere): the asker picks what it is spent on.
          severe: privileged.some((c) => SEVERE_ACTIONS.has(c.action)),
        });
      }
      if (acting.length === 0) continue;
      const { actor, factors: signIn, session } = askerSignIn(context, top, "requester whose rights could be checked");
      const how = askedHow(context, agent.id, actor.id);
      const worst = acting.reduce((a, b) => (byDamage(a.actions[0]!, b.actions[0]!) <= 0 ? a : b));
      // Who may ask, not how far their text travels: an ordinary requester needs no injection, so
      // partners and employees count as much as the default; anyone outside, customers or the public, more.
      const outsider = askers.find((o) => OUTSIDE.has(String(graph.node(o.id)?.element.type)));
      const factors: Factor[] = outsider ? [{ dimension: "likelihood", delta: 1, reason: `${graph.nameOf(outsider.id)} (${String(graph.node(outsider.id)?.element.type)}) can ask: anyone outside the organisation` }] : [];
      factors.push(...signIn);
      if (acting.some((a) => a.severe)) factors.push({ dimension: "impact", delta: 1, reason: `${graph.nameOf(worst.tool)} can ${worst.actions.join(", ")}` });
      const scope = [...acting.map((a) => a.tool), ...new Set(acting.map((a) => a.identity))];
      const riding = sessionAuthorization(context, session, actor.id, [agent.id, ...scope]);
      const checked = (a: (typeof acting)[number]) => controlsOfType(graph, "authorization", [agent.id, a.tool, a.identity], { runtime: true, inPlace: true });
      const what = (a: (typeof acting)[number]) => `${a.actions.join(", ")}${a.on.length ? ` on ${names(context, a.on)}` : ""} as ${graph.nameOf(a.identity)}`;
      detections.push({
        anchors: [agent.id],
        summary: `${graph.nameOf(agent.id)} is reached ${reachedBy(context, agent.id, askers.slice(0, 3).map((o) => o.id))}${askers.length > 3 ? " and others" : ""}, and its tool${acting.length === 1 ? "" : "s"} ${names(context, acting.slice(0, 3).map((a) => a.tool))}${acting.length > 3 ? " and more" : ""} ${acting.length === 1 ? "acts" : "act"} with a service identity's rights, whoever asks: ${what(worst)}.`,
        evidence: [
          ...askers.slice(0, 3).map((o): EvidenceItem => ({ element: o.id, note: `${o.reason}; asks ${graph.nameOf(agent.id)} ${askedHow(context, agent.id, o.id)}` })),
          ...acting.slice(0, 4).map((a): EvidenceItem => {
            const by = checked(a);
            return { element: a.tool, note: `can ${what(a)}, ${by.length > 0 ? `with ${names(context, by)} checking that the requester may` : "with nothing in the model checking that the requester may"}` };
          }),
        ],
        factors,
        path: [
          { element: actor.id, action: `${graph.nameOf(actor.id)} asks ${graph.nameOf(agent.id)}${how === "directly" ? "" : ` (${how})`} to act on something that is not theirs (another customer's order, a service they do not own)`, technique: "AML.T0053" },
          { element: worst.tool, action: `${graph.nameOf(agent.id)} calls ${graph.nameOf(worst.tool)}, which acts as ${graph.nameOf(worst.identity)}`, technique: "AML.T0053" },
          { element: worst.on[0] ?? worst.tool, action: `the ${worst.actions[0]} goes through with the service identity's rights`, technique: "AML.T0048" },
        ],
        scope,
        ...riding,
      });
    }
    return detections;
  },
};
