// The diagram as SVG, laid out by Graphviz compiled to WebAssembly. The same
// diagram gives the same bytes. The output is ready to sit inline in HTML: no
// XML prolog, DOCTYPE or comments, and sized by its viewBox only.
//
// Graphviz runs on a worker thread where one can start: unpacking and compiling its
// WebAssembly takes about a tenth of a second of synchronous work, and the layouts
// themselves take longer on large models. On a worker both overlap with loading the
// model, analysing it and building the report. Where no worker can start, the same
// Graphviz runs on this thread and gives the same output.
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { Worker } from "node:worker_threads";
import type { Diagram } from "./diagram.js";
import type { RenderOptions } from "./dot.js";
import { layoutDirection, shrinkToFit, toDot } from "./dot.js";

/** Up to this many nodes both directions are laid out and the more readable one kept; larger diagrams take layoutDirection's estimate. */
const TRY_BOTH_DIRECTIONS = 40;

/** Lays out DOT text as SVG. */
type Layout = (dot: string) => Promise<string>;

let inThread: Promise<Graphviz> | undefined;

/** Graphviz on this thread, loaded once per process. */
const layoutHere: Layout = async (dot) => {
  inThread ??= Graphviz.load();
  return (await inThread).layout(dot, "svg", "dot");
};

// Plain JavaScript run by the worker: it loads the same package, then answers {id, dot} with {id, svg} or {id, error}.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.graphviz)
  .then(({ Graphviz }) => Graphviz.load())
  .then((graphviz) => {
    parentPort.on("message", ({ id, dot }) => {
      try {
        parentPort.postMessage({ id, svg: graphviz.layout(dot, "svg", "dot") });
      } catch (error) {
        parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
      }
    });
  })
  .catch((error) => parentPort.postMessage({ failed: error instanceof Error ? error.message : String(error) }));
`;

interface Reply {
  id?: number;
  svg?: string;
  error?: string;
  failed?: string;
}

/** A layout on a worker thread; falls back to this thread if the worker fails to start or dies. */
function workerLayout(): Layout {
  const pending = new Map<number, { dot: string; resolve: (svg: string) => void; reject: (error: Error) => void }>();
  let next = 0;
  let worker: Worker | undefined;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { graphviz: import.meta.resolve("@hpcc-js/wasm-graphviz") } });
  } catch {
    return layoutHere;
  }
  const giveUp = () => {
    worker = undefined;
    for (const [id, job] of pending) {
      pending.delete(id);
      layoutHere(job.dot).then(job.resolve, job.reject);
    }
  };
  worker.on("message", (reply: Reply) => {
    if (reply.failed !== undefined) {
      void worker?.terminate();
      giveUp();
      return;
    }
    const job = pending.get(reply.id!);
    if (!job) return;
    pending.delete(reply.id!);
    if (pending.size === 0) worker?.unref();
    if (reply.error !== undefined) job.reject(new Error(reply.error));
    else job.resolve(reply.svg!);
  });
  worker.on("error", giveUp);
  worker.on("exit", giveUp);
  // An idle worker must not keep the process alive; one with work pending must. After the
  // listeners: attaching a 'message' listener refs the worker again, and a command that
  // stops early (a bad argument) would then wait for ever on a worker it never used.
  worker.unref();
  return (dot) => {
    if (!worker) return layoutHere(dot);
    const id = next++;
    const running = worker;
    return new Promise<string>((resolve, reject) => {
      pending.set(id, { dot, resolve, reject });
      running.ref();
      running.postMessage({ id, dot });
    });
  };
}

let layout: Layout | undefined;

/**
 * Starts Graphviz now (on a worker thread) so that it is ready when the first diagram is laid
 * out. Commands that draw call this first, before loading the model.
 */
export function preloadGraphviz(): void {
  layout ??= workerLayout();
}

export async function toSvg(diagram: Diagram, options: RenderOptions = {}): Promise<string> {
  const fixed = options.direction ?? diagram.direction;
  const directions = fixed !== undefined ? [fixed] : diagram.nodes.length > TRY_BOTH_DIRECTIONS ? [layoutDirection(diagram)] : (["LR", "TB"] as const);
  const drawings = await Promise.all(directions.map((direction) => layoutOnce(diagram, { ...options, direction })));
  // The drawing that needs the least shrinking to fit a page; the first on a tie.
  return drawings.reduce((best, next) => (shrinkOf(next) < shrinkOf(best) ? next : best));
}

/** One layout; if Graphviz fails on a tangle of clusters, once more with all nodes ranked together. */
async function layoutOnce(diagram: Diagram, options: RenderOptions): Promise<string> {
  try {
    return await svgFromDot(toDot(diagram, options));
  } catch {
    return svgFromDot(toDot(diagram, { ...options, newrank: true }));
  }
}

/** shrinkToFit for a drawing, from its viewBox. */
function shrinkOf(svg: string): number {
  const box = /viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"/.exec(svg);
  return box ? shrinkToFit(Number(box[1]), Number(box[2])) : Infinity;
}

export async function svgFromDot(dot: string): Promise<string> {
  preloadGraphviz();
  return cleanSvg(await layout!(dot));
}

/** Graphviz's SVG made fit for inline HTML. */
function cleanSvg(svg: string): string {
  return (
    svg
      .replace(/<\?xml[^>]*\?>/g, "")
      .replace(/<!DOCTYPE[^>]*>/g, "")
      // Model text inside comments is impossible: Graphviz escapes '<' and '>' in everything it writes.
      .replace(/<!--[\s\S]*?-->/g, "")
      // Graphviz writes '-' as an entity in IDs and classes; plain '-' reads the same and keeps selectors simple.
      .replace(/&#45;/g, "-")
      // Fixed point sizes would stop the drawing from scaling to its container; the viewBox keeps its proportions.
      .replace(/<svg\b([^>]*)>/, (_tag, attributes: string) => `<svg${attributes.replace(/\s(width|height)="[^"]*"/g, "").replace(/\s+/g, " ")}>`)
      // Graphviz names the drawing's group "graph0" in every SVG; two diagrams on one page would share the ID.
      .replace(/<g id="graph\d+" class="graph"/, '<g class="graph"')
      .replace(/^\s+/, "")
      .replace(/\n{2,}/g, "\n")
  );
}
