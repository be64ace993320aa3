import assert from "node:assert/strict";
import { renderedOutputExfiltration } from "../../../src/rules/exfiltration/rendered-output-exfiltration.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** Order records the agent can look up (restricted: the payment flag). */
const orders = {
  datastores: [{ id: "orders", type: "relational", holds: ["orders-data"] }],
  data: [{ id: "orders-data", classification: "confidential", flags: ["personal", "payment"] }],
  tools: [{ id: "lookup", capabilities: [{ action: "read", on: ["orders"] }] }],
};

/** A staff console that shows the agent's answers, with the given output handling. */
const consoleShowing = (handles: string[]) => ({
  clients: [{ id: "staff-console", type: "web-chat", handles }],
  flows: [{ id: "agent-to-console", from: "agent", to: "staff-console", channel: "output" }],
});

/** A chat platform service the agent posts to, with the given handling, and the app its users read it in. */
const chatPlatform = (platform: string[], app: string[]) => ({
  services: [{ id: "chat-platform", type: "other", handles: platform }],
  clients: [{ id: "chat-app", type: "chat-app", handles: app }],
  flows: [
    { id: "agent-to-platform", from: "agent", to: "chat-platform", channel: "output" },
    { id: "platform-to-app", from: "chat-platform", to: "chat-app", channel: "output" },
  ],
});

/** The public chat of the building blocks, with a widget that loads images by itself. */
const imageLoadingChat = (tools: string[]) => {
  const chat = publicChat("agent", { tools });
  return { ...chat, clients: [{ id: "widget", type: "web-chat", handles: ["renders-markdown", "fetches-images"] }] };
};

/** Customer tickets steer an internal agent that reads orders. */
const ticketAgent = () => spec(internalAgent("agent", { tools: ["lookup", "read-tickets"] }), customerTickets("agent"), orders);

/** The ticket agent with a mail tool that sends through a mail API to a mail client that loads images; `send` is the tool's capability. */
const mailingAgent = (send: Record<string, unknown>) =>
  spec(internalAgent("agent", { tools: ["lookup", "read-tickets", "send-mail"] }), customerTickets("agent"), orders, {
    services: [{ id: "mail-api", type: "email" }],
    clients: [{ id: "mailbox", type: "email-client", handles: ["renders-html", "fetches-images"] }],
    tools: [{ id: "send-mail", capabilities: [{ action: "send", on: ["mail-api"], ...send }] }],
    flows: [{ id: "mail-delivered", from: "mail-api", to: "mailbox", channel: "email" }],
  });

ruleTester(renderedOutputExfiltration, {
  valid: [
    {
      name: "near miss: the console renders markdown but neither loads images nor renders links",
      model: spec(ticketAgent(), consoleShowing(["renders-markdown"])),
    },
    {
      name: "the only attacker is the chat user, who reads the answer in the same widget (nothing to leak to them that the answer does not show)",
      model: spec(imageLoadingChat(["lookup"]), orders),
    },
    {
      name: "the only attacker chats with the agent and reads its answers; the victim's mailbox loads images: the chat already shows them all it holds",
      model: spec(publicChat("agent", { tools: ["lookup", "send-mail"] }), orders, {
        services: [{ id: "mail-api", type: "email" }],
        clients: [{ id: "mailbox", type: "email-client", handles: ["renders-html", "fetches-images"] }],
        tools: [{ id: "send-mail", capabilities: [{ action: "send", on: ["mail-api"], destination: "fixed" }] }],
        flows: [{ id: "mail-delivered", from: "mail-api", to: "mailbox", channel: "email" }],
      }),
    },
    { name: "no untrusted text reaches the agent", model: spec(internalAgent("agent", { tools: ["lookup"] }), orders, consoleShowing(["fetches-images"])) },
    {
      name: "no sensitive data in the agent's context",
      model: spec(internalAgent("agent"), consoleShowing(["fetches-images"]), {
        actors: [{ id: "anyone", type: "public" }],
        sources: [{ id: "web", type: "web", holds: ["page"] }],
        data: [{ id: "page", classification: "public" }],
        flows: [{ id: "web-to-agent", from: "web", to: "agent", channel: "retrieval", data: ["page"] }],
      }),
    },
    {
      name: "the mail client is reached only by a send whose recipient the attacker names: they read it themselves (TW-EXF-001's finding)",
      model: mailingAgent({ destination: "any" }),
    },
    {
      // Which findings exist follows from the design (the capability's destination), never from a control: adding one must not add findings.
      name: "the same with a recipient allow-list control on the tool: it lowers TW-EXF-001, and adds no finding here",
      model: spec(mailingAgent({ destination: "any" }), { controls: [{ id: "recipient-allowlist", type: "egress-allowlist", covers: ["send-mail"], verified: true }] }),
    },
    {
      name: "a text-message tool with no destination stated, sending to the phone itself rather than through a service",
      model: spec(internalAgent("agent", { tools: ["lookup", "read-tickets", "send-sms"] }), customerTickets("agent"), orders, {
        clients: [{ id: "phone", type: "mobile-app", handles: ["unfurls-links"] }],
        tools: [{ id: "send-sms", capabilities: [{ action: "send", on: ["phone"] }] }],
      }),
    },
  ],
  invalid: [
    {
      name: "of two ways into the record system, one a send the attacker addresses (TW-EXF-001's), the portal behind it is reached by the other",
      model: spec(internalAgent("agent", { tools: ["lookup", "read-tickets", "a-notify", "write-summary"] }), customerTickets("agent"), orders, {
        services: [{ id: "records", type: "api" }],
        clients: [{ id: "portal", type: "web-page", handles: ["renders-links"] }],
        tools: [
          { id: "a-notify", capabilities: [{ action: "send", on: ["records"], destination: "any" }] },
          { id: "write-summary", capabilities: [{ action: "write", on: ["records"] }] },
        ],
        flows: [{ id: "release", from: "records", to: "portal", channel: "output" }],
      }),
      findings: [{ anchors: ["agent", "portal"], check: (finding) => assert.ok(finding.evidence.some((e) => e.element === "write-summary" && e.note === "carries the agent's output on to portal")) }],
    },
    {
      name: "two tools write into a record system that releases only the summary to a portal: the way named is the summary's, not the orders' pended beside it",
      model: spec(internalAgent("agent", { tools: ["lookup", "read-tickets", "a-pend-orders", "write-summary"] }), customerTickets("agent"), orders, {
        services: [{ id: "records", type: "api" }],
        clients: [{ id: "portal", type: "web-page", handles: ["renders-links"] }],
        data: [
          { id: "summary", classification: "internal" },
          { id: "order-draft", classification: "internal" },
        ],
        tools: [
          { id: "a-pend-orders", capabilities: [{ action: "write", on: ["records"] }] },
          { id: "write-summary", capabilities: [{ action: "write", on: ["records"] }] },
        ],
        flows: [
          { id: "agent-to-orders", from: "agent", to: "a-pend-orders", channel: "tool-call", data: ["order-draft"] },
          { id: "agent-to-summary", from: "agent", to: "write-summary", channel: "tool-call", data: ["summary"] },
          { id: "release", from: "records", to: "portal", channel: "output", data: ["summary"] },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "portal"],
          check: (finding) => {
            const carriers = finding.evidence.filter((e) => e.note === "carries the agent's output on to portal").map((e) => e.element);
            assert.deepEqual(carriers, ["write-summary", "records"]);
          },
        },
      ],
    },
    {
      name: "mail to a fixed recipient (the customer's own mailbox): the reader is a victim, so the zero-click image is a way out",
      model: mailingAgent({ destination: "fixed" }),
      findings: [
        {
          anchors: ["agent", "mailbox"],
          // As the console that loads images: likelihood 4 (tickets by customers +0, no adversary, 2 hops), impact 4 +1 (restricted orders-data) = 5: 20, critical.
          severity: "critical",
          summary: /shown in mailbox \(through send-mail and mail-api\)/,
          check: (finding) => assert.equal(finding.inherent.score, 20),
        },
      ],
    },
    {
      name: "mail to any colleague (internal): the attacker is not among the recipients, so the colleague's mail client is a way out",
      model: mailingAgent({ destination: "internal" }),
      // Likelihood 4, impact 5, as with a fixed recipient: 20, critical.
      findings: [{ anchors: ["agent", "mailbox"], severity: "critical", check: (finding) => assert.equal(finding.inherent.score, 20) }],
    },
    {
      name: "mail to an allow-listed recipient: the attacker cannot name their own address, so the reader is a victim",
      model: mailingAgent({ destination: "allow-listed" }),
      // Likelihood 4, impact 5, as with a fixed recipient: 20, critical.
      findings: [{ anchors: ["agent", "mailbox"], severity: "critical", check: (finding) => assert.equal(finding.inherent.score, 20) }],
    },
    {
      name: "a recipient the attacker names, but the agent's answers also reach the mail client by a flow of their own",
      model: spec(mailingAgent({ destination: "any" }), { flows: [{ id: "agent-to-mailbox", from: "agent", to: "mailbox", channel: "output" }] }),
      findings: [
        {
          anchors: ["agent", "mailbox"],
          // The flow is a way the attacker does not address: likelihood 4, impact 5, 20, critical, and the summary names no tool.
          severity: "critical",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.doesNotMatch(finding.summary, /through/);
          },
        },
      ],
    },
    {
      name: "a chat platform that unfurls links fetches an injected URL without a click",
      model: spec(ticketAgent(), chatPlatform(["renders-markdown", "unfurls-links"], ["renders-markdown", "renders-links"])),
      findings: [
        {
          anchors: ["agent", "chat-platform"],
          // Likelihood 4 (as the console that loads images: no click needed, no -2); impact 5 (restricted orders-data). 20: critical.
          // The app behind it only renders links, which adds no way out beyond the platform's: no finding on chat-app.
          severity: "critical",
          summary: /unfurls links \(fetches each URL for a preview\) without a click/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.match(finding.path!.at(-1)!.action, /fetches it for a preview as soon as it is posted/);
          },
        },
      ],
    },
    {
      name: "behind a platform that renders links, the app that loads images is a zero-click way out of its own",
      model: spec(ticketAgent(), chatPlatform(["renders-markdown", "renders-links"], ["renders-markdown", "fetches-images"])),
      findings: [
        // Likelihood 4 - 2 (a click on the platform's links) = 2; impact 5: 10, medium.
        { anchors: ["agent", "chat-platform"], severity: "medium", check: (finding) => assert.equal(finding.inherent.score, 10) },
        // Likelihood 4 (the app loads images itself); impact 5: 20, critical; the output reaches it through the platform.
        {
          anchors: ["agent", "chat-app"],
          severity: "critical",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.match(finding.summary, /shown in chat-app \(through chat-platform\)/);
          },
        },
      ],
    },
    {
      name: "an egress allow-list counts where the image is fetched (the console's CSP), not on the agent",
      model: spec(ticketAgent(), consoleShowing(["renders-markdown", "fetches-images"]), {
        controls: [
          { id: "agent-egress", type: "egress-allowlist", covers: ["agent"], verified: true },
          { id: "console-csp", type: "egress-allowlist", covers: ["staff-console"], status: "partial" },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "staff-console"],
          // Inherent 4 x 5 = 20 as below. The agent's allow-list does not stop the console from fetching: nothing. The
          // console's CSP does, partial and not verified: 2 x 0.5 x 0.5 = 0.5 off likelihood: 3.5 x 5 = 17.5, high.
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [20, 17.5]);
            assert.deepEqual(finding.controls.map((c) => [c.control, c.by]), [["console-csp", 0.5]]);
          },
        },
      ],
    },
    {
      name: "ticket text steers the agent; its answers are shown in a console that loads images by itself",
      model: spec(ticketAgent(), consoleShowing(["renders-markdown", "fetches-images"])),
      findings: [
        {
          anchors: ["agent", "staff-console"],
          // Likelihood 4 (default; tickets are written by customers: exposure 4, +0; no adversary: +0; 2 hops).
          // Impact 4 +1 (orders-data is restricted: payment flag) = 5. 4 x 5 = 20: critical.
          severity: "critical",
          summary: /loads markdown images without a click/,
          check: (finding) => {
            assert.equal(finding.inherent.likelihood, 4);
            assert.equal(finding.inherent.impact, 5);
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.path?.at(-1)?.technique, "AML.T0077");
          },
        },
      ],
    },
    {
      name: "links only: a click is needed, so likelihood drops by 2",
      model: spec(ticketAgent(), consoleShowing(["renders-markdown", "renders-links"])),
      findings: [
        {
          anchors: ["agent", "staff-console"],
          // Likelihood 4 - 2 (a person has to click) = 2; impact 5 (restricted orders-data). 2 x 5 = 10: medium.
          severity: "medium",
          summary: /one click on an injected link/,
          check: (finding) => assert.equal(finding.inherent.score, 10),
        },
      ],
    },
    {
      name: "links only: the console's CSP does not count, since a click opens the page outside it",
      model: spec(ticketAgent(), consoleShowing(["renders-markdown", "renders-links"]), {
        controls: [{ id: "console-csp", type: "egress-allowlist", covers: ["staff-console"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "staff-console"],
          // Inherent 2 x 5 = 10 as above. The verified CSP would take 2 off, but governs only what the console fetches: nothing off, 10.
          // Nor is an egress allow-list missing: the click factor stands for it, so no plan proposes one.
          severity: "medium",
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [10, 10]);
            assert.deepEqual(finding.controls, []);
            assert.ok(!finding.missingControls.includes("egress-allowlist"));
            assert.match(finding.evidence.find((e) => e.element === "console-csp")?.note ?? "", /^not counted: staff-console loads no images and unfurls no links.*not the page a person's click on a link opens/);
          },
        },
      ],
    },
    {
      name: "near miss: the same console loads images, and its verified CSP counts in full",
      model: spec(ticketAgent(), consoleShowing(["renders-markdown", "renders-links", "fetches-images"]), {
        controls: [{ id: "console-csp", type: "egress-allowlist", covers: ["staff-console"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "staff-console"],
          // Likelihood 4 (no click needed); impact 5: 20. The verified CSP takes 2 off likelihood: 2 x 5 = 10, medium.
          severity: "medium",
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [20, 10]);
            assert.deepEqual(finding.controls.map((c) => [c.control, c.by]), [["console-csp", 2]]);
            assert.equal(finding.evidence.find((e) => e.element === "console-csp"), undefined);
          },
        },
      ],
    },
    {
      name: "links only behind a platform that shows nothing itself: the app's CSP does not count, the platform's allow-list still does",
      model: spec(ticketAgent(), chatPlatform(["renders-markdown"], ["renders-markdown", "renders-links"]), {
        controls: [
          { id: "app-csp", type: "egress-allowlist", covers: ["chat-app"], verified: true },
          { id: "platform-egress", type: "egress-allowlist", covers: ["chat-platform"], verified: true },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "chat-app"],
          // Likelihood 4 - 2 (a click) = 2; impact 5: 10, medium. The platform's verified allow-list takes 2 off (it may route
          // clicks through itself; the model does not say): 2 - 2 = 0, stops at 1: 1 x 5 = 5, low. The app's CSP is not counted.
          severity: "low",
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [10, 5]);
            assert.deepEqual(finding.controls.map((c) => [c.control, c.by]), [["platform-egress", 2]]);
            assert.match(finding.evidence.find((e) => e.element === "app-csp")?.note ?? "", /^not counted: chat-app loads no images/);
          },
        },
      ],
    },
    {
      name: "public chat widget that loads images, with poisoned tickets: the ticket author is the attacker, not the chat user",
      model: spec(imageLoadingChat(["lookup", "read-tickets"]), customerTickets("agent"), orders),
      findings: [
        {
          anchors: ["agent", "widget"],
          summary: /reads text from tickets/,
          // The public chat user (exposure 5) reads in the widget itself, so the entry that counts is the tickets (exposure 4, +0): likelihood 4, not 5.
          check: (finding) => assert.equal(finding.inherent.likelihood, 4),
        },
      ],
    },
    {
      name: "output reaches the renderer through the agent's tool and the store it writes to; a verified output-encoding control lowers the residual",
      model: spec(internalAgent("agent", { tools: ["lookup", "read-tickets", "add-note"] }), customerTickets("agent"), orders, {
        sources: [{ id: "crm-notes", type: "crm" }],
        clients: [{ id: "crm-ui", type: "web-page", handles: ["fetches-images"] }],
        tools: [{ id: "add-note", capabilities: [{ action: "write", on: ["crm-notes"] }] }],
        flows: [{ id: "notes-shown", from: "crm-notes", to: "crm-ui", channel: "output" }],
        controls: [{ id: "image-proxy", type: "output-encoding", covers: ["crm-ui"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "crm-ui"],
          summary: /through add-note and crm-notes/,
          // Inherent 4 x 5 = 20 as above; the implemented, verified output encoding takes the full 2 off likelihood: 2 x 5 = 10, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.residual.likelihood, 2);
            assert.deepEqual(finding.controls.map((c) => c.control), ["image-proxy"]);
          },
        },
      ],
    },
    {
      name: "the tool's write reaches the store by a flow rather than a declared resource",
      model: spec(internalAgent("agent", { tools: ["lookup", "read-tickets", "add-note"] }), customerTickets("agent"), orders, {
        sources: [{ id: "crm-notes", type: "crm" }],
        clients: [{ id: "crm-ui", type: "web-page", handles: ["renders-links"] }],
        tools: [{ id: "add-note", capabilities: [{ action: "write" }] }],
        flows: [
          { id: "note-written", from: "add-note", to: "crm-notes", channel: "api" },
          { id: "notes-shown", from: "crm-notes", to: "crm-ui", channel: "output" },
        ],
      }),
      // Likelihood 4 - 2 (links need a click) = 2; impact 5 (restricted orders-data). 2 x 5 = 10: medium.
      findings: [{ anchors: ["agent", "crm-ui"], severity: "medium" }],
    },
    {
      name: "the chat user reads the answers; content isolation on the tickets' retrieval covers every other entry",
      model: spec(imageLoadingChat(["lookup"]), customerTickets("agent"), orders, {
        controls: [{ id: "ticket-tags", type: "content-isolation", covers: ["tickets-to-agent"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "widget"],
          check: (finding) => {
            // The public user reads the widget, so the attacker is the tickets' writer: likelihood 4 (exposure 4: +0);
            // impact 4 + 1 (restricted orders-data): 20, critical. The control sits on the tickets' only way in: 3 x 5 = 15, high.
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.residual.score, 15);
            assert.deepEqual(finding.controls.map((c) => c.control), ["ticket-tags"]);
          },
        },
      ],
    },
  ],
});
