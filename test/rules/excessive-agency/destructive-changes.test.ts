import assert from "node:assert/strict";
import { destructiveChanges } from "../../../src/rules/excessive-agency/destructive-changes.js";
import { customerTickets, internalAgent, publicChat } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const orders = {
  datastores: [{ id: "orders", type: "relational", holds: ["orders-data"] }],
  data: [{ id: "orders-data", classification: "confidential", flags: ["personal", "payment"] }],
};
const updateOrders = (action = "write") => spec(orders, { tools: [{ id: "update-order", capabilities: [{ action, on: ["orders"] }] }] });

ruleTester(destructiveChanges, {
  valid: [
    { name: "no untrusted input reaches the agent", model: spec(internalAgent("agent", { tools: ["update-order"] }), updateOrders()) },
    { name: "near miss: the tool only reads the orders", model: spec(publicChat("agent", { tools: ["update-order"] }), updateOrders("read")) },
    {
      name: "writes to a memory store are left to the memory rules",
      model: spec(publicChat("agent", { tools: ["remember"] }), { datastores: [{ id: "memory", type: "memory" }], tools: [{ id: "remember", capabilities: [{ action: "write", on: ["memory"] }] }] }),
    },
    {
      name: "a write that is part of a payment on the same system is the spending rule's",
      model: spec(publicChat("agent", { tools: ["pay"] }), {
        services: [{ id: "erp", type: "erp" }],
        tools: [{ id: "pay", capabilities: [{ action: "spend", on: ["erp"] }, { action: "write", on: ["erp"] }] }],
      }),
    },
    {
      name: "a checkout that pays and writes the order record the purchase creates is one steered call, the spending rule's",
      model: spec(publicChat("agent", { tools: ["checkout"] }), orders, {
        services: [{ id: "payments", type: "api" }],
        tools: [{ id: "checkout", capabilities: [{ action: "spend", on: ["payments"] }, { action: "write", on: ["orders"] }] }],
      }),
    },
    // Typing a password into the open page discloses it (TW-NHI-012); it changes nothing stored in the browser.
    {
      name: "a write that only fills a secret into the page open in a browser",
      model: spec(publicChat("agent", { tools: ["login"] }), {
        services: [{ id: "browser", type: "sandbox", holds: ["orders-data"] }],
        data: [{ id: "orders-data", classification: "confidential" }],
        tools: [{ id: "login", capabilities: [{ action: "write", on: ["browser"], fills: ["orders-data"] }] }],
      }),
    },
    {
      name: "a delete reachable only laterally (through a shell's identity) is a code-execution finding",
      model: spec(publicChat("agent", { tools: ["shell"] }), orders, {
        tools: [{ id: "shell", runsAs: "ops-sa", capabilities: [{ action: "execute" }] }],
        identities: [{ id: "ops-sa", type: "service-account", permissions: [{ resource: "orders", actions: ["delete"] }] }],
      }),
    },
  ],
  invalid: [
    {
      // SOC review P11: a person approving each action lowers likelihood here too, as it does for running code.
      name: "a supervised public chat agent that updates orders: a person approves each action",
      model: spec(publicChat("agent", { tools: ["update-order"], autonomy: "supervised" }), updateOrders()),
      findings: [{ anchors: ["agent", "update-order"], check: (finding) => assert.match(finding.reasons[0]!, /-1 agent is supervised: a person approves each action/) }],
    },
    {
      name: "a checkout that pays and can also delete orders: the delete is a change of its own, whatever the purchase",
      model: spec(publicChat("agent", { tools: ["checkout"] }), orders, {
        services: [{ id: "payments", type: "api" }],
        tools: [{ id: "checkout", capabilities: [{ action: "spend", on: ["payments"] }, { action: "write", on: ["orders"] }, { action: "delete", on: ["orders"] }] }],
      }),
      findings: [{ anchors: ["agent", "checkout"], summary: /can delete in orders through checkout\.$/ }],
    },
    {
      name: "public chat agent can change restricted order records",
      model: spec(publicChat("agent", { tools: ["update-order"] }), updateOrders()),
      findings: [
        {
          anchors: ["agent", "update-order"],
          // Likelihood 4 +1 (public entry) = 5; impact 3 +1 (orders-data restricted: payment flag) = 4. 5 x 4 = 20: critical.
          severity: "critical",
          summary: /can write in orders through update-order/,
        },
      ],
    },
    {
      name: "a tool that fills a secret into a system and also writes records there",
      model: spec(publicChat("agent", { tools: ["update-order"] }), orders, {
        tools: [{ id: "update-order", capabilities: [{ action: "write", on: ["orders"], fills: ["orders-data"] }, { action: "write", on: ["orders"] }] }],
      }),
      findings: [{ anchors: ["agent", "update-order"], severity: "critical", summary: /can write in orders through update-order/ }],
    },
    {
      name: "least privilege on the identity the tool runs as counts for the tool",
      model: spec(publicChat("agent", { tools: ["update-order"] }), orders, {
        tools: [{ id: "update-order", runsAs: "orders-sa", capabilities: [{ action: "write", on: ["orders"] }] }],
        identities: [{ id: "orders-sa", type: "service-account", permissions: [{ resource: "orders", actions: ["write"] }] }],
        controls: [{ id: "narrow-role", type: "least-privilege", covers: ["orders-sa"], verified: true, evidence: [{ type: "config", ref: "iam/orders-sa.tf" }] }],
      }),
      findings: [
        {
          anchors: ["agent", "update-order"],
          // Inherent 5 x 4 = 20 as above; the verified least-privilege control on orders-sa takes 1 off impact: 5 x 3 = 15, high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 20);
            assert.equal(finding.residual.score, 15);
            assert.deepEqual(finding.controls.map((c) => c.control), ["narrow-role"]);
          },
        },
      ],
    },
    {
      name: "ticket text steers an agent that can delete tickets; deleting raises impact",
      model: spec(internalAgent("agent", { tools: ["read-tickets", "purge"] }), customerTickets("agent"), { tools: [{ id: "purge", capabilities: [{ action: "delete", on: ["tickets"] }] }] }),
      findings: [
        {
          anchors: ["agent", "purge"],
          // Likelihood 4 +0 (customer-written tickets, exposure 4); impact 3 +0 (ticket-text confidential) +1 (delete) = 4. 4 x 4 = 16: high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.score, 16);
            assert.equal(finding.path?.at(-1)?.technique, "AML.T0101");
          },
        },
      ],
    },
    {
      name: "writing published source code: public, yet its integrity counts as confidential through the source-code flag",
      model: spec(publicChat("agent", { tools: ["commit"] }), {
        datastores: [{ id: "repo", type: "object", holds: ["oss-code"] }],
        data: [{ id: "oss-code", classification: "public", flags: ["source-code"] }],
        tools: [{ id: "commit", capabilities: [{ action: "write", on: ["repo"] }] }],
      }),
      findings: [
        {
          anchors: ["agent", "commit"],
          // Likelihood 4 +1 (public entry) = 5; impact 3 + 0 (integrity of source code: confidential). 15: high.
          severity: "high",
          check: (finding) => {
            assert.equal(finding.inherent.impact, 3);
            assert.ok(!finding.reasons.some((r) => r.includes("oss-code")), finding.reasons.join("\n"));
          },
        },
      ],
    },
    {
      name: "writing public text with no flag: impact -2, said as what it can change",
      model: spec(publicChat("agent", { tools: ["post"] }), {
        datastores: [{ id: "board", type: "relational", holds: ["notices"] }],
        data: [{ id: "notices", classification: "public" }],
        tools: [{ id: "post", capabilities: [{ action: "write", on: ["board"] }] }],
      }),
      findings: [
        {
          anchors: ["agent", "post"],
          // Likelihood 5; impact 3 - 2 = 1. 5: low.
          severity: "low",
          check: (finding) => assert.ok(finding.reasons.includes("Impact 1/5: rule default 3; -2 most valuable data it can change is notices (public)."), finding.reasons.join("\n")),
        },
      ],
    },
    {
      name: "a verified approval on the tool lowers likelihood by 2",
      model: spec(publicChat("agent", { tools: ["update-order"] }), updateOrders(), {
        controls: [{ id: "confirm", type: "human-approval", covers: ["update-order"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "update-order"],
          // Inherent 5 x 4 = 20; residual (5 - 2) x 4 = 12: high.
          severity: "high",
          check: (finding) => assert.equal(finding.residual.score, 12),
        },
      ],
    },
  ],
});
