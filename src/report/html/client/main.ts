// The report's browser script: reads the embedded JSON, renders the attack paths and the
// findings table, wires the filters, the heat map, the diagram scope and the detail panel.
// Model text reaches the page only through textContent, never as markup.
import { cellOf } from "../heatmap-cell.js";
import type { ClientData, FindingRow, RuleRow, SeverityName } from "../types.js";

const PAGE_SIZE = 200;
const PATHS_SHOWN = 25;

const data = JSON.parse(document.getElementById("report-data")!.textContent ?? "{}") as ClientData;

interface Filters {
  severity: string;
  status: string;
  component: string;
  framework: string;
  workflow: string;
  cause: string;
  text: string;
  cell?: [number, number];
}

const noFilters = (): Filters => ({ severity: "", status: "", component: "", framework: "", workflow: "", cause: "", text: "" });

const state = {
  filters: noFilters(),
  shown: PAGE_SIZE,
  matching: [] as number[],
  selectedPath: 0,
  pathsShown: PATHS_SHOWN,
  scope: "",
  detailFrom: null as HTMLElement | null,
};

// --- small DOM helpers -------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function byId<T extends HTMLElement>(id: string): T | null {
  return document.getElementById(id) as T | null;
}

const text = (index: number): string => data.texts[index] ?? "";
const elementName = (index: number): string => data.elements[index]?.[1] ?? "";
const elementId = (index: number): string => data.elements[index]?.[0] ?? "";

function severityBadge(severity: SeverityName): HTMLElement {
  return el("span", `sev-badge sev-${severity}`, severity);
}

function code(value: string): HTMLElement {
  return el("code", undefined, value);
}

// --- what each finding matches, computed once -----------------------------------------------

/** Framework slugs and item IDs of a rule's mappings, leaving out the frameworks given (those that do not hold for a finding). */
function mapKeys(maps: RuleRow["maps"], unmapped: readonly number[] = []): Set<string> {
  const keys = new Set<string>();
  for (const [framework, ids] of maps) {
    if (unmapped.includes(framework)) continue;
    keys.add(data.frameworks[framework]!.slug);
    for (const id of ids) keys.add(id);
  }
  return keys;
}

/** Framework slugs and item IDs each rule maps to. */
const ruleKeys = data.rules.map((rule) => mapKeys(rule.maps));

let searchText: string[] | undefined;
function haystack(index: number): string {
  searchText ??= data.findings.map((f) => {
    const names = [...f.anchors, ...f.ev.map((e) => e[0])].map((e) => `${elementId(e)} ${elementName(e)}`);
    return `${f.id} ${data.rules[f.r]!.title} ${f.summary} ${names.join(" ")}`.toLowerCase();
  });
  return searchText[index]!;
}

function touches(f: FindingRow, element: string): boolean {
  const id = (index: number) => elementId(index) === element;
  return f.anchors.some(id) || f.ev.some((e) => id(e[0])) || (f.path ?? []).some((s) => id(s[0]));
}

function matches(f: FindingRow, index: number, filters: Filters): boolean {
  if (filters.severity && f.sev !== filters.severity) return false;
  if (filters.status === "overdue" ? !f.overdue : filters.status && f.status !== filters.status) return false;
  if (filters.workflow && !f.wf.some((w) => data.workflows[w]![0] === filters.workflow)) return false;
  if (filters.cause && data.causes[f.c]![0] !== filters.cause) return false;
  if (filters.framework) {
    const keys = f.unmapped ? mapKeys(data.rules[f.r]!.maps, f.unmapped) : ruleKeys[f.r]!;
    const onPath = (f.path ?? []).some((s) => s[2] === filters.framework || (filters.framework === "atlas" && s[2] !== ""));
    if (!keys.has(filters.framework) && !onPath) return false;
  }
  if (filters.cell && (cellOf(f.res[0]) !== filters.cell[0] || cellOf(f.res[1]) !== filters.cell[1])) return false;
  if (filters.component && !touches(f, filters.component)) return false;
  if (filters.text && !haystack(index).includes(filters.text)) return false;
  return true;
}

// --- findings table ---------------------------------------------------------------------------

function findingRow(f: FindingRow): HTMLTableRowElement {
  const row = el("tr");
  row.dataset.findingId = f.id;
  row.tabIndex = 0;
  row.className = `sev-row-${f.sev}`;
  const severity = el("td");
  severity.append(severityBadge(f.sev));
  const score = el("td", "num", `${f.res[2]}`);
  score.title = `residual likelihood ${f.res[0]} x impact ${f.res[1]}`;
  const finding = el("td", "finding-cell");
  finding.append(el("span", "finding-title", data.rules[f.r]!.title), el("span", "finding-summary", f.summary), el("code", "finding-id", f.id));
  const where = el("td", "anchors", f.anchors.map(elementName).join(", "));
  const status = el("td", "status");
  status.append(el("span", `status-tag status-${f.status}`, f.status));
  if (f.overdue) status.append(" ", el("span", "status-tag overdue", "overdue"));
  row.append(severity, score, finding, where, status);
  return row;
}

function renderFindings(): void {
  const body = byId<HTMLTableSectionElement>("findings-body")!;
  const rows = state.matching.slice(0, state.shown).map((index) => findingRow(data.findings[index]!));
  body.replaceChildren(...rows);
  byId("findings-count")!.textContent = `${state.matching.length} of ${data.findings.length} findings`;
  const more = byId<HTMLButtonElement>("findings-more")!;
  const left = state.matching.length - state.shown;
  more.hidden = left <= 0;
  more.textContent = `Show ${Math.min(PAGE_SIZE, Math.max(left, 0))} more`;
  const all = byId<HTMLButtonElement>("findings-all")!;
  all.hidden = left <= PAGE_SIZE;
  all.textContent = `Show all ${state.matching.length}`;
  byId("findings-empty")!.hidden = state.matching.length > 0;
}

function applyFilters(): void {
  const filters = state.filters;
  state.matching = [];
  data.findings.forEach((f, index) => {
    if (matches(f, index, filters)) state.matching.push(index);
  });
  state.shown = PAGE_SIZE;
  const chip = byId("cell-filter")!;
  chip.hidden = !filters.cell;
  if (filters.cell) byId("cell-filter-label")!.textContent = `Heat map cell: likelihood ${filters.cell[0]}, impact ${filters.cell[1]}`;
  for (const cell of document.querySelectorAll<HTMLElement>("#heatmap td[data-likelihood]")) {
    const on = !!filters.cell && Number(cell.dataset.likelihood) === filters.cell[0] && Number(cell.dataset.impact) === filters.cell[1];
    cell.classList.toggle("selected", on);
    if (cell.tabIndex >= 0) cell.setAttribute("aria-pressed", String(on));
  }
  renderFindings();
}

function fillComponentFilter(): void {
  const select = byId<HTMLSelectElement>("filter-component");
  if (!select) return;
  const used = new Set<number>();
  for (const f of data.findings) {
    for (const a of f.anchors) used.add(a);
    for (const e of f.ev) used.add(e[0]);
    for (const s of f.path ?? []) used.add(s[0]);
  }
  // One index per element ID (the page's data stores each element once).
  const options = [...used]
    .map((index) => data.elements[index]!)
    .filter(([id]) => id !== "")
    .sort((a, b) => a[1].localeCompare(b[1], "en") || (a[0] < b[0] ? -1 : 1))
    .map(([id, name, kind]) => {
      const option = el("option", undefined, `${name}${name !== id ? ` (${id})` : ""}${kind ? `, ${kind}` : ""}`);
      option.value = id;
      return option;
    });
  select.append(...options);
}

function wireFilters(): void {
  const bind = (id: string, key: Exclude<keyof Filters, "cell" | "text">) => {
    const select = byId<HTMLSelectElement>(id);
    select?.addEventListener("change", () => {
      state.filters[key] = select.value;
      applyFilters();
    });
  };
  bind("filter-severity", "severity");
  bind("filter-status", "status");
  bind("filter-component", "component");
  bind("filter-framework", "framework");
  bind("filter-workflow", "workflow");
  bind("filter-cause", "cause");
  // A root cause in the summary lists its findings: the same as choosing it in the filter.
  for (const button of document.querySelectorAll<HTMLElement>("[data-filter-cause]")) {
    button.addEventListener("click", () => {
      const select = byId<HTMLSelectElement>("filter-cause");
      state.filters.cause = button.dataset.filterCause!;
      if (select) select.value = state.filters.cause;
      applyFilters();
      byId("findings")?.scrollIntoView({ block: "start" });
    });
  }
  const input = byId<HTMLInputElement>("filter-text");
  input?.addEventListener("input", () => {
    state.filters.text = input.value.trim().toLowerCase();
    applyFilters();
  });
  byId("cell-filter-clear")?.addEventListener("click", () => {
    delete state.filters.cell;
    applyFilters();
  });
  byId("filters-reset")?.addEventListener("click", () => {
    state.filters = noFilters();
    for (const select of document.querySelectorAll<HTMLSelectElement>("#findings select")) select.value = "";
    if (input) input.value = "";
    applyFilters();
  });
  byId("findings-more")?.addEventListener("click", () => {
    state.shown += PAGE_SIZE;
    renderFindings();
  });
  byId("findings-all")?.addEventListener("click", () => {
    state.shown = state.matching.length;
    renderFindings();
  });
  const body = byId("findings-body");
  body?.addEventListener("click", (event) => {
    const row = (event.target as Element).closest<HTMLElement>("tr[data-finding-id]");
    if (row) openDetail(row.dataset.findingId!, row);
  });
  body?.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const row = (event.target as Element).closest<HTMLElement>("tr[data-finding-id]");
    if (!row) return;
    event.preventDefault();
    openDetail(row.dataset.findingId!, row);
  });
}

function wireHeatmap(): void {
  const select = (cell: HTMLElement) => {
    const likelihood = Number(cell.dataset.likelihood);
    const impact = Number(cell.dataset.impact);
    if (!(Number(cell.dataset.count) > 0)) return;
    const same = state.filters.cell && state.filters.cell[0] === likelihood && state.filters.cell[1] === impact;
    if (same) delete state.filters.cell;
    else state.filters.cell = [likelihood, impact];
    applyFilters();
    if (!same) byId("findings")?.scrollIntoView({ block: "start" });
  };
  const table = document.querySelector<HTMLElement>("#heatmap table");
  table?.addEventListener("click", (event) => {
    const cell = (event.target as Element).closest<HTMLElement>("td[data-likelihood]");
    if (cell) select(cell);
  });
  table?.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const cell = (event.target as Element).closest<HTMLElement>("td[data-likelihood]");
    if (!cell) return;
    event.preventDefault();
    select(cell);
  });
}

// --- detail panel -----------------------------------------------------------------------------

function section(title: string, ...content: Node[]): HTMLElement {
  const part = el("section", "detail-part");
  part.append(el("h4", undefined, title), ...content);
  return part;
}

function list(items: Node[][], ordered = false): HTMLElement {
  const container = el(ordered ? "ol" : "ul");
  for (const item of items) {
    const li = el("li");
    li.append(...item);
    container.append(li);
  }
  return container;
}

function elementRef(index: number): Node[] {
  const id = elementId(index);
  const name = elementName(index);
  const kind = data.elements[index]?.[2];
  const strong = el("strong", undefined, name);
  const parts: Node[] = [strong];
  if (name !== id) parts.push(document.createTextNode(" "), code(id));
  if (kind) parts.push(el("span", "kind", kind));
  return parts;
}

function stepList(steps: NonNullable<FindingRow["path"]>): HTMLElement {
  return list(
    steps.map(([element, action, technique]) => {
      const head = el("div", "step-head");
      head.append(...elementRef(element));
      const technic = el("div", "technique");
      technic.append(code(technique), document.createTextNode(` ${data.items[technique] ?? ""}`));
      return [head, el("div", "step-action", text(action)), technic];
    }),
    true,
  );
}

function detailContent(f: FindingRow): Node[] {
  const rule = data.rules[f.r]!;
  const head = el("header", "detail-head");
  const title = el("h3", undefined, rule.title);
  title.id = "finding-detail-title";
  title.tabIndex = -1;
  const meta = el("p", "detail-meta");
  meta.append(severityBadge(f.sev), " ", el("span", `status-tag status-${f.status}`, f.status));
  if (f.overdue) meta.append(" ", el("span", "status-tag overdue", "overdue"));
  meta.append(" ", code(f.id));
  head.append(title, meta);

  const parts: Node[] = [head, el("p", "detail-summary", f.summary)];

  const scores = el("p", "scores");
  scores.append(
    el("span", undefined, `Inherent ${f.inh[0]} x ${f.inh[1]} = ${f.inh[2]} `),
    severityBadge(f.isev),
    el("span", "arrow", " → "),
    el("span", undefined, `residual ${f.res[0]} x ${f.res[1]} = ${f.res[2]} `),
    severityBadge(f.sev),
  );
  parts.push(section("Why it scored so", scores, list(f.reasons.map((r) => [document.createTextNode(text(r))]))));

  const [, causeText, causeCount] = data.causes[f.c]!;
  parts.push(section("Root cause", el("p", undefined, causeCount > 1 ? `${causeText}, shared with ${causeCount - 1} other finding${causeCount === 2 ? "" : "s"}` : `${causeText}, this finding only`)));

  if (f.ev.length) parts.push(section("Evidence", list(f.ev.map(([element, note]) => [...elementRef(element), el("div", "note", text(note))]))));
  if (f.path?.length) parts.push(section("Attack path", stepList(f.path)));

  const controls: Node[] = [];
  if (f.ctl.length) controls.push(el("p", "sub", "In place"), list(f.ctl.map((c) => [document.createTextNode(text(c))])));
  if (f.missing.length) controls.push(el("p", "sub", "Missing: would reduce it"), list(f.missing.map((m) => [code(m)])));
  if (!controls.length) controls.push(el("p", "muted", "No control type reduces this finding."));
  parts.push(section("Controls", ...controls));

  const mappings = el("dl", "mappings");
  for (const [framework, ids] of rule.maps) {
    if (f.unmapped?.includes(framework)) continue;
    mappings.append(el("dt", undefined, data.frameworks[framework]!.title));
    const dd = el("dd");
    ids.forEach((id, i) => {
      if (i > 0) dd.append(el("br"));
      dd.append(code(id), document.createTextNode(data.items[id] && data.items[id] !== id ? ` ${data.items[id]}` : ""));
    });
    mappings.append(dd);
  }
  parts.push(section("Mappings", mappings));

  const decision = el("dl", "decision");
  const row = (label: string, value: string) => decision.append(el("dt", undefined, label), el("dd", undefined, value));
  row("Status", `${f.status}: ${text(f.why)}`);
  const d = f.decision;
  if (d) {
    if (d.recorded !== f.status) row("Recorded", d.recorded);
    if (d.owner) row("Owner", d.owner);
    if (d.due) row("Due", `${d.due}${f.overdue ? " (overdue)" : ""}`);
    if (d.ticket) row("Ticket", d.ticket);
    if (d.justification) row("Justification", d.justification);
    if (d.expires) row("Expires", d.expires);
    if (d.reviewed) row("Reviewed", d.reviewed);
    if (d.controls?.length) row("Controls", d.controls.join(", "));
  } else {
    row("Decision", "none recorded");
  }
  parts.push(section("Decision", decision));
  if (rule.rationale) parts.push(section("Why this rule exists", el("p", undefined, rule.rationale)));
  return parts;
}

const findingIndex = new Map(data.findings.map((f, index) => [f.id, index]));

function openDetail(id: string, from: HTMLElement | null): void {
  const index = findingIndex.get(id);
  const panel = byId("finding-detail");
  const body = byId("finding-detail-body");
  if (index === undefined || !panel || !body) return;
  body.replaceChildren(...detailContent(data.findings[index]!));
  panel.hidden = false;
  panel.scrollTop = 0;
  document.body.classList.add("detail-open");
  state.detailFrom = from;
  for (const row of document.querySelectorAll("#findings-body tr.open")) row.classList.remove("open");
  from?.classList.add("open");
  // The page just made room for the drawer; keep the row the reader chose in view beside it.
  from?.scrollIntoView({ block: "nearest" });
  byId("finding-detail-title")?.focus({ preventScroll: true });
  sizeDiagram();
}

function closeDetail(): void {
  const panel = byId("finding-detail");
  if (!panel || panel.hidden) return;
  panel.hidden = true;
  document.body.classList.remove("detail-open");
  state.detailFrom?.classList.remove("open");
  state.detailFrom?.focus({ preventScroll: true });
  state.detailFrom = null;
  sizeDiagram();
}

function wireDetail(): void {
  byId("finding-detail-close")?.addEventListener("click", closeDetail);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeDetail();
  });
  for (const button of document.querySelectorAll<HTMLElement>("[data-open-finding]")) {
    button.addEventListener("click", () => openDetail(button.dataset.openFinding!, button));
  }
}

// --- attack paths and the diagram ------------------------------------------------------------

function renderPaths(): void {
  const listEl = byId("paths-list");
  if (!listEl) return;
  const items = data.paths.slice(0, state.pathsShown).map((path) => {
    const f = data.findings[path.f]!;
    const li = el("li", "path");
    li.dataset.pathRank = String(path.rank);
    const button = el("button", "path-select");
    button.type = "button";
    button.append(el("span", "rank", `#${path.rank}`), severityBadge(f.sev), el("span", "num", `${f.res[2]}`), el("span", "path-title", data.rules[f.r]!.title));
    const summary = el("p", "path-summary", f.summary);
    const open = el("button", "link", "Finding details");
    open.type = "button";
    open.dataset.openFinding = f.id;
    open.addEventListener("click", (event) => {
      event.stopPropagation();
      openDetail(f.id, open);
    });
    li.append(button, summary, stepList(f.path ?? []), open);
    return li;
  });
  listEl.replaceChildren(...items);
  const more = byId<HTMLButtonElement>("paths-more");
  if (more) {
    more.hidden = data.paths.length <= state.pathsShown;
    more.textContent = `Show all ${data.paths.length} attack paths`;
  }
  markSelectedPath();
}

function markSelectedPath(): void {
  for (const li of document.querySelectorAll<HTMLElement>("#paths-list li[data-path-rank]")) {
    const on = Number(li.dataset.pathRank) === state.selectedPath;
    li.classList.toggle("selected", on);
    li.setAttribute("aria-selected", String(on));
    li.querySelector(".path-select")?.setAttribute("aria-pressed", String(on));
  }
  highlightPath();
}

function wirePaths(): void {
  byId("paths-list")?.addEventListener("click", (event) => {
    const li = (event.target as Element).closest<HTMLElement>("li[data-path-rank]");
    if (!li) return;
    state.selectedPath = Number(li.dataset.pathRank);
    markSelectedPath();
  });
  byId("paths-more")?.addEventListener("click", () => {
    state.pathsShown = data.paths.length;
    renderPaths();
  });
}

const canvas = () => document.querySelector<HTMLElement>("#diagram .diagram-canvas");

function cssId(prefix: string, id: string): string {
  return `#${CSS.escape(`${prefix}${id}`)}`;
}

function highlightPath(): void {
  const root = canvas();
  if (!root) return;
  for (const node of root.querySelectorAll(".on-path")) node.classList.remove("on-path");
  const path = data.paths.find((p) => p.rank === state.selectedPath);
  const steps = path ? (data.findings[path.f]!.path ?? []).map((s) => elementId(s[0])).filter((id) => id !== "") : [];
  for (const id of steps) root.querySelector(cssId("n-", id))?.classList.add("on-path");
  const diagram = data.diagrams.find((d) => d.scope === state.scope);
  if (!diagram) return;
  const pairs = new Set<string>();
  for (let i = 1; i < steps.length; i++) {
    pairs.add(`${steps[i - 1]}\u0000${steps[i]}`);
    pairs.add(`${steps[i]}\u0000${steps[i - 1]}`);
  }
  for (const [edge, from, to] of diagram.edges) {
    if (pairs.has(`${from}\u0000${to}`)) root.querySelector(cssId("e-", edge))?.classList.add("on-path");
  }
  root.classList.toggle("has-path", steps.length > 0);
}

const wholeSystem: Node[] = [];

function showScope(scope: string): void {
  const root = canvas();
  if (!root) return;
  if (scope === "") {
    root.replaceChildren(...wholeSystem);
  } else {
    const template = [...document.querySelectorAll<HTMLTemplateElement>("template[data-diagram-scope]")].find((t) => t.dataset.diagramScope === scope);
    if (!template) return;
    root.replaceChildren(template.content.cloneNode(true));
  }
  state.scope = scope;
  root.dataset.scope = scope;
  sizeDiagram();
  for (const note of document.querySelectorAll<HTMLElement>("#diagram [data-note-scope]")) note.hidden = note.dataset.noteScope !== scope;
  highlightPath();
}

// Graphviz draws in points with names and edge labels at 11 pt. The drawing is never shown smaller
// than READABLE px per point (so they are at least 11 px) unless the reader asks to fit it to the
// width; a drawing wider than the page at that size scrolls sideways and can be dragged.
const READABLE = 1;
/** A small drawing is enlarged to fill the width, but not beyond this. */
const LARGEST_DEFAULT = 1.3;
const ZOOM_STEP = 1.25;
const diagramView = { fit: false, zoom: 1 };

function drawingSize(svg: SVGSVGElement): [number, number] {
  const box = svg.viewBox.baseVal;
  return box && box.width > 0 ? [box.width, box.height] : [0, 0];
}

/** Sizes the drawing in the canvas: readable (or fitted) size times the reader's zoom. */
function sizeDiagram(): void {
  const root = canvas();
  const svg = root?.querySelector("svg");
  if (!root || !svg) return;
  const [width, height] = drawingSize(svg);
  if (width === 0) return;
  const style = getComputedStyle(root);
  const room = root.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const fitted = room / width;
  const base = diagramView.fit ? fitted : Math.min(Math.max(fitted, READABLE), LARGEST_DEFAULT);
  const scale = base * diagramView.zoom;
  svg.style.width = `${Math.round(width * scale)}px`;
  svg.style.height = `${Math.round(height * scale)}px`;
  const wide = width * scale > room + 1;
  root.classList.toggle("pannable", wide);
  const hint = byId("diagram-hint");
  if (hint) hint.hidden = !wide;
  const fit = byId("diagram-fit");
  fit?.setAttribute("aria-pressed", String(diagramView.fit));
  if (fit) fit.textContent = diagramView.fit ? "Readable size" : "Fit to width";
}

/** Dragging with the mouse scrolls the canvas sideways; touch and the arrow keys scroll it natively. */
function wirePanning(root: HTMLElement): void {
  let drag: { x: number; left: number; id: number } | null = null;
  root.addEventListener("pointerdown", (event) => {
    if (event.pointerType !== "mouse" || event.button !== 0 || !root.classList.contains("pannable")) return;
    drag = { x: event.clientX, left: root.scrollLeft, id: event.pointerId };
    root.setPointerCapture(event.pointerId);
    root.classList.add("dragging");
  });
  root.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    root.scrollLeft = drag.left - (event.clientX - drag.x);
  });
  const end = (event: PointerEvent) => {
    if (!drag || event.pointerId !== drag.id) return;
    drag = null;
    root.classList.remove("dragging");
  };
  root.addEventListener("pointerup", end);
  root.addEventListener("pointercancel", end);
}

function wireDiagram(): void {
  const root = canvas();
  if (root) {
    wholeSystem.push(...root.childNodes);
    wirePanning(root);
    if (typeof ResizeObserver === "function") new ResizeObserver(() => sizeDiagram()).observe(root);
  }
  const select = byId<HTMLSelectElement>("diagram-scope");
  select?.addEventListener("change", () => {
    diagramView.zoom = 1;
    showScope(select.value);
  });
  const zoom = (factor: number) => {
    diagramView.zoom = Math.min(4, Math.max(0.25, diagramView.zoom * factor));
    sizeDiagram();
  };
  byId("diagram-zoom-in")?.addEventListener("click", () => zoom(ZOOM_STEP));
  byId("diagram-zoom-out")?.addEventListener("click", () => zoom(1 / ZOOM_STEP));
  byId("diagram-fit")?.addEventListener("click", () => {
    diagramView.fit = !diagramView.fit;
    diagramView.zoom = 1;
    sizeDiagram();
  });
  sizeDiagram();
}

// --- printing: every finding, not one page of them ----------------------------------------------

function showEverything(): void {
  if (state.pathsShown < data.paths.length) {
    state.pathsShown = data.paths.length;
    renderPaths();
  }
  if (state.shown < state.matching.length) {
    state.shown = state.matching.length;
    renderFindings();
  }
  // A closed tree would print as its goal alone.
  for (const tree of document.querySelectorAll<HTMLDetailsElement>("details.tree")) tree.open = true;
}

function wirePrint(): void {
  window.addEventListener("beforeprint", showEverything);
  // Headless printing (chromium --print-to-pdf, page.pdf) switches to print media without a beforeprint event.
  window.matchMedia?.("print").addEventListener?.("change", (event) => {
    if (event.matches) showEverything();
  });
}

function start(): void {
  fillComponentFilter();
  wireFilters();
  wireHeatmap();
  wireDetail();
  wireDiagram();
  wirePaths();
  wirePrint();
  state.selectedPath = data.paths.length ? data.paths[0]!.rank : 0;
  renderPaths();
  applyFilters();
  document.documentElement.dataset.ready = "true";
}

start();
