// Loads and analyses a model for the diagram tests, with a fixed date.
import type { AnalysisResult } from "../../src/analysis/analyze.js";
import { analyze } from "../../src/analysis/analyze.js";
import type { ModelFiles } from "../../src/model/files.js";
import { diskFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";
import type { ThreatModel } from "../../src/model/model.js";

export const HOSTILE = "test/fixtures/hostile-model";

export function analysed(target: string, files: ModelFiles = diskFiles): { model: ThreatModel; analysis: AnalysisResult } {
  const result = loadModel(target, files);
  if (!result.ok) throw new Error(`${target} does not load: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return { model: result.loaded.model, analysis: analyze(result.loaded.model, { today: "2026-11-22" }) };
}
