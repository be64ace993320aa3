// DOT, Mermaid and SVG output: valid, deterministic, and inert whatever the model's text.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import type { Diagram } from "../../src/diagram/diagram.js";
import { buildDiagram } from "../../src/diagram/diagram.js";
import { dotString, layoutDirection, toDot } from "../../src/diagram/dot.js";
import { mermaidId, mermaidText, toMermaid } from "../../src/diagram/mermaid.js";
import { toSvg } from "../../src/diagram/svg.js";
import { wrapText } from "../../src/diagram/style.js";
import { HOSTILE, analysed } from "./helpers.js";

function hostileDiagram(options: Parameters<typeof buildDiagram>[2] = {}): Diagram {
  const { model, analysis } = analysed(HOSTILE);
  return buildDiagram(model, analysis, options);
}

interface GraphJson {
  objects?: { name: string; id?: string; label?: string; nodes?: number[] }[];
  edges?: { id?: string; tail: number; head: number }[];
}

/** Graphviz's own reading of the DOT text, before layout. */
async function parseDot(dot: string): Promise<GraphJson> {
  const gv = await Graphviz.load();
  return JSON.parse(gv.layout(dot, "dot_json", "dot")) as GraphJson;
}

const HOSTILE_NODE_IDS = ["attacker", "customers-db", "llm", "lookup_customer", "mail-api", "send-mail", "support-staff", "system-prompt", "tickets", "triage.agent"];

describe("DOT", () => {
  it("quotes strings so that no text ends them or starts a statement", () => {
    assert.equal(dotString('a "b" \\ c\nd & e'), '"a \\"b\\" \\\\ c d &amp; e"');
  });

  it("parses back, with the hostile model's nodes, edges and clusters and nothing else", async () => {
    const d = hostileDiagram();
    const parsed = await parseDot(toDot(d, { legend: false }));
    const objects = parsed.objects ?? [];
    const nodes = objects.filter((o) => !o.name.startsWith("cluster_"));
    assert.deepEqual(nodes.map((n) => n.name).sort(), HOSTILE_NODE_IDS);
    assert.deepEqual(nodes.map((n) => n.id).sort(), HOSTILE_NODE_IDS.map((id) => `n-${id}`));
    const clusters = objects.filter((o) => o.name.startsWith("cluster_"));
    assert.deepEqual(clusters.map((c) => c.id).sort(), ["b-agent-sandbox", "b-corp", "b-internet", "b-mail-vendor"]);
    // The sandbox's name tries to close its cluster and open another; it stays the label.
    assert.equal(clusters.find((c) => c.id === "b-agent-sandbox")?.label, 'Sandbox "}; a -> b [label=x]; subgraph cluster_z { · sandbox');
    assert.equal(parsed.edges?.length, d.edges.length);
    assert.deepEqual((parsed.edges ?? []).map((e) => e.id).sort(), d.edges.map((e) => `e-${e.id}`).sort());
  });

  it("nests clusters as the boundaries nest", async () => {
    const parsed = await parseDot(toDot(hostileDiagram()));
    const objects = parsed.objects ?? [];
    const corp = objects.find((o) => o.id === "b-corp")!;
    const sandbox = objects.find((o) => o.id === "b-agent-sandbox")!;
    const agent = objects.findIndex((o) => o.name === "triage.agent");
    assert.ok(sandbox.nodes!.includes(agent) && corp.nodes!.includes(agent), "the agent is in the sandbox, inside corp");
    assert.ok(!sandbox.nodes!.includes(objects.findIndex((o) => o.name === "customers-db")));
  });
});

describe("Mermaid", () => {
  const SAFE_ID = /^[nb]_[A-Za-z0-9_]+$/;
  /** Label text may hold entity codes and <br/>; nothing that ends a label or opens a tag. */
  const INERT = /^(?:#\w+;|<br\/>|[^"[\]{}()|<>;#])*$/;

  it("maps element IDs to distinct safe IDs", () => {
    assert.equal(mermaidId("n", "triage.agent"), "n_triage_dagent");
    const mapped = ["a-b", "a_b", "a.b", "a_hb", "end"].map((id) => mermaidId("n", id));
    assert.equal(new Set(mapped).size, 5);
    for (const id of mapped) assert.match(id, SAFE_ID);
  });

  it("writes label text as entity codes", () => {
    assert.equal(mermaidText('"]]; click x call alert()'), "#quot;#93;#93;#59; click x call alert#40;#41;");
    assert.equal(mermaidText("#quot;"), "#35;quot#59;");
  });

  it("gives only known statements, safe IDs and inert labels for the hostile model", () => {
    const text = toMermaid(hostileDiagram());
    const lines = text.trimEnd().split("\n");
    assert.equal(lines[0], "flowchart LR");
    const label = String.raw`"([^"]*)"`;
    const shapes = String.raw`(?:\[\[|\[\(|\(\[|\{\{|\[/|\[\\|\[|\(|>)`;
    const closes = String.raw`(?:\]\]|\)\]|\]\)|\}\}|/\]|\\\]|\]|\))`;
    const patterns: [string, RegExp][] = [
      ["comment", /^\s*%% [^\n]*$/],
      ["subgraph", new RegExp(String.raw`^\s*subgraph (\S+)\[${label}\]$`)],
      ["end", /^\s*end$/],
      ["node", new RegExp(String.raw`^\s*(n_\w+)${shapes}${label}${closes}$`)],
      ["edge", new RegExp(String.raw`^\s*(n_\w+) (?:-->|-\.->)\|${label}\| (n_\w+)$`)],
      ["classDef", /^\s*classDef \w+ [\w:#,\- .]+$/],
      ["class", /^\s*class ((?:n_\w+,)*n_\w+) \w+$/],
    ];
    const declared: string[] = [];
    for (const line of lines.slice(1)) {
      const match = patterns.map(([kind, pattern]) => [kind, pattern.exec(line)] as const).find(([, m]) => m !== null);
      assert.ok(match, `unexpected line: ${line}`);
      const [kind, m] = match;
      if (kind === "subgraph") {
        assert.match(m![1]!, SAFE_ID);
        assert.match(m![2]!, INERT);
      }
      if (kind === "node") {
        declared.push(m![1]!);
        assert.match(m![1]!, SAFE_ID);
        assert.match(m![2]!, INERT, line);
      }
      if (kind === "edge") {
        assert.match(m![2]!, INERT, line);
        assert.ok(declared.includes(m![1]!) && declared.includes(m![3]!), `edge between declared nodes: ${line}`);
      }
      if (kind === "comment") assert.doesNotMatch(line, /[<>"]/);
    }
    assert.equal(declared.length, HOSTILE_NODE_IDS.length);
    // The boundary named 'end' is a quoted title, never the keyword on a line of its own.
    assert.equal(lines.filter((l) => l.trim() === "end").length, 4, "one 'end' per boundary: corp, its sandbox, internet, mail vendor");
    assert.ok(text.includes('subgraph b_corp["end · corporate"]'));
    assert.doesNotMatch(text, /<script|<img|<svg|<iframe/i);
  });
});

describe("SVG", () => {
  const ALLOWED_TAGS = new Set(["svg", "g", "title", "text", "path", "polygon", "polyline", "ellipse"]);

  it("comes without prolog, DOCTYPE or comments, sized by its viewBox", async () => {
    const svg = await toSvg(hostileDiagram());
    assert.match(svg, /^<svg\b[^>]*\bviewBox="[\d. -]+"/);
    const root = /^<svg\b[^>]*>/.exec(svg)![0];
    assert.doesNotMatch(root, /\s(width|height)=/);
    assert.doesNotMatch(svg, /<\?xml|<!DOCTYPE|<!--/);
    assert.ok(svg.trimEnd().endsWith("</svg>"));
    assert.match(svg, /^<svg\b[^>]*>\n<g class="graph" transform=/, "the drawing's group carries no ID that two diagrams on a page would share");
  });

  it("keeps hostile names as text: only drawing tags, no event handlers", async () => {
    const svg = await toSvg(hostileDiagram());
    const tags = new Set([...svg.matchAll(/<\/?([A-Za-z][\w:-]*)/g)].map((m) => m[1]!));
    for (const tag of tags) assert.ok(ALLOWED_TAGS.has(tag), `unexpected tag <${tag}>`);
    for (const [tag] of svg.matchAll(/<[^>]*>/g)) assert.doesNotMatch(tag, /\son\w+\s*=/i, `no attribute is an event handler: ${tag}`);
    // Long names wrap over several <text> lines; read back together they are the name, escaped.
    const texts = [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!).join(" ");
    assert.ok(texts.includes("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "the attacker's name is escaped text");
    assert.ok(texts.includes("&lt;script&gt;alert(1)&lt;/script&gt; Helpdesk"));
    // The name spelled with entities is shown as written, not decoded into markup.
    assert.ok(texts.includes("System prompt `code` #quot; &amp;amp; &amp;lt;script&amp;gt;"));
  });

  it("gives each node, edge and boundary the contract's id and classes", async () => {
    const svg = await toSvg(hostileDiagram());
    assert.ok(svg.includes('<g id="n-triage.agent" class="node kind-agent injectable sev-critical">'));
    assert.ok(svg.includes('<g id="n-tickets" class="node kind-source untrusted sev-high">'));
    assert.ok(svg.includes('<g id="n-llm" class="node kind-model">'));
    assert.ok(svg.includes('<g id="e-ticket-to-agent" class="edge rel-flow">'));
    assert.ok(svg.includes('<g id="e-loads~system-prompt~triage.agent" class="edge rel-prompt">'));
    assert.ok(svg.includes('<g id="b-agent-sandbox" class="cluster boundary-sandbox">'));
  });

  it("leaves the key out on request", async () => {
    const d = hostileDiagram();
    assert.ok((await toSvg(d)).includes('<g id="diagram-key" class="cluster diagram-key">'));
    assert.ok(!(await toSvg(d, { legend: false })).includes("diagram-key"));
  });
});

describe("determinism", () => {
  it("gives the same bytes for the same model in every format", async () => {
    for (const target of [HOSTILE, "examples/coding-agent"]) {
      const first = analysed(target);
      const second = analysed(target);
      const a = buildDiagram(first.model, first.analysis);
      const b = buildDiagram(second.model, second.analysis);
      assert.equal(toDot(a), toDot(b));
      assert.equal(toMermaid(a), toMermaid(b));
      assert.equal(await toSvg(a), await toSvg(b));
    }
  });
});

describe("label text", () => {
  it("loses controls and direction overrides, is cut at 60 characters, and wraps at spaces", () => {
    const long = `Invoice\u202Efdp.exe\u0007 ${"x".repeat(80)}\n👩‍💻`;
    const d: Diagram = { title: "t", nodes: [{ id: "a", label: long, kind: "tool", untrusted: false, injectable: false }], edges: [], clusters: [] };
    const lines = [...toDot(d, { legend: false }).matchAll(/<B>([^<]*)<\/B>/g)].map((m) => m[1]!);
    // A word longer than a line keeps a line of its own rather than being broken.
    assert.deepEqual(lines, ["Invoicefdp.exe", `${"x".repeat(44)}…`]);
    const mermaid = toMermaid(d);
    assert.ok(mermaid.includes(`n_a[["Invoicefdp.exe ${"x".repeat(44)}…<br/>tool"]]`));
  });

  it("wraps into lines of at most the width, cutting the last line that fits", () => {
    assert.deepEqual(wrapText("Customer support assistant for refunds", 18, 2), ["Customer support", "assistant for ref…"]);
    assert.deepEqual(wrapText("Customer support assistant for refunds", 18, 3), ["Customer support", "assistant for", "refunds"]);
    assert.deepEqual(wrapText("Customer support assistant for refunds", 18), ["Customer support", "assistant for", "refunds"]);
    assert.deepEqual(wrapText("short", 18, 2), ["short"]);
    assert.deepEqual(wrapText("", 18, 2), []);
  });

  it("writes an edge label's lines as one DOT string joined by line breaks, each line escaped", () => {
    const d: Diagram = {
      title: "t",
      nodes: ["a", "b"].map((id) => ({ id, label: id, kind: "service" as const, untrusted: false, injectable: false })),
      edges: [{ id: "f", from: "a", to: "b", label: 'api: Emails to customers, "Order" records \\ x', relation: "flow" }],
      clusters: [],
    };
    // Three lines of at most 20 characters; each escaped as dotString does, joined by DOT's line break.
    assert.ok(toDot(d).includes(String.raw`label="api: Emails to\ncustomers, \"Order\"\nrecords \\ x"`), toDot(d));
  });

  it("keeps emoji sequences whole", () => {
    const d: Diagram = { title: "t", nodes: [{ id: "a", label: "Staff 👩‍💻", kind: "actor", untrusted: false, injectable: false }], edges: [], clusters: [] };
    assert.ok(toDot(d).includes("<B>Staff 👩‍💻</B>"));
  });
});

describe("layout direction", () => {
  const service = (id: string) => ({ id, label: id, kind: "service" as const, untrusted: false, injectable: false });
  const flow = (from: string, to: string) => ({ id: `${from}-${to}`, from, to, label: "api", relation: "flow" as const });
  const chainIds = ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"];
  const chain: Diagram = { title: "chain", nodes: chainIds.map(service), edges: chainIds.slice(1).map((id, i) => flow(chainIds[i]!, id)), clusters: [] };
  const leaves = Array.from({ length: 12 }, (_, i) => `leaf${i}`);
  const star: Diagram = { title: "star", nodes: ["hub", ...leaves].map(service), edges: leaves.map((leaf) => flow("hub", leaf)), clusters: [] };
  const size = (svg: string) => /viewBox="[\d.-]+ [\d.-]+ ([\d.]+) ([\d.]+)"/.exec(svg)!.slice(1).map(Number) as [number, number];

  it("runs a long chain top to bottom and a broad fan left to right", () => {
    // Chain: 8 layers of 1 node, about 2,300 pt wide left to right but 900 pt tall top to bottom.
    assert.equal(layoutDirection(chain), "TB");
    // Fan: 2 layers, the second of 12 nodes, about 2,000 pt wide top to bottom but 1,000 pt tall left to right.
    assert.equal(layoutDirection(star), "LR");
  });

  it("lays a small diagram out both ways in SVG and keeps the one that fits a page better", async () => {
    const [width, height] = size(await toSvg(chain, { legend: false }));
    assert.ok(height > width * 2, `the chain is drawn top to bottom (${width} x ${height})`);
    const [fanWidth, fanHeight] = size(await toSvg(star, { legend: false }));
    assert.ok(fanHeight > fanWidth, `the fan is drawn left to right, its leaves stacked (${fanWidth} x ${fanHeight})`);
    assert.equal(await toSvg(chain, { legend: false }), await toSvg(chain, { legend: false, direction: "TB" }));
  });

  it("keeps the direction that fits a page better even where the estimate says otherwise", async () => {
    // The coding agent's whole system: the estimate is top to bottom, but left to right needs less shrinking.
    const { model, analysis } = analysed("examples/coding-agent");
    const d = buildDiagram(model, analysis);
    assert.ok(d.nodes.length <= 40, "small enough to be laid out both ways");
    assert.equal(layoutDirection(d), "TB");
    const svg = await toSvg(d);
    assert.equal(svg, await toSvg(d, { direction: "LR" }));
    assert.notEqual(svg, await toSvg(d, { direction: "TB" }));
  });
});
