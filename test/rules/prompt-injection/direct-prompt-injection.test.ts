import assert from "node:assert/strict";
import { directPromptInjection } from "../../../src/rules/prompt-injection/direct-prompt-injection.js";
import { customerTickets, internalAgent, linkedSpeaker, publicChat, recordedVisit } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const refund = {
  services: [{ id: "payments", type: "api" }],
  tools: [{ id: "refund", capabilities: [{ action: "spend", on: ["payments"] }] }],
};
const orders = {
  datastores: [{ id: "orders", type: "relational", holds: ["orders-data"] }],
  data: [{ id: "orders-data", classification: "confidential", flags: ["personal"] }],
  tools: [{ id: "lookup", capabilities: [{ action: "read", on: ["orders"] }] }],
};
const publicDocs = {
  datastores: [{ id: "docs-index", type: "vector", holds: ["docs"] }],
  data: [{ id: "docs", classification: "public" }],
  tools: [{ id: "search-docs", capabilities: [{ action: "read", on: ["docs-index"] }] }],
  flows: [{ id: "docs-to-agent", from: "docs-index", to: "agent", channel: "retrieval", data: ["docs"] }],
};
/** Signed-in customers chatting in an app. */
const customerChat = (extra: Record<string, unknown>) => ({
  actors: [{ id: "shopper", type: "customer", authenticated: true }],
  clients: [{ id: "app", type: "mobile-app", handles: ["plain-text"] }],
  models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
  agents: [{ id: "agent", models: ["llm"], ...extra }],
  flows: [
    { id: "shopper-to-app", from: "shopper", to: "app", channel: "api" },
    { id: "app-to-agent", from: "app", to: "agent", channel: "api" },
  ],
});

/** A pay tool that calls with the asker's own token (delegated): what it does, the asker may do themselves. */
const ownPayments = {
  services: [{ id: "payments", type: "api" }],
  tools: [{ id: "pay", delegated: true, capabilities: [{ action: "spend", on: ["payments"] }] }],
};

ruleTester(directPromptInjection, {
  valid: [
    { name: "the public user's only lever is a tool that pays with their own token: a steered agent does only what they may do themselves", model: spec(publicChat("agent", { tools: ["pay"] }), ownPayments) },
    { name: "patients speak in a visit clinicians record, as content the agent works on: no direct injection (TW-PI-002 has it)", model: spec(recordedVisit()) },
    { name: "read-only Q&A bot over public docs", model: spec(publicChat("agent", { tools: ["search-docs"] }), publicDocs) },
    {
      name: "the same Q&A bot also fetching a fixed status page (fetching a fixed URL is reading)",
      model: spec(publicChat("agent", { tools: ["search-docs", "status"] }), publicDocs, { tools: [{ id: "status", capabilities: [{ action: "fetch", destination: "fixed" }] }] }),
    },
    {
      name: "near miss: the same refund agent, but untrusted text only arrives through tickets (indirect)",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "refund"] }), customerTickets("agent"), refund),
    },
    { name: "employees only, no insider adversary", model: spec(internalAgent("agent", { tools: ["refund"] }), refund) },
    {
      name: "only the user's own messages are sensitive",
      model: spec(publicChat("agent"), { data: [{ id: "secret-chat", classification: "restricted" }], flows: [{ id: "more", from: "widget", to: "agent", channel: "api", data: ["secret-chat"] }] }),
    },
  ],
  invalid: [
    {
      name: "beside the user's own payments, a refund tool that pays as the shop: the refund is the lever, and the delegated tool is named as not counted",
      model: spec(publicChat("agent", { tools: ["pay", "refund"] }), refund, { tools: ownPayments.tools }),
      findings: [
        {
          anchors: ["agent"],
          // As the refund-only case below: likelihood 5, impact 3 + 1 (spend through refund) = 4: 20, critical.
          severity: "critical",
          check: (finding) => {
            assert.ok(finding.evidence.some((e) => e.element === "pay" && e.note === "not counted: calls with the user's own token, so a steered agent does only what the user may do themselves"));
            assert.ok(finding.evidence.some((e) => e.element === "refund" && /^side effects within the user's reach: spend/.test(e.note)));
          },
        },
      ],
    },
    {
      name: "bystanders speak to a linked speaker in the account holders' session: the tool pays with the holders' token, not theirs",
      model: spec(linkedSpeaker({ tools: ["pay"] }), ownPayments),
      // Likelihood 4 + 1 (public entry) = 5, impact 3 + 1 (can spend) = 4: 20, critical.
      findings: [{ anchors: ["agent"], severity: "critical", check: (finding) => assert.ok(finding.evidence.some((e) => e.element === "pay" && /^side effects within the user's reach/.test(e.note))) }],
    },
    {
      name: "bystanders speak to a linked speaker as requests in the account holders' session (asks: true): their words go straight to the agent",
      model: spec(linkedSpeaker({ tools: ["refund"] }), refund),
      // As the public chat below: likelihood 4 + 1 (public entry) = 5, impact 3 + 1 (can spend) = 4: 20, critical.
      findings: [{ anchors: ["agent"], severity: "critical", check: (finding) => assert.deepEqual(finding.path?.map((s) => s.element), ["bystanders", "agent", "refund"]) }],
    },
    {
      name: "anonymous public chat with an agent that can refund",
      model: spec(publicChat("agent", { tools: ["refund"] }), refund),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 4 + 1 (public entry, exposure 5) = 5. Impact 3 + 1 (can spend) = 4; no sensitive data. 5 x 4 = 20: critical.
          severity: "critical",
          summary: /refund/,
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 5);
            assert.equal(finding.inherent.impact, 4);
            assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0051.000", "AML.T0051.000", "AML.T0048.000"]);
            assert.deepEqual(finding.path?.map((s) => s.element), ["public-user", "agent", "refund"]);
          },
        },
      ],
    },
    {
      // Verified approval on refund would take 1 off likelihood; the agent can also email anyone, ungated, so a
      // steered agent takes that tool: the approval counts nothing. Adding an approval on the email tool restores it.
      name: "an approval on one of two acting tools counts nothing while the other is open",
      model: spec(publicChat("agent", { tools: ["refund", "email"] }), refund, {
        tools: [{ id: "email", capabilities: [{ action: "send", destination: "any" }] }],
        controls: [{ id: "refund-approval", type: "human-approval", covers: ["refund"], verified: true, evidence: [{ type: "config", ref: "approvals.yaml" }] }],
      }),
      findings: [
        {
          anchors: ["agent"],
          // Inherent 5 x 4 = 20 (as above), critical, and so is the residual.
          severity: "critical",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.residual.score, 20);
            assert.ok(finding.missingControls.includes("human-approval"));
            assert.match(finding.reasons[2]!, /Not counted: refund-approval \(human-approval\) gates refund but leaves email ungated, and a steered agent takes the tool gated least/);
          },
        },
      ],
    },
    {
      name: "approvals on both acting tools count in full, at the weaker of the two",
      model: spec(publicChat("agent", { tools: ["refund", "email"] }), refund, {
        tools: [{ id: "email", capabilities: [{ action: "send", destination: "any" }] }],
        controls: [
          { id: "refund-approval", type: "human-approval", covers: ["refund"], verified: true, evidence: [{ type: "config", ref: "approvals.yaml" }] },
          { id: "email-approval", type: "human-approval", covers: ["email"], verified: true, evidence: [{ type: "config", ref: "approvals.yaml" }] },
        ],
      }),
      // Residual likelihood 5 - 1 = 4: 4 x 4 = 16, high.
      findings: [{ anchors: ["agent"], severity: "high", check: (finding) => assert.equal(finding.residual.score, 16) }],
    },
    {
      name: "read-only public chat over other people's orders (data at stake, no side effects)",
      model: spec(publicChat("agent", { tools: ["lookup"] }), orders),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 5 (4 + 1 public). Impact 3: orders-data is confidential (sensitivity factor 0). 15: high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.equal(finding.path?.at(-1)?.technique, "AML.T0057");
            assert.ok(finding.evidence.some((e) => e.element === "orders-data"));
          },
        },
      ],
    },
    {
      name: "the most sensitive data is cited first and raises impact",
      model: spec(publicChat("agent", { tools: ["lookup", "cards-lookup"] }), orders, {
        datastores: [{ id: "cards", type: "relational", holds: ["card-data"] }],
        data: [{ id: "card-data", classification: "internal", flags: ["payment"] }],
        tools: [{ id: "cards-lookup", capabilities: [{ action: "read", on: ["cards"] }] }],
      }),
      findings: [
        {
          anchors: ["agent"],
          // Likelihood 5 (4 + 1 public). Impact 3 + 1 (card-data is restricted: the payment flag) = 4. 20: critical.
          severity: "critical",
          check: (finding) => {
            assert.equal(finding.inherent.impact, 4);
            const cited = finding.evidence.map((e) => e.element).filter((e) => e.endsWith("-data"));
            assert.deepEqual(cited, ["card-data", "orders-data"]);
          },
        },
      ],
    },
    {
      name: "signed-in customers, a high-capability adversary, and a verified human approval on refunds",
      model: spec(customerChat({ tools: ["refund"] }), refund, {
        adversaries: [{ id: "fraudsters", type: "organised-crime", capability: "high" }],
        controls: [{ id: "approve", type: "human-approval", covers: ["refund"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // Likelihood 4 + 0 (customer entry, exposure 4) + 1 (high-capability adversary) = 5. Impact 3 + 1 (spend) = 4: 20 inherent.
            assert.equal(finding.inherent.score, 20);
            // Verified human approval takes 1 off likelihood: 4 x 4 = 16, high.
            assert.equal(finding.residual.likelihood, 4);
            assert.equal(finding.residual.score, 16);
            assert.equal(finding.severity, "high");
          },
        },
      ],
    },
    {
      name: "an input filter on the chat flow counts against the finding",
      model: spec(publicChat("agent", { tools: ["refund"] }), refund, { controls: [{ id: "classifier", type: "input-filtering", covers: ["widget-to-agent"], verified: true }] }),
      findings: [{ anchors: ["agent"], check: (finding) => assert.deepEqual(finding.controls.map((c) => c.control), ["classifier"]) }],
    },
    {
      name: "an input filter on the widget's flow does nothing for users of the app, another way in",
      model: spec(publicChat("agent", { tools: ["refund"] }), refund, {
        clients: [{ id: "app", type: "mobile-app", handles: ["plain-text"] }],
        flows: [
          { id: "user-to-app", from: "public-user", to: "app", channel: "api" },
          { id: "app-to-agent", from: "app", to: "agent", channel: "api" },
        ],
        controls: [{ id: "classifier", type: "input-filtering", covers: ["widget-to-agent"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent"],
          check: (finding) => {
            // Likelihood 4 + 1 (anonymous public entry) = 5; impact 3 + 1 (spend) = 4: 20. The app's flow has no filter: 20.
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.residual.score, 20);
            assert.deepEqual(finding.controls, []);
            assert.match(finding.evidence.find((e) => e.element === "classifier")?.note ?? "", /input-filtering on part of the way in only: text from public-user reaches agent/);
          },
        },
      ],
    },
    {
      name: "only the users' own messages are this finding's way in: a filter on the chat counts though the same user's forum posts reach the agent another way",
      model: spec(publicChat("agent", { tools: ["refund"] }), refund, {
        sources: [{ id: "forum", type: "web" }],
        datastores: [{ id: "kb", type: "document" }],
        flows: [
          { id: "user-to-forum", from: "public-user", to: "forum", channel: "api" },
          { id: "forum-to-kb", from: "forum", to: "kb", channel: "ingestion" },
          { id: "kb-to-agent", from: "kb", to: "agent", channel: "retrieval" },
        ],
        controls: [{ id: "classifier", type: "input-filtering", covers: ["widget-to-agent"], verified: true }],
      }),
      // The forum is stored content (TW-PI-002's way in), not what the user types to the agent: the filter still screens every message typed.
      findings: [{ anchors: ["agent"], check: (finding) => assert.deepEqual(finding.controls.map((c) => c.control), ["classifier"]) }],
    },
    {
      name: "an input filter on the agent's host covers both ways in",
      model: spec(publicChat("agent", { tools: ["refund"], runsOn: "backend" }), refund, {
        services: [{ id: "backend", type: "api" }],
        clients: [{ id: "app", type: "mobile-app", handles: ["plain-text"] }],
        flows: [
          { id: "user-to-app", from: "public-user", to: "app", channel: "api" },
          { id: "app-to-agent", from: "app", to: "agent", channel: "api" },
        ],
        controls: [{ id: "gateway-filter", type: "input-filtering", covers: ["backend"], verified: true }],
      }),
      // Inherent 5 x 4 = 20; the filter where the agent runs screens every message: 4 x 4 = 16, high.
      findings: [{ anchors: ["agent"], severity: "high", check: (finding) => assert.equal(finding.residual.score, 16) }],
    },
  ],
});
