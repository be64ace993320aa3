// The harness itself: it must see every request that leaves the file, every error and
// every dialog, or the report tests that rely on it could pass on a leaky page.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { browserSkipReason, launchBrowser, NO_PROBLEMS, openFile, problems } from "./harness.js";

describe("browser harness", { skip: browserSkipReason() }, () => {
  let browser: Browser;
  let dir: string;
  before(async () => {
    browser = await launchBrowser();
    dir = mkdtempSync(path.join(os.tmpdir(), "tw-harness-"));
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const page = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title></head><body>${body}</body></html>`);
    return file;
  };

  it("finds nothing wrong with a quiet page and times its first render", async () => {
    const file = page("quiet.html", `<p>hello</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><script>setTimeout(() => document.documentElement.dataset.ready = "true", 50)</script>`);
    const opened = await openFile(browser, file);
    try {
      assert.deepEqual(problems(opened), NO_PROBLEMS);
      assert.equal(await opened.page.textContent("p"), "hello");
      assert.ok(opened.readyMs !== undefined && opened.readyMs >= 50, `readyMs ${opened.readyMs}`);
    } finally {
      await opened.close();
    }
  });

  it("refuses requests to the network, and records them and those to other local files", async () => {
    const other = page("other.html", "other");
    const file = page(
      "leaky.html",
      `<img src="http://tracker.invalid/pixel.gif"><iframe src="${pathToFileURL(other).href}"></iframe>` +
        `<script>fetch("https://api.invalid/x").catch(() => {}).finally(() => document.documentElement.dataset.ready = "true")</script>`,
    );
    const opened = await openFile(browser, file);
    try {
      assert.deepEqual([...opened.strayRequests].sort(), ["http://tracker.invalid/pixel.gif", "https://api.invalid/x", pathToFileURL(other).href].sort());
      // Refused by the harness, not merely unresolvable: .invalid hosts would fail DNS anyway.
      assert.match(opened.failedRequests.get("http://tracker.invalid/pixel.gif") ?? "", /^net::ERR_BLOCKED_BY_CLIENT\b/);
      assert.match(opened.failedRequests.get("https://api.invalid/x") ?? "", /^net::ERR_BLOCKED_BY_CLIENT\b/);
    } finally {
      await opened.close();
    }
  });

  it("collects console errors, uncaught errors and dialogs", async () => {
    const file = page("noisy.html", `<script>console.error("broken"); alert("hi"); document.documentElement.dataset.ready = "true"; throw new Error("boom")</script>`);
    const opened = await openFile(browser, file);
    try {
      assert.deepEqual(opened.dialogs, ["alert: hi"]);
      assert.ok(opened.consoleErrors.includes("broken"), JSON.stringify(opened.consoleErrors));
      assert.deepEqual(opened.pageErrors, ["boom"]);
    } finally {
      await opened.close();
    }
  });
});
