// The 'status' command: who owns the model's review, when it is due, and whether the model is
// stale (overdue, or changed in git since its last review) and why. Stale or not, it exits 0:
// gating on staleness is the CI gate's job.
import type { Command } from "commander";
import { Option } from "commander";
import { judgeStaleness } from "../../lifecycle/git-history.js";
import type { ChangesSinceReview, Staleness } from "../../lifecycle/staleness.js";
import type { ThreatModel } from "../../model/model.js";
import { terminalText } from "../../report/terminal-text.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { loadOrReport } from "../load-or-report.js";
import { dateOption, PATH_HELP } from "../options.js";

export interface StatusCommandOptions {
  format: "text" | "json";
  date?: string;
}

export const STATUS_SCHEMA_VERSION = "1.0";

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("status")
    .description("say whether the model is stale (overdue for review, or changed since its last review) and why")
    .argument("[path]", PATH_HELP, ".")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .addOption(dateOption("the date to judge the cadence against (default: today)"))
    .action((target: string, options: StatusCommandOptions) => setExit(statusCommand(io, target, options)));
}


export function statusCommand(io: CliIO, target: string, options: StatusCommandOptions): number {
  const loaded = loadOrReport(io, target, options.format);
  if ("exit" in loaded) return loaded.exit;
  const { model, files } = loaded.loaded;
  const today = options.date ?? io.today();
  const { staleness, changes } = judgeStaleness(model.review, files, today);
  io.out(options.format === "json" ? jsonStatus(model, today, staleness, changes) : textStatus(model, today, staleness));
  return EXIT.ok;
}

function textStatus(model: ThreatModel, today: string, staleness: Staleness): string {
  const { system, review } = model;
  const last = review?.lastReview;
  const rows: [string, string][] = [
    ["system", `${system.name} (${system.id})`],
    ["owner", system.owner],
    ["review owner", review?.owner ?? "none"],
    ["cadence", review?.cadence ?? "none"],
    ["last review", last ? `${last.date}${last.by ? ` by ${last.by}` : ""}${last.commit ? ` at commit ${last.commit}` : ""}` : "none recorded"],
    ["next due", staleness.nextDue ? `${staleness.nextDue}${staleness.daysOverdue > 0 ? ` (${staleness.daysOverdue} day${staleness.daysOverdue === 1 ? "" : "s"} overdue)` : ""}` : "now"],
  ];
  const lines = [`Threatwright status of ${system.name} (${today})`, ...rows.map(([label, value]) => `  ${label.padEnd(14)}${value}`), ""];
  if (staleness.stale) {
    lines.push("STALE");
    for (const reason of staleness.reasons) lines.push(`  - ${reason}`);
  } else {
    lines.push("up to date");
  }
  if (staleness.notes.length > 0) {
    lines.push("", "Notes");
    for (const note of staleness.notes) lines.push(`  - ${note}`);
  }
  // Names, owners and commit subjects are anyone's text: no escape sequence reaches the terminal.
  return `${lines.map(terminalText).join("\n")}\n`;
}

function jsonStatus(model: ThreatModel, today: string, staleness: Staleness, changes: ChangesSinceReview | undefined): string {
  const { system, review } = model;
  const report = {
    schemaVersion: STATUS_SCHEMA_VERSION,
    date: today,
    system: { id: system.id, name: system.name, owner: system.owner },
    review: review ? { owner: review.owner, cadence: review.cadence, lastReview: review.lastReview ?? null } : null,
    nextDue: staleness.nextDue,
    daysOverdue: staleness.daysOverdue,
    stale: staleness.stale,
    reasons: staleness.reasons,
    notes: staleness.notes,
    changedSinceReview: staleness.changedSinceReview,
    history: !changes
      ? null
      : changes.known
        ? { known: true, since: changes.since, unknownCommit: changes.unknownCommit ?? null, commits: changes.commits, uncommitted: changes.uncommitted }
        : { known: false, reason: changes.reason },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
