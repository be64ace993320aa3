// The diagram model on the three examples: what the YAML says must be drawn.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Diagram } from "../../src/diagram/diagram.js";
import { DiagramOptionError, buildDiagram } from "../../src/diagram/diagram.js";
import { analyze } from "../../src/analysis/analyze.js";
import { analysed } from "./helpers.js";

const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);
const node = (d: Diagram, id: string) => d.nodes.find((n) => n.id === id);
const edge = (d: Diagram, id: string) => d.edges.find((e) => e.id === id);
const flagged = (d: Diagram, flag: "untrusted" | "injectable") => d.nodes.filter((n) => n[flag]).map((n) => n.id);

function diagramOf(example: string, options: Parameters<typeof buildDiagram>[2] = {}): Diagram {
  const { model, analysis } = analysed(`examples/${example}`);
  return buildDiagram(model, analysis, options);
}

describe("diagram of the support assistant", () => {
  const d = diagramOf("support-assistant");

  it("draws every component, named, in ID order, with its boundary", () => {
    assert.equal(d.title, "Customer support assistant");
    assert.equal(d.omitted, undefined);
    assert.deepEqual(ids(d.nodes), [...ids(d.nodes)].sort());
    const { severity: _severity, ...store } = node(d, "help-vector-store")!;
    assert.deepEqual(store, { id: "help-vector-store", label: "Help vector store", kind: "datastore", subtype: "vector", boundary: "support-prod", untrusted: false, injectable: false });
    assert.equal(node(d, "support-agent")?.kind, "agent");
    assert.equal(node(d, "chat-llm")?.boundary, "llm-vendor");
    assert.equal(node(d, "support-system-prompt")?.boundary, undefined, "the prompt sits in no boundary");
  });

  it("makes a cluster of every boundary that holds a component", () => {
    assert.deepEqual(ids(d.clusters), ["corporate", "data-platform", "email-provider", "helpdesk-vendor", "internet", "llm-vendor", "payment-provider", "support-prod"]);
    assert.deepEqual(d.clusters.find((c) => c.id === "helpdesk-vendor"), { id: "helpdesk-vendor", label: "Helpdesk SaaS", type: "vendor" });
  });

  it("marks the untrusted entry points and the injectable agent", () => {
    // Anyone can chat (web-visitors) and customers and visitors write tickets without signing in.
    assert.deepEqual(flagged(d, "untrusted"), ["customers", "support-tickets", "web-visitors"]);
    assert.deepEqual(flagged(d, "injectable"), ["support-agent"]);
  });

  it("labels flows with channel and data names", () => {
    assert.deepEqual(edge(d, "retrieve-context"), { id: "retrieve-context", from: "help-vector-store", to: "support-agent", label: "retrieval: Help articles, Past ticket text", relation: "flow" });
    assert.equal(edge(d, "refund-to-provider")?.label, "api: Refund requests");
  });

  it("adds agent relations only where no flow already joins the two", () => {
    // The prompt has no flow to the agent; tools and the model do.
    assert.deepEqual(edge(d, "loads~support-system-prompt~support-agent"), { id: "loads~support-system-prompt~support-agent", from: "support-system-prompt", to: "support-agent", label: "loaded by", relation: "prompt" });
    assert.equal(edge(d, "uses~support-agent~lookup-order"), undefined);
    assert.equal(edge(d, "runs~support-agent~chat-llm"), undefined);
    // Customers write tickets; no flow says so.
    assert.equal(edge(d, "writes~customers~support-tickets")?.relation, "writes");
    // The agent runs on the chat backend in the same boundary: the cluster says so, no edge.
    assert.equal(edge(d, "hosted~support-agent~chat-backend"), undefined);
  });

  it("shows the worst severity of the findings anchored on each component", () => {
    const { analysis } = analysed("examples/support-assistant");
    const order = ["info", "low", "medium", "high", "critical"];
    for (const n of d.nodes) {
      const anchored = analysis.findings.filter((f) => f.anchors.includes(n.id)).map((f) => order.indexOf(f.severity));
      assert.equal(n.severity, anchored.length > 0 ? order[Math.max(...anchored)] : undefined, n.id);
    }
    assert.ok(d.nodes.some((n) => n.severity === "critical"));
  });

  it("leaves findings judged false positives out of a node's band, and keeps accepted ones", () => {
    const { model } = analysed("examples/support-assistant");
    // The support agent's four critical findings: two exfiltrations (the email and the chat widget's images), direct injection, one identity for all users.
    const before = analyze(model, { today: "2026-11-22" });
    const worst = before.findings.filter((f) => f.anchors.includes("support-agent") && f.severity === "critical").map((f) => f.id);
    assert.deepEqual(worst.map((id) => id.split("@")[0]).sort(), ["TW-EXF-001", "TW-EXF-002", "TW-PI-001", "TW-PRV-001"]);
    const decided = (status: "false-positive" | "accepted") => {
      const withDecisions = { ...model, decisions: [...model.decisions, ...worst.map((finding) => ({ finding, status, owner: "appsec@example.com", justification: "test" }))] };
      return node(buildDiagram(withDecisions, analyze(withDecisions, { today: "2026-11-22" })), "support-agent")?.severity;
    };
    assert.equal(node(d, "support-agent")?.severity, "critical");
    // Next come indirect injection and hidden instructions (TW-PI-002, TW-PI-005), both high.
    assert.equal(decided("false-positive"), "high");
    assert.equal(decided("accepted"), "critical");
  });

  it("draws one workflow: its components and the edges among them", () => {
    const chat = diagramOf("support-assistant", { workflow: "knowledge-ingestion" });
    const { model } = analysed("examples/support-assistant");
    const members = model.workflows.find((w) => w.id === "knowledge-ingestion")!.components;
    assert.deepEqual(ids(chat.nodes), [...members].sort());
    assert.equal(chat.title, `Customer support assistant: ${model.workflows.find((w) => w.id === "knowledge-ingestion")!.name}`);
    for (const e of chat.edges) assert.ok(members.includes(e.from) && members.includes(e.to), e.id);
    const whole = diagramOf("support-assistant", { workflow: "support-chat" });
    assert.ok(edge(whole, "transcripts-to-analytics"), "both ends are in the support chat");
    assert.equal(edge(whole, "ingest-tickets"), undefined, "the ingestion pipeline is not");
  });

  it("refuses an unknown workflow and names the known ones", () => {
    const { model, analysis } = analysed("examples/support-assistant");
    assert.throws(
      () => buildDiagram(model, analysis, { workflow: "refunds" }),
      (error: unknown) => error instanceof DiagramOptionError && error.message === "unknown workflow 'refunds'" && error.hint === "workflows in this model: knowledge-ingestion, support-chat",
    );
  });
});

describe("diagram of the coding agent", () => {
  const d = diagramOf("coding-agent");

  it("nests the runner VM inside the GitHub boundary", () => {
    assert.deepEqual(d.clusters.find((c) => c.id === "actions-runner"), { id: "actions-runner", label: "Agent job runner VM", type: "runner", parent: "github-platform" });
    assert.equal(node(d, "pr-agent")?.boundary, "actions-runner");
  });

  it("marks comments, pull requests, web pages and their writers as untrusted, and the PR agent as injectable", () => {
    const untrusted = flagged(d, "untrusted");
    for (const id of ["github-users", "outside-contributors", "web-authors", "issue-comments", "pull-request", "web-pages", "agents-md"]) assert.ok(untrusted.includes(id), id);
    assert.ok(!untrusted.includes("maintainers"));
    assert.deepEqual(flagged(d, "injectable"), ["pr-agent"]);
  });

  it("draws MCP connections, tools served by MCP servers and prompts as relations", () => {
    assert.equal(edge(d, "connects~pr-agent~github-mcp")?.relation, "mcp");
    assert.equal(edge(d, "connects~pr-agent~web-fetch-mcp")?.relation, "mcp");
    assert.equal(edge(d, "served~gh-repos~github-mcp")?.relation, "served-by");
    assert.equal(edge(d, "loads~agents-md~pr-agent")?.relation, "prompt");
    // A flow joins the agent and the shell both ways, so no 'calls' relation repeats it.
    assert.equal(edge(d, "uses~pr-agent~run-shell"), undefined);
    assert.equal(edge(d, "shell-deploys-preview")?.to, "staging-cluster");
    // The code-host tools sit in no boundary but run on the runner VM: drawn. The shell shares the runner's boundary: not.
    assert.equal(edge(d, "hosted~gh-repos~ci-runner")?.relation, "runs-on");
    assert.equal(edge(d, "hosted~run-shell~ci-runner"), undefined);
  });
});

describe("diagram of the invoice agents", () => {
  const d = diagramOf("invoice-agents");

  it("marks the shared mailbox and its senders untrusted and both agents injectable", () => {
    const untrusted = flagged(d, "untrusted");
    for (const id of ["ap-mailbox", "external-senders", "suppliers"]) assert.ok(untrusted.includes(id), id);
    // The payment agent reads what the intake agent hands off and the memory they share.
    assert.deepEqual(flagged(d, "injectable"), ["intake-agent", "payment-agent"]);
  });

  it("shows the hand-off, the shared memory and the training relation", () => {
    const handOff = edge(d, "intake-hands-off")!;
    assert.deepEqual([handOff.from, handOff.to, handOff.relation], ["intake-agent", "payment-agent", "flow"]);
    assert.equal(edge(d, "memory-to-payment")?.from, "agent-memory");
    // No flow joins the dataset and the model directly (a pipeline sits between), so the relation is drawn.
    assert.deepEqual(edge(d, "trains~invoices-2025~invoice-extractor"), { id: "trains~invoices-2025~invoice-extractor", from: "invoices-2025", to: "invoice-extractor", label: "trains", relation: "trains" });
  });

  it("leaves the other agent out of a workflow diagram, with the edges to it", () => {
    const payment = diagramOf("invoice-agents", { workflow: "invoice-payment" });
    assert.equal(node(payment, "intake-agent"), undefined);
    assert.equal(edge(payment, "intake-hands-off"), undefined);
    assert.ok(edge(payment, "memory-to-payment"));
    assert.ok(ids(payment.clusters).includes("llm-vendor"), "the reasoning model's vendor boundary");
  });
});

describe("diagram of flows spoken into someone else's session", () => {
  it("says whose session the sender speaks into, and when their words are only content there", () => {
    const scribe = analysed("test/fixtures/reviews/scribe");
    assert.equal(edge(buildDiagram(scribe.model, scribe.analysis), "patient-speaks")?.label, "message (in session of Clinicians (physicians, APPs), as content): Visit audio");
    const commerce = analysed("test/fixtures/reviews/commerce");
    assert.equal(edge(buildDiagram(commerce.model, commerce.analysis), "speaker-to-device")?.label, "message (in session of Consumers): Chat and voice transcripts");
  });
});
