// TW-EXF-001 with messages to another organisation's agent (thirdParty) as the way out: a steered agent
// can put data into its A2A messages that the partner was never meant to get. Scores by hand from
// docs/scoring.md: rule default 4 x 4; another organisation's agent is an entry of exposure 3 (-1).
import assert from "node:assert/strict";
import type { Finding } from "../../../src/analysis/analyze.js";
import { exfiltrationPath } from "../../../src/rules/exfiltration/exfiltration-path.js";
import { internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** Booking records (passport numbers: government-id, so restricted) the agent reads through a lookup tool. */
const bookings = {
  datastores: [{ id: "pss", type: "relational", holds: ["bookings"] }],
  data: [
    { id: "bookings", classification: "confidential", flags: ["personal", "government-id"] },
    { id: "hotel-request", classification: "confidential", flags: ["personal"] },
    { id: "offers", classification: "internal" },
  ],
  tools: [{ id: "lookup", capabilities: [{ action: "read", on: ["pss"] }] }],
};

/** The partner's booking agent: the agent asks it for offers (carrying `sent`), and it replies unless `replies` is false. */
function partner(sent: string[] = ["hotel-request"], replies = true) {
  return {
    agents: [{ id: "hotel-agent", thirdParty: true }],
    flows: [
      { id: "a2a-request", from: "agent", to: "hotel-agent", channel: "message", data: sent },
      ...(replies ? [{ id: "a2a-reply", from: "hotel-agent", to: "agent", channel: "message", data: ["offers"] }] : []),
    ],
  };
}

/** An internal agent that reads bookings and talks to the partner: the partner's replies are its only untrusted input. */
const concierge = (sent?: string[]) => spec(internalAgent("agent", { tools: ["lookup"] }), bookings, partner(sent));

const verified = { verified: true, evidence: [{ type: "test", ref: "a2a.test.ts" }] };
const techniques = (finding: Finding) => finding.path?.map((s) => s.technique);

ruleTester(exfiltrationPath, {
  valid: [
    {
      name: "the receiving agent is one the team runs: messages inside the organisation are other rules' business",
      model: spec(publicChat("agent", { tools: ["lookup"] }), bookings, {
        agents: [{ id: "booking-agent", models: ["llm"] }],
        flows: [{ id: "hand-off", from: "agent", to: "booking-agent", channel: "message", data: ["hotel-request"] }],
      }),
    },
    {
      name: "the only sensitive data in the agent's context is what its messages to the partner are meant to carry",
      model: concierge(["hotel-request", "bookings"]),
    },
    {
      name: "what the partner itself sends is no secret from it",
      model: spec(internalAgent("agent"), {
        agents: [{ id: "hotel-agent", thirdParty: true }],
        data: [{ id: "guest-profile", classification: "confidential", flags: ["personal"] }],
        flows: [
          { id: "a2a-request", from: "agent", to: "hotel-agent", channel: "message" },
          { id: "a2a-reply", from: "hotel-agent", to: "agent", channel: "message", data: ["guest-profile"] },
        ],
      }),
    },
    {
      name: "the agent is not injectable: employees start it and the partner never talks back",
      model: spec(internalAgent("agent", { tools: ["lookup"] }), bookings, partner(["hotel-request"], false)),
    },
  ],
  invalid: [
    {
      name: "the partner's own replies steer the agent, which can send it booking records its requests are not meant to carry",
      model: concierge(),
      findings: [
        {
          anchors: ["agent", "a2a-request"],
          // Likelihood 4 - 1 (another organisation's agent, exposure 3; no adversary modelled: medium, 0) = 3;
          // impact 4 + 1 (bookings: government-id is restricted) = 5: 15, high.
          severity: "high",
          summary: /^agent reads text from hotel-agent, another organisation's agent, holds bookings, and can put them into its messages back to it over a2a-request, which are meant to carry hotel-request only\.$/,
          check: (finding) => {
            assert.equal(finding.id, "TW-EXF-001@agent+a2a-request");
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact, finding.residual.score], [3, 5, 15]);
            assert.deepEqual(techniques(finding), ["AML.T0051.001", "AML.T0051.001", "AML.T0085.001", "AML.T0086"]);
            assert.deepEqual(finding.path?.map((s) => s.element), ["hotel-agent", "agent", "pss", "hotel-agent"]);
            assert.match(finding.path!.at(-1)!.action, /puts bookings into a message to hotel-agent over a2a-request, which asked for it/);
            assert.match(finding.evidence.find((e) => e.element === "bookings")?.note ?? "", /no flow to or from hotel-agent carries it/);
            assert.match(finding.evidence.find((e) => e.element === "a2a-request")?.note ?? "", /way out: .*meant to carry hotel-request/);
            // The recipient is fixed already: an egress allow-list would let it through, so it is not offered.
            assert.ok(!finding.missingControls.includes("egress-allowlist"));
            assert.deepEqual(finding.missingControls, ["human-approval", "content-isolation", "output-validation", "data-minimisation"]);
          },
        },
      ],
    },
    {
      name: "a caller and a compromised partner are equally likely; the story is the partner asking for what it receives",
      model: spec(publicChat("agent", { tools: ["lookup"] }), bookings, partner(), {
        adversaries: [
          { id: "fraudster", type: "organised-crime", capability: "medium", via: ["public-user"] },
          { id: "compromised-partner", type: "organised-crime", capability: "high", via: ["hotel-agent"] },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "a2a-request"],
          // From the partner: 4 - 1 (exposure 3) + 1 (high-capability adversary through it) = 4. From the public user:
          // 4 + 1 (public) + 0 (medium) - 1 (the data goes to the partner, not to them) = 4. Impact 5: 20, critical.
          severity: "critical",
          summary: /reads text from hotel-agent/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.match(finding.reasons[0]!, /^Likelihood 4\/5: rule default 4; -1 entry hotel-agent .*; \+1 most capable adversary coming in through hotel-agent is compromised-partner \(high capability\)\.$/);
            assert.match(finding.evidence.find((e) => e.element === "hotel-agent" && e.note.startsWith("another organisation's agent"))?.note ?? "", /compromised-partner \(high capability\) can come in through it/);
          },
        },
      ],
    },
    {
      name: "the partner never talks back: a public user's text still sends the data out, to the partner rather than to the user",
      model: spec(publicChat("agent", { tools: ["lookup"] }), bookings, partner(["hotel-request"], false)),
      findings: [
        {
          anchors: ["agent", "a2a-request"],
          // 4 + 1 (public) - 1 (only the partner receives it) = 4; impact 5: 20, critical.
          severity: "critical",
          summary: /^agent reads text from public-user, holds bookings, and can put them into its messages to hotel-agent, another organisation's agent, over a2a-request/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.match(finding.reasons[0]!, /\+1 entry public-user .*; -1 the data goes only to hotel-agent, not to public-user\.$/);
            assert.equal(techniques(finding)?.[0], "AML.T0051.000");
          },
        },
      ],
    },
    {
      name: "controls on the team's side count as on the other ways out; an allow-list and the partner's own controls do not",
      model: spec(concierge(), {
        controls: [
          { id: "a2a-dlp", type: "output-validation", covers: ["a2a-request"], ...verified },
          { id: "minimal-lookup", type: "data-minimisation", covers: ["agent"], evidence: [{ type: "config", ref: "lookup.yaml" }] },
          { id: "spotlight", type: "content-isolation", covers: ["a2a-reply"], evidence: [{ type: "file", ref: "spotlight.ts" }] },
          { id: "egress", type: "egress-allowlist", covers: ["agent"], ...verified },
          { id: "partner-review", type: "human-approval", covers: ["hotel-agent"], ...verified },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "a2a-request"],
          // Inherent 3 x 5. Output validation on the flow, verified: -1; content isolation on the only way in, not
          // verified: -0.5; data minimisation on the agent, not verified: impact -0.5. Residual 1.5 x 4.5 = 6.75, medium.
          severity: "medium",
          check: (finding) => {
            assert.deepEqual([finding.residual.likelihood, finding.residual.impact, finding.residual.score], [1.5, 4.5, 6.75]);
            assert.deepEqual(finding.controls.map((c) => c.control).sort(), ["a2a-dlp", "minimal-lookup", "spotlight"]);
            assert.deepEqual(finding.missingControls, ["human-approval"]);
            assert.match(finding.evidence.find((e) => e.element === "partner-review")?.note ?? "", /^not counted: human-approval on hotel-agent sits in the recipient/);
          },
        },
      ],
    },
    {
      name: "data the partner gets by design is left out; what else the agent holds is at stake",
      model: spec(concierge(["hotel-request", "bookings"]), {
        datastores: [{ id: "memory", type: "memory", holds: ["preferences"] }],
        data: [{ id: "preferences", classification: "confidential", flags: ["personal"] }],
        flows: [{ id: "recall", from: "memory", to: "agent", channel: "memory", data: ["preferences"] }],
      }),
      findings: [
        {
          anchors: ["agent", "a2a-request"],
          // Likelihood 3 as above; impact 4 + 0 (preferences: confidential): 12, high.
          severity: "high",
          summary: /holds preferences, and can put them .*meant to carry hotel-request and bookings only/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.match(finding.evidence.find((e) => e.element === "bookings")?.note ?? "", /^not counted: hotel-agent gets it by design/);
          },
        },
      ],
    },
    {
      name: "a tool that emails anyone and the messages to the partner are two ways out, with IDs of their own",
      model: spec(publicChat("agent", { tools: ["lookup", "email"] }), bookings, partner(), { tools: [{ id: "email", capabilities: [{ action: "send", destination: "any" }] }] }),
      findings: [
        // Email: 4 + 1 (public) = 5, impact 5: 25. Partner: from the public user 4 + 1 - 1 = 4, from the partner 3: 4 x 5 = 20.
        { anchors: ["agent", "email"], check: (finding) => assert.equal(finding.inherent.score, 25) },
        { anchors: ["agent", "a2a-request"], check: (finding) => assert.deepEqual([finding.id, finding.inherent.score], ["TW-EXF-001@agent+a2a-request", 20]) },
      ],
    },
  ],
});
