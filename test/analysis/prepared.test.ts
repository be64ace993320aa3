// The diff prepares both models for its material checks and hands the preparation to analyze:
// the result must be what analyze gives on its own, even after the checks have used it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze, buildContext, prepareModel } from "../../src/analysis/analyze.js";
import { diskFiles, memoryFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";
import { diffModels } from "../../src/lifecycle/model-diff.js";
import { syntheticModelFiles } from "../../bench/synthetic.js";

const TODAY = "2026-11-22";

function load(target: string, files = diskFiles) {
  const loaded = loadModel(target, files);
  assert.ok(loaded.ok);
  return loaded.loaded;
}

describe("analyze with a prepared model", () => {
  it("gives the same result as analyze alone, after the diff's checks used the preparation", () => {
    const pairs = [
      [load("examples/coding-agent"), load("examples/support-assistant")],
      [load("examples/invoice-agents"), load("examples/invoice-agents")],
      [load("threatwright.yaml", memoryFiles(syntheticModelFiles(200))), load("threatwright.yaml", memoryFiles(syntheticModelFiles(300)))],
    ];
    for (const [before, after] of pairs) {
      const facts = { before: prepareModel(before!.model), after: prepareModel(after!.model) };
      diffModels(before!.model, after!.model, { facts });
      for (const [loaded, prepared] of [[before!, facts.before], [after!, facts.after]] as const) {
        const alone = analyze(loaded.model, { today: TODAY, locations: loaded.locations });
        const withPrepared = analyze(loaded.model, { today: TODAY, locations: loaded.locations, prepared });
        assert.equal(JSON.stringify(withPrepared), JSON.stringify(alone));
        assert.ok(alone.findings.length > 0);
      }
    }
  });

  it("ignores a preparation of another model", () => {
    const support = load("examples/support-assistant");
    const coding = load("examples/coding-agent");
    const alone = analyze(support.model, { today: TODAY });
    assert.equal(JSON.stringify(analyze(support.model, { today: TODAY, prepared: prepareModel(coding.model) })), JSON.stringify(alone));
  });

  it("reuses the preparation of the same model instead of building the graph and traces again", () => {
    const support = load("examples/support-assistant").model;
    const prepared = prepareModel(support);
    const context = buildContext(support, TODAY, prepared);
    assert.equal(context.graph, prepared.graph);
    assert.equal(context.untrusted, prepared.untrusted);
    assert.equal(context.capabilities, prepared.capabilities);
    // Another model's preparation is not used: its graph would answer for the wrong elements.
    assert.equal(buildContext(support, TODAY, prepareModel(load("examples/coding-agent").model)).graph.model, support);
  });
});
