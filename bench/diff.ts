// npx tsx bench/diff.ts: threatwright diff of two synthetic 5,000-component models, the old
// one committed in a temporary git repository and read at HEAD, the new one (a few
// realistic edits) read from the working tree. Each run is a fresh process; the report
// gives the median wall time of load both + model diff + analysis of both + findings diff
// and review triggers, and of each phase.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { analyze, prepareModel } from "../src/analysis/analyze.js";
import { diffFindings } from "../src/lifecycle/findings-diff.js";
import { gitFiles } from "../src/lifecycle/git-files.js";
import { diffModels } from "../src/lifecycle/model-diff.js";
import { reviewTriggers } from "../src/lifecycle/triggers.js";
import { diskFiles } from "../src/model/files.js";
import { loadModel } from "../src/model/load.js";
import { syntheticModelFiles } from "./synthetic.js";
import { machineLine, median } from "./stats.js";

const here = fileURLToPath(import.meta.url);

type Lists = Record<string, Record<string, unknown>[]>;

/** The synthetic model after a pull request's worth of edits, spread over the model's files. */
export function editedModelFiles(files: Record<string, string>): Record<string, string> {
  const edited = { ...files };
  const units = Object.keys(files).filter((name) => name.startsWith("units-")).sort();
  const change = (name: string, edit: (lists: Lists) => void) => {
    const lists = parse(edited[name]!) as Lists;
    edit(lists);
    edited[name] = stringify(lists, { lineWidth: 0 });
  };
  const byId = (list: Record<string, unknown>[] | undefined, id: string) => {
    const found = list?.find((element) => element.id === id);
    if (!found) throw new Error(`synthetic model has no ${id}`);
    return found;
  };
  change(units[0]!, (lists) => {
    // A tool added to an agent, and a prompt edited.
    (byId(lists.agents, "u3-triage").tools as string[]).push("u3-update");
    byId(lists.prompts, "u3-system-prompt").version = "4";
    // A control added, and a description reworded.
    lists.controls!.push({ id: "u5-approval-2", type: "human-approval", covers: ["u5-update"], status: "implemented", verified: true });
    byId(lists.datastores, "u7-orders").description = "Orders of unit 7";
  });
  change(units[units.length - 1]!, (lists) => {
    // A token widened, a flow removed, a retrieval source added.
    const identity = byId(lists.identities, "u190-agent-sa");
    (identity.permissions as { actions: string[] }[])[0]!.actions.push("delete");
    lists.flows = lists.flows!.filter((flow) => flow.id !== "u191-f10");
    lists.sources!.push({ id: "u192-web", type: "web" });
    lists.flows.push({ id: "u192-web-in", from: "u192-web", to: "u192-ingest", channel: "ingestion" });
  });
  return edited;
}

export interface DiffMeasure {
  ms: number;
  phases: { loadOld: number; loadNew: number; modelDiff: number; analyzeBoth: number; findingsAndTriggers: number };
  changes: number;
  classification: string;
  newFindings: number;
  reviewItems: number;
}

/** One measured diff, in this process: HEAD:model from git against the working tree's model. */
export function measureDiff(repoRoot: string): DiffMeasure {
  const start = performance.now();
  const old = loadModel("model", gitFiles(repoRoot, "HEAD", { under: "model" }));
  const t1 = performance.now();
  const now = loadModel(path.join(repoRoot, "model"), diskFiles);
  const t2 = performance.now();
  if (!old.ok || !now.ok) throw new Error("synthetic model is invalid");
  // As buildDiffReport does: each side prepared once, for the material checks and its analysis.
  const facts = { before: prepareModel(old.loaded.model), after: prepareModel(now.loaded.model) };
  const modelDiff = diffModels(old.loaded.model, now.loaded.model, { facts });
  const t3 = performance.now();
  const today = "2026-11-22";
  const before = analyze(old.loaded.model, { today, prepared: facts.before }).findings;
  const after = analyze(now.loaded.model, { today, prepared: facts.after }).findings;
  const t4 = performance.now();
  const findings = diffFindings(before, after);
  const items = reviewTriggers(modelDiff, old.loaded.model, now.loaded.model);
  const end = performance.now();
  return {
    ms: end - start,
    phases: { loadOld: t1 - start, loadNew: t2 - t1, modelDiff: t3 - t2, analyzeBoth: t4 - t3, findingsAndTriggers: end - t4 },
    changes: modelDiff.changes.length,
    classification: modelDiff.classification,
    newFindings: findings.new.length,
    reviewItems: items.length,
  };
}

/** Builds the repository, runs `runs` fresh processes and returns every measure. */
export function runDiffBench(components = 5000, runs = 5): DiffMeasure[] {
  const root = mkdtempSync(path.join(os.tmpdir(), "tw-bench-diff-"));
  try {
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=bench@example.com", "-c", "user.name=bench", "-c", "commit.gpgsign=false", ...args], { cwd: root, stdio: "ignore" });
    const write = (files: Record<string, string>) => {
      mkdirSync(path.join(root, "model"), { recursive: true });
      for (const [name, content] of Object.entries(files)) writeFileSync(path.join(root, "model", name), content);
    };
    const files = syntheticModelFiles(components);
    git("init", "--quiet");
    write(files);
    git("add", "--all");
    git("commit", "--quiet", "-m", "synthetic model");
    write(editedModelFiles(files));
    const measures: DiffMeasure[] = [];
    for (let run = 0; run < runs; run++) {
      const out = execFileSync(process.execPath, ["--import", "tsx", here, "--once", root], { encoding: "utf8", maxBuffer: 1 << 26 });
      measures.push(JSON.parse(out) as DiffMeasure);
    }
    return measures;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function report(components: number, measures: DiffMeasure[]): void {
  const first = measures[0]!;
  const phase = (key: keyof DiffMeasure["phases"]) => median(measures.map((m) => m.phases[key])).toFixed(0);
  const withoutAnalysis = median(measures.map((m) => m.phases.loadOld + m.phases.loadNew + m.phases.modelDiff + m.phases.findingsAndTriggers));
  console.log(machineLine());
  console.log(`diff of two ${components}-component models: ${first.changes} changes (${first.classification}), ${first.newFindings} new findings, ${first.reviewItems} review items`);
  console.log(`median of ${measures.length} runs: ${median(measures.map((m) => m.ms)).toFixed(0)} ms in all (min ${Math.min(...measures.map((m) => m.ms)).toFixed(0)}, max ${Math.max(...measures.map((m) => m.ms)).toFixed(0)})`);
  console.log(`  load old (git) ${phase("loadOld")} ms, load new (disk) ${phase("loadNew")} ms, model diff ${phase("modelDiff")} ms, analysis of both ${phase("analyzeBoth")} ms, findings diff + triggers ${phase("findingsAndTriggers")} ms`);
  console.log(`  without the two analyses: ${withoutAnalysis.toFixed(0)} ms`);
}

if (process.argv[1] === here) {
  if (process.argv[2] === "--once") {
    process.stdout.write(JSON.stringify(measureDiff(process.argv[3]!)));
  } else {
    const components = Number(process.env.BENCH_DIFF_SIZE ?? 5000);
    report(components, runDiffBench(components, Number(process.env.BENCH_RUNS ?? 5)));
  }
}
