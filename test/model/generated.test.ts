// The JSON Schemas and docs/model.md are generated from src/model/schema.ts; these
// tests fail when the committed copies are stale or the generated files lose facts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { z } from "zod";
import { generatedFiles, PACKAGE_ROOT } from "../../scripts/generate.js";
import { starterModel } from "../../src/cli/starter-model.js";
import { fragmentJsonSchema, FRAGMENT_SCHEMA_FILE, modelJsonSchema, ROOT_SCHEMA_FILE } from "../../src/model/json-schema.js";
import { LIMITS } from "../../src/model/parse.js";
import { modelReferenceMarkdown, REFERENCE_DOC_FILE } from "../../src/model/reference-doc.js";
import { IncludedFile, RootFile } from "../../src/model/schema.js";
import { metaOf, unwrap } from "../../src/model/schema-walk.js";
import { ACTIONS } from "../../src/model/vocabulary.js";

type Json = Record<string, unknown>;

// A validator for the JSON Schema keywords the generator emits. It rejects keywords it
// does not know, so a change in what Zod emits shows up here instead of passing unchecked.
const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "markdownDescription", "examples"]);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function validate(schema: Json, value: unknown, at = "$"): string[] {
  const errors: string[] = [];
  for (const [keyword, expected] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case "type": {
        const actual = jsonType(value);
        if (!(actual === expected || (expected === "number" && actual === "integer"))) errors.push(`${at}: expected ${String(expected)}, got ${actual}`);
        break;
      }
      case "const":
        if (value !== expected) errors.push(`${at}: expected ${JSON.stringify(expected)}`);
        break;
      case "enum":
        if (!(expected as unknown[]).includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(expected)}`);
        break;
      case "pattern":
        if (typeof value === "string" && !new RegExp(expected as string, "u").test(value)) errors.push(`${at}: ${value} does not match ${String(expected)}`);
        break;
      case "format":
        if (expected !== "date") throw new Error(`test validator: unknown format ${String(expected)}`);
        if (typeof value === "string" && !DATE.test(value)) errors.push(`${at}: not a date`);
        break;
      case "minLength":
        if (typeof value === "string" && [...value].length < (expected as number)) errors.push(`${at}: shorter than ${String(expected)}`);
        break;
      case "minItems":
        if (Array.isArray(value) && value.length < (expected as number)) errors.push(`${at}: fewer than ${String(expected)} items`);
        break;
      case "minimum":
        if (typeof value === "number" && value < (expected as number)) errors.push(`${at}: below ${String(expected)}`);
        break;
      case "exclusiveMinimum":
        if (typeof value === "number" && value <= (expected as number)) errors.push(`${at}: not above ${String(expected)}`);
        break;
      case "items":
        if (Array.isArray(value)) value.forEach((item, index) => errors.push(...validate(expected as Json, item, `${at}[${index}]`)));
        break;
      case "required":
        if (jsonType(value) === "object") for (const key of expected as string[]) if (!(key in (value as Json))) errors.push(`${at}: missing ${key}`);
        break;
      case "properties":
        if (jsonType(value) === "object") {
          for (const [key, child] of Object.entries(value as Json)) {
            const property = (expected as Record<string, Json>)[key];
            if (property) errors.push(...validate(property, child, `${at}.${key}`));
          }
        }
        break;
      case "additionalProperties":
        if (expected !== false) throw new Error("test validator: only additionalProperties: false is supported");
        if (jsonType(value) === "object") {
          const known = Object.keys((schema.properties as Json | undefined) ?? {});
          for (const key of Object.keys(value as Json)) if (!known.includes(key)) errors.push(`${at}: unknown key ${key}`);
        }
        break;
      default:
        throw new Error(`test validator: unknown keyword ${keyword} at ${at}`);
    }
  }
  return errors;
}

/** Every subschema with its path, for checks that look at the whole schema. */
function* subschemas(schema: Json, at = "$"): Generator<[string, Json]> {
  yield [at, schema];
  if (schema.items) yield* subschemas(schema.items as Json, `${at}[]`);
  for (const [key, child] of Object.entries((schema.properties as Record<string, Json> | undefined) ?? {})) yield* subschemas(child, `${at}.${key}`);
}

function starter(): unknown {
  return parse(starterModel("../schema/threatwright.schema.json")) as unknown;
}

describe("generated files", () => {
  const generated = generatedFiles();

  it("writes the two JSON Schemas and docs/model.md", () => {
    for (const file of [REFERENCE_DOC_FILE, FRAGMENT_SCHEMA_FILE, ROOT_SCHEMA_FILE]) assert.ok(file in generated, `${file} is generated`);
  });

  for (const [file, content] of Object.entries(generated)) {
    it(`${file} is up to date`, () => {
      let committed: string;
      try {
        committed = readFileSync(path.join(PACKAGE_ROOT, file), "utf8");
      } catch {
        assert.fail(`${file} is missing; run 'npm run generate' and commit the result`);
      }
      assert.ok(committed === content, `${file} is out of date with its sources (src/model/schema.ts, the rules, src/report/html/); run 'npm run generate' and commit the result`);
    });
  }

  it("generates the same output every time, pretty-printed with a trailing newline", () => {
    assert.deepEqual(generatedFiles(), generated);
    for (const [file, content] of Object.entries(generated)) {
      assert.ok(content.endsWith("\n") && !content.endsWith("\n\n"), `${file} should end with exactly one newline`);
      if (file.endsWith(".json")) assert.equal(content, `${JSON.stringify(JSON.parse(content), null, 2)}\n`);
    }
  });
});

describe("JSON Schema for editors", () => {
  const root = modelJsonSchema();
  const fragment = fragmentJsonSchema();

  it("is draft-07 with an $id, a title and a description", () => {
    for (const schema of [root, fragment]) {
      assert.equal(schema.$schema, "http://json-schema.org/draft-07/schema#");
      assert.match(String(schema.$id), /^urn:threatwright:schema:/);
      assert.equal(typeof schema.title, "string");
      assert.equal(typeof schema.description, "string");
    }
    assert.notEqual(root.$id, fragment.$id);
  });

  it("keeps field descriptions for hovers, with markdownDescription alongside", () => {
    const agents = root.properties as Record<string, Json>;
    const tools = (((agents.agents as Json).items as Json).properties as Record<string, Json>).tools as Json;
    assert.equal(typeof tools.description, "string");
    assert.match(tools.description as string, /Tools the agent may call/);
    for (const [at, schema] of subschemas(root)) {
      assert.equal(schema.markdownDescription, schema.description, `${at}: markdownDescription should repeat description`);
    }
  });

  it("lists the tool actions from the vocabulary", () => {
    const tools = (root.properties as Record<string, Json>).tools as Json;
    const capabilities = ((tools.items as Json).properties as Record<string, Json>).capabilities as Json;
    const action = ((capabilities.items as Json).properties as Record<string, Json>).action as Json;
    assert.deepEqual(action.enum, [...ACTIONS]);
  });

  it("requires the format version and the system in the root file only", () => {
    assert.deepEqual(root.required, ["threatwright", "system"]);
    assert.equal(root.additionalProperties, false);
    assert.equal(fragment.required, undefined);
    assert.deepEqual(Object.keys(fragment.properties as Json), Object.keys(IncludedFile.shape));
    assert.deepEqual(Object.keys(root.properties as Json), Object.keys(RootFile.shape));
  });

  it("accepts the starter model that threatwright init writes", () => {
    const model = starter();
    const zodResult = RootFile.safeParse(model);
    assert.ok(zodResult.success, `the Zod schema rejects the starter model: ${zodResult.error?.message ?? ""}`);
    assert.deepEqual(validate(root, model), []);
  });

  it("rejects what the Zod schema rejects: unknown keys, wrong values, missing fields", () => {
    const broken: [string, (model: Json) => void][] = [
      ["a misspelt key", (m) => ((m.agents as Json[])[0]!.tool = ["search-docs"])],
      ["an action outside the vocabulary", (m) => (((m.tools as Json[])[0]!.capabilities as Json[])[0]!.action = "browse")],
      ["a missing system", (m) => delete m.system],
      ["a bad ID", (m) => ((m.actors as Json[])[0]!.id = "-users")],
      ["a bad rotation period", (m) => ((((m.identities as Json[])[0]!.credentials as Json[])[0]!.rotation as Json).period = "90 days")],
      ["an empty list of models", (m) => ((m.agents as Json[])[0]!.models = [])],
      ["another format version", (m) => (m.threatwright = 2)],
    ];
    for (const [what, breakIt] of broken) {
      const model = starter() as Json;
      breakIt(model);
      assert.equal(RootFile.safeParse(model).success, false, `Zod should reject ${what}`);
      assert.notDeepEqual(validate(root, model), [], `the JSON Schema should reject ${what}`);
    }
  });

  it("accepts an included file and rejects root-only keys in it", () => {
    const model = starter() as Json;
    const { threatwright: _version, system: _system, review: _review, ...lists } = model;
    assert.deepEqual(validate(fragment, lists), []);
    assert.ok(IncludedFile.safeParse(lists).success);
    assert.notDeepEqual(validate(fragment, model), []);
  });

  it("holds only examples that the schema accepts", () => {
    let examples = 0;
    for (const schema of [root, fragment]) {
      for (const [at, subschema] of subschemas(schema)) {
        for (const example of (subschema.examples as unknown[] | undefined) ?? []) {
          examples++;
          assert.deepEqual(validate(subschema, example, at), [], `example at ${at} is invalid`);
        }
      }
    }
    assert.ok(examples >= 20, `expected an example for each element type, found ${examples}`);
  });
});

/** Every object schema reachable from a file schema, with the title it is documented under. */
function documentedObjects(): Map<z.ZodObject, string> {
  const found = new Map<z.ZodObject, string>();
  const walk = (field: z.ZodType) => {
    let bare = unwrap(field);
    if (bare instanceof z.ZodArray) bare = unwrap(bare.element as z.ZodType);
    if (!(bare instanceof z.ZodObject) || found.has(bare)) return;
    const title = metaOf(bare).title ?? metaOf(field).title;
    assert.equal(typeof title, "string", "every object in the schema needs a title for its docs section");
    found.set(bare, title as string);
    for (const child of Object.values(bare.shape as Record<string, z.ZodType>)) walk(child);
  };
  walk(RootFile);
  walk(IncludedFile);
  return found;
}

/** The markdown of each section, by heading. */
function sectionsOf(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = markdown.split(/^#{2,3} /m).slice(1);
  for (const part of parts) {
    const newline = part.indexOf("\n");
    sections.set(part.slice(0, newline), part.slice(newline + 1));
  }
  return sections;
}

describe("docs/model.md", () => {
  const markdown = modelReferenceMarkdown();
  const sections = sectionsOf(markdown);

  it("has a section for the files and each element type, in order", () => {
    const headings = [...markdown.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]);
    const reference = headings.slice(headings.indexOf("Threatwright model"));
    assert.deepEqual(reference, [
      "Threatwright model",
      "Threatwright model fragment",
      "System",
      "Material loss",
      "Review policy",
      "Last review",
      "Actor",
      "Model",
      "Model artifact",
      "Automated decision",
      "Agent",
      "Tool",
      "Capability",
      "Spend limit",
      "MCP server",
      "Datastore",
      "Source",
      "Service",
      "Client",
      "Pipeline",
      "Prompt",
      "Dataset",
      "Data",
      "Flow",
      "Flow session",
      "Boundary",
      "Identity",
      "Permission",
      "Credential",
      "Rotation",
      "Control",
      "Evidence",
      "Decision",
      "Adversary",
      "Workflow",
    ]);
  });

  it("documents every field of every element type, with its enum values", () => {
    const objects = documentedObjects();
    assert.ok(objects.size >= 30, `expected the files, elements and nested objects, found ${objects.size}`);
    for (const [schema, title] of objects) {
      const section = sections.get(title);
      assert.ok(section !== undefined, `docs/model.md has no section "${title}"`);
      for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        const row = section.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
        assert.ok(row, `docs/model.md section "${title}" has no row for ${name}`);
        assert.match(row, / \| (required|optional) \| /, `${title}.${name}: no required/optional column`);
        let bare = unwrap(field);
        if (bare instanceof z.ZodArray) bare = unwrap(bare.element as z.ZodType);
        if (bare instanceof z.ZodEnum) for (const option of bare.options) assert.ok(row.includes(`\`${String(option)}\``), `${title}.${name}: enum value ${String(option)} missing`);
      }
    }
  });

  it("shows each element's example as YAML", () => {
    for (const title of ["System", "Agent", "Tool", "Identity", "Control", "Decision", "Workflow"]) {
      assert.match(sections.get(title) ?? "", /```yaml\n[\s\S]+?\n```/, `${title} has no example`);
    }
    assert.match(sections.get("Tool") ?? "", /tools:\n {2}- id: issue-refund/);
  });

  it("explains files, includes, IDs, secrets, the editor comment and the limits", () => {
    assert.match(markdown, /threatwright\.yaml/);
    assert.match(markdown, /relative to the file that names it/);
    assert.match(markdown, /unique across the whole model/);
    assert.match(markdown, /never the value/);
    assert.match(markdown, /# yaml-language-server: \$schema=\S+threatwright\.schema\.json/);
    assert.match(markdown, new RegExp(`\\| ${LIMITS.fileBytes / 1024 / 1024} MiB \\|`));
    assert.match(markdown, new RegExp(`\\| ${LIMITS.files} \\|`));
    assert.match(markdown, new RegExp(`\\| ${LIMITS.depth} levels \\|`));
  });
});
