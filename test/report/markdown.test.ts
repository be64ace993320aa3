import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../../src/analysis/analyze.js";
import { markdownReport, mdEscape } from "../../src/report/markdown.js";
import { publicChat } from "../rules/building-blocks.js";
import { loadSpec, spec, TODAY } from "../rules/rule-tester.js";

const HOSTILE = "Chat\u001b[31m red\u0007 \u202eevil\u2066 | **bold** <b>";

describe("Markdown from model text", () => {
  it("escapes markup and turns escape sequences and direction overrides into '?'", () => {
    assert.equal(mdEscape(HOSTILE), "Chat?\\[31m red? ?evil? \\| \\*\\*bold\\*\\* \\<b\\>");
    assert.equal(mdEscape("two\r\nlines"), "two lines");
  });

  it("leaves no control character or direction override in a report whose names hold them", () => {
    const model = loadSpec(spec(publicChat("agent", { name: HOSTILE, tools: ["email"] }), { tools: [{ id: "email", name: HOSTILE, capabilities: [{ action: "send", destination: "any" }] }] }));
    model.system.name = HOSTILE;
    const report = markdownReport(analyze(model, { today: TODAY }));
    assert.ok(report.includes("Chat?\\[31m red?"), "the names are in the report");
    assert.doesNotMatch(report.replaceAll("\n", ""), /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
  });
});
