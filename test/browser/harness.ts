// Drives Debian's Chromium through playwright-core for the browser tests: one browser per
// test file, a fresh context per page, every request outside the opened file refused and
// recorded, console and page errors collected, screenshots kept under artifacts/.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const INSTALL_HINT = "apt-get install -y chromium";
// The flags that work in this container: no sandbox, no GPU, and nothing that phones home.
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

// Stamps the moment the page marks itself ready; added through the DevTools protocol, so the page's CSP does not apply.
const READY_STAMP = `new MutationObserver((_, observer) => {
  if (document.documentElement && document.documentElement.getAttribute("data-ready") === "true") {
    window.__readyAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { attributes: true, attributeFilter: ["data-ready"], subtree: true });`;

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const SCREENSHOT_DIR = path.join(repoRoot, "artifacts", "screenshots");

/**
 * Why the browser tests cannot run here, or undefined when they can. Outside CI a missing
 * Chromium skips them (the README's test command needs only Node and npm); in CI it is an error.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const message = `Chromium not found at ${CHROMIUM_PATH}; install it with: ${INSTALL_HINT}`;
  if (process.env.CI === "true") throw new Error(`${message} (CI=true: browser tests are required)`);
  return message;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}; install it with: ${INSTALL_HINT}`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface OpenedPage {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests for anything but the opened file or a data: URL; each one was refused. */
  strayRequests: string[];
  /** Why each request that failed did (Chromium's error text, such as net::ERR_BLOCKED_BY_CLIENT), by URL. */
  failedRequests: Map<string, string>;
  /** Messages of alert, confirm and prompt dialogs; each one was dismissed. */
  dialogs: string[];
  /** Navigation start to html[data-ready="true"], measured in the page. */
  readyMs: number | undefined;
  /** Wall time from calling goto to seeing data-ready, measured from Node (includes the driver's round trips). */
  loadWallMs: number | undefined;
  /** Saves artifacts/screenshots/NAME.png: the viewport, the full page, or one element. */
  screenshot(name: string, options?: { fullPage?: boolean; element?: string }): Promise<string>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Wait for html[data-ready="true"] (the report's first render). Default true. */
  waitReady?: boolean;
  viewport?: { width: number; height: number };
  timeoutMs?: number;
  /** Refuse stray requests through a route (default). Off for timing: a route puts the file's own load through the driver. Stray requests are recorded either way. */
  interceptRequests?: boolean;
}

/** Opens a local HTML file in a fresh browser context and watches everything it does. */
export async function openFile(browser: Browser, file: string, options: OpenOptions = {}): Promise<OpenedPage> {
  const fileUrl = pathToFileURL(path.resolve(file)).href;
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 }, serviceWorkers: "block", javaScriptEnabled: true });
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs ?? 15_000);
  const opened: OpenedPage = {
    page,
    consoleErrors: [],
    pageErrors: [],
    strayRequests: [],
    failedRequests: new Map(),
    dialogs: [],
    readyMs: undefined,
    loadWallMs: undefined,
    async screenshot(name, shot = {}) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const target = path.join(SCREENSHOT_DIR, `${name}.png`);
      if (shot.element) await page.locator(shot.element).first().screenshot({ path: target, animations: "disabled", caret: "hide" });
      else await page.screenshot({ path: target, fullPage: shot.fullPage ?? false, animations: "disabled", caret: "hide" });
      return target;
    },
    close: () => context.close(),
  };
  // Page-side code is a string: the project compiles without the DOM library.
  await context.addInitScript(READY_STAMP);
  const allowed = (url: string) => url === fileUrl || url.startsWith("data:");
  // The route refuses what leaves the file; the request listener also sees what a route may not (file:// subresources).
  if (options.interceptRequests ?? true) {
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (allowed(url)) return route.continue();
      return route.abort("blockedbyclient");
    });
  }
  page.on("request", (request) => {
    if (!allowed(request.url())) opened.strayRequests.push(request.url());
  });
  page.on("requestfailed", (request) => opened.failedRequests.set(request.url(), request.failure()?.errorText ?? "failed"));
  page.on("websocket", (socket) => opened.strayRequests.push(socket.url()));
  page.on("console", (message) => {
    if (message.type() === "error") opened.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => opened.pageErrors.push(error.message));
  page.on("dialog", (dialog) => {
    opened.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const started = performance.now();
  await page.goto(fileUrl, { waitUntil: "load" });
  if (options.waitReady ?? true) {
    await page.waitForSelector('html[data-ready="true"]', { state: "attached" });
    opened.loadWallMs = performance.now() - started;
    // performance.now() counts from the navigation's start (time origin).
    opened.readyMs = (await page.evaluate("window.__readyAt")) as number | undefined;
  }
  return opened;
}

/** What a clean page shows: no console error, no uncaught error, no request out, no dialog. */
export function problems(opened: OpenedPage): { consoleErrors: string[]; pageErrors: string[]; strayRequests: string[]; dialogs: string[] } {
  return { consoleErrors: opened.consoleErrors, pageErrors: opened.pageErrors, strayRequests: opened.strayRequests, dialogs: opened.dialogs };
}

export const NO_PROBLEMS = { consoleErrors: [], pageErrors: [], strayRequests: [], dialogs: [] };
