import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { parse } from "yaml";
import type { DecisionEditPlan, DecisionRequest } from "../../src/lifecycle/decisions-file.js";
import { editDecisionsText, includeText, planDecisionEdit, writeFilesAtomically } from "../../src/lifecycle/decisions-file.js";
import { diskFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";

const folders: string[] = [];
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A model folder in a fresh temporary folder, from file name to text. */
function modelFolder(files: Record<string, string>): string {
  const folder = mkdtempSync(path.join(tmpdir(), "tw-decisions-"));
  folders.push(folder);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder, name), text);
  return folder;
}

function read(folder: string, name: string): string {
  return readFileSync(path.join(folder, name), "utf8");
}

/** Every file of the folder with its text, to check that nothing changed. */
function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(readdirSync(folder).sort().map((name) => [name, read(folder, name)]));
}

function plan(folder: string, request: DecisionRequest) {
  const loaded = loadModel(folder, diskFiles);
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.diagnostics));
  return planDecisionEdit(loaded.loaded, request, diskFiles);
}

/** Plans and writes the edit, as the decide command does. */
function record(folder: string, request: DecisionRequest): DecisionEditPlan {
  const outcome = plan(folder, request);
  assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.problem));
  writeFilesAtomically(outcome.plan.writes);
  return outcome.plan;
}

const ROOT = `# The shop's threat model.
threatwright: 1

system:
  id: shop
  name: Shop   # as customers know it
  owner: team@example.com

include: [controls.yaml, decisions.yaml]  # decisions live apart

actors:
  - id: customers
    type: customer
`;

const CONTROLS = `controls:
  - id: rate-limit
    type: rate-limit
    covers: [customers]
  - id: audit-log
    type: telemetry
    covers: [customers]
`;

const DECISIONS = `# yaml-language-server: $schema=../schema/threatwright-fragment.schema.json
# Decisions, reviewed every quarter.

decisions:
  # The exfiltration path: waiting for the allow-list.
  - finding: TW-EXF-001@agent+send-email   # the big one
    status: mitigating
    owner: "appsec@example.com"
    justification: >-
      The allow-list ships with
      release 4.2.
    # Tracked in Jira.
    ticket: SEC-12

  - {finding: TW-PI-001@agent, status: open}

# Keep this list sorted by rule.
`;

describe("recording a decision in an existing decisions list", () => {
  it("changes the entry's values in place, adds new fields in their usual place, and keeps every other byte", () => {
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": DECISIONS });
    const result = record(folder, { finding: "TW-EXF-001@agent+send-email", set: { status: "mitigated", owner: "sec@example.com", due: "2026-12-31", reviewed: "2026-11-22", controls: ["rate-limit"] } });
    assert.equal(
      read(folder, "decisions.yaml"),
      `# yaml-language-server: $schema=../schema/threatwright-fragment.schema.json
# Decisions, reviewed every quarter.

decisions:
  # The exfiltration path: waiting for the allow-list.
  - finding: TW-EXF-001@agent+send-email   # the big one
    status: mitigated
    owner: "sec@example.com"
    due: 2026-12-31
    justification: >-
      The allow-list ships with
      release 4.2.
    # Tracked in Jira.
    ticket: SEC-12
    reviewed: 2026-11-22
    controls: [rate-limit]

  - {finding: TW-PI-001@agent, status: open}

# Keep this list sorted by rule.
`,
    );
    assert.equal(read(folder, "threatwright.yaml"), ROOT);
    assert.equal(read(folder, "controls.yaml"), CONTROLS);
    assert.equal(result.newEntry, false);
    assert.deepEqual(result.at, { file: path.join(folder, "decisions.yaml"), line: 6, col: 14 });
    assert.deepEqual(result.changes, [
      { field: "status", before: "mitigating", after: "mitigated" },
      { field: "owner", before: "appsec@example.com", after: "sec@example.com" },
      { field: "due", after: "2026-12-31" },
      { field: "reviewed", after: "2026-11-22" },
      { field: "controls", after: "rate-limit" },
    ]);
  });

  it("rewrites a block scalar as a block scalar and a block list of controls as a block list, its item comment kept", () => {
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": DECISIONS.replace("    ticket: SEC-12\n", "    ticket: SEC-12\n    controls:\n      - audit-log   # for now\n") });
    record(folder, { finding: "TW-EXF-001@agent+send-email", set: { justification: "Ships in 4.3.", controls: ["rate-limit", "audit-log"] } });
    const text = read(folder, "decisions.yaml");
    assert.match(text, /\n {4}justification: >-\n {6}Ships in 4\.3\.\n {4}# Tracked in Jira\.\n {4}ticket: SEC-12\n {4}controls:\n {6}- rate-limit\n {6}- audit-log {3}# for now\n\n {2}- \{finding: TW-PI-001@agent/);
  });

  it("removes a field's lines and nothing else: a block scalar whole, the comment above the next field kept", () => {
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": DECISIONS });
    const result = record(folder, { finding: "TW-EXF-001@agent+send-email", set: {}, remove: ["justification", "expires"] });
    assert.equal(read(folder, "decisions.yaml"), DECISIONS.replace('    justification: >-\n      The allow-list ships with\n      release 4.2.\n', ""));
    // expires was not there: only what was removed is reported.
    assert.deepEqual(result.changes, [{ field: "justification", before: "The allow-list ships with release 4.2." }]);
  });

  it("moves the next field onto the dash when the field removed is the entry's first", () => {
    const decisions = "decisions:\n  - expires: 2027-03-31   # was accepted\n    finding: TW-PI-001@agent\n    status: mitigating\n";
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": decisions });
    record(folder, { finding: "TW-PI-001@agent", set: {}, remove: ["expires"] });
    assert.equal(read(folder, "decisions.yaml"), "decisions:\n  - finding: TW-PI-001@agent\n    status: mitigating\n");
  });

  it("removes a field from a one-line entry and changes a value in the same edit", () => {
    const decisions = DECISIONS.replace("{finding: TW-PI-001@agent, status: open}", "{finding: TW-PI-001@agent, status: accepted, justification: Internal users only, expires: 2027-03-31}");
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": decisions });
    record(folder, { finding: "TW-PI-001@agent", set: { status: "mitigating" }, remove: ["expires"] });
    assert.equal(read(folder, "decisions.yaml"), DECISIONS.replace("{finding: TW-PI-001@agent, status: open}", "{finding: TW-PI-001@agent, status: mitigating, justification: Internal users only}"));
  });

  it("never touches the next entry when the list being replaced ends in a comment line", () => {
    const text = "decisions:\n  - finding: A@x\n    status: mitigating\n    controls:\n      - audit-log\n      # the classifier once SUP-77 lands\n  - {finding: B@y, status: accepted, justification: Low volume, expires: 2027-03-31}\n";
    const edited = editDecisionsText(text, { finding: "A@x", set: { controls: ["audit-log", "rate-limit"] } });
    assert.ok(!("error" in edited));
    assert.equal(edited.text, text.replace("      - audit-log\n", "      - audit-log\n      - rate-limit\n"));
  });

  it("never touches the next entry when an empty value has a comment line below it", () => {
    const text = "decisions:\n  - finding: A@x\n    owner:\n    # who takes this?\n  - finding: B@y\n    status: open\n";
    const edited = editDecisionsText(text, { finding: "A@x", set: { owner: "platform" } });
    assert.ok(!("error" in edited));
    assert.equal(edited.text, text.replace("    owner:\n", "    owner: platform\n"));
  });

  it("writes a block list again as a block list: the key line, the items that stay and the comments above them are kept", () => {
    const text = "decisions:\n  - finding: A@x\n    controls: # why these\n      # the audit trail\n      - audit-log  # since May\n      # going away\n      - old-filter\n    owner: bob\n";
    const edited = editDecisionsText(text, { finding: "A@x", set: { controls: ["audit-log", "rate-limit"] } });
    assert.ok(!("error" in edited));
    assert.equal(edited.text, "decisions:\n  - finding: A@x\n    controls: # why these\n      # the audit trail\n      - audit-log  # since May\n      - rate-limit\n    owner: bob\n");
  });

  it("writes a flow list again in its brackets, keeping the comment after it", () => {
    const text = "decisions:\n  - finding: A@x\n    controls: [audit-log]   # for now\n";
    const edited = editDecisionsText(text, { finding: "A@x", set: { controls: ["audit-log", "rate-limit"] } });
    assert.ok(!("error" in edited));
    assert.equal(edited.text, "decisions:\n  - finding: A@x\n    controls: [audit-log, rate-limit]   # for now\n");
  });

  it("refuses to change an anchored value that another entry may read through an alias", () => {
    const text = "decisions:\n  - finding: A@x\n    owner: &lead bob@example.com\n  - finding: B@y\n    owner: *lead\n";
    const edited = editDecisionsText(text, { finding: "A@x", set: { owner: "alice@example.com" } });
    assert.deepEqual(edited, { error: "the decision on A@x has a YAML anchor on its 'owner', which other entries may share; change it by hand" });
    // The alias itself is this entry's own: replacing it changes nothing else.
    const aliasEdit = editDecisionsText(text, { finding: "B@y", set: { owner: "carol@example.com" } });
    assert.ok(!("error" in aliasEdit));
    assert.equal(aliasEdit.text, text.replace("    owner: *lead\n", "    owner: carol@example.com\n"));
  });

  it("writes a one-line entry again on one line", () => {
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": DECISIONS });
    record(folder, { finding: "TW-PI-001@agent", set: { status: "accepted", justification: "Internal users only", expires: "2027-03-31" } });
    assert.equal(read(folder, "decisions.yaml"), DECISIONS.replace("{finding: TW-PI-001@agent, status: open}", "{finding: TW-PI-001@agent, status: accepted, justification: Internal users only, expires: 2027-03-31}"));
  });

  it("appends a new entry after the last one, before the comments that follow the list", () => {
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": DECISIONS.replace("  - {finding: TW-PI-001@agent, status: open}\n", "") });
    const result = record(folder, { finding: "TW-NHI-006@api-key", set: { status: "accepted", owner: "platform", justification: "Rotation: due in Q1", expires: "2027-01-31", reviewed: "2026-11-22" } });
    assert.equal(
      read(folder, "decisions.yaml"),
      DECISIONS.replace(
        "  - {finding: TW-PI-001@agent, status: open}\n",
        "",
      ).replace("    ticket: SEC-12\n", '    ticket: SEC-12\n  - finding: TW-NHI-006@api-key\n    status: accepted\n    owner: platform\n    justification: "Rotation: due in Q1"\n    expires: 2027-01-31\n    reviewed: 2026-11-22\n'),
    );
    assert.equal(result.newEntry, true);
    assert.equal(result.at.line, 14);
  });

  it("quotes a value that plain text would read as something else", () => {
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": DECISIONS });
    record(folder, { finding: "TW-EXF-001@agent+send-email", set: { ticket: "123" } });
    assert.match(read(folder, "decisions.yaml"), /\n {4}ticket: "123"\n/);
    const loaded = loadModel(folder, diskFiles);
    assert.ok(loaded.ok);
    assert.equal(loaded.loaded.model.decisions[0]!.ticket, "123");
  });

  it("edits the file that holds the finding's decision, not the first file with decisions", () => {
    const root = ROOT.replace("actors:", "decisions:\n  - finding: TW-GOV-001@shop\n    status: open\n\nactors:");
    const folder = modelFolder({ "threatwright.yaml": root, "controls.yaml": CONTROLS, "decisions.yaml": DECISIONS });
    const result = record(folder, { finding: "TW-PI-001@agent", set: { status: "false-positive" } });
    assert.equal(read(folder, "threatwright.yaml"), root);
    assert.equal(result.at.file, path.join(folder, "decisions.yaml"));
    const other = record(folder, { finding: "TW-NEW-001@agent", set: { status: "open" } });
    assert.equal(other.at.file, path.join(folder, "threatwright.yaml"), "a new decision goes to the first file that holds decisions");
  });

  it("keeps Windows line endings", () => {
    const crlf = DECISIONS.replace(/\n/g, "\r\n");
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": crlf });
    record(folder, { finding: "TW-EXF-001@agent+send-email", set: { status: "mitigated", controls: ["rate-limit"] } });
    const text = read(folder, "decisions.yaml");
    assert.doesNotMatch(text, /[^\r]\n/);
    assert.match(text, /\r\n {4}controls: \[rate-limit\]\r\n/);
  });

  it("reports no change, and writes nothing, when the decision already says it", () => {
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": DECISIONS });
    const outcome = plan(folder, { finding: "TW-EXF-001@agent+send-email", set: { status: "mitigating", owner: "appsec@example.com" } });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.plan.changes, []);
    assert.deepEqual(outcome.plan.writes, []);
  });
});

describe("a model without decisions", () => {
  const root = ROOT.replace("include: [controls.yaml, decisions.yaml]  # decisions live apart", "include: [controls.yaml]  # one file per list");

  it("gets a decisions.yaml next to the root file, named in the root's include list", () => {
    const folder = modelFolder({ "threatwright.yaml": root, "controls.yaml": CONTROLS });
    const result = record(folder, { finding: "TW-EXF-001@agent+send-email", set: { status: "open", owner: "appsec", reviewed: "2026-11-22" } });
    assert.equal(
      read(folder, "decisions.yaml"),
      `# Decisions on findings, keyed by their stable IDs. 'threatwright decide' edits this file
# in place; comments you add here are kept.

decisions:
  - finding: TW-EXF-001@agent+send-email
    status: open
    owner: appsec
    reviewed: 2026-11-22
`,
    );
    assert.equal(read(folder, "threatwright.yaml"), root.replace("include: [controls.yaml]", "include: [controls.yaml, decisions.yaml]"));
    assert.equal(result.createdFile, path.join(folder, "decisions.yaml"));
    assert.equal(result.includedFrom, path.join(folder, "threatwright.yaml"));
    assert.deepEqual(result.writes.map((w) => [path.basename(w.file), w.created]), [["decisions.yaml", true], ["threatwright.yaml", false]]);
    assert.equal(result.loaded.model.decisions.length, 1);
  });

  it("names the fragment schema beside the schema the root file names", () => {
    const withSchema = `# yaml-language-server: $schema=../../schema/threatwright.schema.json\n${root}`;
    const folder = modelFolder({ "threatwright.yaml": withSchema, "controls.yaml": CONTROLS });
    record(folder, { finding: "TW-EXF-001@agent+send-email", set: { status: "open" } });
    assert.match(read(folder, "decisions.yaml"), /^# yaml-language-server: \$schema=\.\.\/\.\.\/schema\/threatwright-fragment\.schema\.json\n# Decisions/);
  });

  it("adds an include list after the system block when the root file has none", () => {
    const alone = ROOT.replace("include: [controls.yaml, decisions.yaml]  # decisions live apart\n\n", "");
    const folder = modelFolder({ "threatwright.yaml": alone });
    record(folder, { finding: "TW-EXF-001@agent+send-email", set: { status: "open" } });
    assert.equal(read(folder, "threatwright.yaml"), alone.replace("  owner: team@example.com\n", "  owner: team@example.com\n\ninclude: [decisions.yaml]\n"));
  });

  it("adds the list to an included decisions.yaml that has none yet", () => {
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": "# Decisions come here.\ncontrols: []" });
    const result = record(folder, { finding: "TW-EXF-001@agent+send-email", set: { status: "open" } });
    assert.equal(read(folder, "decisions.yaml"), "# Decisions come here.\ncontrols: []\n\ndecisions:\n  - finding: TW-EXF-001@agent+send-email\n    status: open\n");
    assert.equal(read(folder, "threatwright.yaml"), ROOT);
    assert.equal(result.createdFile, undefined);
  });

  it("refuses, writing nothing, when a decisions.yaml that the model does not include is in the way", () => {
    const folder = modelFolder({ "threatwright.yaml": root, "controls.yaml": CONTROLS, "decisions.yaml": "# notes\n" });
    const before = snapshot(folder);
    const outcome = plan(folder, { finding: "TW-EXF-001@agent+send-email", set: { status: "open" } });
    assert.ok(!outcome.ok);
    assert.equal(outcome.problem.message, `${path.join(folder, "decisions.yaml")} exists but is not part of the model`);
    assert.match(outcome.problem.hint ?? "", /add 'decisions\.yaml' to the include list/);
    assert.deepEqual(snapshot(folder), before);
  });
});

describe("refusals", () => {
  it("refuses an edit that would make the model invalid, and the files stay as they were", () => {
    const folder = modelFolder({ "threatwright.yaml": ROOT, "controls.yaml": CONTROLS, "decisions.yaml": DECISIONS });
    const before = snapshot(folder);
    const outcome = plan(folder, { finding: "TW-EXF-001@agent+send-email", set: { status: "mitigated", controls: ["rate-limt"] } });
    assert.ok(!outcome.ok);
    assert.equal(outcome.problem.kind, "invalid-result");
    assert.equal(outcome.problem.message, "the edit would make the model invalid; nothing was written");
    assert.equal(outcome.problem.diagnostics[0]?.code, "unresolved-reference");
    assert.equal(outcome.problem.diagnostics[0]?.hint, "did you mean 'rate-limit'?");
    assert.deepEqual(snapshot(folder), before);
  });

  it("refuses a root file written as one flow mapping rather than rewrite it", () => {
    const flow = "{threatwright: 1, system: {id: shop, name: Shop, owner: team}}\n";
    const folder = modelFolder({ "threatwright.yaml": flow });
    const outcome = plan(folder, { finding: "TW-GOV-002@shop", set: { status: "open" } });
    assert.ok(!outcome.ok);
    assert.equal(outcome.problem.kind, "refused");
    assert.match(outcome.problem.message, /threatwright\.yaml: the file is written as one flow mapping/);
    assert.deepEqual(snapshot(folder), { "threatwright.yaml": flow });
  });

  it("leaves every file as it was when one of several writes fails", () => {
    const folder = modelFolder({ "threatwright.yaml": ROOT });
    assert.throws(() =>
      writeFilesAtomically([
        { file: path.join(folder, "threatwright.yaml"), text: "changed", created: false },
        { file: path.join(folder, "missing-folder", "decisions.yaml"), text: "new", created: true },
      ]),
    );
    assert.deepEqual(snapshot(folder), { "threatwright.yaml": ROOT }, "no temporary file is left behind either");
    assert.ok(!existsSync(path.join(folder, "missing-folder")));
  });
});

describe("text edits", () => {
  const request: DecisionRequest = { finding: "TW-A-001@x", set: { status: "open" } };

  it("turns an empty or null decisions list into a block list, keeping a comment on the line", () => {
    assert.deepEqual(editDecisionsText("a: 1\ndecisions: []  # none yet\nb: 2\n", request), {
      text: "a: 1\ndecisions:  # none yet\n  - finding: TW-A-001@x\n    status: open\nb: 2\n",
      newEntry: true,
      changes: [{ field: "status", after: "open" }],
    });
    assert.equal((editDecisionsText("decisions:   # later\n", request) as { text: string }).text, "decisions:   # later\n  - finding: TW-A-001@x\n    status: open\n");
  });

  it("appends to a flow list, and to a block list that ends without a newline", () => {
    assert.equal((editDecisionsText("decisions: [{finding: TW-B-001@y, status: open}]\n", request) as { text: string }).text, "decisions: [{finding: TW-B-001@y, status: open}, {finding: TW-A-001@x, status: open}]\n");
    assert.equal((editDecisionsText("decisions:\n- finding: TW-B-001@y\n  status: open", request) as { text: string }).text, "decisions:\n- finding: TW-B-001@y\n  status: open\n- finding: TW-A-001@x\n  status: open\n");
  });

  it("writes any text so that it reads back as written, in block and flow entries alike", () => {
    const text = "decisions:\n  - {finding: TW-B-001@y, status: open}\n  - finding: TW-A-001@x\n    status: open\n    owner: bob   # the lead\n";
    for (const value of ["a, b: c", "line one\nline two", "# not a comment", "[x]", "", "it's", "null", "true", "2026-01-01", " padded "]) {
      const flow = editDecisionsText(text, { finding: "TW-B-001@y", set: { justification: value } }) as { text: string };
      const block = editDecisionsText(text, { finding: "TW-A-001@x", set: { owner: value, justification: value } }) as { text: string };
      assert.equal(parse(flow.text).decisions[0].justification, value);
      assert.equal(parse(block.text).decisions[1].owner, value);
      assert.equal(parse(block.text).decisions[1].justification, value);
      assert.match(block.text, /# the lead\n/, "the comment on the edited value stays");
    }
  });

  it("refuses a decisions key that does not hold a list", () => {
    assert.deepEqual(editDecisionsText("decisions: none\n", request), { error: "'decisions' holds something other than a list" });
  });

  it("adds to a block include list and to an empty one", () => {
    assert.deepEqual(includeText("threatwright: 1\ninclude:\n  - a.yaml   # first\n# next\n", "decisions.yaml"), { text: "threatwright: 1\ninclude:\n  - a.yaml   # first\n  - decisions.yaml\n# next\n" });
    assert.deepEqual(includeText("threatwright: 1\ninclude: []\n", "decisions.yaml"), { text: "threatwright: 1\ninclude:\n  - decisions.yaml\n" });
  });
});
