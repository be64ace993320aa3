import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";

/** Loads a model with one tool whose capabilities are `capabilities` (YAML flow mappings) and gives its diagnostics. */
function diagnosticsOf(...capabilities: string[]) {
  const text = [
    "threatwright: 1",
    "system: { id: s, name: S, owner: a@example.com }",
    "data:",
    "  - { id: contacts, classification: confidential }",
    "  - { id: notes, classification: internal }",
    "services:",
    "  - { id: crm, type: api, holds: [contacts] }",
    "  - { id: partner-api, type: api }",
    "tools:",
    "  - id: t",
    "    capabilities:",
    ...capabilities.map((c) => `      - ${c}`),
    "",
  ].join("\n");
  const result = loadModel("m/threatwright.yaml", memoryFiles({ "m/threatwright.yaml": text }));
  assert.ok(result.ok, "a warning leaves the model valid");
  return result.diagnostics.map((d) => [d.line, d.col, d.severity, d.code, d.message]);
}

describe("warnings about tool capabilities", () => {
  it("says a destination on a write and a limit on a send are ignored, at the tool's id", () => {
    assert.deepEqual(diagnosticsOf("{ action: write, on: [crm], destination: any }", "{ action: send, destination: allow-listed, limit: { amount: 10, currency: EUR, per: action } }"), [
      [10, 9, "warning", "field-for-another-action", "tool 't', capability 1 (write): destination is read only for send, publish, fetch, so the analysis ignores it"],
      [10, 9, "warning", "field-for-another-action", "tool 't', capability 2 (send): limit is read only for spend, so the analysis ignores it"],
    ]);
  });

  it("stays silent where the action reads the field", () => {
    assert.deepEqual(
      diagnosticsOf(
        "{ action: send, destination: any }",
        "{ action: fetch, destination: allow-listed }",
        "{ action: publish, destination: fixed }",
        "{ action: spend, on: [crm], limit: { amount: 50, currency: EUR, per: day } }",
        "{ action: read, on: [crm], returns: [contacts] }",
        "{ action: read, on: [crm], returns: [] }",
        "{ action: write, on: [crm], fills: [contacts] }",
      ),
      [],
    );
  });

  it("says returns on an action other than read is ignored", () => {
    assert.deepEqual(diagnosticsOf("{ action: write, on: [crm], returns: [contacts] }"), [
      [10, 9, "warning", "field-for-another-action", "tool 't', capability 1 (write): returns is read only for read, so the analysis ignores it"],
    ]);
  });

  it("says fills on an action other than write is ignored", () => {
    assert.deepEqual(diagnosticsOf("{ action: read, on: [crm], fills: [contacts] }"), [
      [10, 9, "warning", "field-for-another-action", "tool 't', capability 1 (read): fills is read only for write, so the analysis ignores it"],
    ]);
  });

  it("says a read returns data none of its resources holds, only where each resource lists what it holds", () => {
    assert.deepEqual(diagnosticsOf("{ action: read, on: [crm], returns: [contacts, notes] }"), [
      [10, 9, "warning", "returns-not-held", "tool 't', capability 1 (read): returns 'notes', which none of crm holds, so the agent gets data its source does not have"],
    ]);
    // partner-api lists no holds: it may well return notes.
    assert.deepEqual(diagnosticsOf("{ action: read, on: [crm, partner-api], returns: [notes] }"), []);
  });
});
