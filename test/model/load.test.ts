// The loader against fixtures on disk: every kind of bad input gives its exact
// diagnostics (code, file, line, column, message and hint), worked out by hand
// from the fixture; valid models, including split ones, load.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import type { Diagnostic } from "../../src/model/diagnostics.js";
import { diskFiles, memoryFiles } from "../../src/model/files.js";
import type { LoadResult } from "../../src/model/load.js";
import { loadModel } from "../../src/model/load.js";
import { Actor, Model, RootFile, System, Tool } from "../../src/model/schema.js";
import { descriptionOf, error, fixture, MINIMAL_ROOT } from "./helpers.js";

function load(...parts: string[]): LoadResult {
  return loadModel(fixture(...parts), diskFiles);
}

/** The diagnostics of a model that must not load. */
function diagnosticsOf(result: LoadResult): Diagnostic[] {
  assert.equal(result.ok, false, "the model should be invalid");
  return result.diagnostics;
}

const ROOT_KEYS =
  "threatwright, system, review, include, actors, models, agents, tools, mcpServers, datastores, sources, services, clients, pipelines, prompts, datasets, data, flows, boundaries, identities, controls, decisions, adversaries, workflows";
const MODEL_KEYS = "id, name, description, tags, owner, boundary, runsAs, runsOn, exposure, authentication, provider, hosting, task, version, pinned, fineTunedOn, artifact, decision";
const AGENT_KEYS = "id, name, description, tags, owner, boundary, runsAs, runsOn, models, thirdParty, prompts, tools, mcpServers, autonomy, decision";
const EMPTY_HINT = "write the model's elements, or remove the include of this file";

describe("loading a valid model", () => {
  it("loads a model given the path of its root file", () => {
    const result = load("valid", "threatwright.yaml");
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(result.loaded.files, [fixture("valid", "threatwright.yaml")]);
    assert.equal(result.loaded.model.system.name, "Shop assistant");
    assert.deepEqual(
      [...result.loaded.kinds].sort(),
      [
        ["chat-llm", "model"],
        ["customer-asks", "flow"],
        ["customers", "actor"],
        ["lookup-order", "tool"],
        ["order-records", "data"],
        ["orders-db", "datastore"],
        ["support-agent", "agent"],
      ],
    );
    assert.deepEqual(result.loaded.locations.get("support-agent"), { file: fixture("valid", "threatwright.yaml"), line: 15, col: 9 });
    assert.deepEqual(result.loaded.locations.get("decision:TW-EXFIL-001:support-agent"), { file: fixture("valid", "threatwright.yaml"), line: 37, col: 14 });
    assert.equal(result.loaded.model.decisions.length, 1);
  });

  it("loads a model given the folder that holds threatwright.yaml", () => {
    const result = load("valid");
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    assert.deepEqual(result.loaded.files, [fixture("valid", "threatwright.yaml")]);
    assert.equal(result.loaded.model.agents[0]?.id, "support-agent");
  });

  it("follows includes of includes and reads a file included from two places once", () => {
    const result = load("valid-includes");
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    // Root first, then depth first in include order; parts/nested/shared.yaml is included by
    // both parts (a diamond) and read once, so its model is not a duplicate ID.
    assert.deepEqual(result.loaded.files, [
      fixture("valid-includes", "threatwright.yaml"),
      fixture("valid-includes", "parts", "agents.yaml"),
      fixture("valid-includes", "parts", "nested", "shared.yaml"),
      fixture("valid-includes", "parts", "nested", "leaf.yaml"),
      fixture("valid-includes", "parts", "data.yaml"),
    ]);
    const { model, locations } = result.loaded;
    assert.deepEqual(
      model.models.map((m) => m.id),
      ["chat-llm"],
    );
    assert.deepEqual(
      model.actors.map((a) => a.id),
      ["customers"],
    );
    assert.deepEqual(
      model.flows.map((f) => f.id),
      ["customer-asks"],
    );
    assert.deepEqual(locations.get("customers"), { file: fixture("valid-includes", "parts", "nested", "leaf.yaml"), line: 2, col: 9 });
    assert.deepEqual(locations.get("order-records"), { file: fixture("valid-includes", "parts", "data.yaml"), line: 7, col: 9 });
  });

  it("treats a file whose name starts with two dots as inside the model's folder", () => {
    const result = load("include-dotdot-name");
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    assert.deepEqual(result.loaded.files, [fixture("include-dotdot-name", "threatwright.yaml"), fixture("include-dotdot-name", "..notes.yaml")]);
  });
});

describe("reporting bad input with its exact position", () => {
  it("reports unknown keys with a did-you-mean, or the allowed keys when nothing is close", () => {
    const file = fixture("unknown-key", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("unknown-key")), [
      error(file, 6, 3, "unknown-key", "unknown key 'favouriteColour' in system", "allowed keys: id, name, description, owner, repository, euAiActRisk, materialLoss"),
      error(file, 10, 5, "unknown-key", "unknown key 'descripton' in agents[0]", "did you mean 'description'?"),
      error(file, 15, 1, "unknown-key", "unknown key 'agentz' in the top level", "did you mean 'agents'?"),
    ]);
  });

  it("reports a currency that is not an ISO 4217 code, at the value; a code passes", () => {
    const control = (currency: string) =>
      `${MINIMAL_ROOT}actors:\n  - {id: visitors, type: public}\ncontrols:\n  - id: gate\n    type: human-approval\n    covers: [visitors]\n    threshold: {amount: 0.7, currency: ${currency}}\n`;
    // Line 12 is the threshold; "    threshold: {amount: 0.7, currency: " is 39 characters, so the value starts at column 40.
    const at = (currency: string) => diagnosticsOf(loadModel("m.yaml", memoryFiles({ "m.yaml": control(currency) }))).map((d) => [d.line, d.col, d.code, d.message]);
    const message = "controls[0].threshold.currency: expected an ISO 4217 currency code: three capital letters, such as EUR or USD";
    assert.deepEqual(at("RISK-SCORE"), [[12, 40, "invalid-value", message]]);
    assert.deepEqual(at("eur"), [[12, 40, "invalid-value", message]]);
    assert.ok(loadModel("m.yaml", memoryFiles({ "m.yaml": control("EUR") })).ok);
  });

  it("says a material loss must be more than zero (an exclusive bound), and that a negative amount must be at least zero", () => {
    const loss = (amount: string) => `${MINIMAL_ROOT}  materialLoss: {amount: ${amount}, currency: EUR}\n`;
    const spend = (amount: string) => `${MINIMAL_ROOT}actors:\n  - {id: visitors, type: public}\ncontrols:\n  - {id: cap, type: spend-limit, covers: [visitors], threshold: {amount: ${amount}, currency: EUR}}\n`;
    const messages = (text: string) => diagnosticsOf(loadModel("m.yaml", memoryFiles({ "m.yaml": text }))).map((d) => d.message);
    assert.deepEqual(messages(loss("0")), ["system.materialLoss.amount: must be more than 0"]);
    assert.deepEqual(messages(spend("-1")), ["controls[0].threshold.amount: must be at least 0"]);
    assert.ok(loadModel("m.yaml", memoryFiles({ "m.yaml": loss("0.5") })).ok);
  });

  it("reports a key repeated in the same mapping, at the repeat", () => {
    const file = fixture("duplicate-key", "threatwright.yaml");
    const hint = "keep one of the two; YAML would silently drop the other";
    assert.deepEqual(diagnosticsOf(load("duplicate-key")), [
      error(file, 6, 3, "duplicate-key", "this key appears twice in the same mapping", hint),
      error(file, 10, 1, "duplicate-key", "this key appears twice in the same mapping", hint),
    ]);
  });

  it("reports an ID defined in two files, pointing at the first definition", () => {
    const root = fixture("duplicate-id", "threatwright.yaml");
    const more = fixture("duplicate-id", "more.yaml");
    assert.deepEqual(diagnosticsOf(load("duplicate-id")), [
      error(more, 2, 9, "duplicate-id", "ID 'customers' is already used by another element", `first defined at ${root}:9:9; IDs are unique across the whole model`),
      error(more, 5, 9, "duplicate-id", "ID 'orders' is already used by a datastore element", `first defined at ${root}:12:9; IDs are unique across the whole model`),
    ]);
  });

  it("shows the brackets when one ID is written where a list of IDs goes, and never echoes a secret-shaped value", () => {
    const model = (owners: string) => `threatwright: 1\nsystem: { id: s, name: S, owner: a@example.com }\nactors:\n  - { id: applicants, type: customer }\ndata:\n  - { id: d, classification: confidential, belongsTo: ${owners} }\n`;
    const hints = (owners: string) => diagnosticsOf(loadModel("m.yaml", memoryFiles({ "m.yaml": model(owners) }))).map((d) => [d.code, d.message, d.hint]);
    assert.deepEqual(hints("applicants"), [["wrong-type", "data[0].belongsTo must be a list, not text", "write it as a list: belongsTo: [applicants]"]]);
    assert.doesNotMatch(JSON.stringify(hints("ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9")), /ghp_A1b2/);
  });

  it("reports two decisions on one finding", () => {
    const file = fixture("duplicate-decision", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("duplicate-decision")), [
      error(file, 9, 14, "duplicate-decision", "finding 'TW-EXFIL-001:support-agent' already has a decision", `first decided at ${file}:7:14; keep one decision per finding`),
    ]);
  });

  it("reports values of the wrong type, with the field's description as the hint", () => {
    const file = fixture("wrong-type", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("wrong-type")), [
      error(file, 9, 20, "wrong-type", "actors[0].authenticated must be a boolean, not text", descriptionOf(Actor.shape.authenticated)),
      error(file, 14, 13, "wrong-type", "models[0].pinned must be a boolean, not a number", descriptionOf(Model.shape.pinned)),
      error(file, 15, 8, "wrong-type", "tools must be a list, not text", descriptionOf(RootFile.shape.tools)),
    ]);
  });

  it("reports unresolved references with a did-you-mean, the known IDs, or what to define", () => {
    const file = fixture("unresolved-reference", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("unresolved-reference")), [
      error(file, 12, 14, "unresolved-reference", "'chat-lm' is not the ID of a model", "did you mean 'chat-llm'?"),
      error(file, 13, 13, "unresolved-reference", "'lookup-order' is not the ID of a tool", "define a tool with this ID"),
      error(file, 16, 11, "unresolved-reference", "'zzz' is not the ID of a component", "known IDs of that kind: chat-llm, support-agent"),
      // Not an ID at all: the value is not echoed.
      error(file, 21, 9, "unresolved-reference", "this reference is not the ID of a component", "known IDs of that kind: chat-llm, support-agent"),
    ]);
  });

  it("reports a reference to an element of the wrong kind, with where that element is defined", () => {
    const file = fixture("wrong-reference-kind", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("wrong-reference-kind")), [
      error(file, 15, 14, "wrong-reference-kind", "'orders-db' is a datastore, but here a model is expected", `defined at ${file}:11:9`),
    ]);
  });

  it("reports missing required fields, including a missing choice from a list, at the mapping that lacks them", () => {
    const file = fixture("missing-field", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("missing-field")), [
      error(file, 3, 3, "missing-field", "missing required field 'name' in system", `add 'name:' (${descriptionOf(System.shape.name).replace(/\.$/, "")})`),
      error(file, 6, 5, "missing-field", "missing required field 'hosting' in models[0]", `add 'hosting:' (${descriptionOf(Model.shape.hosting).replace(/\.$/, "")})`),
    ]);
  });

  it("reports a missing format version as a missing field", () => {
    const file = fixture("missing-version", "threatwright.yaml");
    // Line 1 is a comment; the top-level mapping starts on line 2.
    assert.deepEqual(diagnosticsOf(load("missing-version")), [
      error(file, 2, 1, "missing-field", "missing required field 'threatwright' in the top level", `add 'threatwright:' (${descriptionOf(RootFile.shape.threatwright).replace(/\.$/, "")})`),
    ]);
  });

  it("reports values outside a closed list with a did-you-mean and the allowed values", () => {
    const file = fixture("invalid-enum", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("invalid-enum")), [
      error(file, 9, 15, "invalid-value", "agents[0].autonomy is not one of the allowed values", "did you mean 'autonomous'? allowed: suggest, supervised, autonomous"),
      error(file, 16, 21, "invalid-value", "data[0].classification is not one of the allowed values", "did you mean 'confidential'? allowed: public, internal, confidential, restricted"),
      error(
        file,
        17,
        13,
        "invalid-value",
        "data[0].flags[0] is not one of the allowed values",
        "did you mean 'personal'? allowed: personal, payment, health, credentials, financial, source-code, intellectual-property, biometric, children, government-id",
      ),
    ]);
  });

  it("reports several errors of different kinds at once, sorted by position", () => {
    const file = fixture("several-errors", "threatwright.yaml");
    // The reference error is found after the schema errors but sorts first, by line.
    assert.deepEqual(diagnosticsOf(load("several-errors")), [
      error(file, 8, 14, "unresolved-reference", "'chat-lm' is not the ID of a model", "did you mean 'chat-llm'?"),
      error(file, 9, 15, "invalid-value", "agents[0].autonomy is not one of the allowed values", "allowed: suggest, supervised, autonomous"),
      error(file, 13, 14, "invalid-value", "models[0].hosting is not one of the allowed values", "did you mean 'hosted-api'? allowed: hosted-api, self-hosted, on-device"),
      error(file, 14, 5, "unknown-key", "unknown key 'colour' in models[0]", `allowed keys: ${MODEL_KEYS}`),
      error(file, 17, 19, "invalid-value", "tools[0].capabilities: needs at least 1 item", descriptionOf(Tool.shape.capabilities)),
    ]);
  });

  it("reports an include cycle at the include that closes it", () => {
    const b = fixture("include-cycle", "b.yaml");
    assert.deepEqual(diagnosticsOf(load("include-cycle")), [
      error(b, 1, 11, "include-cycle", "include cycle: 'a.yaml' is already being included on this path", "remove one of the includes; each file should be included once"),
    ]);
  });

  it("reports a file that includes itself as a cycle", () => {
    const file = fixture("include-self", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("include-self")), [
      error(file, 6, 11, "include-cycle", "include cycle: 'threatwright.yaml' is already being included on this path", "remove one of the includes; each file should be included once"),
    ]);
  });

  it("refuses includes that leave the model's folder by '..' or by an absolute path", () => {
    const folder = fixture("include-outside", "model");
    const file = path.join(folder, "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("include-outside", "model")), [
      error(file, 7, 5, "include-outside-root", "included file '../outside.yaml' is outside the model's folder", `keep every model file inside ${folder}`),
      error(file, 8, 5, "include-outside-root", "include must be a path relative to this file", "write the path relative to the including file"),
    ]);
  });

  it("refuses an include through a symbolic link that points outside the model's folder", () => {
    const folder = fixture("include-symlink", "model");
    const file = path.join(folder, "threatwright.yaml");
    assert.equal(diskFiles.realpath(path.join(folder, "link.yaml")), diskFiles.realpath(fixture("include-symlink", "outside.yaml")), "link.yaml should be a symbolic link");
    assert.deepEqual(diagnosticsOf(load("include-symlink", "model")), [
      error(file, 8, 5, "include-outside-root", "included file 'link.yaml' is outside the model's folder", `keep every model file inside ${folder}`),
    ]);
  });

  it("refuses a path outside the folder even when no file is there", () => {
    const result = loadModel("m/threatwright.yaml", memoryFiles({ "m/threatwright.yaml": `${MINIMAL_ROOT}include: [../../nowhere.yaml]\n` }));
    assert.deepEqual(diagnosticsOf(result), [
      error("m/threatwright.yaml", 6, 11, "include-outside-root", "included file '../../nowhere.yaml' is outside the model's folder", "keep every model file inside m"),
    ]);
  });

  it("reports an include of a file that does not exist", () => {
    const file = fixture("include-not-found", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("include-not-found")), [
      error(file, 7, 5, "include-not-found", "included file 'parts/missing.yaml' does not exist", `paths are relative to ${fixture("include-not-found")}`),
    ]);
  });

  it("reports a file that is not UTF-8 at the invalid byte, counting the column in characters", () => {
    const file = fixture("not-utf8", "threatwright.yaml");
    // Line 4 is "  name: Café \xe9clair": the stray byte follows 13 characters (14 bytes, as é is two).
    assert.deepEqual(diagnosticsOf(load("not-utf8")), [error(file, 4, 14, "not-utf8", "file is not valid UTF-8 (byte 49)", "save the file as UTF-8")]);
  });

  it("reports an empty file", () => {
    const file = fixture("empty", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("empty")), [error(file, 1, 1, "empty-file", "file is empty", EMPTY_HINT)]);
  });

  it("reports a file that holds only comments", () => {
    const file = fixture("comments-only", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("comments-only")), [error(file, 1, 1, "empty-file", "file holds no content, only comments", EMPTY_HINT)]);
  });

  it("reports an included file that holds only blank lines", () => {
    const file = fixture("empty-include", "empty.yaml");
    assert.deepEqual(diagnosticsOf(load("empty-include")), [error(file, 1, 1, "empty-file", "file is empty", EMPTY_HINT)]);
  });

  it("refuses an alias expansion bomb at the alias where the expansion passes the limit", () => {
    const file = fixture("alias-bomb", "threatwright.yaml");
    // Nine levels of ten aliases each would expand to 10^9 nodes. By hand: a is 11 nodes, b's ten
    // aliases stand for 110 and b is 111, c's for 1,110 (c: 1,111), d's for 11,110 (d: 11,111);
    // with 12,330 so far, e's eighth *d passes 100,000 (12,330 + 8 x 11,111 = 101,218). Line 10
    // is "e: &e [*d, ...", whose eighth alias starts at column 8 + 7 x 4.
    assert.deepEqual(diagnosticsOf(load("alias-bomb")), [
      error(file, 10, 36, "alias-limit", "aliases stand for more than 100000 nodes", "write the repeated content out, or use fewer nested aliases"),
    ]);
  });

  it("refuses a deeply nested flow sequence at the first level beyond the limit", () => {
    const file = fixture("deep-nesting", "threatwright.yaml");
    // Line 6 is "tags: " and 100 '['. The top-level mapping is level 1 and the '[' at column 7
    // level 2, so level 65 is the 64th '[', at column 7 + 63.
    assert.deepEqual(diagnosticsOf(load("deep-nesting")), [
      error(file, 6, 70, "too-deep", "document nests deeper than 64 levels", "flatten the structure; a model needs only a few levels"),
    ]);
  });

  it("refuses a file with several YAML documents, at the second one", () => {
    const file = fixture("multi-document", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("multi-document")), [
      error(file, 6, 1, "multiple-documents", "file holds more than one YAML document", "remove the '---' separator; split a model with include instead"),
    ]);
  });

  it("reports an unclosed quote at the quote that opens it", () => {
    const file = fixture("yaml-syntax", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("yaml-syntax")), [
      error(file, 4, 9, "yaml-syntax", "quoted value is not closed", "add the closing quote; until it, the rest of the file is read as part of this value"),
    ]);
  });

  it("reports a file that is a list rather than a mapping", () => {
    const file = fixture("not-a-mapping", "threatwright.yaml");
    assert.deepEqual(diagnosticsOf(load("not-a-mapping")), [
      error(
        file,
        1,
        1,
        "not-a-mapping",
        "a model file must be a mapping of keys such as system, agents, tools",
        "start the file with 'threatwright: 1' and 'system:' (root) or with element lists (included files)",
      ),
    ]);
  });

  it("reports a path that does not exist, and a folder without threatwright.yaml, as I/O errors", () => {
    const missing = fixture("no-such-model");
    assert.deepEqual(diagnosticsOf(loadModel(missing, diskFiles)), [
      error(missing, 1, 1, "io-error", "no such file or folder", "give the model file or the folder that holds threatwright.yaml"),
    ]);
    const folder = fixture("include-outside");
    assert.deepEqual(diagnosticsOf(loadModel(folder, diskFiles)), [
      error(folder, 1, 1, "io-error", "folder has no threatwright.yaml", "run 'threatwright init' here to start a model, or point at the model file"),
    ]);
  });
});

describe("diagnostics never echo a value that may be a secret", () => {
  const SECRET = "sk-live-1234567890abcdef";

  it("names the field, not the value, for wrong types, values outside a list and values under unknown keys", () => {
    const file = fixture("secret-values", "threatwright.yaml");
    const diagnostics = diagnosticsOf(load("secret-values"));
    assert.deepEqual(diagnostics, [
      error(file, 9, 15, "invalid-value", "agents[0].autonomy is not one of the allowed values", "allowed: suggest, supervised, autonomous"),
      error(file, 10, 5, "unknown-key", "unknown key 'apiKey' in agents[0]", `allowed keys: ${AGENT_KEYS}`),
      error(file, 14, 14, "invalid-value", "models[0].hosting is not one of the allowed values", "allowed: hosted-api, self-hosted, on-device"),
      error(file, 15, 13, "wrong-type", "models[0].pinned must be a boolean, not text", descriptionOf(Model.shape.pinned)),
      error(file, 16, 1, "unknown-key", "unknown key 'token' in the top level", `allowed keys: ${ROOT_KEYS}`),
    ]);
    for (const d of diagnostics) {
      assert.ok(!d.message.includes(SECRET), d.message);
      assert.ok(!(d.hint ?? "").includes(SECRET), d.hint);
      assert.ok(!d.message.includes("sk-live"), d.message);
    }
  });

  it("does not echo a key that is not a plain word, nor an ID or a finding that is not a plain ID", () => {
    const text = [
      MINIMAL_ROOT.trimEnd(),
      'actors:',
      '  - id: "token=sk-live 1234567890abcdef"',
      "    type: customer",
      '  - id: "token=sk-live 1234567890abcdef"',
      "    type: customer",
      '    "password: sk-live-1234567890abcdef": 1',
      "decisions:",
      '  - finding: "sk-live 1234567890abcdef"',
      "    status: open",
      '  - finding: "sk-live 1234567890abcdef"',
      "    status: open",
      "",
    ].join("\n");
    const diagnostics = diagnosticsOf(loadModel("m.yaml", memoryFiles({ "m.yaml": text })));
    const idHint = "an ID is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit";
    assert.deepEqual(diagnostics, [
      error("m.yaml", 7, 9, "invalid-value", `actors[0].id: ${idHint}`, descriptionOf(Actor.shape.id)),
      error("m.yaml", 9, 9, "duplicate-id", "ID is already used by another element", "first defined at m.yaml:7:9; IDs are unique across the whole model"),
      error("m.yaml", 9, 9, "invalid-value", `actors[1].id: ${idHint}`, descriptionOf(Actor.shape.id)),
      error("m.yaml", 11, 5, "unknown-key", "unknown key in actors[1]", "allowed keys: id, name, description, tags, type, authenticated, boundary"),
      error("m.yaml", 15, 14, "duplicate-decision", "finding already has a decision", "first decided at m.yaml:13:14; keep one decision per finding"),
    ]);
    for (const d of diagnostics) assert.ok(!`${d.message} ${d.hint ?? ""}`.includes("sk-live"), d.message);
  });
});

describe("duplicate IDs and keys in one file", () => {
  it("points a duplicate at the earlier definition in the file, whatever the lists' order", () => {
    const text = `${MINIMAL_ROOT}agents:\n  - id: helper\n    models: [m]\nmodels:\n  - id: m\n    provider: p\n    hosting: hosted-api\nactors:\n  - id: helper\n    type: employee\n`;
    // The agent (line 7) comes before the actor (line 14): the actor is the duplicate.
    assert.deepEqual(diagnosticsOf(loadModel("m.yaml", memoryFiles({ "m.yaml": text }))), [
      error("m.yaml", 14, 9, "duplicate-id", "ID 'helper' is already used by an agent element", "first defined at m.yaml:7:9; IDs are unique across the whole model"),
    ]);
  });

  it("reports a credential whose ID repeats an element's", () => {
    const text = `${MINIMAL_ROOT}identities:\n  - id: bot\n    type: bot\n    credentials:\n      - id: bot\n        type: token\n        lifetime: static\n        storage: vault\n`;
    assert.deepEqual(diagnosticsOf(loadModel("m.yaml", memoryFiles({ "m.yaml": text }))), [
      error("m.yaml", 10, 13, "duplicate-id", "ID 'bot' is already used by an identity element", "first defined at m.yaml:7:9; IDs are unique across the whole model"),
    ]);
  });

  it("reports keys that differ in YAML but are the same key once read, such as 1 and '1'", () => {
    const text = `${MINIMAL_ROOT}1: a\n"1": b\n`;
    const diagnostics = diagnosticsOf(loadModel("m.yaml", memoryFiles({ "m.yaml": text })));
    assert.deepEqual(diagnostics, [error("m.yaml", 7, 1, "duplicate-key", "this key appears twice in the same mapping", "keep one of the two; YAML would silently drop the other")]);
  });

  it("locates an unknown key that YAML reads as a number at the key itself", () => {
    const text = `${MINIMAL_ROOT}404: not found\n`;
    assert.deepEqual(diagnosticsOf(loadModel("m.yaml", memoryFiles({ "m.yaml": text }))), [
      error("m.yaml", 6, 1, "unknown-key", "unknown key '404' in the top level", `allowed keys: ${ROOT_KEYS}`),
    ]);
  });
});

describe("references", () => {
  it("gives a did-you-mean across files, for a reference in an included file", () => {
    const files = memoryFiles({
      "m/threatwright.yaml": `${MINIMAL_ROOT}include: [agents.yaml]\nmodels:\n  - id: chat-llm\n    provider: p\n    hosting: hosted-api\n`,
      "m/agents.yaml": "agents:\n  - id: helper\n    models: [chat-lm]\n",
    });
    assert.deepEqual(diagnosticsOf(loadModel("m", files)), [
      error("m/agents.yaml", 3, 14, "unresolved-reference", "'chat-lm' is not the ID of a model", "did you mean 'chat-llm'?"),
    ]);
  });

  it("resolves references to an element defined in an invalid element, so one error does not hide behind another", () => {
    const text = `${MINIMAL_ROOT}models:\n  - id: chat-llm\n    provider: p\n    hosting: hosted\nagents:\n  - id: helper\n    models: [chat-llm]\n`;
    assert.deepEqual(diagnosticsOf(loadModel("m.yaml", memoryFiles({ "m.yaml": text }))), [
      error("m.yaml", 9, 14, "invalid-value", "models[0].hosting is not one of the allowed values", "allowed: hosted-api, self-hosted, on-device"),
    ]);
  });

  it("keeps many unresolved references fast: did-you-mean is searched for the first 200 only", () => {
    const count = 1000;
    const models = Array.from({ length: count }, (_, i) => `  - {id: model-${i}, provider: p, hosting: hosted-api}`).join("\n");
    const refs = Array.from({ length: count }, (_, i) => `model-${i}x`).join(", ");
    const text = `${MINIMAL_ROOT}models:\n${models}\nagents:\n  - id: helper\n    models: [${refs}]\n`;
    const started = performance.now();
    const diagnostics = diagnosticsOf(loadModel("m.yaml", memoryFiles({ "m.yaml": text })));
    assert.ok(performance.now() - started < 5000, "loading took too long");
    assert.equal(diagnostics.length, count);
    assert.equal(diagnostics[0]?.hint, "did you mean 'model-0'?");
    assert.equal(diagnostics[199]?.hint, "did you mean 'model-199'?");
    assert.match(diagnostics[200]?.hint ?? "", /^known IDs of that kind: model-0, model-1, /);
  });
});

