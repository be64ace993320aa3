import assert from "node:assert/strict";
import { answersToAWiderAudience } from "../../../src/rules/exfiltration/answers-to-a-wider-audience.js";
import { ruleTester, spec, type ModelSpec } from "../rule-tester.js";

/**
 * Staff ask a copilot in a chat app; it retrieves documents from a wiki (readers as given) and answers
 * in the chat, which `channel` (readableBy and the like) describes. Partners are guests of the workspace.
 */
function copilot({ channel = {} as Record<string, unknown>, wiki = {} as Record<string, unknown>, docs = { classification: "confidential" } as Record<string, unknown>, tools = [] as string[] } = {}): ModelSpec {
  return {
    actors: [
      { id: "staff", type: "employee", authenticated: true },
      { id: "hr", type: "employee", authenticated: true },
      { id: "guests", type: "partner", authenticated: true },
    ],
    clients: [{ id: "chat", type: "chat-app", handles: ["renders-markdown"], ...channel }],
    models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
    agents: [{ id: "copilot", models: ["llm"], ...(tools.length ? { tools } : {}) }],
    sources: [{ id: "wiki", type: "documents", holds: ["docs"], ...wiki }],
    data: [
      { id: "docs", ...docs },
      { id: "question", classification: "confidential" },
    ],
    flows: [
      { id: "ask", from: "staff", to: "chat", channel: "api", data: ["question"] },
      { id: "chat-to-copilot", from: "chat", to: "copilot", channel: "api", data: ["question"] },
      { id: "retrieve", from: "wiki", to: "copilot", channel: "retrieval", data: ["docs"] },
      { id: "answer", from: "copilot", to: "chat", channel: "output", data: ["question", "docs"] },
    ],
  };
}

/** A tool that posts to a team channel, read by `readers`. */
const channelPost = (readers: string[]): ModelSpec => ({
  services: [{ id: "channels", type: "other", readableBy: readers }],
  tools: [{ id: "post", capabilities: [{ action: "send", on: ["channels"], destination: "any" }] }],
});

ruleTester(answersToAWiderAudience, {
  valid: [
    { name: "answers only the asker sees (no readers named)", model: copilot() },
    { name: "staff read the channel and the wiki names no readers: the organisation's own people", model: copilot({ channel: { readableBy: ["staff"] } }) },
    { name: "the guests may open the wiki themselves", model: copilot({ channel: { readableBy: ["staff", "guests"] }, wiki: { readableBy: ["staff", "guests"] } }) },
    // The question is what was typed in the channel, passed on by a backend: its readers saw it there anyway.
    {
      name: "only the question is sensitive",
      model: (() => {
        const model = copilot({ channel: { readableBy: ["staff", "guests"] }, docs: { classification: "public" } }) as { flows: Record<string, unknown>[] };
        return {
          ...model,
          services: [{ id: "backend", type: "api" }],
          flows: [
            ...model.flows.filter((f) => f.id !== "chat-to-copilot"),
            { id: "chat-to-backend", from: "chat", to: "backend", channel: "api", data: ["question"] },
            { id: "backend-to-copilot", from: "backend", to: "copilot", channel: "api", data: ["question"] },
          ],
        };
      })(),
    },
    // The answer flow says it carries the question only: the retrieved documents stay out of what the guests read.
    {
      name: "the answers carry only what the output flow lists",
      model: (() => {
        const model = copilot({ channel: { readableBy: ["staff", "guests"] } }) as { flows: Record<string, unknown>[] };
        return { ...model, flows: model.flows.map((f) => (f.id === "answer" ? { ...f, data: ["question"] } : f)) };
      })(),
    },
    { name: "the documents are the guests' own", model: copilot({ channel: { readableBy: ["guests"] }, docs: { classification: "confidential", belongsTo: ["guests"] } }) },
  ],
  invalid: [
    {
      name: "answers in a channel partner guests read carry wiki passages",
      model: copilot({ channel: { readableBy: ["staff", "guests"] } }),
      findings: [
        {
          anchors: ["copilot", "chat"],
          // Likelihood 4 (every answer there is read); impact 3 (confidential: +0): 12, high.
          severity: "high",
          summary: /^copilot answers in chat, where guests read what it writes, and its answers carry docs, which they may not open themselves\.$/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.deepEqual(finding.evidence.find((e) => e.element === "docs")?.note, "from wiki, which names no readers, so only the organisation's own people count as allowed; read there by guests");
          },
        },
      ],
    },
    {
      name: "HR documents only HR may open, answered in a channel all staff read",
      model: copilot({ channel: { readableBy: ["hr", "staff"] }, wiki: { readableBy: ["hr"] }, docs: { classification: "restricted", flags: ["personal"] } }),
      findings: [
        {
          anchors: ["copilot", "chat"],
          // Likelihood 4; impact 3 + 1 (restricted) = 4: 16. HR may open the wiki; staff may not.
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.match(finding.summary, /where staff read what it writes/);
          },
        },
      ],
    },
    {
      // The flow names only the question, but a tool also posts there, and it may carry anything in the context (SOC review P8).
      name: "the answer flow carries only the question, and a posting tool writes to the same chat: the tool's posts are judged on their own",
      model: (() => {
        const model = spec(copilot({ channel: { readableBy: ["staff", "guests"] }, tools: ["post"] }), { tools: [{ id: "post", capabilities: [{ action: "send", on: ["chat"], destination: "any" }] }] }) as { flows: Record<string, unknown>[] };
        return { ...model, flows: model.flows.map((f) => (f.id === "answer" ? { ...f, data: ["question"] } : f)) };
      })(),
      findings: [
        {
          anchors: ["copilot", "chat"],
          // Likelihood 4 - 1 (only what it chooses to post) = 3; impact 3: 9, medium.
          severity: "medium",
          summary: /^copilot posts in chat, where guests read what it writes, and its context holds docs/,
        },
      ],
    },
    {
      name: "a post to a channel guests read, which the asker confirms first",
      model: spec(copilot({ tools: ["post"] }), channelPost(["guests"]), {
        controls: [{ id: "confirm-post", type: "human-approval", covers: ["post"], status: "implemented", verified: true }],
      }),
      findings: [
        {
          anchors: ["copilot", "channels"],
          // Likelihood 4 - 1 (only what it chooses to post) = 3; impact 3: 9. The confirmation takes 1 off: 2 x 3 = 6.
          check: (finding) => {
            assert.equal(finding.inherent.score, 9);
            assert.equal(finding.residual.score, 6);
            assert.match(finding.summary, /^copilot posts in channels, where guests read what it writes, and its context holds docs/);
          },
        },
      ],
    },
  ],
});

/**
 * An analytics agent reads a warehouse through a SQL tool and posts to a dashboard service that `readers` read. The
 * warehouse names its readers (`warehouse`); the tool, like every tool, names none.
 */
const analytics = (readers: string[], warehouse: Record<string, unknown> = { readableBy: ["analysts"] }): ModelSpec => ({
  actors: [
    { id: "analysts", type: "employee", authenticated: true },
    { id: "staff", type: "employee", authenticated: true },
  ],
  models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api", version: "m-2026-01-01", pinned: true }],
  agents: [{ id: "agent", models: ["llm"], tools: ["run-sql", "save-dashboard"] }],
  datastores: [{ id: "warehouse", type: "relational", holds: ["customer-pii"], ...warehouse }],
  services: [{ id: "dashboards", type: "web-app", readableBy: readers }],
  tools: [
    { id: "run-sql", capabilities: [{ action: "read", on: ["warehouse"] }] },
    { id: "save-dashboard", capabilities: [{ action: "write", on: ["dashboards"] }] },
  ],
  data: [{ id: "customer-pii", classification: "confidential", flags: ["personal"] }],
  flows: [
    { id: "ask", from: "staff", to: "agent", channel: "api" },
    { id: "sql-results", from: "run-sql", to: "agent", channel: "api", data: ["customer-pii"] },
  ],
});

ruleTester(answersToAWiderAudience, {
  valid: [
    { name: "through a tool: only the warehouse's own readers read the dashboards", model: analytics(["analysts"]) },
    { name: "through a tool: the warehouse names no readers, and only the organisation's people read the dashboards", model: analytics(["analysts", "staff"], {}) },
  ],
  invalid: [
    {
      name: "data read through a SQL tool keeps the readers of the warehouse it comes from, not the tool's (which names none)",
      model: analytics(["analysts", "staff"]),
      findings: [
        {
          anchors: ["agent", "dashboards"],
          // Likelihood 4 -1 (a post the agent chooses to make) = 3. Impact 3 (confidential +0): 9, medium.
          severity: "medium",
          check: (finding) => {
            assert.deepEqual([finding.inherent.likelihood, finding.inherent.impact], [3, 3]);
            assert.equal(finding.evidence.find((e) => e.element === "customer-pii")?.note, "from warehouse (through run-sql), which only analysts may open; read there by staff");
          },
        },
      ],
    },
    {
      name: "of two stores the tool reads that hold the data, the one naming readers binds, not the first (an archive naming none)",
      model: (() => {
        const model = analytics(["analysts", "staff"]) as { datastores: unknown[]; tools: { id: string; capabilities: unknown[] }[] };
        return {
          ...model,
          datastores: [...model.datastores, { id: "archive", type: "object", holds: ["customer-pii"] }],
          tools: model.tools.map((t) => (t.id === "run-sql" ? { ...t, capabilities: [{ action: "read", on: ["archive", "warehouse"] }] } : t)),
        };
      })(),
      findings: [{ anchors: ["agent", "dashboards"], check: (finding) => assert.match(finding.evidence.find((e) => e.element === "customer-pii")!.note, /^from warehouse \(through run-sql\), which only analysts may open/) }],
    },
  ],
});
