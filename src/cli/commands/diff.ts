// The 'diff' command: two versions of a model (folders, files or git revisions), what
// changed, whether the change is material, findings new, resolved and re-scored, and the
// review items the change raises. Informational: it exits 0; gating is another command.
import type { Command } from "commander";
import { Option } from "commander";
import type { Finding } from "../../analysis/analyze.js";
import { analyze, prepareModel } from "../../analysis/analyze.js";
import { GitError, openGitModel, parseModelSpec } from "../../lifecycle/git-files.js";
import type { FindingsDiff } from "../../lifecycle/findings-diff.js";
import { diffFindings } from "../../lifecycle/findings-diff.js";
import type { DiffKind, ElementChange, ModelDiff } from "../../lifecycle/model-diff.js";
import { DIFF_KIND_ORDER, diffModels } from "../../lifecycle/model-diff.js";
import type { ReviewItem } from "../../lifecycle/triggers.js";
import { reviewTriggers } from "../../lifecycle/triggers.js";
import type { LoadedModel } from "../../model/load.js";
import type { ThreatModel } from "../../model/model.js";
import { TOOL } from "../../report/json.js";
import { mdEscape } from "../../report/markdown.js";
import { causeTally } from "../../analysis/root-causes.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { loadOrReport, reportGitError } from "../load-or-report.js";
import { dateOption } from "../options.js";
import { terminalText } from "../../report/terminal-text.js";

export const DIFF_SCHEMA_VERSION = "1.1";

export interface DiffCommandOptions {
  format: "text" | "markdown" | "json";
  date?: string;
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("diff")
    .description("compare two versions of a model: what changed, material or not, findings new, resolved and re-scored, review items")
    .argument("<old>", "the earlier model: a folder or file, or REV:PATH at a git revision (main:threatmodel/)")
    .argument("<new>", "the later model, written the same way")
    .addOption(new Option("--format <format>", "output format").choices(["text", "markdown", "json"]).default("text"))
    .addOption(dateOption("analysis date for both versions (default: today)"))
    .action((oldSpec: string, newSpec: string, options: DiffCommandOptions) => setExit(diffCommand(io, oldSpec, newSpec, options)));
}


/** Everything the diff found, as the JSON output has it (docs/diff-json.md). */
export interface DiffReport {
  schemaVersion: string;
  tool: { name: string; version: string };
  date: string;
  old: SideSummary;
  new: SideSummary;
  classification: ModelDiff["classification"];
  review: "full" | "delta" | "none";
  reasons: ModelDiff["reasons"];
  counts: ModelDiff["counts"];
  changes: ElementChange[];
  findings: FindingsDiff;
  reviewItems: ReviewItem[];
}

export interface SideSummary {
  spec: string;
  source: "worktree" | "git";
  revision?: string;
  system: { id: string; name: string };
  findings: number;
}

export interface Side {
  spec: string;
  loaded: LoadedModel;
  revision?: string;
}

export function diffCommand(io: CliIO, oldSpec: string, newSpec: string, options: DiffCommandOptions): number {
  const before = openSide(io, oldSpec);
  if ("exit" in before) return before.exit;
  const after = openSide(io, newSpec);
  if ("exit" in after) return after.exit;
  const report = buildDiffReport(before, after, options.date ?? io.today());
  io.out(options.format === "json" ? JSON.stringify(report, null, 2) + "\n" : options.format === "markdown" ? markdownDiff(report) : textDiff(report));
  return EXIT.ok;
}

/** Loads one side: a path on disk first (so a folder named 'a:b' stays a folder), else REV:PATH in git. */
function openSide(io: CliIO, spec: string): Side | { exit: number } {
  try {
    const parsed = io.files.kind(spec) === "missing" ? parseModelSpec(spec) : undefined;
    if (parsed?.kind !== "git") {
      const opened = loadOrReport(io, spec, "text");
      return "exit" in opened ? opened : { spec, loaded: opened.loaded };
    }
    const fromGit = openGitModel(io.cwd, parsed);
    const opened = loadOrReport(io, fromGit.target, "text", { files: fromGit.files, revision: parsed.rev });
    return "exit" in opened ? opened : { spec, loaded: opened.loaded, revision: parsed.rev };
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return { exit: reportGitError(io, error) };
  }
}

export function buildDiffReport(before: Side, after: Side, today: string): DiffReport {
  const oldModel = before.loaded.model;
  const newModel = after.loaded.model;
  // The material checks and the analyses build the same graphs and traces: build them once per side.
  const facts = { before: prepareModel(oldModel), after: prepareModel(newModel) };
  const modelDiff = diffModels(oldModel, newModel, { facts });
  const oldFindings = analyze(oldModel, { today, locations: before.loaded.locations, prepared: facts.before }).findings;
  const newFindings = analyze(newModel, { today, locations: after.loaded.locations, prepared: facts.after }).findings;
  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    tool: { name: TOOL.name, version: TOOL.version },
    date: today,
    old: summarise(before, oldModel, oldFindings),
    new: summarise(after, newModel, newFindings),
    classification: modelDiff.classification,
    review: modelDiff.classification === "material" ? "full" : modelDiff.classification === "delta" ? "delta" : "none",
    reasons: modelDiff.reasons,
    counts: modelDiff.counts,
    changes: modelDiff.changes,
    findings: diffFindings(oldFindings, newFindings),
    reviewItems: reviewTriggers(modelDiff, oldModel, newModel),
  };
}

function summarise(side: Side, model: ThreatModel, findings: readonly Finding[]): SideSummary {
  return {
    spec: side.spec,
    source: side.revision === undefined ? "worktree" : "git",
    ...(side.revision === undefined ? {} : { revision: side.revision }),
    system: { id: model.system.id, name: model.system.name },
    findings: findings.length,
  };
}

const HEADLINE: Record<DiffReport["classification"], string> = {
  material: "Material change: full review required",
  delta: "Delta review: review what changed",
  unchanged: "No change to the model",
};

const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`);
const CHANGE_MARK = { added: "+", removed: "-", changed: "~" } as const;

function groupByKind(changes: readonly ElementChange[]): [DiffKind, ElementChange[]][] {
  const groups = new Map<DiffKind, ElementChange[]>();
  for (const change of changes) {
    const group = groups.get(change.kind);
    if (group) group.push(change);
    else groups.set(change.kind, [change]);
  }
  return DIFF_KIND_ORDER.filter((kind) => groups.has(kind)).map((kind) => [kind, groups.get(kind)!]);
}

function changeNote(change: ElementChange): string {
  const fields = change.change === "changed" ? `  ${change.fields.join(", ")}` : "";
  const note = change.material ? "  (material)" : change.cosmetic ? "  (text only)" : "";
  return `${fields}${note}`;
}

export function textDiff(report: DiffReport): string {
  const lines: string[] = [];
  const { findings } = report;
  lines.push(`Threatwright diff of ${report.new.system.name} (${report.date})`);
  lines.push(`  old: ${report.old.spec}`, `  new: ${report.new.spec}`, "");
  lines.push(HEADLINE[report.classification]);
  for (const reason of report.reasons) lines.push(`  - ${reason.code}: ${reason.message}`);

  const { counts } = report;
  lines.push("", `Changes: ${counts.added} added, ${counts.removed} removed, ${counts.changed} changed`);
  for (const [kind, changes] of groupByKind(report.changes)) {
    lines.push(`  ${kind}`);
    for (const change of changes) lines.push(`    ${CHANGE_MARK[change.change]} ${change.id}${changeNote(change)}`);
  }

  lines.push(
    "",
    `Findings: ${findings.new.length} new, ${findings.resolved.length} resolved, ${findings.rescored.length} re-scored; residual risk ${findings.residual.before} -> ${findings.residual.after} (${signed(findings.residual.delta)})`,
  );
  if (findings.new.length > 0) lines.push(`  New${findings.new.length > 1 ? `, by root cause: ${causeTally(findings.new)}` : ""}`, ...findings.new.map((f) => `    + [${f.severity} ${f.residual}] ${f.id}  ${f.title}`));
  if (findings.resolved.length > 0) lines.push("  Resolved", ...findings.resolved.map((f) => `    - [${f.severity} ${f.residual}] ${f.id}  ${f.title}`));
  if (findings.rescored.length > 0) {
    lines.push("  Re-scored", ...findings.rescored.map((f) => `    ~ ${f.id}  ${f.before.residual} -> ${f.after.residual} (${signed(f.delta)})${f.before.severity === f.after.severity ? ` ${f.after.severity}` : ` ${f.before.severity} -> ${f.after.severity}`}`));
  }

  lines.push("", report.reviewItems.length > 0 ? `Review items (${report.reviewItems.length})` : "Review items: none");
  for (const item of report.reviewItems) {
    lines.push(`  - ${item.trigger}: ${item.what}`, `      owner: ${item.owner} (${item.ownerFrom === "element" ? "owner of what changed" : item.ownerFrom === "decision" ? "who owns the decision" : `${item.ownerFrom} owner`})`, `      why: ${item.reason}`);
  }
  // Names, owners and revisions are anyone's text: no escape sequence reaches the terminal.
  return lines.map(terminalText).join("\n") + "\n";
}

/** Rows per table in a pull-request comment; the rest are counted, so the comment stays within the host's size limit. */
const MAX_ROWS = 50;

function capped<T>(items: readonly T[], row: (item: T) => string, columns: number): string[] {
  const rows = items.slice(0, MAX_ROWS).map(row);
  if (items.length > MAX_ROWS) rows.push(`| ${[`… and ${items.length - MAX_ROWS} more (see the JSON output)`, ...Array<string>(columns - 1).fill("")].join(" | ")} |`);
  return rows;
}

export function markdownDiff(report: DiffReport): string {
  const out: string[] = [];
  const { findings, counts } = report;
  out.push(`## Threatwright diff: ${mdEscape(report.new.system.name)}`, "");
  out.push(`${mdEscape(report.old.spec)} → ${mdEscape(report.new.spec)}, analysed on ${report.date}`, "");
  out.push(`**${HEADLINE[report.classification]}**`, "");
  if (report.reasons.length > 0) {
    for (const reason of report.reasons.slice(0, MAX_ROWS)) out.push(`- ${reason.code}: ${mdEscape(reason.message)}`);
    if (report.reasons.length > MAX_ROWS) out.push(`- … and ${report.reasons.length - MAX_ROWS} more`);
    out.push("");
  }

  out.push(`### Changes`, "", `${counts.added} added, ${counts.removed} removed, ${counts.changed} changed.`, "");
  if (report.changes.length > 0) {
    out.push("| Change | Kind | Element | Fields |", "|---|---|---|---|");
    out.push(
      ...capped(
        report.changes,
        (c) => `| ${c.change} | ${c.kind} | \`${c.id}\` | ${[mdEscape(c.fields.join(", ")), c.material ? "**material**" : c.cosmetic ? "(text only)" : ""].filter(Boolean).join(" ")} |`,
        4,
      ),
    );
    out.push("");
  }

  out.push(`### Findings`, "");
  out.push(`${findings.new.length} new, ${findings.resolved.length} resolved, ${findings.rescored.length} re-scored. Residual risk ${findings.residual.before} → ${findings.residual.after} (**${signed(findings.residual.delta)}**).`, "");
  if (findings.new.length > 1) out.push(`New findings by root cause: ${mdEscape(causeTally(findings.new))}.`, "");
  const rows: { mark: string; severity: string; id: string; title: string; residual: string }[] = [
    ...findings.new.map((f) => ({ mark: "new", severity: f.severity, id: f.id, title: f.title, residual: `${f.residual}` })),
    ...findings.resolved.map((f) => ({ mark: "resolved", severity: f.severity, id: f.id, title: f.title, residual: `~~${f.residual}~~` })),
    ...findings.rescored.map((f) => ({ mark: "re-scored", severity: f.before.severity === f.after.severity ? f.after.severity : `${f.before.severity} → ${f.after.severity}`, id: f.id, title: f.title, residual: `${f.before.residual} → ${f.after.residual} (${signed(f.delta)})` })),
  ];
  if (rows.length > 0) {
    out.push("| | Severity | Finding | Residual |", "|---|---|---|---:|");
    out.push(...capped(rows, (r) => `| ${r.mark} | ${r.severity} | \`${r.id}\` ${mdEscape(r.title)} | ${r.residual} |`, 4));
    out.push("");
  }

  out.push(`### Review items`, "");
  if (report.reviewItems.length === 0) out.push("None.", "");
  else {
    out.push("| Trigger | What changed | Owner | Why |", "|---|---|---|---|");
    out.push(...capped(report.reviewItems, (i) => `| ${i.trigger} | ${mdEscape(i.what)} | ${mdEscape(i.owner)} | ${mdEscape(i.reason)} |`, 4));
    out.push("");
  }
  return out.join("\n");
}
