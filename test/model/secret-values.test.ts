// A secret's value pasted into the model is masked when the model loads, with a located
// warning that never quotes it, so no command can print it. Names of where secrets are
// kept pass untouched.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { analyze } from "../../src/analysis/analyze.js";
import { memoryFiles } from "../../src/model/files.js";
import { loadModel, loadModelCarefully } from "../../src/model/load.js";
import { looksLikeSecretValue, REDACTED } from "../../src/model/secret-values.js";
import { jsonReport } from "../../src/report/json.js";
import { textReport } from "../../src/report/text.js";
import { runCli } from "../cli/harness.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/support-assistant/", import.meta.url));
// Made-up values in the shapes of real ones.
const PROJECT_KEY = "sk-proj-Q7fakeFAKEfake0123456789abcd";
const GITHUB_TOKEN = `ghp_${"A1b2C3d4E5".repeat(4)}`;

function exampleWith(edit: (files: Record<string, string>) => void): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(EXAMPLE)) if (name.endsWith(".yaml")) files[name] = readFileSync(path.join(EXAMPLE, name), "utf8");
  edit(files);
  return files;
}

function pasted(): Record<string, string> {
  return exampleWith((files) => {
    files["identities.yaml"] = files["identities.yaml"]!
      .replace("location: OPENAI_API_KEY (from Kubernetes secret support-assistant-env)", `location: ${PROJECT_KEY}`)
      .replace("description: Calls the model, billed to our account;", `description: Calls the model with ${GITHUB_TOKEN} billed to our account;`);
  });
}

describe("secret values in a model", () => {
  for (const [name, load] of [["plain path", loadModel], ["careful path", loadModelCarefully]] as const) {
    it(`${name}: a pasted key is masked and reported where its element is, without the value`, () => {
      const result = load("threatwright.yaml", memoryFiles(pasted()));
      assert.ok(result.ok);
      const credential = result.loaded.model.identities.flatMap((i) => i.credentials ?? []).find((c) => c.id === "openai-api-key")!;
      assert.equal(credential.location, REDACTED);
      const permission = result.loaded.model.identities.find((i) => i.id === "llm-provider-key")!.permissions!.find((p) => p.resource === "chat-llm")!;
      assert.equal(permission.description, `Calls the model with ${REDACTED} billed to our account; the project key also reads files and stored completions in the project.`);

      const warnings = result.diagnostics.filter((d) => d.code === "secret-value");
      // identities.yaml line 48 col 13 is `openai-api-key`; line 28 col 9 is `llm-provider-key` (counted in the example file).
      assert.deepEqual(
        warnings.map((w) => [w.file, w.line, w.col, w.severity, w.message]),
        [
          ["identities.yaml", 28, 9, "warning", "identity 'llm-provider-key': 'description' holds what looks like a secret's value; it is masked in every output"],
          ["identities.yaml", 48, 13, "warning", "credential 'openai-api-key': 'location' holds what looks like a secret's value; it is masked in every output"],
        ],
      );
      assert.doesNotMatch(JSON.stringify(result.diagnostics), /sk-proj|ghp_/);
    });
  }

  for (const [name, load] of [["plain path", loadModel], ["careful path", loadModelCarefully]] as const) {
    it(`${name}: a token in a decision is reported at that decision, not at the top of the model`, () => {
      const files = exampleWith((f) => {
        f["threatwright.yaml"] = f["threatwright.yaml"]!.replace("include: [", "include: [decisions.yaml, ");
        f["decisions.yaml"] = `decisions:\n  - finding: TW-PI-001@support-agent\n    status: mitigating\n  - finding: TW-EXF-001@support-agent+send-customer-email\n    status: mitigating\n    ticket: ${GITHUB_TOKEN}\n`;
      });
      const result = load("threatwright.yaml", memoryFiles(files));
      assert.ok(result.ok);
      const warnings = result.diagnostics.filter((d) => d.code === "secret-value");
      // Line 4 col 14 is the second entry's finding ID, where the loader places that decision.
      assert.deepEqual(
        warnings.map((w) => [w.file, w.line, w.col, w.message]),
        [["decisions.yaml", 4, 14, "the decision on 'TW-EXF-001@support-agent+send-customer-email': 'ticket' holds what looks like a secret's value; it is masked in every output"]],
      );
    });
  }

  it("no output of the analysis carries the value", () => {
    const result = loadModel("threatwright.yaml", memoryFiles(pasted()));
    assert.ok(result.ok);
    const analysis = analyze(result.loaded.model, { today: "2026-11-22", locations: result.loaded.locations });
    for (const output of [jsonReport(analysis), textReport(analysis)]) {
      assert.ok(!output.includes(PROJECT_KEY) && !output.includes(GITHUB_TOKEN));
    }
  });

  it("validate reports the warnings in JSON and text, and the model stays valid", async () => {
    const files = memoryFiles(pasted());
    const json = await runCli(["validate", "threatwright.yaml", "--format", "json"], { files });
    assert.equal(json.code, 0);
    const parsed = JSON.parse(json.out) as { valid: boolean; diagnostics: { code: string; line: number }[] };
    assert.equal(parsed.valid, true);
    assert.deepEqual(parsed.diagnostics.map((d) => [d.code, d.line]), [["secret-value", 28], ["secret-value", 48]]);
    const text = await runCli(["analyze", "threatwright.yaml"], { files });
    assert.equal(text.code, 0);
    assert.match(text.err, /^identities\.yaml:28:9: warning secret-value: /m);
    for (const output of [json.out, text.out, text.err]) assert.ok(!output.includes(PROJECT_KEY) && !output.includes(GITHUB_TOKEN));
  });

  it("names of where secrets are kept load untouched and raise nothing", () => {
    const result = loadModel("threatwright.yaml", memoryFiles(exampleWith(() => {})));
    assert.ok(result.ok);
    assert.deepEqual(result.diagnostics, []);
    const locations = result.loaded.model.identities.flatMap((i) => i.credentials ?? []).map((c) => c.location);
    assert.ok(locations.includes("OPENAI_API_KEY (from Kubernetes secret support-assistant-env)"));
  });

  it("takes no kebab-case ID that starts like a key for one: two such stores stay two", () => {
    const files = exampleWith((f) => {
      // The orders database, not the credential orders-db-password.
      for (const name of Object.keys(f)) f[name] = f[name]!.replace(/orders-db(?![-\w])/g, "sk-learn-customer-records");
    });
    const result = loadModel("threatwright.yaml", memoryFiles(files));
    assert.ok(result.ok, JSON.stringify(result.diagnostics));
    assert.deepEqual(result.diagnostics, []);
    assert.ok(result.loaded.model.datastores.some((d) => d.id === "sk-learn-customer-records"));
    assert.equal(looksLikeSecretValue("sk-learn-customer-records-and-payments"), false);
  });

  for (const [name, load] of [["plain path", loadModel], ["careful path", loadModelCarefully]] as const) {
    it(`${name}: an ID shaped like a token is an error that does not repeat it, never masked into another element`, () => {
      const files = exampleWith((f) => {
        f["identities.yaml"] = f["identities.yaml"]!.replaceAll("openai-api-key", GITHUB_TOKEN);
      });
      const result = load("threatwright.yaml", memoryFiles(files));
      assert.equal(result.ok, false);
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      // identities.yaml line 48 col 13 is the credential's id (counted in the example file).
      assert.deepEqual(
        errors.map((d) => [d.file, d.line, d.col, d.code, d.message]),
        [["identities.yaml", 48, 13, "secret-value", "the ID of this credential looks like a secret's value"]],
      );
      assert.doesNotMatch(JSON.stringify(result.diagnostics), /ghp_/);
    });
  }

  it("no diagnostic repeats a token, whatever it is about", async () => {
    const files = exampleWith((f) => {
      f["components.yaml"] = f["components.yaml"]!.replace(/runsAs: \S+/, "runsAs: AKIAIOSFODNN7EXAMPLE");
    });
    for (const load of [loadModel, loadModelCarefully]) {
      const result = load("threatwright.yaml", memoryFiles(files));
      assert.equal(result.ok, false);
      assert.ok(result.diagnostics.some((d) => d.code === "unresolved-reference"));
      assert.doesNotMatch(JSON.stringify(result.diagnostics), /AKIAIOSFODNN7EXAMPLE/);
    }
    const { err } = await runCli(["validate", "threatwright.yaml"], { files: memoryFiles(files) });
    assert.doesNotMatch(err, /AKIAIOSFODNN7EXAMPLE/);
  });

  it("tells a value from a name", () => {
    for (const value of [PROJECT_KEY, GITHUB_TOKEN, "AKIAIOSFODNN7EXAMPLE", "Zk3pQ9xV2mN8bL4tR7wY1cE6", "4f9c2b7e1a8d3c6f0b5e2a9d7c4f1b8e3a6d"]) {
      assert.equal(looksLikeSecretValue(value), true, value);
    }
    for (const name of ["OPENAI_API_KEY", "vault:secret/data/llm#key", "aws-secretsmanager prod/support-assistant/orders-db", "projects/42/secrets/openai-key/versions/latest", "support-assistant-env", "HelpdeskApiToken"]) {
      assert.equal(looksLikeSecretValue(name), false, name);
    }
  });
});
