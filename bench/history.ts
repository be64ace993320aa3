// npx tsx bench/history.ts: threatwright history over 200 commits of a 200-component synthetic
// model in a temporary git repository. Each commit makes one small edit (a control added, a
// decision recorded, a description or prompt version changed). Reports the median wall time of
// a few runs of the whole command (git + load + analysis + figures + JSON), and where it goes.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parse, stringify } from "yaml";
import { historyCommand } from "../src/cli/commands/history.js";
import type { CliIO } from "../src/cli/io.js";
import { analyze } from "../src/analysis/analyze.js";
import { gitFiles } from "../src/lifecycle/git-files.js";
import { listModelCommits } from "../src/lifecycle/history.js";
import { diskFiles, memoryFiles } from "../src/model/files.js";
import { loadModel } from "../src/model/load.js";
import { syntheticModelFiles } from "./synthetic.js";
import { median } from "./stats.js";

const COMPONENTS = 200;
const COMMITS = 200;
const RUNS = 3;
const BUDGET_MS = 10_000;

type Lists = Record<string, Record<string, unknown>[]>;

function gitEnv(date?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: os.devNull };
  return date ? { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : env;
}

function makeHistory(root: string): void {
  const git = (args: string[], date?: string) => execFileSync("git", args, { cwd: root, env: gitEnv(date), stdio: ["ignore", "pipe", "pipe"] });
  git(["init", "--quiet", "--initial-branch=main"]);
  git(["config", "user.email", "bench@example.com"]);
  git(["config", "user.name", "bench"]);
  const files = syntheticModelFiles(COMPONENTS);
  const unitsFile = Object.keys(files).find((f) => f.startsWith("units-"))!;
  const lists = parse(files[unitsFile]!) as Lists;
  const write = () => {
    files[unitsFile] = stringify(lists, { lineWidth: 0 });
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.join(root, "threatmodel"), { recursive: true });
      writeFileSync(path.join(root, "threatmodel", name), text);
    }
  };
  const findings = (() => {
    const loaded = loadModel("threatwright.yaml", memoryFiles(files));
    if (!loaded.ok) throw new Error("synthetic model does not load");
    return analyze(loaded.loaded.model, { today: "2026-01-01" }).findings.map((f) => f.id);
  })();
  const decisions: Record<string, unknown>[] = [];
  const rootFile = files["threatwright.yaml"]!;
  const units = COMPONENTS / 25;
  const start = Date.UTC(2026, 0, 5);
  for (let i = 0; i < COMMITS; i++) {
    const u = i % units;
    switch (i % 4) {
      case 0:
        (lists.datastores!.find((d) => d.id === `u${u}-orders`) ?? lists.datastores![0]!).description = `Orders, revision ${i}`;
        break;
      case 1:
        lists.controls!.push({ id: `bench-approval-${i}`, type: "human-approval", covers: [`u${u}-update`], status: "implemented", verified: true });
        break;
      case 2: {
        const finding = findings[i % findings.length]!;
        if (!decisions.some((d) => d.finding === finding)) decisions.push({ finding, status: i % 3 === 0 ? "accepted" : "mitigating", owner: "bench@example.com", expires: "2026-03-01", due: "2026-02-01" });
        break;
      }
      default: {
        const prompt = lists.prompts!.find((p) => p.id === `u${u}-system-prompt`);
        if (prompt) prompt.version = String(4 + i);
      }
    }
    if (decisions.length > 0) {
      // Decisions live in their own included file, as 'threatwright decide' writes them.
      files["decisions.yaml"] = stringify({ decisions }, { lineWidth: 0 });
      files["threatwright.yaml"] = rootFile.replace("include:\n", "include:\n  - decisions.yaml\n");
    }
    write();
    git(["add", "--all"]);
    git(["commit", "--quiet", "-m", `edit ${i}`], new Date(start + i * 8 * 3600_000).toISOString());
  }
}


const root = mkdtempSync(path.join(os.tmpdir(), "tw-bench-history-"));
try {
  const t0 = performance.now();
  makeHistory(root);
  console.log(`repository: ${COMMITS} commits of a ${COMPONENTS}-component model, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const times: number[] = [];
  let output = "";
  for (let run = 0; run < RUNS; run++) {
    const io: CliIO = { out: (t) => (output = t), err: (t) => process.stderr.write(t), files: diskFiles, today: () => "2026-12-31", cwd: root };
    const started = performance.now();
    const code = historyCommand(io, "threatmodel", { by: "commit", maxCommits: 200, format: "json" });
    times.push(performance.now() - started);
    if (code !== 0) throw new Error(`history exited ${code}`);
  }
  const report = JSON.parse(output) as { commits: { considered: number; analysed: number; skipped: number }; points: unknown[] };
  const ms = median(times);
  console.log(`history: ${report.points.length} points, ${report.commits.analysed} analyses, ${report.commits.skipped} skipped`);
  console.log(`runs (ms): ${times.map((t) => t.toFixed(0)).join(", ")}; median ${(ms / 1000).toFixed(2)} s (budget ${BUDGET_MS / 1000} s)`);

  // Where the time goes: load and analysis timed alone on the same versions (git reads done
  // beforehand, untimed); the rest of the run is git (listing, trees, blobs) and the figures.
  const commits = listModelCommits(root, "threatmodel");
  let load = 0;
  let analysis = 0;
  for (const commit of commits) {
    const files = gitFiles(root, commit.hash, { under: "threatmodel" });
    loadModel("threatmodel", files);
    const b = performance.now();
    const loaded = loadModel("threatmodel", files);
    const c = performance.now();
    if (loaded.ok) analyze(loaded.loaded.model, { today: commit.date });
    load += c - b;
    analysis += performance.now() - c;
  }
  console.log(`where it goes (of the median): load ${(load / 1000).toFixed(2)} s, analysis ${(analysis / 1000).toFixed(2)} s, git and the rest ${((ms - load - analysis) / 1000).toFixed(2)} s`);
  if (ms > BUDGET_MS) console.log(`OVER BUDGET by ${((ms - BUDGET_MS) / 1000).toFixed(2)} s`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
