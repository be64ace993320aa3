// npm run screenshots: regenerates docs/screenshots/ for the README. Each example's report
// (fixed date, so reruns show the same content) is opened in Chromium and shot from the top of
// the page to the end of the diagram (summary, heat map, diagram at its default, readable size with path 1 highlighted); the
// support assistant also gets its findings table with the first finding's detail open, and the
// invoice agents their payment tool's attack tree.
// The models are copied out of git first: review staleness reads git history, which moves
// with every commit, and the pictures should change only when the report does.
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { main } from "../src/cli/main.js";
import { diskFiles } from "../src/model/files.js";
import { browserSkipReason, launchBrowser, NO_PROBLEMS, openFile, problems } from "../test/browser/harness.js";

const DATE = "2026-11-22";
const EXAMPLES = ["support-assistant", "coding-agent", "invoice-agents"];
const VIEWPORT = { width: 1600, height: 900 };
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const outDir = path.join(repoRoot, "docs", "screenshots");

async function writeReport(example: string, file: string): Promise<void> {
  const model = path.join(work, example);
  cpSync(path.join(repoRoot, "examples", example), model, { recursive: true });
  let err = "";
  const code = await main(["report", model, "--out", file, "--date", DATE], {
    out: () => {},
    err: (text) => (err += text),
    files: diskFiles,
    today: () => DATE,
    cwd: repoRoot,
  });
  if (code !== 0) throw new Error(`report ${example} exited ${code}: ${err}`);
}

/** The page from its top to the end of the #diagram section (the diagram canvas grows with its drawing, so it is all there). */
async function overview(page: Page, target: string): Promise<void> {
  const diagram = await page.locator("#diagram").boundingBox();
  if (!diagram) throw new Error("the report has no #diagram section");
  const scrollY = Number(await page.evaluate("window.scrollY"));
  const bottom = Math.ceil(diagram.y + scrollY + diagram.height + 16);
  await page.screenshot({ path: target, fullPage: true, clip: { x: 0, y: 0, width: VIEWPORT.width, height: bottom }, animations: "disabled", caret: "hide" });
}

/** The findings table near the top of the window, with the first finding's detail open in the drawer beside it. */
async function findingDetail(page: Page, target: string): Promise<void> {
  await page.evaluate("document.getElementById('findings').scrollIntoView({ block: 'start' })");
  await page.locator("#findings tr[data-finding-id]").first().click();
  await page.locator("#finding-detail").waitFor({ state: "visible" });
  // The row is clicked from wherever it sits; put the section's top back near the top of the window.
  await page.evaluate("window.scrollTo(0, document.getElementById('findings').getBoundingClientRect().top + window.scrollY - 16)");
  await page.screenshot({ path: target, animations: "disabled", caret: "hide" });
}

/** An attack tree drawn by the diagram command (SVG), shot whole at 1 px per point. */
async function treeDiagram(browser: Browser, example: string, target: string): Promise<void> {
  const svg = path.join(work, `${example}-tree.svg`);
  let err = "";
  const code = await main(["diagram", path.join(work, example), "--tree", "2", "--out", svg, "--date", DATE], { out: () => {}, err: (text) => (err += text), files: diskFiles, today: () => DATE, cwd: repoRoot });
  if (code !== 0) throw new Error(`diagram ${example} exited ${code}: ${err}`);
  // The SVG has a viewBox and no size: a window of the viewBox's size shows it at 1 px per point.
  // A bare SVG has no ready flag to wait for, and loads nothing: a plain page will do.
  const box = /viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"/.exec(readFileSync(svg, "utf8"));
  if (!box) throw new Error(`${svg} has no viewBox`);
  const page = await browser.newPage({ viewport: { width: Math.ceil(Number(box[1])), height: Math.ceil(Number(box[2])) } });
  try {
    await page.goto(pathToFileURL(svg).href);
    await page.locator("svg").screenshot({ path: target, animations: "disabled" });
  } finally {
    await page.close();
  }
}

const skip = browserSkipReason();
if (skip) {
  console.error(`screenshots: ${skip}`);
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
// A fixed folder: the report names it when it says git cannot judge staleness.
const work = path.join(os.tmpdir(), "threatwright-examples");
rmSync(work, { recursive: true, force: true });
const browser = await launchBrowser();
try {
  for (const example of EXAMPLES) {
    const report = path.join(work, `${example}.html`);
    await writeReport(example, report);
    const opened = await openFile(browser, report, { viewport: VIEWPORT });
    try {
      await overview(opened.page, path.join(outDir, `${example}.png`));
      if (example === "support-assistant") await findingDetail(opened.page, path.join(outDir, `${example}-finding.png`));
      // The payment tool's attack tree as 'diagram --tree 2' draws it: five paths to one goal.
      if (example === "invoice-agents") await treeDiagram(browser, example, path.join(outDir, `${example}-tree.png`));
      const seen = problems(opened);
      if (JSON.stringify(seen) !== JSON.stringify(NO_PROBLEMS)) throw new Error(`${example}: the page misbehaved: ${JSON.stringify(seen)}`);
      const extra = { "support-assistant": "finding", "invoice-agents": "tree" }[example];
      console.log(`wrote docs/screenshots/${example}.png${extra ? ` and ${example}-${extra}.png` : ""}`);
    } finally {
      await opened.close();
    }
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
