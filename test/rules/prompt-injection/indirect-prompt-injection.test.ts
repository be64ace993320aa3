import assert from "node:assert/strict";
import { indirectPromptInjection } from "../../../src/rules/prompt-injection/indirect-prompt-injection.js";
import { customerTickets, internalAgent, linkedSpeaker, publicChat, recordedVisit } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** A partner's booking agent (another organisation's, over A2A) whose replies reach our internal agent. */
const partnerAgent = (extra: Record<string, unknown> = {}) => ({
  agents: [{ id: "hotel-agent", thirdParty: true, ...extra }],
  flows: [{ id: "hotel-reply", from: "hotel-agent", to: "agent", channel: "message" }],
});
const email = { tools: [{ id: "email", capabilities: [{ action: "send", destination: "any" }] }] };
const staffTickets = {
  sources: [{ id: "tickets", type: "tickets", writableBy: ["staff"], holds: ["ticket-text"] }],
  data: [{ id: "ticket-text", classification: "internal" }],
  flows: [{ id: "tickets-to-agent", from: "tickets", to: "agent", channel: "retrieval", data: ["ticket-text"] }],
};

/** A public web forum the agent retrieves from (a web source: anyone can post, exposure 5). */
const forum = {
  sources: [{ id: "forum", type: "web", holds: ["forum-posts"] }],
  data: [{ id: "forum-posts", classification: "public" }],
  flows: [{ id: "forum-to-agent", from: "forum", to: "agent", channel: "retrieval", data: ["forum-posts"] }],
};
/** A public wiki the agent also retrieves from: a second web source, as exposed as the forum. */
const wiki = {
  sources: [{ id: "wiki", type: "web", holds: ["wiki-pages"] }],
  data: [{ id: "wiki-pages", classification: "public" }],
  flows: [{ id: "wiki-to-agent", from: "wiki", to: "agent", channel: "retrieval", data: ["wiki-pages"] }],
};
/** Customer tickets retrieved through their flow only (the agent is not given the ticket tool). */
const ticketsByFlow = () => spec(internalAgent("agent", { tools: ["email"] }), customerTickets("agent"), email);

ruleTester(indirectPromptInjection, {
  valid: [
    { name: "near miss: the same agent marked as one the team runs is no entry by itself", model: spec(internalAgent("agent", { tools: ["email"] }), email, { agents: [{ id: "hotel-agent", models: ["llm"] }], flows: [{ id: "hotel-reply", from: "hotel-agent", to: "agent", channel: "message" }] }) },
    { name: "only the user talking to the agent directly is untrusted (that is TW-PI-001)", model: spec(publicChat("agent", { tools: ["email"] }), email) },
    { name: "no untrusted input at all", model: spec(internalAgent("agent", { tools: ["email"] }), email) },
    { name: "bystanders' words on a linked speaker are requests in the account holders' session (asks: true): a direct injection, TW-PI-001's", model: spec(linkedSpeaker({ tools: ["email"] }), email) },
    { name: "near miss: the tickets are written by employees and no insider adversary is modelled", model: spec(internalAgent("agent", { tools: ["email"] }), email, staffTickets) },
  ],
  invalid: [
    {
      name: "patients speak in a visit clinicians record: their words are content the agent works on, so injecting through them is indirect",
      model: spec(recordedVisit({ tools: ["email"] }), email),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 4 (default; customer entry 0, two hops), impact 3: 12, high.
          severity: "high",
          summary: /^Text from patients reaches agent via patients → device → agent; a steered agent can call email\./,
          check: (finding) => {
            assert.deepEqual(
              finding.path?.map((s) => [s.element, s.action, s.technique]),
              [
                ["patients", "patients speak or write hidden instructions into a session clinicians started", "AML.T0051.001"],
                ["device", "the text passes through device", "AML.T0051.001"],
                ["agent", "agent reads the text and follows the injected instructions", "AML.T0051.001"],
              ],
            );
          },
        },
      ],
    },
    {
      name: "another organisation's agent replies to ours: its messages are content the agent reads, and the adversary that comes in through it counts",
      model: spec(internalAgent("agent", { tools: ["email"] }), email, partnerAgent(), { adversaries: [{ id: "rogue-partner", type: "organised-crime", capability: "high", via: ["hotel-agent"] }] }),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 4 - 1 (a third party's agent, exposure 3, like a partner) + 1 (high-capability adversary via it) = 4; impact 3: 12, high.
          severity: "high",
          summary: /^Text from hotel-agent reaches agent via hotel-agent → agent/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.match(finding.reasons[0]!, /-1 entry hotel-agent \(another organisation's agent: what it says is text the team does not control\); \+1 most capable adversary coming in through hotel-agent is rogue-partner/);
          },
        },
      ],
    },
    {
      name: "customer tickets reach a read-only agent",
      model: spec(internalAgent("agent", { tools: ["read-tickets"] }), customerTickets("agent")),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 4 (default; customer entry exposure 4 gives 0; no adversary; 2 hops). Impact 3 - 1 (no side-effecting tool) = 2. 4 x 2 = 8: medium.
          severity: "medium",
          summary: /Tickets|tickets/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0051.001", "AML.T0051.001"]);
            assert.equal(finding.reasons[1], "Impact 2/5: rule default 3; -1 agent has no tool with side effects; a steered answer misleads but acts on nothing.");
          },
        },
      ],
    },
    {
      name: "customer tickets reach a read-only agent whose answer is a decision: the reason names it, the score stays",
      model: spec(internalAgent("agent", { tools: ["read-tickets"], decision: { what: "which refund claims are paid", stakes: "high" } }), customerTickets("agent")),
      findings: [
        {
          anchors: ["agent"],
          // As the read-only agent above: likelihood 4, impact 3 - 1 (no side-effecting tool) = 2. 4 x 2 = 8: medium. TW-MIS-002 rates the decision.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.equal(finding.reasons[1], "Impact 2/5: rule default 3; -1 agent has no tool with side effects; its answer decides which refund claims are paid (TW-MIS-002 rates that).");
          },
        },
      ],
    },
    {
      name: "customer tickets reach an agent that can send email",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "email"] }), customerTickets("agent"), email),
      // Likelihood 4, impact 3 (a side-effecting tool keeps the default): 12, high.
      findings: [{ anchors: ["agent"], severity: "high", check: (finding) => assert.ok(finding.evidence.some((e) => e.element === "email")) }],
    },
    {
      name: "the same employee-written tickets count once an insider adversary is modelled",
      model: spec(internalAgent("agent", { tools: ["email"] }), email, staffTickets, { adversaries: [{ id: "insider", type: "insider", capability: "medium" }] }),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 4 - 2 (employee entry, exposure 2) = 2; medium-capability adversary adds 0. Impact 3. 2 x 3 = 6: medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.inherent.likelihood, 2),
        },
      ],
    },
    {
      name: "a content-isolation control lowers the residual, the finding stays",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "email"] }), customerTickets("agent"), email, {
        controls: [{ id: "tags", type: "content-isolation", covers: ["agent"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // 4 x 3 inherent; a verified, implemented content-isolation takes the full 1 off likelihood: 3 x 3 = 9.
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 9);
            assert.equal(finding.residual.severity, "medium");
          },
        },
      ],
    },
    {
      name: "a content-isolation control on the retrieval flow, the entry's only way in, counts",
      model: spec(ticketsByFlow(), { controls: [{ id: "chunk-tags", type: "content-isolation", covers: ["tickets-to-agent"], verified: true }] }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // Inherent 4 x 3 = 12 (customer entry, exposure 4: +0; a side-effecting tool keeps impact 3).
            // The control sits on the flow the tickets' text takes: verified, implemented, the full 1 off likelihood: 3 x 3 = 9.
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.likelihood, 3);
            assert.equal(finding.residual.score, 9);
            assert.ok(!finding.missingControls.includes("content-isolation"));
            assert.match(finding.reasons[2]!, /chunk-tags \(content-isolation, implemented, verified\) lowers likelihood by 1/);
          },
        },
      ],
    },
    {
      name: "the same control still counts when an insider may also edit the agent's system prompt: instructions are no way isolation could cover, and TW-PI-004 reports them",
      model: spec(internalAgent("agent", { tools: ["email"], prompts: ["system"] }), customerTickets("agent"), email, {
        actors: [{ id: "ops", type: "employee", authenticated: true }],
        // The operators edit the prompt in a console: their text reaches the agent, as its instructions.
        services: [{ id: "console", type: "dashboard" }],
        prompts: [{ id: "system", role: "system", writableBy: ["ops"] }],
        flows: [
          { id: "ops-edit", from: "ops", to: "console", channel: "api" },
          { id: "console-saves", from: "console", to: "system", channel: "api" },
        ],
        adversaries: [{ id: "insider", type: "insider", capability: "medium", via: ["ops"] }],
        controls: [{ id: "chunk-tags", type: "content-isolation", covers: ["tickets-to-agent"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent"],
          // As above: 12, and the tags on the tickets' only way take the full 1 off: 9. The insider's prompt is an entry
          // of its own, but its way into the agent is the agent's instructions, which no control on the way in acts on.
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.residual.score, 9);
          },
        },
      ],
    },
    {
      name: "a control on the less dangerous entry's way does nothing against the more dangerous one",
      model: spec(ticketsByFlow(), forum, { controls: [{ id: "ticket-tags", type: "content-isolation", covers: ["tickets"], verified: true }] }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // Likelihood 4 + 1 (the forum, a web source anyone posts to, is the most exposed entry) = 5; impact 3: 15, high.
            // The control covers the tickets only; the forum's text reaches the agent without it: nothing off, 15.
            assert.equal(finding.inherent.score, 15);
            assert.equal(finding.residual.score, 15);
            assert.equal(finding.severity, "high");
            assert.ok(finding.missingControls.includes("content-isolation"));
            const note = finding.evidence.find((e) => e.element === "ticket-tags")?.note ?? "";
            assert.equal(note, "content-isolation on part of the way in only: text from forum reaches agent without passing it, so it does not count");
          },
        },
      ],
    },
    {
      name: "a control on the most dangerous entry's way counts when the entry it leaves open is a step less likely",
      model: spec(ticketsByFlow(), forum, { controls: [{ id: "forum-filter", type: "content-isolation", covers: ["forum"], verified: true }] }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // Inherent 15 as above, from the forum (exposure +1). The customers' tickets (exposure 0) get past the filter, but
            // their attacker is one step less likely, and the verified filter takes off 1: as likely as the tickets' attacker, 4 x 3 = 12.
            assert.equal(finding.inherent.score, 15);
            assert.deepEqual(finding.controls.map((c) => [c.control, c.by]), [["forum-filter", 1]]);
            assert.equal(finding.residual.score, 12);
            const note = finding.evidence.find((e) => e.element === "forum-filter")?.note ?? "";
            assert.equal(note, "content-isolation on part of the way in only: text from tickets reaches agent without passing it, but that entry is 1 step less likely than the finding's own, so the control still counts");
          },
        },
      ],
    },
    {
      name: "a control on one of two equally exposed entries' ways does nothing",
      model: spec(ticketsByFlow(), forum, wiki, { controls: [{ id: "forum-filter", type: "content-isolation", covers: ["forum"], verified: true }] }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // The public wiki is as exposed as the forum (+1) and gets past the filter: nothing off, 15.
            assert.equal(finding.residual.score, 15);
            assert.deepEqual(finding.controls, []);
            assert.match(finding.evidence.find((e) => e.element === "forum-filter")?.note ?? "", /text from wiki reaches agent without passing it, so it does not count$/);
          },
        },
      ],
    },
    {
      name: "spotlighting on a partner agent's replies counts although insiders edit tickets the agent also reads",
      model: spec(internalAgent("agent", { tools: ["email"] }), email, staffTickets, partnerAgent(), {
        adversaries: [{ id: "insider", type: "insider", capability: "medium" }],
        controls: [{ id: "hotel-spotlighting", type: "content-isolation", covers: ["hotel-reply"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // Likelihood 4 - 1 (the partner's agent, exposure 3) = 3; impact 3: 9. The verified spotlighting takes 1 off:
            // the staff's tickets (insiders, -2) get past it but lie a step below the partner. 2 x 3 = 6.
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 6);
            assert.match(finding.evidence.find((e) => e.element === "hotel-spotlighting")?.note ?? "", /text from tickets reaches agent without passing it, but that entry is 1 step less likely/);
            assert.deepEqual(finding.controls.map((c) => [c.control, c.by]), [["hotel-spotlighting", 1]]);
          },
        },
      ],
    },
    {
      name: "controls that together cover every equally exposed entry's way count, at the least protected way's strength",
      model: spec(ticketsByFlow(), forum, wiki, {
        controls: [
          { id: "forum-filter", type: "content-isolation", covers: ["forum-to-agent"], verified: true },
          { id: "wiki-tags", type: "content-isolation", covers: ["wiki-to-agent"] },
        ],
      }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // Inherent 5 x 3 = 15, from the forum and the wiki alike (web sources, +1). The forum's way has a verified control (1),
            // the wiki's an unverified one (0.5): the wiki's way is the least protected, so 0.5 comes off: 4.5 x 3 = 13.5, high.
            // The customers' tickets pass neither, but lie a step below: they cannot set the residual.
            assert.equal(finding.residual.score, 13.5);
            assert.deepEqual(finding.controls.map((c) => [c.control, c.by]), [["wiki-tags", 0.5]]);
            assert.match(finding.evidence.find((e) => e.element === "wiki-tags")?.note ?? "", /text from tickets reaches agent without passing it, but that entry is 1 step less likely/);
          },
        },
      ],
    },
    {
      name: "a weaker control on a less dangerous entry's way does not lower what the stronger one takes off",
      model: spec(ticketsByFlow(), forum, {
        controls: [
          { id: "forum-filter", type: "content-isolation", covers: ["forum-to-agent"], verified: true },
          { id: "ticket-tags", type: "content-isolation", covers: ["tickets-to-agent"] },
        ],
      }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // The forum's attacker (5) less the verified filter is 4; the tickets' (4) less the unverified tags 3.5. The finding
            // is as likely as the likelier: 4 x 3 = 12. Judging by the weakest control alone would give 4.5, more than without the tags.
            assert.equal(finding.residual.score, 12);
            assert.deepEqual(finding.controls.map((c) => [c.control, c.by]), [["forum-filter", 1]]);
          },
        },
      ],
    },
    {
      name: "one entry with two ways in: isolating the retrieval flow leaves the ticket tool's output",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "email"] }), customerTickets("agent"), email, {
        controls: [{ id: "chunk-tags", type: "content-isolation", covers: ["tickets-to-agent"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // Inherent 4 x 3 = 12; the tickets also reach the agent through read-tickets, which the control does not cover: 12.
            assert.equal(finding.residual.score, 12);
            assert.match(finding.evidence.find((e) => e.element === "chunk-tags")?.note ?? "", /text from tickets reaches agent without passing it/);
          },
        },
      ],
    },
    {
      // The tool's output drawn as a flow to the agent is that output, not a second way beside it (knowledge review P7).
      name: "isolation on the flow that carries the ticket tool's results to the agent covers the tool's output",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "email"] }), customerTickets("agent"), email, {
        flows: [{ id: "tool-results", from: "read-tickets", to: "agent", channel: "tool-call" }],
        controls: [{ id: "result-tags", type: "content-isolation", covers: ["tool-results", "tickets-to-agent"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent"],
          // Inherent 4 x 3 = 12; every way in passes the control, which takes 1 off likelihood: 3 x 3 = 9.
          check: (finding) => assert.deepEqual([finding.inherent.score, finding.residual.score], [12, 9]),
        },
      ],
    },
  ],
});
