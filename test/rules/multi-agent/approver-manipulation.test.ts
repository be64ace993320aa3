import assert from "node:assert/strict";
import { approverManipulation } from "../../../src/rules/multi-agent/approver-manipulation.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const payments = (control: Record<string, unknown> = {}) => ({
  services: [{ id: "bank", type: "api" }],
  tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] }],
  controls: [{ id: "approval", type: "human-approval", covers: ["pay"], threshold: { amount: 10000, currency: "EUR" }, ...control }],
});

/**
 * Account opening decided in a review queue: an orchestrator that `reads` (tickets, or nothing untrusted)
 * writes the case summary into the queue, officers read it in a console, and their decision goes back
 * to the orchestrator, which instructs the provisioning agent that calls the gated tool.
 */
const reviewQueue = (orchestratorReadsTickets = true) =>
  spec(internalAgent("orchestrator", { tools: [...(orchestratorReadsTickets ? ["read-tickets"] : []), "route-to-review"] }), orchestratorReadsTickets ? customerTickets("orchestrator") : {}, {
    actors: [{ id: "officers", type: "employee" }],
    agents: [{ id: "provisioner", models: ["llm"], tools: ["open-account"] }],
    services: [
      { id: "review", type: "review-queue", handles: ["renders-markdown"] },
      { id: "core", type: "other" },
    ],
    clients: [{ id: "console", type: "web-page", handles: ["renders-markdown", "renders-links"] }],
    tools: [
      { id: "route-to-review", capabilities: [{ action: "write", on: ["review"] }] },
      { id: "open-account", capabilities: [{ action: "write", on: ["core"] }] },
    ],
    flows: [
      { id: "review-to-console", from: "review", to: "console", channel: "output" },
      { id: "console-to-officers", from: "console", to: "officers", channel: "output" },
      { id: "decision", from: "review", to: "orchestrator", channel: "event" },
      { id: "instruct", from: "orchestrator", to: "provisioner", channel: "message" },
    ],
    controls: [{ id: "officer-approval", type: "human-approval", covers: ["provisioner", "open-account"], verified: true }],
  });

/** A public chat agent posts to a forum and writes notes, both behind one approval; output validation covers `checked`. */
const postsAndNotes = (checked: string[]) =>
  spec(publicChat("agent", { tools: ["post", "note"] }), {
    sources: [{ id: "forum", type: "comments" }],
    datastores: [{ id: "notes", type: "document" }],
    tools: [
      { id: "post", capabilities: [{ action: "publish", on: ["forum"] }] },
      { id: "note", capabilities: [{ action: "write", on: ["notes"] }] },
    ],
    controls: [
      { id: "approve-posts", type: "human-approval", covers: ["post", "note"], verified: true },
      { id: "check-posts", type: "output-validation", covers: checked, verified: true },
    ],
  });

/** A public chat agent's forum posts need approval; a verified rate limit covers `limited`. The agent and its tool run on a backend service. */
const limitedPosts = (limited: string[]) =>
  spec(publicChat("agent", { tools: ["post"], runsOn: "backend" }), {
    services: [{ id: "backend", type: "runtime" }],
    sources: [{ id: "forum", type: "comments" }],
    tools: [{ id: "post", runsOn: "backend", capabilities: [{ action: "publish", on: ["forum"] }] }],
    controls: [
      { id: "approve-posts", type: "human-approval", covers: ["post"], verified: true },
      { id: "limit", type: "rate-limit", covers: limited, verified: true },
    ],
  });

ruleTester(approverManipulation, {
  valid: [
    { name: "near miss: no untrusted text reaches the agent whose payments are approved", model: spec(internalAgent("agent", { tools: ["pay"] }), payments()) },
    { name: "the approval is only planned", model: spec(internalAgent("agent", { tools: ["read-tickets", "pay"] }), customerTickets("agent"), payments({ status: "planned" })) },
    { name: "the approval covers the agent, not a tool", model: spec(publicChat("agent", { tools: ["pay"] }), payments({ covers: ["agent"] })) },
    {
      name: "near miss: officers decide on what a trusted orchestrator wrote into the review queue, though the agent it instructs is steerable",
      model: spec(reviewQueue(false), customerTickets("provisioner")),
    },
  ],
  invalid: [
    {
      name: "approvers of payments see what a ticket-reading agent prepared",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "pay"] }), customerTickets("agent"), payments()),
      findings: [
        {
          anchors: ["approval"],
          // Likelihood 2: how likely the agent is steered (the tickets' exposure, the adversary) is scored on the findings the
          // approval lowers, not again here. Impact 3 +1 (the worst gated action spends) = 4. 2 x 4 = 8: medium.
          severity: "medium",
          summary: /People approving pay above 10000 EUR \(approval\) decide on what agent wrote, and agent reads text from tickets/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.ok(finding.evidence.some((e) => e.element === "agent" && /what the approval prompt shows/.test(e.note)));
            // Only above a threshold: no click on routine calls, so no fatigue note.
            assert.ok(!finding.evidence.some((e) => /approval fatigue/.test(e.note)));
          },
        },
      ],
    },
    {
      name: "approved posts of a public chat agent; verified output validation lowers the residual",
      model: spec(publicChat("agent", { tools: ["post"] }), {
        sources: [{ id: "forum", type: "comments" }],
        tools: [{ id: "post", capabilities: [{ action: "publish", on: ["forum"] }] }],
        controls: [
          { id: "approve-posts", type: "human-approval", covers: ["post"], verified: true },
          { id: "check-posts", type: "output-validation", covers: ["post"], verified: true },
        ],
      }),
      findings: [
        {
          anchors: ["approve-posts"],
          // Likelihood 2 (the public entry is not counted again); impact 3 (publishing): inherent 6, medium. Residual (2 - 1) x 3 = 3: low.
          severity: "low",
          check: (finding) => {
            assert.equal(finding.inherent.score, 6);
            assert.equal(finding.residual.score, 3);
          },
        },
      ],
    },
    {
      name: "the approval gates posts and notes, and output validation checks the posts only: a steered agent words the note, and the check does not count",
      model: postsAndNotes(["post"]),
      findings: [
        {
          anchors: ["approve-posts"],
          // Likelihood 2, impact 3: 6, and nothing off (3 if the check counted).
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [6, 6]);
            assert.match(finding.reasons[2]!, /Not counted: check-posts \(output-validation\) checks post but not note, and a steered agent words the request checked least/);
          },
        },
      ],
    },
    {
      name: "a rate limit on the agent's requests does not bound the approvals one steered request produces",
      model: limitedPosts(["agent"]),
      findings: [
        {
          anchors: ["approve-posts"],
          // Likelihood 2, impact 3: 6, and nothing off (3 if the limit counted).
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [6, 6]);
            assert.match(finding.reasons[2]!, /Not counted: limit \(rate-limit\) does not cover post, so it does not bound how many approvals a steered agent puts to the approvers/);
          },
        },
      ],
    },
    {
      // A budget on the service both run on covers the tool's host, not the tool: it caps the service's load, not the approvals.
      name: "a rate limit on the host the agent and its gated tool run on does not count either",
      model: limitedPosts(["backend"]),
      findings: [
        {
          anchors: ["approve-posts"],
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [6, 6]);
            assert.match(finding.reasons[2]!, /Not counted: limit \(rate-limit\) does not cover post/);
          },
        },
      ],
    },
    {
      name: "a rate limit on the gated tool counts",
      model: limitedPosts(["post"]),
      findings: [{ anchors: ["approve-posts"], check: (finding) => assert.equal(finding.residual.score, 3) }],
    },
    {
      name: "the same check on both gated tools counts",
      model: postsAndNotes(["post", "note"]),
      findings: [{ anchors: ["approve-posts"], check: (finding) => assert.equal(finding.residual.score, 3) }],
    },
    {
      name: "a check on the agent that prepares every request (here beside the posts) covers the notes too",
      model: postsAndNotes(["post", "agent"]),
      findings: [{ anchors: ["approve-posts"], check: (finding) => assert.equal(finding.residual.score, 3) }],
    },
    {
      name: "one finding per approval, listing every tool it gates (most damaging first), with approval fatigue noted for the lookups",
      model: spec(publicChat("agent", { tools: ["lookup", "post", "pay"] }), {
        sources: [{ id: "forum", type: "comments" }],
        services: [{ id: "bank", type: "api" }],
        datastores: [{ id: "orders", type: "relational" }],
        tools: [
          { id: "lookup", capabilities: [{ action: "read", on: ["orders"] }] },
          { id: "post", capabilities: [{ action: "publish", on: ["forum"] }] },
          { id: "pay", capabilities: [{ action: "spend", on: ["bank"] }] },
        ],
        controls: [{ id: "confirm-all", type: "human-approval", covers: ["lookup", "post", "pay"], verified: true }],
      }),
      findings: [
        {
          anchors: ["confirm-all"],
          // Likelihood 2; impact 3 +1 (the worst gated action spends) = 4. 2 x 4 = 8: medium, once for the three tools.
          severity: "medium",
          summary: /People approving pay, post and lookup \(confirm-all\) decide on what agent wrote/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.deepEqual(
              finding.evidence.filter((e) => e.note.startsWith("gated:")).map((e) => e.element),
              ["pay", "post", "lookup"],
            );
            assert.ok(finding.evidence.some((e) => e.element === "confirm-all" && /every call of lookup, which looks things up, needs a click/.test(e.note)));
          },
        },
      ],
    },
    {
      name: "officers decide in a review queue on the summary the orchestrator wrote, not on the provisioning agent's call",
      model: reviewQueue(),
      findings: [
        {
          anchors: ["officer-approval"],
          // Likelihood 2 +1 (the queue and console render the agent's markdown and links) = 3; impact 3 (the gated action writes).
          // 3 x 3 = 9: medium.
          severity: "medium",
          summary: /decide on what orchestrator wrote into review, and orchestrator reads text from tickets/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 9);
            const queue = finding.evidence.find((e) => e.element === "review")?.note ?? "";
            assert.match(queue, /its decision goes to orchestrator, which instructs provisioner, the agent calling the gated tool/);
            assert.match(queue, /review and console show what orchestrator \(through route-to-review\) wrote, read there by officers/);
            assert.equal(finding.path?.at(-2)?.element, "review");
            assert.equal(finding.path?.at(-1)?.element, "officer-approval");
          },
        },
      ],
    },
    {
      name: "the payment request reaches the approvers' inbox through the ERP; a plain-text inbox adds nothing",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "pay"] }), customerTickets("agent"), payments(), {
        services: [
          { id: "erp", type: "erp" },
          { id: "inbox", type: "review-queue", handles: ["plain-text"] },
        ],
        flows: [
          { id: "pay-to-erp", from: "pay", to: "erp", channel: "api" },
          { id: "erp-to-inbox", from: "erp", to: "inbox", channel: "event" },
        ],
      }),
      findings: [
        {
          anchors: ["approval"],
          // Likelihood 2 (plain text: nothing dressed up); impact 3 +1 (spends) = 4. 2 x 4 = 8: medium.
          severity: "medium",
          summary: /decide on what agent wrote into inbox/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 8);
            assert.match(finding.evidence.find((e) => e.element === "inbox")?.note ?? "", /pay puts the request there.*shown as plain text/);
          },
        },
      ],
    },
    {
      name: "an approval of lookups only: a fooled approver lets data be read, nothing changed",
      model: spec(publicChat("agent", { tools: ["lookup"] }), {
        datastores: [{ id: "orders", type: "relational" }],
        tools: [{ id: "lookup", capabilities: [{ action: "read", on: ["orders"] }] }],
        controls: [{ id: "confirm-lookups", type: "human-approval", covers: ["lookup"], verified: true }],
      }),
      findings: [
        {
          anchors: ["confirm-lookups"],
          // Likelihood 2; impact 3 -1 (only reads) = 2. 2 x 2 = 4: low.
          severity: "low",
          check: (finding) => assert.equal(finding.inherent.score, 4),
        },
      ],
    },
  ],
});
