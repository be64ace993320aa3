// Loads and analyses a model for the diagram tests, with a fixed date.
import type { AnalysisResult } from "../../src/analysis/analyze.js";
import { analyze, prepareModel } from "../../src/analysis/analyze.js";
import type { SystemGraph } from "../../src/graph/graph.js";
import type { ModelFiles } from "../../src/model/files.js";
import { diskFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";
import type { ThreatModel } from "../../src/model/model.js";

export const HOSTILE = "test/fixtures/hostile-model";

export function analysed(target: string, files: ModelFiles = diskFiles): { model: ThreatModel; graph: SystemGraph; analysis: AnalysisResult } {
  const result = loadModel(target, files);
  if (!result.ok) throw new Error(`${target} does not load: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  const prepared = prepareModel(result.loaded.model);
  return { model: result.loaded.model, graph: prepared.graph, analysis: analyze(result.loaded.model, { today: "2026-11-22", prepared }) };
}
