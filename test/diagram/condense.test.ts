// Condensing large diagrams: the node cap, what is kept first, the stand-ins, and speed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { syntheticModelFiles } from "../../bench/synthetic.js";
import type { DiagramEdge, DiagramNode } from "../../src/diagram/diagram.js";
import { buildDiagram } from "../../src/diagram/diagram.js";
import { condense } from "../../src/diagram/condense.js";
import { toSvg } from "../../src/diagram/svg.js";
import { memoryFiles } from "../../src/model/files.js";
import { analysed } from "./helpers.js";

const plain = (id: string, extra: Partial<DiagramNode> = {}): DiagramNode => ({ id, label: id, kind: "service", untrusted: false, injectable: false, ...extra });
const flow = (from: string, to: string): DiagramEdge => ({ id: `${from}-${to}`, from, to, label: "api", relation: "flow" });

describe("condense on a hand-made chain", () => {
  // a -> b -> c -> d -> e -> f, all outside any boundary; 'e' is untrusted, 'b' has a high finding.
  const nodes = [plain("a"), plain("b", { severity: "high" }), plain("c"), plain("d"), plain("e", { untrusted: true }), plain("f", { severity: "low" })];
  const edges = [flow("a", "b"), flow("b", "c"), flow("c", "d"), flow("d", "e"), flow("e", "f")];

  it("keeps the requested, then the untrusted and severe, then neighbours, and counts the rest", () => {
    // Cap 5: one slot for the stand-in leaves 4. After 'a', the first round takes e (untrusted) and
    // b (high), then e's neighbours in edge order: d fills the last slot, f does not fit.
    const result = condense(nodes, edges, ["a"], 5);
    assert.deepEqual(result.nodes.map((n) => n.id), ["a", "b", "d", "e", "more~"]);
    assert.deepEqual(result.nodes.at(-1), { id: "more~", label: "2 more components", kind: "group", untrusted: false, injectable: false, severity: "low", count: 2 });
    // b -> c, c -> d and e -> f lead to left-out components: not drawn, counted on the kept end.
    assert.deepEqual(result.edges.map((e) => e.id), ["a-b", "d-e"]);
    assert.deepEqual(result.nodes.map((n) => [n.id, n.hiddenLinks]), [["a", undefined], ["b", 1], ["d", 1], ["e", 1], ["more~", undefined]]);
    assert.equal(
      result.omitted,
      "Condensed to 4 of 6 components to stay within 5 nodes. Kept the requested elements, then untrusted entry points, injectable agents and components with high or critical findings in turn, each with its neighbours, then further neighbours. " +
        '2 components are counted in "more" nodes by boundary (outside any boundary: 2); links to them are not drawn.',
    );
  });

  it("keeps requested elements in the order given as far as they fit, and says so", () => {
    // Cap 3 with one boundary: a single stand-in (a per-boundary one needs the cap to be 4 or more), so 2 slots.
    const result = condense(nodes, edges, ["d", "a", "c", "e"], 3);
    assert.deepEqual(result.nodes.map((n) => n.id), ["a", "d", "more~"]);
    assert.match(result.omitted, /Only the first 2 of the 4 requested elements fit\./);
    assert.match(result.omitted, /Left out for lack of room: 1 untrusted entry point, 1 component with high or critical findings\.$/);
  });

  it("says which priority elements found no room", () => {
    const many = [plain("x1", { untrusted: true }), plain("x2", { untrusted: true }), plain("x3", { untrusted: true }), plain("y")];
    const result = condense(many, [], [], 3);
    assert.deepEqual(result.nodes.map((n) => n.id), ["x1", "x2", "more~"]);
    assert.match(result.omitted, /Left out for lack of room: 1 untrusted entry point\./);
  });
});

describe("condense on a synthetic model", () => {
  const { model, analysis } = analysed(".", memoryFiles(syntheticModelFiles(1000)));

  it("stays within the cap, keeps what is asked, stands the rest in per boundary", () => {
    const keep = ["u39-staff", "u17-logs", "u2-payments"];
    const d = buildDiagram(model, analysis, { keep, maxNodes: 60 });
    assert.ok(d.nodes.length <= 60, `${d.nodes.length} nodes`);
    const ids = new Set(d.nodes.map((n) => n.id));
    for (const id of keep) assert.ok(ids.has(id), id);
    const groups = d.nodes.filter((n) => n.kind === "group");
    // Components sit in internet, corp, vendor or no boundary: one stand-in for each that lost components.
    assert.deepEqual(groups.map((g) => g.id).sort(), ["more~", "more~corp", "more~internet", "more~vendor"]);
    const total = model.actors.length + model.agents.length + model.tools.length + model.models.length + model.mcpServers.length + model.datastores.length + model.sources.length + model.services.length + model.clients.length + model.pipelines.length + model.prompts.length + model.datasets.length;
    assert.equal(d.nodes.length - groups.length + groups.reduce((sum, g) => sum + g.count!, 0), total, "kept plus counted is every component");
    for (const e of d.edges) assert.ok(ids.has(e.from) && ids.has(e.to), `edge ${e.id} ends on drawn nodes`);
    assert.match(d.omitted ?? "", new RegExp(`^Condensed to ${d.nodes.length - groups.length} of ${total} components to stay within 60 nodes\\.`));
    // 56 slots (60 less 4 stand-ins): the 3 requested, half the other 53 (27) for priority members, the rest neighbours.
    const priority = (n: (typeof d.nodes)[number]) => n.untrusted || n.injectable || n.severity === "high" || n.severity === "critical";
    const kept = d.nodes.filter((n) => n.kind !== "group" && !keep.includes(n.id));
    assert.ok(kept.filter(priority).length >= 27);
    assert.ok(kept.some((n) => n.injectable) && kept.some((n) => n.untrusted));
    // A neighbour is drawn with the edge that brought it in.
    for (const n of kept.filter((k) => !priority(k))) assert.ok(d.edges.some((e) => e.from === n.id || e.to === n.id), `${n.id} is linked`);
    assert.ok(d.nodes.some((n) => (n.hiddenLinks ?? 0) > 0), "links to left-out components are counted");
  });

  it("leaves a diagram under the cap as it is", () => {
    const d = buildDiagram(model, analysis, { workflow: model.workflows[0]?.id ?? "", maxNodes: 10_000 });
    assert.equal(d.omitted, undefined);
    assert.ok(!d.nodes.some((n) => n.kind === "group"));
  });
});

describe("a 5,000-component model", () => {
  // Its speed is measured by npm run bench (the report draws this diagram), not here.
  it("is condensed to at most 150 nodes that keep the given path elements, and lays out", async () => {
    const { model, analysis } = analysed(".", memoryFiles(syntheticModelFiles(5000)));
    const keep = [...new Set(analysis.attackPaths.slice(0, 10).flatMap((p) => p.steps.map((s) => s.element)))];
    const d = buildDiagram(model, analysis, { keep });
    assert.ok(d.nodes.length <= 150, `${d.nodes.length} nodes`);
    const ids = new Set(d.nodes.map((n) => n.id));
    for (const id of keep) assert.ok(ids.has(id), `${id} is kept`);
    assert.match(d.omitted ?? "", /^Condensed to \d+ of 4800 components/);
    assert.ok((await toSvg(d)).startsWith("<svg"));
  });
});
