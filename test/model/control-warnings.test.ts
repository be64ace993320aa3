import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diskFiles, memoryFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";

/** Loads a model whose controls are `controls` (YAML flow mappings, one per line) and gives its diagnostics. */
function diagnosticsOf(...controls: string[]) {
  const text = [
    "threatwright: 1",
    "system: { id: s, name: S, owner: a@example.com }",
    "actors:",
    "  - { id: staff, type: employee }",
    "models:",
    '  - { id: llm, provider: V, hosting: hosted-api, version: "1", pinned: true }',
    "agents:",
    "  - { id: bot, models: [llm] }",
    "controls:",
    ...controls.map((c) => `  - ${c}`),
    "",
  ].join("\n");
  const result = loadModel("m/threatwright.yaml", memoryFiles({ "m/threatwright.yaml": text }));
  assert.ok(result.ok, "a warning leaves the model valid");
  return result.diagnostics.map((d) => [d.line, d.col, d.severity, d.code, d.message]);
}

describe("warnings about controls", () => {
  it("names who approves on a control that is not an approval as ignored, at the control", () => {
    assert.deepEqual(diagnosticsOf("{ id: logs, type: telemetry, covers: [bot], approvers: [staff], separateFromRequester: true }"), [
      [10, 11, "warning", "field-for-another-type", "control 'logs' is a telemetry, and approvers and separateFromRequester are read only on a human-approval control: the analysis ignores them"],
    ]);
  });

  it("says what happens to an unanswered request is read only on an approval", () => {
    assert.deepEqual(diagnosticsOf("{ id: cap, type: spend-limit, covers: [bot], unanswered: proceeds }"), [
      [10, 11, "warning", "field-for-another-type", "control 'cap' is a spend-limit, and unanswered is read only on a human-approval control: the analysis ignores it"],
    ]);
  });

  it("says four eyes with nobody named to approve is ignored", () => {
    assert.deepEqual(diagnosticsOf("{ id: ok, type: human-approval, covers: [bot], separateFromRequester: true }"), [
      [10, 11, "warning", "four-eyes-without-approvers", "control 'ok' says approvers are kept off their own requests (separateFromRequester), but names no approvers: the analysis cannot tell who approves, and ignores it"],
    ]);
  });

  it("stays silent on an approval that names its approvers, and on a condition elsewhere, which still halves that control", () => {
    assert.deepEqual(diagnosticsOf("{ id: ok, type: human-approval, covers: [bot], approvers: [staff], separateFromRequester: true }", "{ id: cap, type: rate-limit, covers: [bot], condition: anonymous users only }"), []);
  });

  it("asks about a supervised agent with an approval on some acting tools and none on others, at the agent", () => {
    const supervised = (controls: string[]) => {
      const text = [
        "threatwright: 1",
        "system: { id: s, name: S, owner: a@example.com }",
        "models:",
        '  - { id: llm, provider: V, hosting: hosted-api, version: "1", pinned: true }',
        "agents:",
        "  - { id: coder, models: [llm], autonomy: supervised, tools: [terminal, query, search] }",
        "tools:",
        "  - { id: terminal, capabilities: [{ action: execute }] }",
        "  - { id: query, capabilities: [{ action: delete }] }",
        "  - { id: search, capabilities: [{ action: read }] }",
        ...(controls.length ? ["controls:", ...controls.map((c) => `  - ${c}`)] : []),
        "",
      ].join("\n");
      const result = loadModel("m/threatwright.yaml", memoryFiles({ "m/threatwright.yaml": text }));
      assert.ok(result.ok);
      return result.diagnostics.map((d) => [d.line, d.col, d.code, d.message, d.hint]);
    };
    assert.deepEqual(supervised(["{ id: click, type: human-approval, covers: [terminal] }"]), [
      [
        6,
        11,
        "supervised-with-some-approvals",
        "agent 'coder' is supervised (a person approves each action), yet only some of its acting tools have an approval control; the analysis takes supervised at its word for query",
        "if it runs without a person's click, write autonomy: autonomous and keep the approval controls on the tools that ask",
      ],
    ]);
    // Every acting tool gated, or none (the read-only search does not count), or the approval only planned: nothing to ask.
    assert.deepEqual(supervised(["{ id: click, type: human-approval, covers: [terminal, query] }"]), []);
    assert.deepEqual(supervised([]), []);
    assert.deepEqual(supervised(["{ id: click, type: human-approval, covers: [terminal], status: planned }"]), []);
  });

  it("finds nothing to warn about in the shipped examples", () => {
    for (const example of ["support-assistant", "coding-agent", "invoice-agents"]) {
      const result = loadModel(`examples/${example}`, diskFiles);
      assert.deepEqual(result.diagnostics, [], example);
    }
  });
});

describe("a pin the model contradicts", () => {
  /** An MCP server pinned as `pinned`, and a pinned-artifacts control on it with `extra` fields. */
  function pinDiagnostics(pinned: string, extra = "") {
    const text = [
      "threatwright: 1",
      "system: { id: s, name: S, owner: a@example.com }",
      "mcpServers:",
      `  - { id: k8s-mcp, transport: stdio, publisher: a community author, publisherTrust: community, pinned: ${pinned} }`,
      "controls:",
      `  - { id: k8s-pin, type: pinned-artifacts, covers: [k8s-mcp]${extra} }`,
      "",
    ].join("\n");
    const result = loadModel("m/threatwright.yaml", memoryFiles({ "m/threatwright.yaml": text }));
    assert.ok(result.ok, "a warning leaves the model valid");
    return result.diagnostics.map((d) => [d.line, d.code, d.message]);
  }

  it("warns where a pin control covers a server the model says is not pinned", () => {
    assert.deepEqual(pinDiagnostics("none"), [
      [6, "pin-contradicts-model", "control 'k8s-pin' pins 'k8s-mcp', which the model says is not pinned (pinned: none): the control still takes steps off the rug-pull and supply-chain findings"],
    ]);
  });

  it("stays silent where the server is pinned, or the pin is only planned", () => {
    assert.deepEqual(pinDiagnostics("version"), []);
    assert.deepEqual(pinDiagnostics("none", ", status: planned"), []);
  });
});

describe("a rotation the model contradicts", () => {
  /**
   * A static key rotated every P90D, last on 2026-08-01 (so due 2026-10-30) unless `rotation` says
   * otherwise, and a secret-rotation control on it with `extra` fields. Loading has no analysis date:
   * only the control's own verifiedOn can show the key was overdue when someone checked the control.
   */
  function rotationDiagnostics(extra: string, rotation = "{ period: P90D, lastRotated: 2026-08-01 }", credential = "") {
    const text = [
      "threatwright: 1",
      "system: { id: s, name: S, owner: a@example.com }",
      "identities:",
      "  - id: backend-sa",
      "    type: service-account",
      "    owner: platform-team",
      "    credentials:",
      `      - { id: backend-key, type: api-key, lifetime: static, storage: secret-manager, rotation: ${rotation}${credential} }`,
      "controls:",
      `  - { id: key-rotation, type: secret-rotation, covers: [backend-key]${extra} }`,
      "",
    ].join("\n");
    const result = loadModel("m/threatwright.yaml", memoryFiles({ "m/threatwright.yaml": text }));
    assert.ok(result.ok, "a warning leaves the model valid");
    return result.diagnostics.map((d) => [d.line, d.code, d.message, d.hint]);
  }

  it("warns where the control was verified after the credential fell due and the model keeps the older rotation", () => {
    assert.deepEqual(rotationDiagnostics(", verified: true, verifiedOn: 2026-11-01"), [
      [
        10,
        "rotation-contradicts-model",
        "control 'key-rotation' was checked on 2026-11-01, after 'backend-key' was due for rotation (2026-10-30: last rotated 2026-08-01, every P90D), yet the model still records that earlier rotation: TW-NHI-002 does not count the control against it",
        "if the credential was rotated, update its rotation.lastRotated; if the rotation did not run, fix it and check the control again",
      ],
    ]);
  });

  it("stays silent where nothing dates the control after the due date", () => {
    // Checked before the key fell due, or on the day itself (not yet overdue, as TW-NHI-002 counts it).
    assert.deepEqual(rotationDiagnostics(", verified: true, verifiedOn: 2026-10-01"), []);
    assert.deepEqual(rotationDiagnostics(", verified: true, verifiedOn: 2026-10-30"), []);
    // Near miss: the same check after a rotation the model records (2026-10-15 + P90D = 2027-01-13).
    assert.deepEqual(rotationDiagnostics(", verified: true, verifiedOn: 2026-11-01", "{ period: P90D, lastRotated: 2026-10-15 }"), []);
    // Not verified, or verified with no date: whether it is overdue depends on the analysis date, which loading does not know.
    assert.deepEqual(rotationDiagnostics(", verifiedOn: 2026-11-01"), []);
    assert.deepEqual(rotationDiagnostics(", verified: true"), []);
    // Planned, or partial (it may leave this credential out): no claim that it rotated the key.
    assert.deepEqual(rotationDiagnostics(", status: planned, verified: true, verifiedOn: 2026-11-01"), []);
    assert.deepEqual(rotationDiagnostics(", status: partial, verified: true, verifiedOn: 2026-11-01"), []);
    // No last rotation to contradict, or the key had expired by the check: nothing left to rotate.
    assert.deepEqual(rotationDiagnostics(", verified: true, verifiedOn: 2026-11-01", "{ period: P90D }"), []);
    assert.deepEqual(rotationDiagnostics(", verified: true, verifiedOn: 2026-11-01", undefined, ", expires: 2026-10-31"), []);
  });
});
