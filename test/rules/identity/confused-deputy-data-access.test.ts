import assert from "node:assert/strict";
import { confusedDeputyDataAccess } from "../../../src/rules/identity/confused-deputy-data-access.js";
import { customerTickets, internalAgent, linkedSpeaker, ordersLookup, publicChat, recordedVisit, sharedSession } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

/** The public chat reaches a router agent, which hands `data` to a worker that holds the lookup (the router itself has no tools). */
const routedLookup = (data?: string[]) =>
  spec(publicChat("router"), ordersLookup(["read"]), {
    models: [],
    agents: [{ id: "worker", models: ["llm"], tools: ["lookup-order"] }],
    data: [{ id: "task", classification: "internal" }],
    flows: [{ id: "router-to-worker", from: "router", to: "worker", channel: "message", ...(data ? { data } : {}) }],
  });

const authorization = (status: string, verified: boolean) => ({
  controls: [{ id: "owner-check", type: "authorization", covers: ["lookup-order"], status, verified, evidence: [{ type: "test", ref: "lookup.test.ts" }] }],
});

/**
 * An MCP server the team serves: customers call it through their own agent (thirdParty), and its export tool
 * reads their records as a service account. `tool` overrides the tool's fields; `extra` adds to the model,
 * and an extra's `store` and `server` set fields of the accounts database and the MCP server.
 */
const servedExport = (tool: Record<string, unknown> = {}, ...extra: Record<string, unknown>[]) => {
  const store = Object.assign({}, ...extra.map((e) => e.store ?? {})) as Record<string, unknown>;
  const server = Object.assign({}, ...extra.map((e) => e.server ?? {})) as Record<string, unknown>;
  return spec(
    {
      actors: [{ id: "customers", type: "customer", authenticated: true }],
      agents: [{ id: "customer-agent", thirdParty: true }],
      mcpServers: [{ id: "mcp", transport: "streamable-http", exposure: "internet", authentication: "oauth", publisher: "us", publisherTrust: "first-party", ...server }],
      tools: [{ id: "export", server: "mcp", runsAs: "export-sa", capabilities: [{ action: "read", on: ["accounts-db"] }], ...tool }],
      identities: [{ id: "export-sa", type: "service-account" }],
      datastores: [{ id: "accounts-db", type: "relational", holds: ["accounts"], ...store }],
      data: [{ id: "accounts", classification: "confidential", flags: ["personal"] }],
      flows: [{ id: "agent-calls", from: "customer-agent", to: "mcp", channel: "tool-call" }],
    },
    ...extra.map(({ store: _store, server: _server, ...rest }) => rest),
  );
};

/** The customers talk to their own agent. */
const customersAsk = { flows: [{ id: "ask-own-agent", from: "customers", to: "customer-agent", channel: "message" }] };

ruleTester(confusedDeputyDataAccess, {
  valid: [
    {
      name: "the served export tool calls with the customer's own token (delegated), on a server that runs as a role",
      model: servedExport({ runsAs: undefined, delegated: true }, customersAsk, { server: { runsAs: "mcp-role" }, identities: [{ id: "mcp-role", type: "workload-identity" }] }),
    },
    // An authorization server hands the customer's agent its tokens; whoever registers clients there asks nothing of the server.
    {
      name: "the only actor behind the customer's agent reaches it through a service that hands it tokens",
      model: servedExport({}, {
        actors: [{ id: "registrants", type: "public" }],
        services: [{ id: "oauth", type: "api", exposure: "internet" }],
        flows: [
          { id: "register", from: "registrants", to: "oauth", channel: "api" },
          { id: "token", from: "oauth", to: "customer-agent", channel: "api" },
        ],
      }),
    },
    { name: "the customers may read the accounts themselves (readableBy)", model: servedExport({}, customersAsk, { store: { readableBy: ["customers"] } }) },
    {
      name: "the lookup calls with the asking customer's own delegated token: it returns only what they may read",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), { ...ordersLookup(["read"]), tools: [{ id: "lookup-order", runsAs: "orders-sa", delegated: true, capabilities: [{ action: "read", on: ["orders-db"] }] }] }),
    },
    { name: "the router hands the worker a task it wrote (other data than the visitor's chat): the request is no longer the visitor's", model: routedLookup(["task"]) },
    { name: "the flow from the router to the worker names no data: nothing says the request is passed on", model: routedLookup() },
    { name: "employees use the agent", model: spec(internalAgent("agent", { tools: ["lookup-order"] }), ordersLookup(["read"])) },
    {
      name: "customers reach the agent only through tickets it reads",
      model: spec(internalAgent("agent", { tools: ["lookup-order"] }), customerTickets("agent"), ordersLookup(["read"])),
    },
    {
      name: "no identity is modelled for the lookup, the agent or their host",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), {
        datastores: [{ id: "orders-db", type: "relational", holds: ["order-records"] }],
        data: [{ id: "order-records", classification: "confidential", flags: ["personal"] }],
        tools: [{ id: "lookup-order", capabilities: [{ action: "read", on: ["orders-db"] }] }],
      }),
    },
    {
      name: "the records read are public",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), {
        datastores: [{ id: "orders-db", type: "relational", holds: ["catalogue"] }],
        data: [{ id: "catalogue", classification: "public" }],
        tools: [{ id: "lookup-order", runsAs: "orders-sa", capabilities: [{ action: "read", on: ["orders-db"] }] }],
        identities: [{ id: "orders-sa", type: "service-account" }],
      }),
    },
    {
      name: "the askers may read the store themselves (readableBy): asking the agent for it gains them nothing",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), {
        datastores: [{ id: "orders-db", type: "relational", holds: ["order-records"], readableBy: ["public-user"] }],
        data: [{ id: "order-records", classification: "confidential", flags: ["personal"] }],
        tools: [{ id: "lookup-order", runsAs: "orders-sa", capabilities: [{ action: "read", on: ["orders-db"] }] }],
        identities: [{ id: "orders-sa", type: "service-account" }],
      }),
    },
    {
      name: "the tool only checks that details match an order (returns: []): the agent learns yes or no, not the record",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), {
        datastores: [{ id: "orders-db", type: "relational", holds: ["order-records"] }],
        data: [{ id: "order-records", classification: "confidential", flags: ["personal"] }],
        tools: [{ id: "lookup-order", runsAs: "orders-sa", capabilities: [{ action: "read", on: ["orders-db"], returns: [] }] }],
        identities: [{ id: "orders-sa", type: "service-account" }],
      }),
    },
    {
      name: "the tool hands back only the order's public status, not the personal records the store holds",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), {
        datastores: [{ id: "orders-db", type: "relational", holds: ["order-records", "order-status"] }],
        data: [
          { id: "order-records", classification: "confidential", flags: ["personal"] },
          { id: "order-status", classification: "public" },
        ],
        tools: [{ id: "lookup-order", runsAs: "orders-sa", capabilities: [{ action: "read", on: ["orders-db"], returns: ["order-status"] }] }],
        identities: [{ id: "orders-sa", type: "service-account" }],
      }),
    },
    {
      name: "patients speak in a visit clinicians record, as content the agent works on: they ask for no records",
      model: spec(recordedVisit({ tools: ["lookup-order"] }), ordersLookup(["read"])),
    },
  ],
  invalid: [
    {
      name: "customers' own agents call the team's MCP server, whose export tool reads every customer's accounts as a service account",
      model: servedExport({}, customersAsk),
      findings: [
        {
          anchors: ["mcp", "export"],
          // Likelihood 3 (default; signed-in customers: +0); impact 3 (default; personal data is confidential: +0): 9, medium.
          severity: "medium",
          check: (finding) => {
            assert.equal(finding.summary, "mcp is called by customers through customer-agent, and its tool export reads accounts from accounts-db as export-sa, whoever the records belong to.");
            assert.equal(finding.evidence[0]!.note, "customer actor calling the MCP server through customer-agent");
            assert.equal(finding.path![0]!.action, "customers call (through customer-agent) export on mcp for someone else's records, naming them by a detail such as a project or an email address");
            assert.equal(finding.path![1]!.action, "export reads as export-sa");
          },
        },
      ],
    },
    {
      // The tool names no identity: it reads as the server's. The visitors reach the server through a web page, without signing in.
      name: "visitors call the served tool straight through a page; the tool reads as the server's identity",
      model: servedExport(
        { runsAs: undefined },
        {
          actors: [{ id: "visitors", type: "public" }],
          clients: [{ id: "page", type: "web-page", handles: ["plain-text"] }],
          identities: [{ id: "mcp-role", type: "workload-identity" }],
          server: { runsAs: "mcp-role" },
          flows: [
            { id: "visit", from: "visitors", to: "page", channel: "api" },
            { id: "page-calls", from: "page", to: "mcp", channel: "tool-call" },
          ],
        },
      ),
      findings: [
        {
          anchors: ["mcp", "export"],
          // Likelihood 3 +1 (public entry) +1 (not signed in) = 5; impact 3: 15, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.equal(finding.summary, "mcp is called by visitors through page, and its tool export reads accounts from accounts-db as mcp-role, whoever the records belong to.");
          },
        },
      ],
    },
    {
      name: "the same visit where the patients' words are taken as requests (asks: true): they ask in the clinicians' name",
      model: spec(sharedSession(true, { id: "clinicians", type: "employee" }, { id: "patients", type: "customer" }, { tools: ["lookup-order"] }), ordersLookup(["read"])),
      // Likelihood 3 + 0 (customer entry) + 1 (not signed in) = 4, impact 3: 12, high.
      findings: [{ anchors: ["agent", "lookup-order"], severity: "high", summary: /^agent is reached directly by patients/ }],
    },
    {
      name: "bystanders ask in the account holders' session: the verified ownership check checks the holders, so it does not count against them, and binds the reads to one person's records",
      model: spec(linkedSpeaker({ tools: ["lookup-order"] }), ordersLookup(["read"]), authorization("implemented", true)),
      findings: [
        {
          anchors: ["agent", "lookup-order"],
          // Likelihood 3 + 1 (public entry) + 1 (no sign-in of their own) = 5; impact 3 - 1 (one person's records) = 2: 10, medium, and no control counted.
          severity: "medium",
          check: (finding) => {
            assert.deepEqual([finding.inherent.score, finding.residual.score], [10, 10]);
            assert.match(finding.reasons[0]!, /bystanders speak in a session account-holders signed in to, without signing in themselves, so a check on the person asking checks the session's owner/);
            assert.match(finding.reasons[1]!, /-1 owner-check binds the reads to the session's owner \(account-holders\), so bystanders reach one person's records, not every user's/);
            assert.match(finding.reasons[2]!, /Not counted: owner-check \(authorization\) checks account-holders, who started the session bystanders speak in, and cannot tell them apart/);
            // More authorization would check the holders too: it is not proposed.
            assert.ok(!finding.missingControls.includes("authorization"));
          },
        },
      ],
    },
    {
      name: "bystanders in the session with an ownership check nobody verified: it does not count, and nothing binds the reads to one person",
      model: spec(linkedSpeaker({ tools: ["lookup-order"] }), ordersLookup(["read"]), authorization("implemented", false)),
      // Likelihood 5, impact 3 (every user's records): 15, high.
      findings: [{ anchors: ["agent", "lookup-order"], severity: "high", check: (finding) => assert.deepEqual([finding.inherent.score, finding.residual.score], [15, 15]) }],
    },
    {
      name: "the tool returns only some of what the store holds: the finding names what comes back",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), {
        datastores: [{ id: "orders-db", type: "relational", holds: ["order-records", "card-numbers"] }],
        data: [
          { id: "order-records", classification: "confidential", flags: ["personal"] },
          { id: "card-numbers", classification: "restricted", flags: ["payment"] },
        ],
        tools: [{ id: "lookup-order", runsAs: "orders-sa", capabilities: [{ action: "read", on: ["orders-db"], returns: ["order-records"] }] }],
        identities: [{ id: "orders-sa", type: "service-account" }],
      }),
      findings: [
        {
          anchors: ["agent", "lookup-order"],
          // Card numbers stay in the store: impact 3 (confidential personal data), not 4 (restricted). Likelihood 5 as above: 15.
          severity: "high",
          summary: /reads order-records from orders-db as orders-sa/,
          check: (finding) => assert.equal(finding.inherent.impact, 3),
        },
      ],
    },
    {
      name: "anonymous visitors ask a public agent to look up orders by email",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), ordersLookup(["read"])),
      findings: [
        {
          anchors: ["agent", "lookup-order"],
          // Likelihood 3 + 1 (public entry) + 1 (not signed in) = 5, impact 3 (confidential personal data): 15, high.
          severity: "high",
          summary: /reads order-records from orders-db as orders-sa/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.deepEqual(finding.path?.map((s) => s.element), ["public-user", "lookup-order", "orders-db"]);
          },
        },
      ],
    },
    {
      name: "a router passes the visitor's chat on to the worker that holds the lookup: the worker is asked by the visitor",
      model: routedLookup(["chat"]),
      findings: [
        {
          anchors: ["worker", "lookup-order"],
          // As asked directly: likelihood 3 + 1 (public entry) + 1 (not signed in) = 5, impact 3: 15, high.
          severity: "high",
          summary: /^worker is reached by public-user through router, which passes the request on, and its tool lookup-order reads/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 15);
            assert.match(finding.path![0]!.action, /asks worker \(through router, which passes the request on\) for someone else's records/);
            assert.match(finding.evidence[0]!.note, /talking to the agent through router, which passes the request on, not signed in/);
          },
        },
      ],
    },
    {
      name: "the request passes through two agents: both are named, in order, and the verb agrees",
      model: spec(routedLookup(["chat"]), {
        agents: [{ id: "planner", models: ["llm"] }],
        flows: [
          { id: "router-to-planner", from: "router", to: "planner", channel: "message", data: ["chat"] },
          { id: "planner-to-worker-2", from: "planner", to: "worker-2", channel: "message", data: ["chat"] },
        ],
      }, { agents: [{ id: "worker-2", models: ["llm"], tools: ["lookup-order"] }] }),
      findings: [
        { anchors: ["worker", "lookup-order"], severity: "high", summary: /^worker is reached by public-user through router, which passes the request on,/ },
        { anchors: ["worker-2", "lookup-order"], severity: "high", summary: /^worker-2 is reached by public-user through router and planner, which pass the request on,/ },
      ],
    },
    {
      name: "a verified ownership check keeps it visible at a lower score; a planned one does not count",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), ordersLookup(["read"]), authorization("implemented", true)),
      // Residual likelihood 5 - 2 = 3: 3 x 3 = 9, medium.
      findings: [{ anchors: ["agent", "lookup-order"], severity: "medium", check: (finding) => assert.equal(finding.residual.likelihood, 3) }],
    },
    {
      name: "a planned ownership check",
      model: spec(publicChat("agent", { tools: ["lookup-order"] }), ordersLookup(["read"]), authorization("planned", false)),
      findings: [{ anchors: ["agent", "lookup-order"], severity: "high" }],
    },
    {
      name: "signed-in customers, and the lookup acts as the agent's identity",
      model: spec(
        {
          actors: [{ id: "shoppers", type: "customer", authenticated: true }],
          clients: [{ id: "app", type: "mobile-app", handles: ["plain-text"] }],
          models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
          agents: [{ id: "agent", models: ["llm"], tools: ["lookup-order"], runsAs: "agent-sa" }],
          flows: [
            { id: "shopper-to-app", from: "shoppers", to: "app", channel: "api" },
            { id: "app-to-agent", from: "app", to: "agent", channel: "api" },
          ],
          identities: [{ id: "agent-sa", type: "workload-identity" }],
        },
        {
          datastores: [{ id: "orders-db", type: "relational", holds: ["order-records"] }],
          data: [{ id: "order-records", classification: "confidential", flags: ["payment"] }],
          tools: [{ id: "lookup-order", capabilities: [{ action: "read", on: ["orders-db"] }] }],
        },
      ),
      findings: [
        {
          anchors: ["agent", "lookup-order"],
          // Likelihood 3 (customers: exposure 0; signed in), impact 3 + 1 (payment data is restricted) = 4: 12, high.
          severity: "high",
          summary: /as agent-sa/,
          check: (finding) => assert.equal(finding.inherent.likelihood, 3),
        },
      ],
    },
  ],
});
