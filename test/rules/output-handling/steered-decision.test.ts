import assert from "node:assert/strict";
import type { Finding } from "../../../src/analysis/analyze.js";
import { steeredDecision } from "../../../src/rules/output-handling/steered-decision.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** What the claims agent decides; `extra` adds aboutPeople. */
const decides = (stakes: "low" | "medium" | "high", extra: Record<string, unknown> = {}) => ({ decision: { what: "which refund claims are paid", stakes, ...extra } });

/** Public users chat with a front agent, which hands each case to a screening agent whose verdict is the decision. */
const screenedThroughFront = (screener: Record<string, unknown> = decides("high")) =>
  spec(publicChat("front"), {
    agents: [{ id: "screener", models: ["llm"], ...screener }],
    flows: [{ id: "front-to-screener", from: "front", to: "screener", channel: "message" }],
  });

/** Public users chat with the claims agent, which also reads customer tickets: two ways in. */
const chatAndTickets = (controls: Record<string, unknown>[]) => spec(publicChat("claims", decides("high")), customerTickets("claims"), { controls });

/** The finding's scores: inherent likelihood x impact = score, and the residual. */
function assertScores(finding: Finding, inherent: [number, number, number], residual: [number, number, number] = inherent): void {
  assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact, finding.inherent.score], inherent, finding.reasons.join("\n"));
  assert.deepEqual([finding.residual.likelihood, finding.residual.impact, finding.residual.score], residual, finding.reasons.join("\n"));
}

ruleTester(steeredDecision, {
  valid: [
    { name: "near miss: untrusted text reaches the agent, but it declares no decision", model: spec(publicChat("claims"), customerTickets("claims")) },
    { name: "an internal decision agent that only employees talk to", model: internalAgent("claims", decides("high")) },
    {
      name: "near miss: the decision agent reads tickets only employees write, and no insider adversary is modelled",
      model: spec(internalAgent("claims", decides("high")), {
        sources: [{ id: "staff-notes", type: "tickets", writableBy: ["staff"] }],
        flows: [{ id: "notes-to-claims", from: "staff-notes", to: "claims", channel: "retrieval" }],
      }),
    },
    {
      name: "near miss: the decision agent hears only from an internal agent that nothing untrusted reaches",
      model: spec(internalAgent("front"), {
        agents: [{ id: "screener", models: ["llm"], ...decides("high") }],
        flows: [{ id: "front-to-screener", from: "front", to: "screener", channel: "message" }],
      }),
    },
  ],
  invalid: [
    {
      name: "customer tickets reach a high-stakes decision agent through retrieval",
      model: spec(internalAgent("claims", decides("high", { aboutPeople: true })), customerTickets("claims")),
      findings: [
        {
          anchors: ["claims"],
          // Likelihood 3: the tickets are the only entry, written by customers (exposure 4: 0); no adversary (0); 2 hops (0); autonomy unset (0).
          // Impact 3 + 2 (stakes high) = 5. 3 x 5 = 15: high. aboutPeople changes nothing in the score.
          severity: "high",
          summary: /Text from tickets reaches claims via tickets → claims, whose answer decides which refund claims are paid/,
          check: (finding) => {
            assertScores(finding, [3, 5, 15]);
            assert.match(finding.reasons[1]!, /^Impact 5\/5: rule default 3; \+2 a wrong decision on which refund claims are paid costs much \(stakes high\)\.$/);
            assert.ok(finding.evidence.some((e) => e.element === "tickets" && /untrusted entry \(writable by customer\); reaches claims via tickets → claims/.test(e.note)));
            const note = finding.evidence.find((e) => e.element === "claims")?.note ?? "";
            assert.match(note, /^decides which refund claims are paid; the system acts on its answer \(stakes high\)/);
            assert.match(note, /human-oversight duties \(Art\. 14/);
            assert.deepEqual(
              finding.path?.map((s) => [s.element, s.technique]),
              [
                ["tickets", "AML.T0051.001"],
                ["claims", "AML.T0051.001"],
                ["claims", "AML.T0048"],
              ],
            );
            assert.ok(finding.mappings.euAiAct?.includes("Art. 14"));
          },
        },
      ],
    },
    {
      name: "without aboutPeople the evidence leaves out the EU AI Act's oversight duties, and the score is the same",
      model: spec(internalAgent("claims", decides("high")), customerTickets("claims")),
      findings: [
        {
          anchors: ["claims"],
          // As above: 3 x 5 = 15.
          check: (finding) => {
            assertScores(finding, [3, 5, 15]);
            assert.equal(finding.evidence.find((e) => e.element === "claims")?.note, "decides which refund claims are paid; the system acts on its answer (stakes high)");
          },
        },
      ],
    },
    {
      name: "public users talk straight to a medium-stakes decision agent",
      model: publicChat("claims", decides("medium")),
      findings: [
        {
          anchors: ["claims"],
          // Likelihood 3 + 1 (public actor, exposure 5) = 4; 3 hops (0). Impact 3 + 1 (stakes medium) = 4. 4 x 4 = 16: high.
          severity: "high",
          check: (finding) => {
            assertScores(finding, [4, 4, 16]);
            assert.deepEqual(
              finding.path?.map((s) => s.technique),
              ["AML.T0051.000", "AML.T0051.000", "AML.T0048"],
            );
          },
        },
      ],
    },
    {
      name: "public users talk straight to a low-stakes decision agent",
      model: publicChat("claims", decides("low")),
      findings: [
        {
          anchors: ["claims"],
          // Likelihood 4 as above. Impact 3 - 1 (stakes low) = 2. 4 x 2 = 8: medium.
          severity: "medium",
          check: (finding) => {
            assertScores(finding, [4, 2, 8]);
            assert.match(finding.reasons[1]!, /-1 a wrong decision on which refund claims are paid costs little \(stakes low\)/);
          },
        },
      ],
    },
    {
      name: "a screening agent reached through the front agent public users talk to",
      model: screenedThroughFront(),
      findings: [
        {
          anchors: ["screener"],
          // Likelihood 3 + 1 (public actor) = 4; public-user → widget → front → screener is 4 hops, not more than 4 (0). Impact 5 (stakes high). 4 x 5 = 20: critical.
          severity: "critical",
          summary: /Text from public-user reaches screener via public-user → widget → front → screener/,
          check: (finding) => {
            assertScores(finding, [4, 5, 20]);
            // Not a direct injection (it passes an agent), so the widget is a step of its own.
            assert.deepEqual(
              finding.path?.map((s) => s.element),
              ["public-user", "widget", "front", "screener", "screener"],
            );
          },
        },
      ],
    },
    {
      name: "a longer chain and a highly capable adversary",
      model: spec(publicChat("front"), {
        agents: [
          { id: "triage", models: ["llm"] },
          { id: "router", models: ["llm"] },
          { id: "screener", models: ["llm"], ...decides("high") },
        ],
        flows: [
          { id: "front-to-triage", from: "front", to: "triage", channel: "message" },
          { id: "triage-to-router", from: "triage", to: "router", channel: "message" },
          { id: "router-to-screener", from: "router", to: "screener", channel: "message" },
        ],
        adversaries: [{ id: "fraud-ring", type: "organised-crime", capability: "high" }],
      }),
      findings: [
        {
          anchors: ["screener"],
          // Likelihood 3 + 1 (public actor) + 1 (high-capability adversary) - 1 (public-user → widget → front → triage → router →
          // screener: three agents must pass the text on; the widget only shows it and counts for nothing) = 4. Impact 5. 4 x 5 = 20: critical.
          severity: "critical",
          check: (finding) => {
            assertScores(finding, [4, 5, 20]);
            assert.match(finding.reasons[0]!, /-1 attacker text must pass front, triage and router before it acts/);
          },
        },
      ],
    },
    {
      name: "an agent that only suggests: a person applies each decision",
      model: publicChat("claims", { ...decides("high"), autonomy: "suggest" }),
      findings: [
        {
          anchors: ["claims"],
          // Likelihood 3 + 1 (public actor) - 2 (suggest) = 2. Impact 5. 2 x 5 = 10: medium.
          severity: "medium",
          check: (finding) => {
            assertScores(finding, [2, 5, 10]);
            // The evidence says who acts on the decision as the autonomy does, not "the system".
            assert.equal(finding.evidence.find((e) => e.element === "claims")?.note, "decides which refund claims are paid; a person applies each decision (stakes high)");
          },
        },
      ],
    },
    {
      name: "a verified human approval on the agent takes 2 off the likelihood",
      model: spec(publicChat("claims", decides("high")), { controls: [{ id: "officer-check", type: "human-approval", covers: ["claims"], verified: true }] }),
      findings: [
        {
          anchors: ["claims"],
          // Inherent 4 x 5 = 20. Implemented (the default) and verified: the full 2 off. 2 x 5 = 10: medium.
          severity: "medium",
          check: (finding) => {
            assertScores(finding, [4, 5, 20], [2, 5, 10]);
            assert.deepEqual(
              finding.controls.map((c) => [c.control, c.by]),
              [["officer-check", 2]],
            );
          },
        },
      ],
    },
    {
      name: "an unverified human approval on the agent takes half: 1",
      model: spec(publicChat("claims", decides("high")), { controls: [{ id: "officer-check", type: "human-approval", covers: ["claims"] }] }),
      findings: [
        {
          anchors: ["claims"],
          // Inherent 20. Implemented, not verified: 2 x 0.5 = 1 off. 3 x 5 = 15: high.
          severity: "high",
          check: (finding) => assertScores(finding, [4, 5, 20], [3, 5, 15]),
        },
      ],
    },
    {
      name: "a partial, unverified approval of some decisions only takes an eighth of 2",
      model: spec(publicChat("claims", decides("high")), {
        controls: [{ id: "officer-check", type: "human-approval", covers: ["claims"], status: "partial", condition: "claims over the policy limit" }],
      }),
      findings: [
        {
          anchors: ["claims"],
          // Inherent 20. Partial (x0.5), not verified (x0.5), under a condition (x0.5): 2 x 0.125 = 0.25 off. 3.75 x 5 = 18.75: high.
          severity: "high",
          check: (finding) => assertScores(finding, [4, 5, 20], [3.75, 5, 18.75]),
        },
      ],
    },
    {
      name: "a human approval of the front agent's actions does not check the screener's decision",
      model: spec(screenedThroughFront(), { controls: [{ id: "front-approval", type: "human-approval", covers: ["front"], verified: true }] }),
      findings: [
        {
          anchors: ["screener"],
          // Inherent 20 (as above); the approval sits on an element of the path, not on the screener: nothing off.
          check: (finding) => {
            assertScores(finding, [4, 5, 20]);
            assert.ok(finding.missingControls.includes("human-approval"));
          },
        },
      ],
    },
    {
      name: "verified output validation and model monitoring on the agent take 1 each",
      model: spec(publicChat("claims", decides("high")), {
        controls: [
          { id: "policy-rules", type: "output-validation", covers: ["claims"], verified: true },
          { id: "decision-drift", type: "model-monitoring", covers: ["claims"], verified: true },
        ],
      }),
      findings: [
        {
          anchors: ["claims"],
          // Inherent 20; -1 and -1: 2 x 5 = 10: medium.
          severity: "medium",
          check: (finding) => assertScores(finding, [4, 5, 20], [2, 5, 10]),
        },
      ],
    },
    {
      name: "content isolation on the agent does not count against the public user's own messages",
      model: chatAndTickets([{ id: "delimiting", type: "content-isolation", covers: ["claims"], verified: true }]),
      findings: [
        {
          anchors: ["claims"],
          // Likelihood 3 + 1 (public-user, exposure 5, is the most exposed entry; 3 hops) = 4. Impact 5. 20.
          // The control is on every way, but the public user talks to the agent itself: their words are the
          // conversation, which isolation cannot mark as data. Nothing off: 20, critical.
          severity: "critical",
          check: (finding) => {
            assertScores(finding, [4, 5, 20], [4, 5, 20]);
            assert.match(finding.evidence.find((e) => e.element === "delimiting")?.note ?? "", /content-isolation does not count: public-user talk to claims themselves/);
          },
        },
      ],
    },
    {
      name: "content isolation on the agent counts when its only way in is the tickets it reads",
      model: spec(internalAgent("claims", decides("high")), customerTickets("claims"), { controls: [{ id: "delimiting", type: "content-isolation", covers: ["claims"], verified: true }] }),
      findings: [
        {
          anchors: ["claims"],
          // Likelihood 3 + 0 (customer-written tickets, exposure 4) = 3. Impact 5. 15. Verified, on the agent: the full 1 off. 2 x 5 = 10: medium.
          severity: "medium",
          check: (finding) => assertScores(finding, [3, 5, 15], [2, 5, 10]),
        },
      ],
    },
    {
      name: "content isolation on the ticket flow only leaves the chat open and does not count",
      model: chatAndTickets([{ id: "chunk-tags", type: "content-isolation", covers: ["tickets-to-agent"], verified: true }]),
      findings: [
        {
          anchors: ["claims"],
          // Inherent 20; the public users' text reaches the agent without passing the control: nothing off.
          severity: "critical",
          check: (finding) => {
            assertScores(finding, [4, 5, 20]);
            assert.ok(finding.missingControls.includes("content-isolation"));
            assert.match(finding.evidence.find((e) => e.element === "chunk-tags")?.note ?? "", /part of the way in only: text from public-user reaches claims without passing it/);
          },
        },
      ],
    },
  ],
});
