// npx tsx bench/check.ts: `threatwright check --baseline main` on the support-assistant example,
// committed on main in a temporary git repository and changed on a branch (a tool added and
// accepted). Each run is a fresh process, timed from spawn to exit; the report gives the median
// of 5 runs, and the same for `--version` (start-up alone) to show what the check itself costs.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { machineLine, median } from "./stats.js";

const RUNS = 5;
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const dev = path.join(repoRoot, "scripts", "dev.ts");
// Resolved here: the runs start in the temporary repository, where tsx is not installed.
const tsx = import.meta.resolve("tsx");

/** The CLI as installed users run it: compiled JavaScript (built into a temporary folder), not TypeScript through tsx. */
function builtCli(outDir: string): string[] {
  execFileSync(process.execPath, [path.join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(repoRoot, "tsconfig.build.json"), "--outDir", outDir], { cwd: repoRoot, stdio: "inherit" });
  const entry = path.join(outDir, "cli", "main.js");
  // dist/ resolves its dependencies from the repository's node_modules through this link.
  execFileSync("ln", ["-s", path.join(repoRoot, "node_modules"), path.join(outDir, "node_modules")]);
  return ["--input-type=module", "-e", `const { main } = await import(${JSON.stringify(new URL(`file://${entry}`).href)}); process.exitCode = await main(process.argv.slice(1));`, "--"];
}

function timeRuns(cwd: string, args: string[], cli = ["--import", tsx, dev]): { ms: number[]; status: number | null } {
  const ms: number[] = [];
  let status: number | null = null;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const run = spawnSync(process.execPath, [...cli, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 26 });
    ms.push(performance.now() - start);
    status = run.status;
    // 1 is a failed gate (the change adds an unaccepted critical finding); anything else is a broken run.
    if ((run.status !== 0 && run.status !== 1) || run.stdout === "") throw new Error(`exited ${run.status}: ${run.stderr}`);
  }
  return { ms, status };
}

const root = mkdtempSync(path.join(os.tmpdir(), "tw-bench-check-"));
try {
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=bench@example.com", "-c", "user.name=bench", "-c", "commit.gpgsign=false", ...args], { cwd: root, stdio: "ignore" });
  git("init", "--quiet", "--initial-branch=main");
  cpSync(path.join(repoRoot, "examples", "support-assistant"), path.join(root, "threatmodel"), { recursive: true });
  git("add", "--all");
  git("commit", "--quiet", "-m", "model");
  git("checkout", "--quiet", "-b", "change");
  const components = path.join(root, "threatmodel", "components.yaml");
  const text = readFileSync(components, "utf8")
    .replace("tools: [lookup-order, issue-refund, send-customer-email]", "tools: [lookup-order, issue-refund, send-customer-email, cancel-order]")
    .replace("\ndatastores:", "  - id: cancel-order\n    boundary: support-prod\n    runsOn: chat-backend\n    runsAs: orders-service-account\n    capabilities:\n      - action: write\n        on: [orders-db]\n\ndatastores:");
  writeFileSync(components, text);
  git("commit", "--quiet", "--all", "-m", "cancel-order tool");

  const args = ["check", "threatmodel", "--baseline", "main", "--date", "2026-10-02", "--format", "json"];
  console.log(machineLine());
  const built = builtCli(path.join(root, ".tw-dist"));
  for (const [label, cli] of [["compiled (as installed)", built], ["from source through tsx", ["--import", tsx, dev]]] as const) {
    const startup = timeRuns(root, ["--version"], [...cli]);
    const check = timeRuns(root, args, [...cli]);
    console.log(`${label}: check --baseline main (exit ${check.status}) median of ${RUNS} fresh processes ${median(check.ms).toFixed(0)} ms (min ${Math.min(...check.ms).toFixed(0)}, max ${Math.max(...check.ms).toFixed(0)}); start-up alone (--version) ${median(startup.ms).toFixed(0)} ms`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
