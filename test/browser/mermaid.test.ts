// The Mermaid diagrams through Mermaid itself, in Chromium: what code hosts do with a
// ```mermaid block. Proves the text parses and renders, and that hostile names stay text.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { runCli } from "../cli/harness.js";
import { browserSkipReason, launchBrowser, NO_PROBLEMS, openFile, problems, type OpenedPage } from "./harness.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const MERMAID_JS = createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");
const MODELS = ["examples/support-assistant", "examples/coding-agent", "examples/invoice-agents", "test/fixtures/hostile-model"];

interface Rendered {
  /** Text of every node label, as the browser lays it out. */
  labels: string[];
  /** Text of every trust-boundary (subgraph) label. */
  clusters: string[];
  /** Elements in the rendered diagram that could run or fetch something, and on* attributes. */
  active: string[];
}

// Runs in the page: Mermaid in strict mode, as GitHub and GitLab run it.
const RENDER = `async (source) => {
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
  const { svg } = await mermaid.render("tw-diagram", source);
  const host = document.createElement("div");
  host.innerHTML = svg;
  document.body.appendChild(host);
  const labels = [...host.querySelectorAll("g.node")].map((node) => node.textContent.trim());
  const clusters = [...host.querySelectorAll("g.cluster")].map((node) => node.textContent.trim());
  const active = [...host.querySelectorAll("*")].flatMap((element) => [
    ...(["SCRIPT", "IMG", "IFRAME", "OBJECT", "EMBED", "A"].includes(element.tagName.toUpperCase()) ? [element.tagName] : []),
    ...[...element.attributes].filter((a) => /^on/i.test(a.name) || /javascript:/i.test(a.value)).map((a) => element.tagName + "@" + a.name),
  ]);
  return { labels, clusters, active };
}`;

const skip = browserSkipReason();

describe("Mermaid output renders in Mermaid", { skip }, () => {
  let browser: Browser;
  let page: OpenedPage;
  let folder: string;

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), "tw-mermaid-"));
    const blank = path.join(folder, "blank.html");
    writeFileSync(blank, "<!doctype html><html><head><meta charset=utf-8></head><body></body></html>");
    browser = await launchBrowser();
    page = await openFile(browser, blank, { waitReady: false });
    // Injected as inline text by the driver: the page still makes no request.
    await page.page.addScriptTag({ path: MERMAID_JS });
  });

  after(async () => {
    await page?.close();
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  for (const model of MODELS) {
    for (const [what, extra, suffix] of [["data flows", [], ""], ["attack path 1", ["--path", "1"], "-path-1"], ["attack tree 1", ["--tree", "1"], "-tree-1"]] as const) {
      it(`${model}, ${what}: parses, renders every node and runs nothing`, async () => {
        const run = await runCli(["diagram", path.join(repoRoot, model), ...extra, "--format", "mermaid", "--date", "2026-11-22"]);
        assert.equal(run.code, 0, run.err);
        const dot = await runCli(["diagram", path.join(repoRoot, model), ...extra, "--format", "dot", "--date", "2026-11-22"]);
        // One Mermaid node per DOT node (the DOT key's entries carry no n- ID).
        const nodes = [...dot.out.matchAll(/\bid="n-([^"]+)"/g)].length;

        const rendered = (await page.page.evaluate(`(${RENDER})(${JSON.stringify(run.out)})`)) as Rendered;
        assert.equal(rendered.labels.length, nodes, "a rendered node for every node");
        assert.deepEqual(rendered.active, [], "no element or attribute that runs or fetches anything");
        assert.deepEqual(problems(page), NO_PROBLEMS);
        await page.screenshot(`mermaid-${path.basename(model)}${suffix}`, { fullPage: true });
      });
    }
  }

  it("hostile names render as the literal text the model holds", async () => {
    const run = await runCli(["diagram", path.join(repoRoot, "test/fixtures/hostile-model"), "--format", "mermaid", "--date", "2026-11-22"]);
    const rendered = (await page.page.evaluate(`(${RENDER})(${JSON.stringify(run.out)})`)) as Rendered;
    const text = [...rendered.labels, ...rendered.clusters].join("\n");
    assert.match(text, /Internet <b>bold<\/b> & "quoted"/, "markup in a boundary name shows as text");
    assert.match(text, /System prompt `code` #quot; &amp; &lt;script&gt;/, "entity codes in a name are not decoded");
    assert.match(text, /"><img src=x onerror=alert\(1\)>/, "the img tag in an actor name shows as text");
    assert.match(text, /Look up customer <svg onload=alert\(1\)>/, "the svg tag in a tool name shows as text");
    assert.equal(await page.page.evaluate("document.querySelectorAll('img[src=x], body script').length"), 0);
    assert.deepEqual(page.dialogs, []);
  });
});
