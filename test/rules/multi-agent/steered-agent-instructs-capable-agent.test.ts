import assert from "node:assert/strict";
import { steeredAgentInstructsCapableAgent } from "../../../src/rules/multi-agent/steered-agent-instructs-capable-agent.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const tools = {
  services: [{ id: "bank", type: "api" }],
  datastores: [{ id: "crm", type: "document" }],
  tools: [
    { id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] },
    { id: "note", capabilities: [{ action: "write", on: ["crm"] }] },
    { id: "mail", capabilities: [{ action: "send", destination: "any" }] },
  ],
};
/** The front agent passes messages to a back-office agent with the given tools. */
const handOff = (backTools: string[]) => ({
  agents: [{ id: "back", models: ["llm"], tools: backTools }],
  flows: [{ id: "front-to-back", from: "front", to: "back", channel: "message", authenticated: true }],
});

/** A public chat agent that can pay hands work down to a helper that only writes notes, which reports back up. */
const loopBack = (helperExtra: Record<string, unknown>[] = []) =>
  spec(publicChat("front", { tools: ["pay"] }), tools, {
    agents: [{ id: "helper", models: ["llm"], tools: ["note"] }],
    flows: [
      { id: "front-to-helper", from: "front", to: "helper", channel: "message", authenticated: true },
      { id: "helper-to-front", from: "helper", to: "front", channel: "message", authenticated: true },
      ...helperExtra,
    ],
  });

ruleTester(steeredAgentInstructsCapableAgent, {
  valid: [
    // The helper was steered by what the front agent passed down: sending it back up adds nothing (knowledge review P15).
    { name: "the helper's only attacker text came from the agent it reports back to", model: loopBack() },
    { name: "near miss: the front agent can pay as well", model: spec(publicChat("front", { tools: ["pay"] }), tools, handOff(["pay"])) },
    { name: "no untrusted text reaches the front agent", model: spec(internalAgent("front"), tools, handOff(["pay"])) },
    { name: "the receiver can only do less severe things than the sender (writes notes; the sender pays)", model: spec(publicChat("front", { tools: ["pay"] }), tools, handOff(["note"])) },
  ],
  invalid: [
    {
      name: "the helper also reads customer tickets of its own, and reports back to the agent that can pay",
      model: spec(loopBack([{ id: "tickets-to-helper", from: "tickets", to: "helper", channel: "retrieval" }]), {
        actors: [{ id: "customer", type: "customer" }],
        sources: [{ id: "tickets", type: "tickets", writableBy: ["customer"] }],
      }),
      findings: [{ anchors: ["helper", "front"], summary: /^helper reads text from tickets and passes messages to front, which can spend on bank/ }],
    },
    {
      name: "a public chat agent instructs an agent that can pay",
      model: spec(publicChat("front"), tools, handOff(["pay"])),
      findings: [
        {
          anchors: ["front", "back"],
          // Likelihood 3 +1 (public entry) = 4; impact 4 (back can spend). 4 x 4 = 16: high.
          severity: "high",
          summary: /front reads text from public-user and passes messages to back, which can spend on bank; front cannot/,
          check: (finding) => assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0051.000", "AML.T0051.000", "AML.T0051.001", "AML.T0048.000"]),
        },
      ],
    },
    {
      name: "ticket text steers an agent that hands off to one that can email anyone",
      model: spec(internalAgent("front", { tools: ["read-tickets"] }), customerTickets("front"), tools, handOff(["mail"])),
      findings: [
        {
          anchors: ["front", "back"],
          // Likelihood 3 +0 (tickets: exposure 4); impact 4 -1 (the most back can do beyond front is send) = 3. 3 x 3 = 9: medium.
          severity: "medium",
          check: (finding) => assert.equal(finding.inherent.score, 9),
        },
      ],
    },
  ],
});
