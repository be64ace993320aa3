// The HTML report in a real browser (Contract B). Every expected number comes from
// `analyze --format json` for the same model and date, never from the page itself.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Browser, Locator, Page } from "playwright-core";
import { FRAMEWORKS, techniqueName } from "../../src/catalog/frameworks.js";
import { diskFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";
import { COMPONENT_KINDS } from "../../src/model/vocabulary.js";
import { runCli } from "../cli/harness.js";
import { browserSkipReason, launchBrowser, NO_PROBLEMS, openFile, problems, type OpenedPage } from "./harness.js";

const DATE = "2026-11-22";
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const EXAMPLES = ["support-assistant", "coding-agent", "invoice-agents"];
const HOSTILE = path.join(repoRoot, "test", "fixtures", "hostile-model");
const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
const SECTIONS = ["#summary", "#heatmap", "#diagram", "#paths", "#trees", "#findings", "#coverage", "#decisions", "#figures"];
const FILTERS = ["#filter-severity", "#filter-status", "#filter-component", "#filter-framework", "#filter-workflow", "#filter-cause", "#filter-text"];
const COVERAGE_FRAMEWORKS = ["owasp-llm", "owasp-agentic", "owasp-nhi", "atlas", "maestro"];

interface Step {
  element: string;
  action: string;
  technique: string;
}
interface Finding {
  id: string;
  ruleId: string;
  title: string;
  summary: string;
  severity: string;
  status: string;
  residual: { likelihood: number; impact: number };
  anchors: string[];
  evidence: { element: string; note: string }[];
  path?: Step[];
  workflows: string[];
  cause: string;
  overdue: boolean;
  /** Keys of the rule's mappings that do not hold for this finding. */
  frameworksLeftOut?: string[];
}
interface Analysis {
  summary: { findings: number; bySeverity: Record<string, number> };
  findings: Finding[];
  causes: { id: string; findings: string[] }[];
  attackPaths: { finding: string; rank: number; steps: Step[] }[];
  rules: Record<string, { mappings: Record<string, string[] | undefined> }>;
}
interface Subject {
  name: string;
  report: string;
  analysis: Analysis;
  /** Component IDs of the whole model, and of each workflow. */
  components: string[];
  workflows: { id: string; name: string; components: string[] }[];
  /** Display name of every element with an ID. */
  names: Map<string, string>;
  /** Element names with markup in them (the hostile fixture's payloads). */
  hostileNames: string[];
  /** The review state the page should show, from threatwright status. */
  reviewState: "stale" | "up to date" | "no review recorded";
}

const sorted = (values: Iterable<string>) => [...values].sort();
const squash = (text: string) => text.replace(/\s+/g, " ").trim();

/** Writes the report and the JSON analysis for one model folder, through the CLI in-process. */
async function prepare(name: string, modelDir: string, outDir: string): Promise<Subject> {
  const report = path.join(outDir, `${name}.html`);
  const written = await runCli(["report", modelDir, "--out", report, "--date", DATE]);
  assert.equal(written.code, 0, `report ${name} exited ${written.code}: ${written.err}`);
  const analyzed = await runCli(["analyze", modelDir, "--format", "json", "--date", DATE]);
  assert.equal(analyzed.code, 0, `analyze ${name} exited ${analyzed.code}: ${analyzed.err}`);
  const status = JSON.parse((await runCli(["status", modelDir, "--format", "json", "--date", DATE])).out) as { stale: boolean; review?: { lastReview?: unknown } };
  const reviewState = !status.review?.lastReview ? "no review recorded" : status.stale ? "stale" : "up to date";
  const loaded = loadModel(modelDir, diskFiles);
  assert.ok(loaded.ok, `model ${name} loads`);
  const components = [...loaded.loaded.kinds].filter(([, kind]) => (COMPONENT_KINDS as readonly string[]).includes(kind)).map(([id]) => id);
  const workflows = (loaded.loaded.model.workflows ?? []).map((w) => ({ id: w.id, name: w.name ?? w.id, components: [...w.components] }));
  const names = new Map<string, string>();
  const collectNames = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collectNames);
    else if (value !== null && typeof value === "object") {
      const element = value as { id?: unknown; name?: unknown };
      if (typeof element.id === "string") names.set(element.id, typeof element.name === "string" ? element.name : element.id);
      Object.values(value).forEach(collectNames);
    }
  };
  collectNames(loaded.loaded.model);
  const hostileNames = [...names.values()].filter((n) => /[<>"]/.test(n));
  return { name, report, analysis: JSON.parse(analyzed.out) as Analysis, components: sorted(components), workflows, names, hostileNames, reviewState };
}

/** IDs of the finding rows the reader can see. */
async function visibleRowIds(page: Page): Promise<string[]> {
  const ids = await page.locator("#findings tr[data-finding-id]").filter({ visible: true }).evaluateAll((rows) => rows.map((row) => row.getAttribute("data-finding-id") ?? ""));
  return sorted(ids);
}

async function expectShown(page: Page, expected: Finding[], total: number, what: string): Promise<void> {
  assert.deepEqual(await visibleRowIds(page), sorted(expected.map((f) => f.id)), `rows shown for ${what}`);
  assert.equal(squash(await page.locator("#findings-count").innerText()), `${expected.length} of ${total} findings`, `#findings-count for ${what}`);
}

async function optionValues(select: Locator): Promise<{ value: string; label: string }[]> {
  return select.locator("option").evaluateAll((options) => options.map((o) => ({ value: o.getAttribute("value") ?? o.textContent ?? "", label: (o.textContent ?? "").trim() })));
}

/** The IDs of the nodes drawn in #diagram (contract A: <g id="n-ELEMENTID" class="node ...">). */
async function drawnNodes(page: Page, selector = "g.node"): Promise<string[]> {
  const ids = await page.locator(`#diagram svg ${selector}`).evaluateAll((nodes) => nodes.map((n) => n.getAttribute("id") ?? ""));
  return sorted(ids.filter((id) => id.startsWith("n-")).map((id) => id.slice(2)));
}

/** Edges drawn in the diagram as [edge ID, from, to], read off the SVG's own titles ("from->to"). */
async function drawnEdges(page: Page, selector = "g.edge"): Promise<[string, string, string][]> {
  const edges = await page.locator(`#diagram svg ${selector}`).evaluateAll((nodes) => nodes.map((n) => [n.getAttribute("id") ?? "", n.querySelector("title")?.textContent ?? ""]));
  return edges
    .filter(([id]) => id!.startsWith("e-"))
    .map(([id, title]) => [id!.slice(2), ...(title!.split("->") as [string, string])] as [string, string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The clickable control of an attack path: the [data-path-rank] element itself when it is a button, else the button inside it. */
async function pathControl(page: Page, rank: number): Promise<Locator> {
  const item = page.locator(`#paths [data-path-rank="${rank}"]`);
  const tag = await item.evaluate((el) => el.tagName.toLowerCase());
  return tag === "button" ? item : item.locator("button").first();
}

/** Selected: the [data-path-rank] element says aria-selected or aria-pressed, or its button says aria-pressed. */
async function isSelected(page: Page, rank: number): Promise<boolean> {
  const item = page.locator(`#paths [data-path-rank="${rank}"]`);
  const marks = await item.evaluate((el) => [el.getAttribute("aria-selected"), el.getAttribute("aria-pressed"), el.querySelector("button")?.getAttribute("aria-pressed")]);
  return marks.includes("true");
}

/** Elements a finding touches: its anchors, its evidence and its path steps. */
const touched = (f: Finding) => new Set([...f.anchors, ...f.evidence.map((e) => e.element), ...(f.path ?? []).map((s) => s.element)]);

/** The finding's mappings: its rule's, less the frameworks left out for it. */
function mappingsOf(subject: Subject, f: Finding): Record<string, string[] | undefined> {
  const all = subject.analysis.rules[f.ruleId]?.mappings ?? {};
  return Object.fromEntries(Object.entries(all).filter(([key]) => !f.frameworksLeftOut?.includes(key)));
}

/** A finding belongs to a framework item when its mappings name the item or, for ATLAS techniques, a path step uses it. */
function frameworkPredicate(subject: Subject, value: string): (f: Finding) => boolean {
  const whole = FRAMEWORKS.find((fw) => fw.slug === value);
  if (whole) return (f) => (mappingsOf(subject, f)[whole.key]?.length ?? 0) > 0 || (whole.slug === "atlas" && (f.path ?? []).length > 0);
  return (f) => Object.values(mappingsOf(subject, f)).some((ids) => ids?.includes(value)) || (f.path ?? []).some((s) => s.technique === value);
}

/** Words that find the same findings whether the search reads titles and summaries or every field and element name: the search's scope cannot change the answer. */
function searchTerms(subject: Subject): string[] {
  const findings = subject.analysis.findings;
  const narrow = (f: Finding) => `${f.id} ${f.title} ${f.summary}`.toLowerCase();
  const broad = (f: Finding) => `${JSON.stringify(f)} ${[...touched(f)].map((id) => subject.names.get(id) ?? id).join(" ")}`.toLowerCase();
  const words = new Set(findings.flatMap((f) => f.summary.toLowerCase().match(/[a-z]{6,}/g) ?? []));
  const terms: string[] = [];
  for (const word of [...words].sort()) {
    const a = findings.filter((f) => narrow(f).includes(word)).length;
    const b = findings.filter((f) => broad(f).includes(word)).length;
    if (a === b && a > 0 && a < findings.length) terms.push(word);
    if (terms.length === 3) break;
  }
  return terms;
}

describe("HTML report in Chromium", { skip: browserSkipReason() }, () => {
  let browser: Browser;
  let outDir: string;
  const subjects = new Map<string, Subject>();
  let pagesThisTest: OpenedPage[] = [];
  const open = async (subject: Subject): Promise<OpenedPage> => {
    const page = await openFile(browser, subject.report);
    pagesThisTest.push(page);
    return page;
  };
  // Whatever a test clicks, the page must stay quiet: no error, no request out, no dialog.
  afterEach(() => {
    const seen = pagesThisTest;
    pagesThisTest = [];
    for (const page of seen) assert.deepEqual(problems(page), NO_PROBLEMS, `${page.page.url()} stayed quiet`);
  });

  before(async () => {
    outDir = mkdtempSync(path.join(os.tmpdir(), "tw-report-browser-"));
    assert.ok(existsSync(path.join(HOSTILE, "threatwright.yaml")), `the hostile fixture ${HOSTILE} exists`);
    for (const name of EXAMPLES) subjects.set(name, await prepare(name, path.join(repoRoot, "examples", name), outDir));
    subjects.set("hostile-model", await prepare("hostile-model", HOSTILE, outDir));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });
  const subject = (name: string) => subjects.get(name)!;

  for (const name of [...EXAMPLES, "hostile-model"]) {
    describe(name, () => {
      it("renders with no console error, no uncaught error and no request beyond the file", async () => {
        const opened = await open(subject(name));
        try {
          await opened.screenshot(`${name}-first-render`, { fullPage: true });
          assert.deepEqual(problems(opened), NO_PROBLEMS);
          const csp = await opened.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
          assert.ok(csp !== null, "CSP meta present");
          assert.match(csp, /default-src 'none'/);
          assert.match(csp, /script-src[^;]*'sha256-/);
          assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        } finally {
          await opened.close();
        }
      });

      it("shows the severity counts of analyze --format json and every finding at first", async () => {
        const { analysis, reviewState } = subject(name);
        const opened = await open(subject(name));
        try {
          for (const severity of SEVERITIES) {
            const shown = squash(await opened.page.locator(`#summary [data-severity-count="${severity}"]`).innerText());
            assert.equal(shown, String(analysis.summary.bySeverity[severity] ?? 0), `${severity} count`);
          }
          await expectShown(opened.page, analysis.findings, analysis.findings.length, "no filter");
          assert.equal(squash(await opened.page.locator("#stale").innerText()), reviewState);
          assert.ok((await opened.page.locator("#top-risks li").count()) > 0 || analysis.findings.length === 0, "#top-risks lists something");
        } finally {
          await opened.close();
        }
      });

      it("filters by severity, status, component, framework, workflow and text as the JSON predicts", async () => {
        const s = subject(name);
        const all = s.analysis.findings;
        const opened = await open(s);
        const page = opened.page;
        const predicates: Record<string, (value: string) => (f: Finding) => boolean> = {
          "#filter-severity": (v) => (f) => f.severity === v,
          "#filter-status": (v) => (f) => (v === "overdue" ? f.overdue : f.status === v),
          "#filter-component": (v) => (f) => touched(f).has(v),
          "#filter-framework": (v) => frameworkPredicate(s, v),
          "#filter-workflow": (v) => (f) => f.workflows.includes(v),
          "#filter-cause": (v) => (f) => f.cause === v, // offered for causes shared by several findings
        };
        try {
          for (const [selector, predicate] of Object.entries(predicates)) {
            const select = page.locator(selector);
            const options = (await optionValues(select)).filter((o) => o.value !== "");
            assert.ok(options.length > 0 || all.length === 0, `${selector} offers choices`);
            for (const option of options) {
              await select.selectOption(option.value);
              await expectShown(page, all.filter(predicate(option.value)), all.length, `${selector}=${option.value}`);
            }
            await select.selectOption("");
            await expectShown(page, all, all.length, `${selector} reset`);
          }
          await page.selectOption("#filter-severity", "critical");
          await opened.screenshot(`${name}-filter-critical`, { element: "#findings" });
          await page.selectOption("#filter-severity", "");
          const terms = searchTerms(s);
          assert.ok(terms.length > 0 || all.length < 2, "some word tells findings apart");
          for (const term of terms) {
            await page.fill("#filter-text", term);
            await expectShown(page, all.filter((f) => `${f.id} ${f.title} ${f.summary}`.toLowerCase().includes(term)), all.length, `text "${term}"`);
          }
          await page.fill("#filter-text", "");
          await expectShown(page, all, all.length, "text cleared");
          // A root cause in the summary lists its findings, as the filter does, and says so in the select.
          const shared = s.analysis.causes.filter((c) => c.findings.length > 1);
          assert.equal(await page.locator("#root-causes > li").count(), shared.length);
          for (const cause of shared) {
            await page.locator(`[data-filter-cause="${cause.id}"]`).click();
            await expectShown(page, all.filter((f) => f.cause === cause.id), all.length, `summary cause ${cause.id}`);
            assert.equal(await page.locator("#filter-cause").inputValue(), cause.id);
          }
          await page.click("#filters-reset");
          await expectShown(page, all, all.length, "filters reset");
        } finally {
          await opened.close();
        }
      });

      it("counts findings by residual likelihood and impact in the heat map, and a cell click filters to it", async () => {
        const { analysis } = subject(name);
        const all = analysis.findings;
        const inCell = (l: number, i: number) => all.filter((f) => Math.round(f.residual.likelihood) === l && Math.round(f.residual.impact) === i);
        const opened = await open(subject(name));
        try {
          assert.equal(await opened.page.locator("#heatmap td[data-likelihood][data-impact]").count(), 25);
          for (let l = 1; l <= 5; l++) {
            for (let i = 1; i <= 5; i++) {
              const text = squash(await opened.page.locator(`#heatmap td[data-likelihood="${l}"][data-impact="${i}"]`).innerText());
              const expected = inCell(l, i).length;
              assert.equal(text === "" ? 0 : Number(text), expected, `cell likelihood ${l} impact ${i}`);
            }
          }
          const cells = [1, 2, 3, 4, 5].flatMap((l) => [1, 2, 3, 4, 5].map((i) => [l, i] as const)).filter(([l, i]) => inCell(l, i).length > 0);
          assert.ok(cells.length > 0 || all.length === 0, "some cell holds findings");
          // Each click moves the filter to the cell clicked.
          for (const [l, i] of cells) {
            await opened.page.click(`#heatmap td[data-likelihood="${l}"][data-impact="${i}"]`);
            await expectShown(opened.page, inCell(l, i), all.length, `heat-map cell ${l}x${i}`);
          }
          await opened.screenshot(`${name}-heatmap-cell`, { element: "#findings" });
        } finally {
          await opened.close();
        }
      });

      it("selects attack path 1 at first, and marks exactly the drawn steps of the path chosen", async () => {
        const { analysis } = subject(name);
        const opened = await open(subject(name));
        const page = opened.page;
        try {
          assert.ok(await isSelected(page, 1) || analysis.attackPaths.length === 0, "path 1 is selected at first");
          // A long list is paged; its "show all" button brings every path in.
          if (await page.locator("#paths-more").isVisible()) await page.click("#paths-more");
          assert.equal(await page.locator("#paths [data-path-rank]").count(), analysis.attackPaths.length, "one entry per attack path");
          const drawn = new Set(await drawnNodes(page));
          for (const attackPath of analysis.attackPaths) {
            const control = await pathControl(page, attackPath.rank);
            if (attackPath.rank !== 1) await control.click();
            assert.ok(await isSelected(page, attackPath.rank), `path ${attackPath.rank} is marked selected`);
            const selected = await page.locator("#paths [data-path-rank]").evaluateAll((items) => items.filter((el) => [el.getAttribute("aria-selected"), el.getAttribute("aria-pressed"), el.querySelector("button")?.getAttribute("aria-pressed")].includes("true")).map((el) => el.getAttribute("data-path-rank")));
            assert.deepEqual(selected, [String(attackPath.rank)], `only path ${attackPath.rank} is selected`);
            const steps = new Set(attackPath.steps.map((s) => s.element));
            const expected = sorted([...steps].filter((id) => drawn.has(id)));
            assert.ok(expected.length > 0, `path ${attackPath.rank} has steps in the diagram`);
            assert.deepEqual(await drawnNodes(page, "g.node.on-path"), expected, `on-path nodes of path ${attackPath.rank}`);
            // The drawn edges between consecutive steps, in either direction, light up too, and no other.
            const hops = new Set(attackPath.steps.slice(1).flatMap((s, i) => [`${attackPath.steps[i]!.element}>${s.element}`, `${s.element}>${attackPath.steps[i]!.element}`]));
            const joining = (await drawnEdges(page)).filter(([, from, to]) => hops.has(`${from}>${to}`));
            assert.deepEqual(await drawnEdges(page, "g.edge.on-path"), joining, `on-path edges of path ${attackPath.rank}`);
            const text = squash(await page.locator(`#paths [data-path-rank="${attackPath.rank}"]`).innerText());
            for (const step of attackPath.steps) {
              assert.ok(text.includes(step.technique), `path ${attackPath.rank} lists ${step.technique}`);
              assert.ok(text.includes(squash(techniqueName(step.technique))), `path ${attackPath.rank} names ${step.technique}`);
            }
            if (attackPath.rank === 1) await opened.screenshot(`${name}-path-1`, { element: "#diagram" });
          }
        } finally {
          await opened.close();
        }
      });

      it("opens a finding's detail on a row click and on Enter", async () => {
        const { analysis } = subject(name);
        const opened = await open(subject(name));
        const page = opened.page;
        try {
          const withEvidence = analysis.findings.filter((f) => f.evidence.length > 0);
          // A finding some of whose rule's frameworks do not hold (MCP items on an identity no MCP server touches), when there is one.
          const narrowed = analysis.findings.find((f) => (f.frameworksLeftOut?.length ?? 0) > 0);
          const picks = [withEvidence[0], withEvidence[withEvidence.length - 1], narrowed].filter((f): f is Finding => f !== undefined);
          assert.ok(picks.length > 0, "some finding has evidence");
          for (const [index, finding] of picks.entries()) {
            const row = page.locator(`#findings tr[data-finding-id="${finding.id}"]`);
            if (index === 0) await row.click();
            else {
              await row.focus();
              await page.keyboard.press("Enter");
            }
            const detail = page.locator("#finding-detail");
            assert.ok(await detail.isVisible(), `#finding-detail visible for ${finding.id}`);
            const text = squash(await detail.innerText());
            assert.ok(text.includes(squash(finding.summary)), `detail shows the summary of ${finding.id}`);
            for (const evidence of finding.evidence) assert.ok(text.includes(squash(evidence.note)), `detail shows evidence "${evidence.note}"`);
            for (const framework of FRAMEWORKS.filter((fw) => (analysis.rules[finding.ruleId]?.mappings[fw.key]?.length ?? 0) > 0)) {
              const shown = text.includes(squash(framework.title));
              assert.equal(shown, !finding.frameworksLeftOut?.includes(framework.key), `detail of ${finding.id} ${shown ? "shows" : "leaves out"} ${framework.title}`);
            }
            const cause = analysis.causes.find((c) => c.id === finding.cause)!;
            assert.match(text, cause.findings.length > 1 ? new RegExp(`ROOT CAUSE .*, shared with ${cause.findings.length - 1} other finding`, "i") : /ROOT CAUSE .*, this finding only/i, `detail names the root cause of ${finding.id}`);
            if (index === 0) await opened.screenshot(`${name}-finding-detail`);
          }
          // The drawer sits beside the page, not over it: every filter and the table's last column stay uncovered.
          const drawer = (await page.locator("#finding-detail").boundingBox())!;
          for (const selector of [...FILTERS, "#findings thead th:last-child"]) {
            const box = (await page.locator(selector).boundingBox())!;
            assert.ok(box.x + box.width <= drawer.x, `${selector} ends at ${box.x + box.width}, left of the drawer at ${drawer.x}`);
          }
          // Esc closes it and gives the focus back to the row it was opened from.
          const last = picks[picks.length - 1]!;
          await page.keyboard.press("Escape");
          assert.equal(await page.locator("#finding-detail").isVisible(), false, "Esc closes the drawer");
          assert.equal(await page.evaluate("document.activeElement && document.activeElement.getAttribute('data-finding-id')"), last.id, "the focus is back on the row");
          // So does its close button.
          await page.locator(`#findings tr[data-finding-id="${last.id}"]`).click();
          await page.click("#finding-detail-close");
          assert.equal(await page.locator("#finding-detail").isVisible(), false, "the close button closes the drawer");
          assert.equal(await page.evaluate("document.activeElement && document.activeElement.getAttribute('data-finding-id')"), last.id, "the focus is back on the row");
        } finally {
          await opened.close();
        }
      });

      it("draws the diagram no smaller than 1 px per point until asked to fit it to the width", async () => {
        const opened = await open(subject(name));
        const page = opened.page;
        // Pixels per point of the drawing, and whether it fits the canvas without scrolling sideways.
        const measure = async () =>
          (await page.evaluate(`(() => {
            const canvas = document.querySelector("#diagram .diagram-canvas");
            const svg = canvas.querySelector("svg");
            return { scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width, fits: canvas.scrollWidth <= canvas.clientWidth + 1 };
          })()`)) as { scale: number; fits: boolean };
        try {
          const readable = await measure();
          // Names and edge labels are 11 pt in the drawing: at 1 px per point or more they are at least 11 px.
          assert.ok(readable.scale >= 0.99, `default scale ${readable.scale}`);
          assert.equal(await page.locator("#diagram-hint").isVisible(), !readable.fits, "the hint shows exactly when the drawing is wider than the canvas");
          await page.click("#diagram-fit");
          const fitted = await measure();
          assert.ok(fitted.fits, "fit to width leaves nothing to scroll sideways");
          assert.equal(await page.locator("#diagram-fit").getAttribute("aria-pressed"), "true");
          await page.click("#diagram-fit");
          assert.ok((await measure()).scale >= 0.99, "back to the readable size");
          await page.click("#diagram-zoom-in");
          const larger = await measure();
          assert.ok(Math.abs(larger.scale / readable.scale - 1.25) < 0.02, `one step larger is 1.25 times (${larger.scale} / ${readable.scale})`);
          // The heat map's row headings sit in the middle of their rows.
          assert.equal(await page.evaluate(`getComputedStyle(document.querySelector('#heatmap th[scope="row"]')).verticalAlign`), "middle");
        } finally {
          await opened.close();
        }
      });

      it("switches the diagram between the whole system and each workflow", async () => {
        const s = subject(name);
        const opened = await open(s);
        const page = opened.page;
        try {
          assert.deepEqual(await drawnNodes(page), s.components, "the whole system at first");
          const scope = page.locator("select#diagram-scope");
          const options = await optionValues(scope);
          for (const workflow of s.workflows) {
            const option = options.find((o) => o.value === workflow.id || o.value === `workflow:${workflow.id}` || o.label === workflow.name);
            assert.ok(option, `#diagram-scope offers workflow ${workflow.id}`);
            await scope.selectOption(option.value);
            assert.deepEqual(await drawnNodes(page), sorted(new Set(workflow.components)), `nodes of workflow ${workflow.id}`);
            await opened.screenshot(`${name}-workflow-${workflow.id}`, { element: "#diagram" });
          }
          await scope.selectOption((options[0] ?? { value: "" }).value);
          assert.deepEqual(await drawnNodes(page), s.components, "the whole system again");
        } finally {
          await opened.close();
        }
      });

      it("lists each framework's items with the findings mapped to them", async () => {
        const s = subject(name);
        const opened = await open(s);
        try {
          for (const slug of COVERAGE_FRAMEWORKS) {
            const framework = FRAMEWORKS.find((f) => f.slug === slug)!;
            const table = opened.page.locator(`#coverage table[data-framework="${slug}"]`);
            assert.equal(await table.count(), 1, `coverage table for ${slug}`);
            const rows = await table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td, th"), (cell: { textContent: string | null }) => (cell.textContent ?? "").trim())));
            const byItem = new Map(rows.map((cells) => [cells[0] ?? "", cells]));
            for (const item of Object.keys(framework.items).filter((id) => s.analysis.findings.some(frameworkPredicate(s, id)) && framework.key !== "atlasTechniques")) {
              const expected = s.analysis.findings.filter(frameworkPredicate(s, item)).length;
              assert.ok(byItem.has(item), `${slug} lists ${item}`);
              assert.ok(byItem.get(item)!.includes(String(expected)), `${slug} ${item} shows ${expected} findings: ${JSON.stringify(byItem.get(item))}`);
            }
          }
        } finally {
          await opened.close();
        }
      });

      it("prints every section in order without the interactive controls, and makes a PDF", async () => {
        const opened = await open(subject(name));
        const page = opened.page;
        try {
          await page.emulateMedia({ media: "print" });
          for (const control of [...FILTERS, "#diagram-scope", "#diagram-fit", "#diagram-zoom-in", "#diagram-zoom-out", "#filters-reset", "#paths-more", "#findings-more"]) {
            assert.equal(await page.locator(control).isVisible(), false, `${control} hidden in print`);
          }
          assert.equal(await page.locator("#paths [data-path-rank]").count(), subject(name).analysis.attackPaths.length, "every attack path is printed, not only the first 25");
          assert.equal(await page.locator("details.tree:not([open])").count(), 0, "every attack tree printed open");
          assert.equal(await page.locator("button").filter({ visible: true }).evaluateAll((buttons) => buttons.filter((b) => !b.classList.contains("link") && !b.classList.contains("path-select")).length), 0, "no button chrome in print");
          assert.equal(await page.locator("select, input, textarea").filter({ visible: true }).count(), 0, "no form control shown in print");
          let previousTop = -1;
          for (const section of SECTIONS) {
            const box = await page.locator(section).boundingBox();
            assert.ok(box !== null && box.height > 0, `${section} shown in print`);
            assert.ok(box.y > previousTop, `${section} comes after the section before it`);
            previousTop = box.y;
          }
          await opened.screenshot(`${name}-print`, { fullPage: true });
          const pdf = await page.pdf({ format: "A4", printBackground: true });
          assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
          assert.ok(pdf.length > 10_000, `PDF of ${pdf.length} bytes`);
        } finally {
          await opened.close();
        }
      });
    });
  }

  describe("hostile names", () => {
    it("come out as literal text: no dialog, no injected element, only the report's own scripts", async () => {
      const s = subject("hostile-model");
      assert.ok(s.hostileNames.length > 0, "the fixture has names with markup");
      const opened = await open(s);
      const page = opened.page;
      try {
        await page.locator("#diagram svg").first().waitFor();
        // Give injected handlers (onerror, onload, timers) a moment to fire.
        await page.waitForTimeout(300);
        assert.deepEqual(opened.dialogs, []);
        assert.equal(await page.locator('img[src="x"], img[src="x:"], iframe, object, embed').count(), 0, "no element from injected markup");
        assert.equal(await page.locator("script").count(), 2, "only the report's own two scripts");
        const handlers = await page.locator("*").evaluateAll((elements) => elements.flatMap((e) => e.getAttributeNames().filter((a: string) => a.toLowerCase().startsWith("on")).map((a: string) => `${e.tagName}[${a}]`)));
        assert.deepEqual(handlers, [], "no element carries an inline event handler");
        const text = squash(await page.locator("body").innerText());
        for (const hostile of s.hostileNames) assert.ok(text.includes(squash(hostile)), `"${hostile}" shown as text`);
        // Node labels in the diagram too: the SVG's text, line by line, holds each drawn component's name.
        const diagramText = squash((await page.locator("#diagram svg text").allTextContents()).join(" "));
        const drawnHostile = (await drawnNodes(page)).map((id) => s.names.get(id) ?? id).filter((n) => s.hostileNames.includes(n));
        assert.ok(drawnHostile.length > 0, "some drawn component has a hostile name");
        for (const hostile of drawnHostile) assert.ok(diagramText.includes(squash(hostile)), `diagram label "${hostile}" shown as text`);
        assert.deepEqual(problems(opened), NO_PROBLEMS);
        assert.ok(readFileSync(s.report, "utf8").includes('http-equiv="Content-Security-Policy"'), "CSP meta in the file");
      } finally {
        await opened.close();
      }
    });
  });
});
