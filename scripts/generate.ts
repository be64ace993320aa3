// Writes the files derived from the model schema: the JSON Schemas for editors (and the one of the JSON report) and
// docs/model.md, the rule pages under docs/rules/ from the rules' metadata, and the HTML report's
// bundled client script and styles. Run with `npm run generate` after changing src/model/schema.ts or src/report/html/;
// test/model/generated.test.ts fails while the committed files are out of date.
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatJsonSchema, fragmentJsonSchema, FRAGMENT_SCHEMA_FILE, modelJsonSchema, ROOT_SCHEMA_FILE } from "../src/model/json-schema.js";
import { modelReferenceMarkdown, REFERENCE_DOC_FILE } from "../src/model/reference-doc.js";
import { ANALYSIS_SCHEMA_FILE, analysisJsonSchema } from "../src/report/analysis-schema.js";
import { ruleDocFiles } from "../src/rules/docs.js";
import { REPORT_ASSETS_FILE, reportAssetsModule } from "./report-assets.js";

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Every generated file's content, by path relative to the package root. */
export function generatedFiles(): Record<string, string> {
  return {
    [ROOT_SCHEMA_FILE]: formatJsonSchema(modelJsonSchema()),
    [FRAGMENT_SCHEMA_FILE]: formatJsonSchema(fragmentJsonSchema()),
    [ANALYSIS_SCHEMA_FILE]: formatJsonSchema(analysisJsonSchema()),
    [REFERENCE_DOC_FILE]: modelReferenceMarkdown(),
    ...ruleDocFiles(),
    [REPORT_ASSETS_FILE]: reportAssetsModule(),
  };
}

function main(): void {
  for (const [file, content] of Object.entries(generatedFiles())) {
    const target = path.join(PACKAGE_ROOT, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    console.log(`wrote ${file}`);
  }
}

const invokedPath = process.argv[1];
if (invokedPath && realpathSync(invokedPath) === realpathSync(fileURLToPath(import.meta.url))) main();
