// One measured run, in its own process: load the model at argv[2], analyze it and
// serialise the JSON report; prints the wall time (in all and per phase) and the process's peak RSS.
import { performance } from "node:perf_hooks";
import { analyze } from "../src/analysis/analyze.js";
import { diskFiles } from "../src/model/files.js";
import { loadModel } from "../src/model/load.js";
import { jsonReport } from "../src/report/json.js";

const start = performance.now();
const loaded = loadModel(process.argv[2]!, diskFiles);
if (!loaded.ok) throw new Error(`synthetic model is invalid: ${JSON.stringify(loaded.diagnostics.slice(0, 3))}`);
const loadedAt = performance.now();
const result = analyze(loaded.loaded.model, { today: "2026-11-22", locations: loaded.loaded.locations });
const analysedAt = performance.now();
const json = jsonReport(result);
const ms = performance.now() - start;
const phases = { load: loadedAt - start, analyze: analysedAt - loadedAt, json: start + ms - analysedAt };
process.stdout.write(JSON.stringify({ ms, phases, peakRssMb: process.resourceUsage().maxRSS / 1024, findings: result.findings.length, bytes: json.length }));
