import assert from "node:assert/strict";
import { exfiltrationPath } from "../../../src/rules/exfiltration/exfiltration-path.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const ordersAndEmail = {
  datastores: [{ id: "orders", type: "relational", holds: ["orders-data"] }],
  data: [{ id: "orders-data", classification: "confidential", flags: ["personal", "payment"] }],
  tools: [
    { id: "lookup", capabilities: [{ action: "read", on: ["orders"] }] },
    { id: "email", capabilities: [{ action: "send", destination: "any" }] },
  ],
};

/**
 * Staff ask an agent that reads orders and opens only the allow-listed sites of partners (merchants), a list
 * `control` (if given) enforces; a high-capability adversary comes in through `via`.
 */
const merchantBrowser = (via: string[], control = true) =>
  spec(internalAgent("agent", { tools: ["lookup", "browse"] }), ordersAndEmail, {
    actors: [{ id: "merchants", type: "partner", authenticated: true }],
    adversaries: [{ id: "rogue-merchant", type: "organised-crime", capability: "high", via }],
    sources: [{ id: "merchant-sites", type: "web", writableBy: ["merchants"] }],
    tools: [{ id: "browse", capabilities: [{ action: "fetch", on: ["merchant-sites"], destination: "allow-listed" }] }],
    flows: [{ id: "pages", from: "merchant-sites", to: "browse", channel: "api" }],
    ...(control ? { controls: [{ id: "merchant-domains", type: "egress-allowlist", covers: ["browse"], verified: true, evidence: [{ type: "config", ref: "proxy.yaml" }] }] } : {}),
  });

/**
 * The Slack AI pattern: guests (a partner's people) comment where members also work; the assistant members ask
 * retrieves the comments, reads the members' private projects, and can post comments. `comments` and `projects`
 * override the two places' fields.
 */
const commentThread = (comments: Record<string, unknown> = {}, projects: Record<string, unknown> = {}) =>
  spec(internalAgent("agent", { tools: ["get-task", "post-comment"] }), {
    actors: [{ id: "guests", type: "partner", authenticated: true }],
    sources: [{ id: "comments", type: "comments", writableBy: ["staff", "guests"], readableBy: ["staff", "guests"], holds: ["comment-text"], ...comments }],
    datastores: [{ id: "projects", type: "relational", holds: ["private-tasks"], readableBy: ["staff"], ...projects }],
    data: [
      { id: "comment-text", classification: "internal" },
      { id: "private-tasks", classification: "confidential", flags: ["intellectual-property"] },
    ],
    tools: [
      { id: "get-task", capabilities: [{ action: "read", on: ["projects"] }] },
      { id: "post-comment", capabilities: [{ action: "write", on: ["comments"] }] },
    ],
    flows: [{ id: "retrieve-comments", from: "comments", to: "agent", channel: "retrieval", data: ["comment-text"] }],
  });

ruleTester(exfiltrationPath, {
  valid: [
    { name: "the guests cannot read the comments the assistant posts (only staff may)", model: commentThread({ readableBy: ["staff"] }) },
    { name: "the guests may read the private projects anyway: posting them where guests read tells them nothing new", model: commentThread({}, { readableBy: ["staff", "guests"] }) },
    {
      name: "those who read where the assistant posts write nothing it reads: customers' tickets steer it, the guests only read the staff's comments",
      model: spec(commentThread({ writableBy: ["staff"] }), customerTickets("agent")),
    },
    { name: "no untrusted input reaches the agent", model: spec(internalAgent("agent", { tools: ["lookup", "email"] }), ordersAndEmail) },
    {
      name: "the way out goes to any recipient inside the organisation (internal): a colleague, not the attacker, gets the data",
      model: spec(publicChat("agent", { tools: ["lookup", "email"] }), { ...ordersAndEmail, tools: [ordersAndEmail.tools[0], { id: "email", capabilities: [{ action: "send", destination: "internal" }] }] }),
    },
    {
      name: "the way out goes to a fixed recipient",
      model: spec(publicChat("agent", { tools: ["lookup", "email"] }), { ...ordersAndEmail, tools: [ordersAndEmail.tools[0], { id: "email", capabilities: [{ action: "send", destination: "fixed" }] }] }),
    },
    { name: "no sensitive data in reach", model: spec(publicChat("agent", { tools: ["email"] }), { tools: [ordersAndEmail.tools[1]] }) },
    {
      name: "near miss: the agent reads only published source code (public, flagged source-code), nothing to leak",
      model: spec(publicChat("agent", { tools: ["read-repo", "email"] }), {
        datastores: [{ id: "repo", type: "object", holds: ["oss-code"] }],
        data: [{ id: "oss-code", classification: "public", flags: ["source-code"] }],
        tools: [{ id: "read-repo", capabilities: [{ action: "read", on: ["repo"] }] }, ordersAndEmail.tools[1]],
      }),
    },
    {
      name: "only the attacker's own messages are sensitive (direct chat, nothing else read)",
      model: spec(publicChat("agent", { tools: ["email"] }), { tools: [ordersAndEmail.tools[1]], data: [{ id: "secret-chat", classification: "restricted" }], flows: [{ id: "more", from: "widget", to: "agent", channel: "api", data: ["secret-chat"] }] }),
    },
  ],
  invalid: [
    {
      // The impact is the card data's, from orders: keeping the less sensitive notes out of the context leaves it (knowledge review P9).
      name: "data minimisation where only less sensitive data comes from counts nothing; where the most sensitive comes from, it counts",
      model: spec(publicChat("agent", { tools: ["lookup", "email"] }), ordersAndEmail, {
        datastores: [{ id: "notes", type: "document", holds: ["notes-data"] }],
        data: [{ id: "notes-data", classification: "confidential" }],
        flows: [{ id: "notes-in", from: "notes", to: "agent", channel: "api", data: ["notes-data"] }],
        controls: [
          { id: "trim-notes", type: "data-minimisation", covers: ["notes"], verified: true },
          { id: "mask-cards", type: "data-minimisation", covers: ["orders"], verified: false },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "email"],
          // Only the unverified masking on orders counts: half a step off impact.
          check: (finding) => {
            assert.deepEqual(finding.controls.filter((c) => c.type === "data-minimisation").map((c) => [c.control, c.by]), [["mask-cards", 0.5]]);
          },
        },
      ],
    },
    {
      name: "a guest's comment steers the assistant to post a member's private project as a comment, where the guest reads it",
      model: commentThread(),
      findings: [
        {
          anchors: ["agent", "post-comment"],
          // Likelihood 4 - 1 (entry comments, written by guests: partners), impact 4 (confidential: +0): 12, high.
          severity: "high",
          check: (finding) => {
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact], [3, 4]);
            assert.ok(finding.evidence.some((e) => e.element === "post-comment" && e.note === "way out: write on comments, which guests may read (readableBy)"));
            assert.ok(finding.evidence.some((e) => e.element === "private-tasks" && /which guests may not read themselves$/.test(e.note)));
            assert.deepEqual(finding.path?.at(-1), { element: "post-comment", action: "calls post-comment to put the data in comments, where guests read it", technique: "AML.T0086" });
          },
        },
      ],
    },
    {
      name: "the allow-list the browser keeps to is the merchants' domains, and the adversary comes in as a merchant: its own domain is a way out the list lets through",
      model: merchantBrowser(["merchants"]),
      findings: [
        {
          anchors: ["agent", "browse"],
          // Likelihood 4 - 1 (pages partners write) + 1 (high-capability adversary through them) = 4, impact 4 + 1 (payment data: restricted) = 5:
          // 20, and the list takes nothing off.
          severity: "critical",
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [20, 20]);
            assert.match(finding.reasons[2]!, /Not counted: merchant-domains \(egress-allowlist\) lets browse reach merchant-sites, where rogue-merchant gets in/);
            assert.match(finding.evidence.find((e) => e.element === "browse" && e.note.startsWith("way out"))!.note, /^way out: fetch to allow-listed destination, but the list takes in merchant-sites, where rogue-merchant gets in$/);
          },
        },
      ],
    },
    {
      name: "the same list stated on the tool with no control enforcing it: no step off for the allow-listed destination either",
      model: merchantBrowser(["merchants"], false),
      findings: [{ anchors: ["agent", "browse"], check: (finding) => assert.ok(!finding.reasons[0]!.includes("allow-listed"), finding.reasons[0]) }],
    },
    {
      name: "the adversary gets in elsewhere: the merchants' list keeps them out and counts, once",
      model: merchantBrowser(["staff"]),
      findings: [
        {
          anchors: ["agent", "browse"],
          // Likelihood 4 - 1 (pages partners write; no adversary through them) = 3, impact 5: 15; the verified list takes 2 off: 1 x 5 = 5.
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [15, 5]);
            assert.deepEqual(finding.controls.filter((c) => c.by > 0).map((c) => c.control), ["merchant-domains"]);
          },
        },
      ],
    },
    {
      name: "isolation on the agent counts against the customers' tickets, though insider staff talking to the agent get past it: they are two steps less likely",
      model: spec(internalAgent("agent", { tools: ["lookup", "email"] }), customerTickets("agent"), ordersAndEmail, {
        adversaries: [{ id: "insider", type: "insider", capability: "medium" }],
        controls: [{ id: "spotlighting", type: "content-isolation", covers: ["agent"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "email"],
          check: (finding) => {
            // Likelihood 4 (customers' tickets, exposure 0); impact 4 + 1 (payment data, restricted): 20. Staff (insiders, -2)
            // talk to the agent, which isolation cannot mark as data, but they are two steps less likely: the verified
            // isolation takes its 1 off. 3 x 5 = 15.
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.residual.score, 15);
            assert.equal(
              finding.evidence.find((e) => e.element === "spotlighting")?.note,
              "content-isolation does not stop staff: they talk to agent themselves, and isolation cannot mark a person's own messages as data; but that entry is 2 steps less likely than the finding's own, so the control still counts",
            );
          },
        },
      ],
    },
    {
      name: "the same agent with internal source code in reach: the source-code flag makes it confidential, and the published code is not listed",
      model: spec(publicChat("agent", { tools: ["read-repo", "email"] }), {
        datastores: [{ id: "repo", type: "object", holds: ["oss-code", "internal-code"] }],
        data: [
          { id: "oss-code", classification: "public", flags: ["source-code"] },
          { id: "internal-code", classification: "internal", flags: ["source-code"] },
        ],
        tools: [{ id: "read-repo", capabilities: [{ action: "read", on: ["repo"] }] }, ordersAndEmail.tools[1]],
      }),
      findings: [
        {
          anchors: ["agent", "email"],
          summary: /holds internal-code, and can send/,
          check: (finding) => {
            assert.ok(!JSON.stringify(finding).includes("oss-code"), "published code is not data at stake");
            // Impact 4 + 0: internal-code counts as confidential through its flag.
            assert.equal(finding.inherent.impact, 4);
          },
        },
      ],
    },
    {
      name: "public chat agent reads orders and can email anyone",
      model: spec(publicChat("agent", { tools: ["lookup", "email"] }), ordersAndEmail),
      findings: [{ anchors: ["agent", "email"], severity: "critical", summary: /orders-data/ }],
    },
    {
      name: "an allow-listed destination an egress allow-list control enforces counts once, as that control",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "email"] }), customerTickets("agent"), {
        tools: [{ id: "email", capabilities: [{ action: "send", destination: "allow-listed" }] }],
        controls: [{ id: "mail-allowlist", type: "egress-allowlist", covers: ["email"] }],
      }),
      findings: [
        {
          anchors: ["agent", "email"],
          check: (finding) => {
            // Likelihood 4 (customer tickets), no step off for the allow-listed destination: the unverified control is that
            // allow-list and takes its 2 x 0.5 = 1 off in the residual, not a second step. Impact 4 (confidential): 16 -> 12.
            assert.ok(!finding.reasons[0]!.includes("allow-listed"), finding.reasons[0]);
            assert.deepEqual(finding.controls.map((c) => [c.control, c.by]), [["mail-allowlist", 1]]);
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.residual.score, 12);
            assert.match(finding.evidence.find((e) => e.element === "email")?.note ?? "", /allow-listed destinations, the allow-list mail-allowlist enforces \(counted once, as that control\)/);
          },
        },
      ],
    },
    {
      name: "customer tickets steer an agent that sends private ticket data out; allow-listed destination lowers likelihood",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "email"] }), customerTickets("agent"), { tools: [{ id: "email", capabilities: [{ action: "send", destination: "allow-listed" }] }] }),
      findings: [
        {
          anchors: ["agent", "email"],
          check: (finding) => {
            assert.ok(finding.reasons.some((r) => r.includes("allow-listed")));
            assert.deepEqual(finding.path?.map((s) => s.technique), ["AML.T0051.001", "AML.T0051.001", "AML.T0085.001", "AML.T0086"]);
          },
        },
      ],
    },
    {
      name: "a verified egress allow-list keeps the finding visible with a lower residual",
      model: spec(publicChat("agent", { tools: ["lookup", "email"] }), ordersAndEmail, {
        controls: [{ id: "egress", type: "egress-allowlist", covers: ["email"], verified: true, evidence: [{ type: "config", ref: "mail.yaml" }] }],
      }),
      findings: [
        {
          anchors: ["agent", "email"],
          check: (finding) => {
            // default 4, +1 for an anonymous public entry; a verified allow-list takes 2 off.
            assert.equal(finding.inherent.likelihood, 5);
            assert.equal(finding.residual.likelihood, 3);
            assert.deepEqual(finding.controls.map((c) => c.control), ["egress"]);
          },
        },
      ],
    },
    {
      name: "content isolation on the retrieval flow of the only entry counts",
      model: spec(internalAgent("agent", { tools: ["lookup", "email"] }), customerTickets("agent"), ordersAndEmail, {
        controls: [{ id: "ticket-tags", type: "content-isolation", covers: ["tickets-to-agent"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "email"],
          check: (finding) => {
            // Likelihood 4 (customer-written tickets, exposure 4: +0); impact 4 + 1 (orders-data is restricted: payment flag): 20.
            // The control is on the only way the tickets' text gets in: verified, the full 1 off likelihood: 3 x 5 = 15, high.
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.residual.score, 15);
            assert.equal(finding.severity, "high");
            assert.deepEqual(finding.controls.map((c) => c.control), ["ticket-tags"]);
          },
        },
      ],
    },
    {
      name: "an approval counts where it gates the way out, not where the data comes from",
      model: spec(publicChat("agent", { tools: ["lookup", "email"] }), ordersAndEmail, {
        controls: [
          { id: "orders-change-review", type: "human-approval", covers: ["orders"], verified: true },
          { id: "email-review", type: "human-approval", covers: ["email"], status: "planned" },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "email"],
          // Likelihood 4 + 1 (public) = 5; impact 4 + 1 (payment data: restricted) = 5: 25. The review of the orders store
          // does not see what is sent; the one on the email tool would, but is only planned: nothing off, 25.
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [25, 25]);
            assert.ok(!finding.controls.some((c) => c.control === "orders-change-review"));
            assert.ok(finding.controls.some((c) => c.control === "email-review" && c.by === 0));
          },
        },
      ],
    },
    {
      name: "an insider adversary who can edit the system prompt does not lower the score: it is told and scored from the public chat, the likelier way in",
      model: spec(publicChat("agent", { tools: ["lookup", "email"], prompts: ["system"] }), ordersAndEmail, {
        actors: [{ id: "supervisors", type: "employee", authenticated: true }],
        prompts: [{ id: "system", role: "system", writableBy: ["supervisors"] }],
        adversaries: [
          { id: "caller", type: "opportunistic", capability: "medium", via: ["public-user"] },
          { id: "insider", type: "insider", capability: "medium", via: ["supervisors"] },
        ],
      }),
      findings: [
        {
          anchors: ["agent", "email"],
          check: (finding) => {
            // The prompt is an indirect entry (insiders count as untrusted once an insider adversary is modelled), but
            // exposure -2; the public chat is +1. Likelihood 4 + 1 = 5; impact 4 + 1 (payment data: restricted) = 5: 25.
            assert.equal(finding.inherent.score, 25);
            assert.match(finding.summary, /reads text from public-user/);
            assert.match(finding.reasons[0]!, /\+1 entry public-user/);
          },
        },
      ],
    },
    {
      name: "content isolation on the tickets does nothing against the public chat, which is a way in too",
      model: spec(publicChat("agent", { tools: ["lookup", "email"] }), customerTickets("agent"), ordersAndEmail, {
        controls: [{ id: "ticket-tags", type: "content-isolation", covers: ["tickets"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "email"],
          check: (finding) => {
            // Likelihood 4 + 1 (the public chat, exposure 5: the likeliest of the two entries, ahead of the tickets' +0);
            // impact 5: 25, critical. The tickets are also a source of the data at stake, but the control is on their
            // way only: the public user's chat reaches the agent without it, so nothing comes off.
            assert.equal(finding.inherent.score, 25);
            assert.equal(finding.residual.score, 25);
            assert.match(finding.reasons[0]!, /\+1 entry public-user/);
            assert.ok(finding.missingControls.includes("content-isolation"));
            assert.match(finding.evidence.find((e) => e.element === "ticket-tags")?.note ?? "", /part of the way in only: text from public-user reaches agent without passing it/);
          },
        },
      ],
    },
  ],
});
