// npm run bench (last step): the HTML report on the synthetic model of 5,000 components.
// (a) Generation, each run in a fresh process: load + analyze, then the report's own part
//     (staleness, view, diagrams, page) up to the HTML written to disk, as `threatwright report` does.
// (b) First render, each run in a fresh headless Chromium: navigation start to
//     html[data-ready="true"], stamped in the page; the wall time from goto to seeing the flag, from Node, is shown too.
// Targets: generation under 2 s, first render under 3 s. Medians of BENCH_RUNS (default 5).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { analyze, prepareModel } from "../src/analysis/analyze.js";
import { judgeStaleness } from "../src/lifecycle/git-history.js";
import { diskFiles } from "../src/model/files.js";
import { loadModel } from "../src/model/load.js";
import { preloadGraphviz } from "../src/diagram/svg.js";
import { htmlReport } from "../src/report/html/render.js";
import { browserSkipReason, launchBrowser, openFile } from "../test/browser/harness.js";
import { syntheticModelFiles } from "./synthetic.js";
import { machineLine, median } from "./stats.js";

const SIZE = Number(process.env.BENCH_REPORT_SIZE ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DATE = "2026-11-22";
const TARGET_GENERATION_MS = 2000;
const TARGET_RENDER_MS = 3000;
const here = fileURLToPath(import.meta.url);

interface Generation {
  totalMs: number;
  /** CPU time (user + system) over the same span: steadier than wall time on a shared machine. */
  cpuMs: number;
  loadAnalyzeMs: number;
  reportMs: number;
  findings: number;
  bytes: number;
}

/** One generation in this (fresh) process: the steps of `threatwright report`, timed in two parts. */
async function generateOnce(modelDir: string, out: string): Promise<Generation> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  // As the command does: Graphviz gets ready on its own thread while the model loads.
  preloadGraphviz();
  const loaded = loadModel(modelDir, diskFiles);
  if (!loaded.ok) throw new Error(`synthetic model is invalid: ${JSON.stringify(loaded.diagnostics.slice(0, 3))}`);
  const { model, files, locations } = loaded.loaded;
  const prepared = prepareModel(model);
  const analysis = analyze(model, { today: DATE, locations, prepared });
  const analyzed = performance.now();
  const { staleness } = judgeStaleness(model.review, files, DATE);
  const { html } = await htmlReport({ model, graph: prepared.graph, analysis, staleness, generator: "Threatwright bench" });
  writeFileSync(out, html);
  const end = performance.now();
  const used = process.cpuUsage(cpu);
  return { totalMs: end - start, cpuMs: (used.user + used.system) / 1000, loadAnalyzeMs: analyzed - start, reportMs: end - analyzed, findings: analysis.findings.length, bytes: Buffer.byteLength(html) };
}

const ms = (value: number) => value.toFixed(0).padStart(7);
const verdict = (value: number, target: number) => (value < target ? "ok" : `OVER the ${target} ms target`);

async function bench(): Promise<void> {
  console.log(machineLine());
  const dir = mkdtempSync(path.join(os.tmpdir(), `tw-bench-report-${SIZE}-`));
  try {
    const modelDir = path.join(dir, "model");
    mkdirSync(modelDir);
    for (const [name, content] of Object.entries(syntheticModelFiles(SIZE))) writeFileSync(path.join(modelDir, name), content);
    const report = path.join(dir, "report.html");

    const runs: Generation[] = [];
    for (let run = 0; run < RUNS; run++) {
      const out = execFileSync(process.execPath, ["--import", "tsx", here, "--generate", modelDir, report], { encoding: "utf8", maxBuffer: 1 << 26 });
      runs.push(JSON.parse(out) as Generation);
    }
    const total = median(runs.map((r) => r.totalMs));
    console.log(`report generation, ${SIZE} components, ${runs[0]!.findings} findings, ${(statSync(report).size / 2 ** 20).toFixed(1)} MiB HTML, median of ${RUNS} fresh processes:`);
    console.log(`  load + analyze + report written ${ms(total)} ms (min ${ms(Math.min(...runs.map((r) => r.totalMs))).trim()}, max ${ms(Math.max(...runs.map((r) => r.totalMs))).trim()})  ${verdict(total, TARGET_GENERATION_MS)}`);
    console.log(`    CPU time over the same span  ${ms(median(runs.map((r) => r.cpuMs)))} ms`);
    console.log(`    of which load + analyze      ${ms(median(runs.map((r) => r.loadAnalyzeMs)))} ms`);
    console.log(`    of which the report alone    ${ms(median(runs.map((r) => r.reportMs)))} ms`);

    const skip = browserSkipReason();
    if (skip) {
      console.log(`first render: skipped (${skip})`);
      return;
    }
    const inPage: number[] = [];
    const wall: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const browser = await launchBrowser();
      try {
        const opened = await openFile(browser, report, { timeoutMs: 120_000, interceptRequests: false });
        if (opened.readyMs === undefined || opened.loadWallMs === undefined) throw new Error("the page set data-ready but the stamp is missing");
        wall.push(opened.loadWallMs);
        inPage.push(opened.readyMs);
        if (opened.pageErrors.length > 0 || opened.strayRequests.length > 0) throw new Error(`the report misbehaved: ${JSON.stringify({ pageErrors: opened.pageErrors, strayRequests: opened.strayRequests })}`);
        await opened.close();
      } finally {
        await browser.close();
      }
    }
    const render = median(inPage);
    console.log(`first render in headless Chromium, median of ${RUNS} fresh browsers:`);
    console.log(`  navigation start to data-ready ${ms(render)} ms (min ${ms(Math.min(...inPage)).trim()}, max ${ms(Math.max(...inPage)).trim()})  ${verdict(render, TARGET_RENDER_MS)}`);
    console.log(`  goto + wait, seen from node    ${ms(median(wall))} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--generate") {
  process.stdout.write(JSON.stringify(await generateOnce(process.argv[3]!, process.argv[4]!)));
} else {
  await bench();
}
