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

ruleTester(confusedDeputyDataAccess, {
  valid: [
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
