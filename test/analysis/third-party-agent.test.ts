// Another organisation's agent (thirdParty) is an untrusted entry for the team's agents and nothing
// more: no rule looks inside it, so no finding is about it alone, however it is reached.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze, buildContext } from "../../src/analysis/analyze.js";
import { internalAgent } from "../rules/building-blocks.js";
import { loadSpec, spec } from "../rules/rule-tester.js";

describe("another organisation's agent", () => {
  // Public users chat with the partner's agent, which replies to ours; ours can send email and spend.
  const model = loadSpec(
    spec(internalAgent("agent", { tools: ["email", "pay"] }), {
      actors: [{ id: "public-user", type: "public" }],
      clients: [{ id: "widget", type: "web-chat", handles: ["plain-text"] }],
      agents: [{ id: "partner-agent", thirdParty: true }],
      services: [{ id: "bank", type: "api" }],
      tools: [
        { id: "email", capabilities: [{ action: "send", destination: "any" }] },
        { id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] },
      ],
      flows: [
        { id: "user-to-widget", from: "public-user", to: "widget", channel: "api" },
        { id: "widget-to-partner", from: "widget", to: "partner-agent", channel: "api" },
        { id: "partner-reply", from: "partner-agent", to: "agent", channel: "message" },
      ],
    }),
  );
  const result = analyze(model, { today: "2026-11-22" });

  it("is an entry point whose text makes the team's agent injectable, and is not itself listed as injectable", () => {
    assert.ok(result.summary.untrustedEntryPoints.includes("partner-agent"));
    assert.deepEqual(result.summary.injectableAgents, ["agent"]);
  });

  it("sends what its flows list: what the team's agent tells it does not come back as if it were in the partner's hands", () => {
    const asking = loadSpec(
      spec(internalAgent("agent", { tools: ["email"] }), {
        agents: [{ id: "partner-agent", thirdParty: true }],
        tools: [{ id: "email", capabilities: [{ action: "send", destination: "any" }] }],
        data: [
          { id: "traveller", classification: "confidential", flags: ["personal"] },
          { id: "offers", classification: "confidential" },
        ],
        flows: [
          { id: "request", from: "agent", to: "partner-agent", channel: "message", data: ["traveller"] },
          { id: "reply", from: "partner-agent", to: "agent", channel: "message", data: ["offers"] },
        ],
      }),
    );
    const context = buildContext(asking, "2026-11-22").contextData.of("agent");
    assert.equal(context.get("offers"), "partner-agent");
    assert.ok(!context.has("traveller"), "the request the agent sent is not read back from the partner");
  });

  it("is never a finding's subject: the findings that name it are about what the team's agent does with its messages", () => {
    const naming = result.findings.filter((f) => f.anchors.includes("partner-agent"));
    // Public users talk to it and it would have the same tools as ours, yet no injection, access or governance finding is its own.
    assert.deepEqual(naming.filter((f) => !f.anchors.includes("agent")).map((f) => f.id), []);
    // What remains: the team's agent acting on its output (TW-MIS-001) and the chain from it to ours (TW-CAS-001).
    assert.deepEqual(naming.map((f) => f.ruleId).sort(), ["TW-CAS-001", "TW-MIS-001"]);
    assert.ok(result.findings.some((f) => f.id === "TW-PI-002@agent"));
  });

  it("starts an attack path with its own replies, not with an attacker planting text in it", () => {
    const replying = loadSpec(
      spec(internalAgent("agent", { tools: ["email"] }), {
        agents: [{ id: "partner-agent", thirdParty: true }],
        tools: [{ id: "email", capabilities: [{ action: "send", destination: "any" }] }],
        flows: [{ id: "reply", from: "partner-agent", to: "agent", channel: "message" }],
      }),
    );
    const injection = analyze(replying, { today: "2026-11-22" }).findings.find((f) => f.id === "TW-PI-002@agent");
    assert.deepEqual(injection?.path?.[0], { element: "partner-agent", action: "partner-agent, another organisation's agent, replies with injected instructions", technique: "AML.T0051.001" });
  });
});
