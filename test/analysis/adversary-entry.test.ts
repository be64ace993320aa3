// Which adversary a finding's likelihood counts: the most capable one coming in through the
// finding's entry (`via` on the adversary), not the most capable one anywhere in the model. A team
// that models registry supply-chain attackers for its community MCP server should not see every
// injection through customer tickets rated as if those attackers wrote the tickets.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adversaryAt, attackerFactor } from "../../src/analysis/factors.js";
import { buildGraph } from "../../src/graph/graph.js";
import { untrustedMcpToolPoisoning } from "../../src/rules/mcp/untrusted-mcp-tool-poisoning.js";
import { indirectPromptInjection } from "../../src/rules/prompt-injection/indirect-prompt-injection.js";
import { traceUntrustedContent } from "../../src/analysis/untrusted-content.js";
import { customerTickets, internalAgent, mcpServer } from "../rules/building-blocks.js";
import { findingsOf, loadSpec, spec } from "../rules/rule-tester.js";
import type { ModelSpec } from "../rules/rule-tester.js";

/**
 * An internal agent that reads customer tickets and connects to a community MCP server; it can run
 * shell commands. Customers write the tickets (exposure: customers, no step either way).
 */
const ticketsAndMcp = (adversaries: Record<string, unknown>[]): ModelSpec =>
  spec(
    internalAgent("agent", { tools: ["shell"], mcpServers: ["search-mcp"] }),
    customerTickets("agent"),
    mcpServer("search-mcp", "community"),
    { tools: [{ id: "shell", capabilities: [{ action: "execute" }] }, { id: "search", server: "search-mcp", capabilities: [{ action: "read", on: ["tickets"] }] }] },
    { adversaries },
  );

const supplyChain = { id: "supply-chain", type: "organised-crime", capability: "high" };
const fraudsters = { id: "fraudsters", type: "opportunistic", capability: "medium" };

const likelihoodLine = (findings: ReturnType<typeof findingsOf>, id: string) => findings.find((f) => f.id === id)?.reasons[0];

describe("the attacker capability of a finding is that of who comes in its way", () => {
  it("without `via`, any adversary may come in anywhere: the most capable in the model counts everywhere", () => {
    const model = ticketsAndMcp([supplyChain, fraudsters]);
    const injection = likelihoodLine(findingsOf(indirectPromptInjection, model), "TW-PI-002@agent");
    assert.match(injection ?? "", /\+1 most capable adversary in the model is supply-chain \(high capability\)/);
  });

  it("an adversary that comes in through the MCP server raises the MCP finding, not the injection through tickets", () => {
    const model = ticketsAndMcp([{ ...supplyChain, via: ["search-mcp"] }, { ...fraudsters, via: ["customer"] }]);
    const [injection] = findingsOf(indirectPromptInjection, model).filter((f) => f.anchors[0] === "agent");
    assert.ok(injection);
    assert.doesNotMatch(injection.reasons[0]!, /adversary/);
    // Without the supply-chain attackers' step: rule default 4, customers 0, medium fraudsters 0.
    const withGlobal = findingsOf(indirectPromptInjection, ticketsAndMcp([supplyChain, fraudsters])).find((f) => f.id === injection.id)!;
    assert.equal(injection.inherent.likelihood, withGlobal.inherent.likelihood - 1);

    const poisoning = likelihoodLine(findingsOf(untrustedMcpToolPoisoning, model), "TW-MCP-001@agent+search-mcp");
    assert.match(poisoning ?? "", /\+1 most capable adversary coming in through search-mcp is supply-chain \(high capability\)/);
  });

  it("naming the actors who write to an entry counts for that entry; naming an unrelated element counts nowhere else", () => {
    const graph = buildGraph(loadSpec(ticketsAndMcp([{ ...supplyChain, via: ["customer"] }])));
    assert.equal(adversaryAt(graph, "tickets")?.id, "supply-chain", "customers write the tickets");
    assert.equal(adversaryAt(graph, "customer")?.id, "supply-chain");
    assert.equal(adversaryAt(graph, "search-mcp"), undefined);
    assert.deepEqual(attackerFactor(graph, "search-mcp"), []);
  });

  it("a low-capability adversary lowers only the entries it uses, and the most capable of those that do counts", () => {
    const graph = buildGraph(loadSpec(ticketsAndMcp([{ id: "kids", type: "opportunistic", capability: "low", via: ["tickets"] }, { ...supplyChain, via: ["search-mcp"] }])));
    assert.deepEqual(
      attackerFactor(graph, "tickets").map((f) => [f.delta, f.reason]),
      [[-1, "most capable adversary coming in through tickets is kids (low capability)"]],
    );
    const both = buildGraph(loadSpec(ticketsAndMcp([{ id: "kids", type: "opportunistic", capability: "low", via: ["tickets"] }, { ...supplyChain, via: ["tickets"] }])));
    assert.equal(adversaryAt(both, "tickets")?.id, "supply-chain");
  });

  it("an adversary who writes pages counts where a tool fetches them", () => {
    const model = spec(internalAgent("agent", { tools: ["browse"] }), {
      actors: [{ id: "page-authors", type: "public" }],
      sources: [{ id: "web", type: "web", writableBy: ["page-authors"] }],
      tools: [{ id: "browse", capabilities: [{ action: "fetch", on: ["web"] }] }],
      adversaries: [{ id: "spammers", type: "opportunistic", capability: "low", via: ["page-authors"] }, { ...supplyChain, via: ["staff"] }],
    });
    const graph = buildGraph(loadSpec(model));
    assert.equal(adversaryAt(graph, "browse")?.id, "spammers");
    assert.equal(adversaryAt(graph, "web")?.id, "spammers");
  });

  it("among equally exposed entries, the one a more capable adversary uses is where the attack path starts", () => {
    // Two customer-written stores reach the agent; ID order alone would pick a-notes.
    const model = spec(internalAgent("agent", { tools: ["shell"] }), {
      actors: [{ id: "customer", type: "customer" }, { id: "partner", type: "customer" }],
      sources: [
        { id: "a-notes", type: "tickets", writableBy: ["customer"] },
        { id: "b-forms", type: "tickets", writableBy: ["partner"] },
      ],
      tools: [{ id: "shell", capabilities: [{ action: "execute" }] }],
      flows: [
        { id: "notes-in", from: "a-notes", to: "agent", channel: "retrieval" },
        { id: "forms-in", from: "b-forms", to: "agent", channel: "retrieval" },
      ],
    });
    const origins = (adversaries: Record<string, unknown>[]) => traceUntrustedContent(buildGraph(loadSpec(spec(model, { adversaries })))).originsReaching("agent").map((o) => o.id);
    assert.equal(origins([])[0], "a-notes");
    assert.equal(origins([{ ...supplyChain, via: ["partner"] }])[0], "b-forms");
    assert.equal(origins([{ ...supplyChain }])[0], "a-notes", "an adversary who may come in anywhere changes no order");
  });
});

describe("who an insider adversary makes untrusted", () => {
  /** Employees ask the agent; contractors write a runbook store it reads; admins edit its system prompt. */
  const staffModel = (insider: Record<string, unknown>) =>
    loadSpec(
      spec(internalAgent("agent", { prompts: ["system"] }), {
        actors: [
          { id: "contractors", type: "contractor", authenticated: true },
          { id: "admins", type: "admin", authenticated: true },
        ],
        datastores: [{ id: "runbooks", type: "document", writableBy: ["contractors"] }],
        prompts: [{ id: "system", role: "system", writableBy: ["admins"] }],
        flows: [{ id: "runbooks-to-agent", from: "runbooks", to: "agent", channel: "retrieval" }],
        adversaries: [{ id: "insider", type: "insider", capability: "medium", ...insider }],
      }),
    );
  const entries = (insider: Record<string, unknown>) => traceUntrustedContent(buildGraph(staffModel(insider))).origins.map((o) => o.id).sort();

  it("without `via`, every employee and contractor may be one, administrators not", () => {
    assert.deepEqual(entries({}), ["contractors", "runbooks", "staff"]);
  });

  it("with `via`, only the actors it names: naming the contractors leaves the employees trusted", () => {
    assert.deepEqual(entries({ via: ["contractors"] }), ["contractors", "runbooks"]);
  });

  it("naming what they write names its writers: via the system prompt, the administrators who edit it (named, so counted)", () => {
    assert.deepEqual(entries({ via: ["system"] }), ["admins", "system"]);
  });
});

describe("an actor an outside adversary comes in as is an untrusted entry, whatever its type", () => {
  // A service desk agent that employees call; the callers are written as employees.
  const desk = (callers: Record<string, unknown>, adversaries: Record<string, unknown>[]) =>
    buildGraph(
      loadSpec({
        actors: [{ id: "callers", type: "employee", ...callers }],
        models: [{ id: "llm", provider: "Vendor", hosting: "hosted-api" }],
        agents: [{ id: "desk", models: ["llm"] }],
        flows: [{ id: "call", from: "callers", to: "desk", channel: "message" }],
        adversaries,
      }),
    );
  const entry = (graph: ReturnType<typeof buildGraph>) => traceUntrustedContent(graph).originsReaching("desk").find((o) => o.id === "callers");
  const posers = { id: "posers", type: "organised-crime", capability: "high", via: ["callers"] };

  it("callers who do not sign in, named by organised crime, are as exposed as the public: anyone can claim to be one", () => {
    const origin = entry(desk({ authenticated: false }, [posers]));
    assert.deepEqual([origin?.exposure, origin?.reason], [5, "employee actor who does not sign in: anyone who reaches the channel can claim to be one"]);
  });

  it("signed-in employees it names are an entry at their own exposure: it comes in through their accounts", () => {
    const origin = entry(desk({ authenticated: true }, [posers]));
    assert.deepEqual([origin?.exposure, origin?.reason], [2, "employee actor an adversary comes in as: writes whatever they like"]);
  });

  it("near miss: an outside adversary that names someone else leaves the employees trusted", () => {
    assert.equal(entry(desk({ authenticated: false }, [{ ...posers, via: ["llm"] }])), undefined);
    assert.equal(entry(desk({ authenticated: false }, [])), undefined);
  });

  it("an insider it names keeps the insider's story, and its exposure, though the callers do not sign in", () => {
    const mole = { id: "mole", type: "insider", capability: "medium", via: ["callers"] };
    const origin = entry(desk({ authenticated: false }, [mole]));
    assert.deepEqual([origin?.exposure, origin?.reason], [2, "employee actor: writes whatever they like"]);
    // Signed-in staff both an insider and an outside adversary name: the insider's story, not the posing one.
    const both = entry(desk({ authenticated: true }, [mole, posers]));
    assert.deepEqual([both?.exposure, both?.reason], [2, "employee actor: writes whatever they like"]);
  });
});
