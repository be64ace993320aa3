// The machine-readable report: the analysis result under a versioned envelope (docs/analysis-json.md).
import type { AnalysisResult } from "../analysis/analyze.js";

export const TOOL = { name: "threatwright", version: "0.1.0", informationUri: "https://github.com/threatwright/threatwright" } as const;

export function jsonReport(result: AnalysisResult): string {
  return JSON.stringify({ tool: { name: TOOL.name, version: TOOL.version }, ...result }, null, 2) + "\n";
}
