// Which identities' controls count against a finding: those of its anchors, as they act in it. An
// agent whose tools each run as an identity of their own acts through those, and the identities of
// the elements a path passes (a pipeline, a store) act in no step of the finding. Least privilege on
// such an identity lowers nothing, and the remediation plan must not propose it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { destructiveChanges } from "../../src/rules/excessive-agency/destructive-changes.js";
import { indirectPromptInjection } from "../../src/rules/prompt-injection/indirect-prompt-injection.js";
import { internalAgent } from "../rules/building-blocks.js";
import { findingsOf, spec } from "../rules/rule-tester.js";

/**
 * An internal agent (running as agent-sa) with one tool that writes the orders store as orders-sa.
 * Customer tickets reach it through a nightly ingestion job running as ingest-sa.
 */
const model = (leastPrivilegeOn: string) =>
  spec(internalAgent("agent", { tools: ["update"], runsAs: "agent-sa" }), {
    actors: [{ id: "customer", type: "customer" }],
    sources: [{ id: "tickets", type: "tickets", writableBy: ["customer"] }],
    pipelines: [{ id: "ingest", type: "embedding-ingestion", runsAs: "ingest-sa" }],
    datastores: [
      { id: "index", type: "vector" },
      { id: "orders", type: "relational", holds: ["orders-data"] },
    ],
    data: [{ id: "orders-data", classification: "confidential" }],
    tools: [{ id: "update", runsAs: "orders-sa", capabilities: [{ action: "write", on: ["orders"] }] }],
    identities: [
      { id: "agent-sa", type: "workload-identity", permissions: [{ resource: "index", actions: ["read"] }] },
      { id: "orders-sa", type: "service-account", permissions: [{ resource: "orders", actions: ["read", "write"] }] },
      { id: "ingest-sa", type: "service-account", permissions: [{ resource: "index", actions: ["write"] }] },
    ],
    flows: [
      { id: "tickets-in", from: "tickets", to: "ingest", channel: "ingestion" },
      { id: "indexed", from: "ingest", to: "index", channel: "ingestion" },
      { id: "retrieve", from: "index", to: "agent", channel: "retrieval" },
    ],
    controls: [{ id: "narrowed", type: "least-privilege", covers: [leastPrivilegeOn], verified: true }],
  });

const change = (on: string) => findingsOf(destructiveChanges, model(on)).find((f) => f.id === "TW-AGY-001@agent+update")!;
const injection = (on: string) => findingsOf(indirectPromptInjection, model(on)).find((f) => f.id === "TW-PI-002@agent")!;

describe("the identities whose controls count", () => {
  it("counts least privilege on the identity the acting tool runs as", () => {
    assert.equal(change("orders-sa").controls.find((c) => c.control === "narrowed")?.by, 1);
  });

  it("not on the agent's own identity when its tools run as their own: the agent acts through them", () => {
    assert.deepEqual(change("agent-sa").controls, []);
    assert.deepEqual(injection("agent-sa").controls, []);
  });

  it("not on the agent's own identity for a finding about a tool that runs as another, though another tool of the agent's runs as it", () => {
    // The agent also reads runbooks as agent-sa: least privilege there bounds the read, not the update orders-sa makes.
    const withReader = (on: string) => {
      const withRead = model(on);
      withRead.agents = [{ id: "agent", models: ["llm"], tools: ["update", "read-runbooks"], runsAs: "agent-sa" }];
      withRead.tools = [...(withRead.tools as Record<string, unknown>[]), { id: "read-runbooks", capabilities: [{ action: "read", on: ["index"] }] }];
      return withRead;
    };
    assert.deepEqual(findingsOf(destructiveChanges, withReader("agent-sa")).find((f) => f.id === "TW-AGY-001@agent+update")!.controls, []);
    assert.equal(findingsOf(destructiveChanges, withReader("orders-sa")).find((f) => f.id === "TW-AGY-001@agent+update")!.controls.find((c) => c.control === "narrowed")?.by, 1);
  });

  it("not on the identity of a pipeline the attacker's text passes on its way in", () => {
    assert.deepEqual(injection("ingest-sa").controls, []);
  });

  it("not on the agent's own identity when its acting tool calls with the asker's own token (delegated): the grants it uses are the asker's", () => {
    // The same agent and tool, the tool delegated instead of running as orders-sa: it falls back on no identity of the model's.
    const delegated = (on: string) => {
      const spec = model(on);
      spec.tools = [{ id: "update", delegated: true, capabilities: [{ action: "write", on: ["orders"] }] }];
      return spec;
    };
    const changeOf = (on: string) => findingsOf(destructiveChanges, delegated(on)).find((f) => f.id === "TW-AGY-001@agent+update")!;
    assert.deepEqual(changeOf("agent-sa").controls, []);
    assert.deepEqual(findingsOf(indirectPromptInjection, delegated("agent-sa")).find((f) => f.id === "TW-PI-002@agent")!.controls, []);
    // Nor on the identity a delegated tool is said to run as: it uses none of that identity's grants.
    const delegatedAs = delegated("orders-sa");
    delegatedAs.tools = [{ id: "update", delegated: true, runsAs: "orders-sa", capabilities: [{ action: "write", on: ["orders"] }] }];
    assert.deepEqual(findingsOf(destructiveChanges, delegatedAs).find((f) => f.id === "TW-AGY-001@agent+update")!.controls, []);
    // A tool of the agent's that runs as the agent's identity still makes a control on it count.
    const undelegated = delegated("agent-sa");
    undelegated.tools = [{ id: "update", capabilities: [{ action: "write", on: ["orders"] }] }];
    assert.equal(findingsOf(destructiveChanges, undelegated).find((f) => f.id === "TW-AGY-001@agent+update")!.controls.find((c) => c.control === "narrowed")?.by, 1);
  });
});
