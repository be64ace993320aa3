// Where text a fetching tool brings in comes from: pages at any URL are an entry of their own, written by
// anyone; an allow-list that names its sites lets in what those sites hold, each scored as the entry it is.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildGraph } from "../../src/graph/graph.js";
import { traceUntrustedContent } from "../../src/analysis/untrusted-content.js";
import { internalAgent } from "../rules/building-blocks.js";
import { loadSpec, spec } from "../rules/rule-tester.js";

/** Staff ask an agent that fetches pages (`fetch`: the capability) from merchant sites that partners write. */
const browsing = (fetch: Record<string, unknown>) =>
  spec(internalAgent("agent", { tools: ["browse"] }), {
    actors: [{ id: "merchants", type: "partner", authenticated: true }],
    sources: [{ id: "merchant-sites", type: "web", writableBy: ["merchants"] }],
    tools: [{ id: "browse", capabilities: [{ action: "fetch", ...fetch }] }],
  });

function entriesReaching(model: ReturnType<typeof browsing>) {
  const untrusted = traceUntrustedContent(buildGraph(loadSpec(model)));
  return untrusted.originsReaching("agent").map((o) => o.id).sort();
}

describe("entries a fetching tool lets in", () => {
  it("a fetch of any URL is an entry of its own: whoever publishes a page writes into the agent", () => {
    assert.deepEqual(entriesReaching(browsing({ destination: "any" })), ["browse"]);
    // Naming the sites it usually reads does not narrow a fetch that may go anywhere.
    assert.deepEqual(entriesReaching(browsing({ destination: "any", on: ["merchant-sites"] })), ["browse", "merchant-sites"]);
  });

  it("an allow-list that names its sites lets in those sites, scored as the entries they are", () => {
    assert.deepEqual(entriesReaching(browsing({ destination: "allow-listed", on: ["merchant-sites"] })), ["merchant-sites"]);
  });

  it("an allow-list that names no site leaves the tool an entry of its own: nothing says who writes what it lets in", () => {
    assert.deepEqual(entriesReaching(browsing({ destination: "allow-listed" })), ["browse"]);
  });
});
