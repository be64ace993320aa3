// npm run bench: load + analyze + JSON output of synthetic models of 1,000, 5,000
// and 20,000 components. Each size runs in a fresh process several times; the
// report gives the median wall time and the median peak resident memory.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { syntheticModelFiles } from "./synthetic.js";
import { machineLine, median } from "./stats.js";

const SIZES = (process.env.BENCH_SIZES ?? "1000,5000,20000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const here = path.dirname(fileURLToPath(import.meta.url));

console.log(machineLine());
console.log("size      files  findings  median ms  min ms  max ms  median peak RSS MB  median load / analyze / json ms");
for (const size of SIZES) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tw-bench-${size}-`));
  try {
    const files = syntheticModelFiles(size);
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
    const times: number[] = [];
    const peaks: number[] = [];
    const phases: Record<"load" | "analyze" | "json", number[]> = { load: [], analyze: [], json: [] };
    let findings = 0;
    for (let run = 0; run < RUNS; run++) {
      const out = execFileSync(process.execPath, ["--import", "tsx", path.join(here, "measure-analyze.ts"), dir], { encoding: "utf8", maxBuffer: 1 << 30 });
      const measured = JSON.parse(out) as { ms: number; phases: Record<keyof typeof phases, number>; peakRssMb: number; findings: number };
      times.push(measured.ms);
      for (const phase of ["load", "analyze", "json"] as const) phases[phase].push(measured.phases[phase]);
      peaks.push(measured.peakRssMb);
      findings = measured.findings;
    }
    console.log(
      `${String(size).padEnd(9)} ${String(Object.keys(files).length).padStart(5)}  ${String(findings).padStart(8)}  ${median(times).toFixed(0).padStart(9)}  ${Math.min(...times).toFixed(0).padStart(6)}  ${Math.max(...times).toFixed(0).padStart(6)}  ${median(peaks).toFixed(0).padStart(19)}  ${(["load", "analyze", "json"] as const).map((phase) => median(phases[phase]).toFixed(0)).join(" / ")}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
