import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";

/** Loads a model of a clinician, a patient and an app, whose flows are `flows` (YAML flow mappings). */
function load(...flows: string[]) {
  const text = [
    "threatwright: 1",
    "system: { id: s, name: S, owner: a@example.com }",
    "actors: [{ id: clinicians, type: employee, authenticated: true }, { id: patients, type: customer, authenticated: false }]",
    "clients: [{ id: app, type: mobile-app, handles: [plain-text] }]",
    "services: [{ id: backend, type: api }]",
    "flows:",
    ...flows.map((f) => `  - ${f}`),
    "",
  ].join("\n");
  const result = loadModel("m/threatwright.yaml", memoryFiles({ "m/threatwright.yaml": text }));
  return { ok: result.ok, diagnostics: result.diagnostics.map((d) => [d.line, d.col, d.severity, d.code, d.message]) };
}

describe("a flow's session: whose signed-in session the sender speaks into", () => {
  it("on a flow from an actor, naming another actor, it loads without a word", () => {
    assert.deepEqual(load("{ id: speaks, from: patients, to: app, channel: message, session: { of: clinicians, asks: false } }"), { ok: true, diagnostics: [] });
  });

  // Line 7, column 11: the first flow's ID, where every element is located.
  it("on a flow that does not leave an actor, it is an error at the flow", () => {
    const result = load("{ id: upload, from: app, to: backend, channel: api, session: { of: clinicians, asks: false } }");
    assert.equal(result.ok, false);
    assert.deepEqual(result.diagnostics, [[7, 11, "error", "invalid-value", "flow 'upload' has a session but leaves 'app', which is not an actor: a session says how a person's words enter someone else's session"]]);
  });

  it("naming the sender's own session is an error: the session is someone else's", () => {
    const result = load("{ id: records, from: clinicians, to: app, channel: message, session: { of: clinicians, asks: true } }");
    assert.equal(result.ok, false);
    assert.deepEqual(result.diagnostics, [[7, 11, "error", "invalid-value", "flow 'records' has a session of 'clinicians', its own sender: a session names the other actor, whose signed-in session the sender speaks into"]]);
  });

  it("the owner must be an actor, and whether the sender asks must be said", () => {
    const notActor = load("{ id: speaks, from: patients, to: app, channel: message, session: { of: app, asks: false } }");
    assert.deepEqual(notActor, { ok: false, diagnostics: [[7, 77, "error", "wrong-reference-kind", "'app' is a client, but here an actor is expected"]] });
    const unsaid = load("{ id: speaks, from: patients, to: app, channel: message, session: { of: clinicians } }");
    assert.deepEqual(unsaid, { ok: false, diagnostics: [[7, 71, "error", "missing-field", "missing required field 'asks' in flows[0].session"]] });
  });
});

describe("a flow's relays: which of what reaches a client or service it carries on", () => {
  it("naming flows that arrive at the client or service it leaves, it loads without a word", () => {
    assert.deepEqual(load("{ id: speaks, from: patients, to: app, channel: message }", "{ id: upload, from: app, to: backend, channel: api, relays: [speaks] }"), { ok: true, diagnostics: [] });
  });

  it("on a flow that leaves neither a client nor a service, it is an error at the flow", () => {
    const result = load("{ id: speaks, from: patients, to: app, channel: message, relays: [] }");
    assert.deepEqual(result, { ok: false, diagnostics: [[7, 11, "error", "invalid-value", "flow 'speaks' has relays but leaves 'patients', which is not a client or service: relays say which of what reaches a client or service it passes on"]] });
  });

  it("naming a flow that does not arrive where it leaves is an error at the flow", () => {
    const result = load("{ id: speaks, from: patients, to: app, channel: message }", "{ id: upload, from: app, to: backend, channel: api }", "{ id: reply, from: backend, to: app, channel: output, relays: [speaks] }");
    assert.deepEqual(result, { ok: false, diagnostics: [[9, 11, "error", "invalid-value", "flow 'reply' relays 'speaks', which does not arrive at 'backend': a flow can carry on only what reaches the component it leaves"]] });
  });
});
