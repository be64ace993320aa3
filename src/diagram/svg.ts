// The diagram as SVG, laid out by Graphviz compiled to WebAssembly. The same
// diagram gives the same bytes. The output is ready to sit inline in HTML: no
// XML prolog, DOCTYPE or comments, and sized by its viewBox only.
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import type { Diagram } from "./diagram.js";
import type { RenderOptions } from "./dot.js";
import { toDot } from "./dot.js";

let loading: Promise<Graphviz> | undefined;

/** The Graphviz instance, loaded once per process: loading compiles the WebAssembly module. */
function graphviz(): Promise<Graphviz> {
  loading ??= Graphviz.load();
  return loading;
}

export async function toSvg(diagram: Diagram, options: RenderOptions = {}): Promise<string> {
  return svgFromDot(toDot(diagram, options));
}

export async function svgFromDot(dot: string): Promise<string> {
  const gv = await graphviz();
  return cleanSvg(gv.layout(dot, "svg", "dot"));
}

/** Graphviz's SVG made fit for inline HTML. */
export function cleanSvg(svg: string): string {
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
