// docs/model.md, derived from the Zod schemas in schema.ts: every section, field,
// type, description and example comes from the schemas and their metadata; only
// the introduction is written here.
import { z } from "zod";
import { Document, isScalar, visit } from "yaml";
import { FRAGMENT_SCHEMA_FILE, ROOT_SCHEMA_FILE } from "./json-schema.js";
import { ROOT_FILE_NAME } from "./load.js";
import { LIMITS } from "./parse.js";
import { FORMAT_VERSION, ID_PATTERN, IncludedFile, RootFile } from "./schema.js";
import { isOptionalField, metaOf, minItems, referenceKinds, unwrap } from "./schema-walk.js";
import { withArticle } from "./vocabulary.js";

/** Where the generated reference lives in the package, relative to its root. */
export const REFERENCE_DOC_FILE = "docs/model.md";

type ObjectSchema = z.ZodObject;

export interface Section {
  schema: ObjectSchema;
  title: string;
  description: string;
  examples: unknown[];
  /** Heading level: 2 for files and elements, 3 for the objects written inside an element. */
  level: 2 | 3;
  /** Where the element is written in a model file, for top-level elements. */
  placement?: { key: string; list: boolean; inFragment: boolean };
}

/** The object schema a field holds directly or as list items, if any. */
function objectIn(field: z.ZodType): ObjectSchema | undefined {
  const bare = unwrap(field);
  if (bare instanceof z.ZodObject) return bare;
  if (bare instanceof z.ZodArray) {
    const item = unwrap(bare.element as z.ZodType);
    if (item instanceof z.ZodObject) return item;
  }
  return undefined;
}

function fieldsOf(schema: ObjectSchema): [string, z.ZodType][] {
  return Object.entries(schema.shape as Record<string, z.ZodType>);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`reference-doc: the schema has no ${what}; add it to the .meta() in src/model/schema.ts`);
  return value;
}

function text(meta: Record<string, unknown>, key: "title" | "description", what: string): string {
  const value = meta[key];
  return required(typeof value === "string" && value.trim() !== "" ? value : undefined, `${key} for ${what}`);
}

function examplesOf(meta: Record<string, unknown>): unknown[] {
  return Array.isArray(meta.examples) ? meta.examples : [];
}

/** The sections of the reference in reading order: the two file kinds, then each element followed by the objects written inside it. */
export function referenceSections(): Section[] {
  const sections: Section[] = [];
  const seen = new Set<z.ZodType>();
  const fileSection = (schema: ObjectSchema, what: string) => {
    const meta = metaOf(schema);
    seen.add(schema);
    sections.push({ schema, title: text(meta, "title", what), description: text(meta, "description", what), examples: examplesOf(meta), level: 2 });
  };
  fileSection(RootFile, "the root file");
  fileSection(IncludedFile, "included files");

  const nested = (owner: ObjectSchema, ownerTitle: string) => {
    for (const [name, field] of fieldsOf(owner)) {
      const object = objectIn(field);
      if (!object || seen.has(object)) continue;
      seen.add(object);
      // The object's own metadata first; a field that wraps an untitled object supplies it instead.
      const meta = { ...metaOf(field), ...metaOf(object) };
      const what = `${ownerTitle}.${name}`;
      sections.push({ schema: object, title: text(meta, "title", what), description: text(meta, "description", what), examples: examplesOf(meta), level: 3 });
      nested(object, what);
    }
  };

  const fragmentKeys = new Set(Object.keys(IncludedFile.shape));
  for (const [key, field] of fieldsOf(RootFile)) {
    const element = objectIn(field);
    if (!element || seen.has(element)) continue;
    seen.add(element);
    const meta = metaOf(element);
    const title = text(meta, "title", `the elements of ${key}`);
    sections.push({
      schema: element,
      title,
      description: text(meta, "description", title),
      examples: examplesOf(meta),
      level: 2,
      placement: { key, list: unwrap(field) instanceof z.ZodArray, inFragment: fragmentKeys.has(key) },
    });
    nested(element, title);
  }
  return sections;
}

/** GitHub's anchor for a heading. */
function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");
}

function orList(words: readonly string[]): string {
  return words.length <= 2 ? words.join(" or ") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

const code = (value: unknown) => `\`${String(value)}\``;

function typeOf(field: z.ZodType, titles: Map<z.ZodType, string>): string {
  const kinds = referenceKinds(field);
  if (kinds) return `ID of ${orList(kinds.map(withArticle))}`;
  const bare = unwrap(field);
  if (bare instanceof z.ZodArray) {
    const item = bare.element as z.ZodType;
    const min = minItems(bare);
    const atLeast = min > 0 ? ` (at least ${min})` : "";
    const itemKinds = referenceKinds(item);
    if (itemKinds) return `list of ${orList(itemKinds)} IDs${atLeast}`;
    const itemBare = unwrap(item);
    if (itemBare instanceof z.ZodEnum) return `list of values${atLeast}, each one of ${itemBare.options.map(code).join(", ")}`;
    return `list of ${typeOf(item, titles)}${atLeast}`;
  }
  if (bare instanceof z.ZodEnum) return `one of ${bare.options.map(code).join(", ")}`;
  if (bare instanceof z.ZodLiteral) return [...bare.values].map(code).join(" or ");
  if (bare instanceof z.ZodObject) {
    const title = required(titles.get(bare), "section for a nested object");
    return `[${title}](#${anchor(title)})`;
  }
  if (bare instanceof z.ZodISODate) return "date";
  if (bare instanceof z.ZodString) return "text";
  if (bare instanceof z.ZodNumber) {
    if (bare.minValue === null || !Number.isFinite(bare.minValue)) return "number";
    // positive() sets the same minValue as nonnegative(); only its check says the bound is exclusive.
    const exclusive = (bare._zod.def.checks ?? []).some((check) => (check._zod.def as { check: string; inclusive?: boolean }).check === "greater_than" && (check._zod.def as { inclusive?: boolean }).inclusive === false);
    return `number, ${exclusive ? "more than" : "at least"} ${bare.minValue}`;
  }
  if (bare instanceof z.ZodBoolean) return "true or false";
  throw new Error(`reference-doc: no wording for a ${bare.constructor.name} field; extend typeOf in src/model/reference-doc.ts`);
}

/** A field's description; for references without the "(ID of …)" ending, which the type column already says. */
function descriptionOf(field: z.ZodType, where: string): string {
  const description = text(metaOf(field), "description", where);
  const bare = unwrap(field);
  const isReference = referenceKinds(field) !== undefined || (bare instanceof z.ZodArray && referenceKinds(bare.element as z.ZodType) !== undefined);
  return isReference ? description.replace(/ \([^()]*\)\.$/, ".") : description;
}

function cell(value: string): string {
  return value.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

function fieldTable(section: Section, titles: Map<z.ZodType, string>): string {
  const rows = fieldsOf(section.schema).map(
    ([name, field]) =>
      `| ${code(name)} | ${cell(typeOf(field, titles))} | ${isOptionalField(field) ? "optional" : "required"} | ${cell(descriptionOf(field, `${section.title}.${name}`))} |`,
  );
  return ["| Field | Type | Required | Description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** An example as YAML, with lists of plain values written inline as in a hand-written model. */
function yamlBlock(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_key, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  return ["```yaml", doc.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd(), "```"].join("\n");
}

function renderSection(section: Section, titles: Map<z.ZodType, string>): string {
  const parts = [`${"#".repeat(section.level)} ${section.title}`, section.description];
  const placement = section.placement;
  if (placement) {
    const files = placement.inFragment ? `the root file (${ROOT_FILE_NAME}) or an included file` : `the root file (${ROOT_FILE_NAME})`;
    parts.push(placement.list ? `Written as items of the ${code(placement.key)} list in ${files}.` : `Written under ${code(placement.key)} in ${files}.`);
  }
  parts.push(fieldTable(section, titles));
  section.examples.forEach((example, index) => {
    parts.push(section.examples.length > 1 ? `Example ${index + 1}:` : "Example:");
    parts.push(yamlBlock(placement ? { [placement.key]: placement.list ? [example] : example } : example));
  });
  return parts.join("\n\n");
}

function mebibytes(bytes: number): string {
  return `${bytes / (1024 * 1024)} MiB`;
}

const LIMIT_WORDING: Record<keyof typeof LIMITS, (value: number) => string> = {
  fileBytes: (value) => `| Size of one file | ${mebibytes(value)} |`,
  modelBytes: (value) => `| Size of all the model's files together | ${mebibytes(value)} |`,
  files: (value) => `| Files in one model, the root file included | ${value} |`,
  depth: (value) => `| Nesting of mappings and lists | ${value} levels |`,
  aliases: (value) => `| YAML aliases in one file, and anchors | ${value} each |`,
  aliasedNodes: (value) => `| Nodes one file's aliases stand for, nested aliases expanded | ${value.toLocaleString("en")} |`,
};

function introduction(sections: Section[]): string {
  const limits = (Object.keys(LIMIT_WORDING) as (keyof typeof LIMITS)[]).map((key) => LIMIT_WORDING[key](LIMITS[key]));
  const contents = sections.map((s) => `${s.level === 3 ? "  " : ""}- [${s.title}](#${anchor(s.title)})`);
  return `# Threatwright model format

<!-- Generated from src/model/schema.ts by \`npm run generate\`; do not edit by hand. -->

A Threatwright model describes one AI system as it is built: who uses and feeds it;
the models, agents, tools, MCP servers, stores and sources it is made of; the data
that moves between them; the trust boundaries they sit in; the non-human identities
they act as; and the controls that protect them. The model is YAML kept in the
system's repository, reviewed and versioned with the code it describes. Threatwright
checks it and analyses it; this page lists every field it accepts.

## Files

A model starts at its root file, \`${ROOT_FILE_NAME}\`. The root file states the format
version (\`threatwright: ${FORMAT_VERSION}\`) and the system, and may hold any of the element
lists. Commands given a folder look for \`${ROOT_FILE_NAME}\` in it, and
\`threatwright init\` writes a commented starter model.

A large model can be split into several files. \`include\` lists further files whose
element lists are merged into the model's lists; an included file holds only
\`include\` and element lists, and may include further files itself. An include path is
relative to the file that names it and must stay inside the model's root folder (the
folder that holds \`${ROOT_FILE_NAME}\`). Absolute paths, missing files and include cycles
are errors; a file included from two places is read once.

Every file must be UTF-8 and hold one YAML document that is a mapping. A key may
appear only once in a mapping, and a key the format does not define is an error, so a
misspelt field is reported rather than ignored.

Anchors and aliases work as in any YAML, and so do merge keys, as GitLab CI and Docker
Compose read them: mark fields that several elements share with an anchor where they
first appear, and merge them into the others with \`<<: *name\`. Keys written in the
element win over merged ones. A merged field has no line of its own, so a message
about it points at the element that merges it.

\`\`\`yaml
actors:
  - id: visitors
    <<: &external
      type: public
      boundary: internet
  - id: partners
    <<: *external
    type: partner
\`\`\`

## IDs and references

Every element has an \`id\` that is unique across the whole model: across all its files
and all kinds of element. An ID is 1 to 100 letters, digits, \`.\`, \`_\` or \`-\`, and
starts with a letter or digit (\`${ID_PATTERN.source}\`). Elements refer to each other
only by ID: a flow names the IDs of the components at its two ends, a tool the ID of
the identity it runs as. Each reference field accepts only the kinds of element its
type below names, and a reference to an ID that is not defined is an error.
Credentials are written inside their identity but have IDs like any other element.
Decisions have no ID of their own: each is keyed by the stable ID of the finding it is
about.

## Secrets

A model never contains a secret. A [credential](#credential) records what kind of
secret exists, how long it lives, where it is kept and which components can reach it:
it names the variable, path or secret that holds the value, never the value itself.
Model files are committed with the code, so keys, tokens and passwords stay out of them.
A value that looks like one anyway (a token of a well-known shape, or a credential
location that reads like a key rather than a name) is masked when the model loads,
so no output carries it, and reported as a \`secret-value\` warning at its element.
Messages about the model never repeat such a value either. An element ID shaped like a
token is an error rather than masked: IDs are how elements refer to each other and
appear in every finding ID, so two masked IDs would become one.

## Editor support

The package ships JSON Schemas for model files, generated from the same definitions
as this page: \`${ROOT_SCHEMA_FILE}\` for the root file and
\`${FRAGMENT_SCHEMA_FILE}\` for included files. Editors that use
yaml-language-server (for example VS Code with Red Hat's YAML extension) check
fields, complete keys and values, and show the descriptions below on hover when a
model file starts with a comment that names its schema, by a path relative to the
file or a URL:

\`\`\`yaml
# yaml-language-server: $schema=node_modules/threatwright/${ROOT_SCHEMA_FILE}
\`\`\`

In an included file, name \`${FRAGMENT_SCHEMA_FILE.split("/").pop() ?? FRAGMENT_SCHEMA_FILE}\` instead.
\`threatwright init\` writes this comment, with the right path, into the starter model.

## Limits

Threatwright refuses input that would exhaust memory or time, and says where:

| Limit | Largest allowed |
| --- | --- |
${limits.join("\n")}

## Contents

${contents.join("\n")}`;
}

/** docs/model.md: the introduction, then one section per file kind, element and nested object. */
export function modelReferenceMarkdown(): string {
  const sections = referenceSections();
  const titles = new Map<z.ZodType, string>(sections.map((s) => [s.schema, s.title]));
  const anchors = sections.map((s) => anchor(s.title));
  const duplicate = anchors.find((a, i) => anchors.indexOf(a) !== i);
  if (duplicate) throw new Error(`reference-doc: two sections share the heading anchor #${duplicate}; give them different titles`);
  return `${[introduction(sections), ...sections.map((s) => renderSection(s, titles))].join("\n\n")}\n`;
}
