// threatwright decide FINDING-ID: records a decision on a finding in the model's files, in place.
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import { analyze } from "../../analysis/analyze.js";
import type { Finding } from "../../analysis/analyze.js";
import { didYouMean, formatDiagnostic } from "../../model/diagnostics.js";
import { hasTokenShape, maskTokenShapes } from "../../model/secret-values.js";
import type { DecisionStatus } from "../../model/vocabulary.js";
import { DECISION_STATUS } from "../../model/vocabulary.js";
import type { DecisionEditOutcome, DecisionEditPlan, DecisionRequest, FieldChange } from "../../lifecycle/decisions-file.js";
import { planDecisionEdit, writeFilesAtomically } from "../../lifecycle/decisions-file.js";
import { isFindingId } from "../../lifecycle/decisions.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { loadOrReport } from "../load-or-report.js";
import { parseDate } from "../options.js";

export interface DecideCommandOptions {
  path: string;
  status: DecisionStatus;
  owner?: string;
  due?: string;
  ticket?: string;
  justification?: string;
  expires?: string;
  reviewed?: string;
  controls?: string[];
  force?: boolean;
}


function parseList(value: string): string[] {
  const items = value.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) throw new InvalidArgumentError("expected control IDs separated by commas, such as a,b");
  return items;
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("decide")
    .description("record a decision on a finding; edits the model's decisions in place and keeps comments")
    .argument("<finding-id>", "stable ID of the finding, as analyze prints it (RULE@element+element)")
    .option("--path <path>", "model file, or folder holding threatwright.yaml", ".")
    .addOption(new Option("--status <status>", "where the finding stands").choices([...DECISION_STATUS]).makeOptionMandatory())
    .option("--owner <owner>", "who is accountable")
    .addOption(new Option("--due <YYYY-MM-DD>", "when mitigation is due").argParser(parseDate))
    .option("--ticket <ticket>", "tracking ticket")
    .option("--justification <text>", "why this status was chosen (required to accept)")
    .addOption(new Option("--expires <YYYY-MM-DD>", "when an acceptance or transfer lapses (required to accept)").argParser(parseDate))
    .addOption(new Option("--reviewed <YYYY-MM-DD>", "when the decision was reviewed (default: today)").argParser(parseDate))
    .addOption(new Option("--controls <ids>", "controls that mitigate the finding, separated by commas").argParser(parseList))
    .option("--force", "record the decision even though the analysis raises no such finding (yet)")
    .action((finding: string, options: DecideCommandOptions) => setExit(decideCommand(io, finding, options)));
}

function usage(io: CliIO, message: string, hint: string): number {
  io.err(`${message}\n  hint: ${hint}\n`);
  return EXIT.usage;
}

export function decideCommand(io: CliIO, finding: string, options: DecideCommandOptions): number {
  // The ID is echoed in messages and written to the model, so it must look like one.
  if (!isFindingId(finding)) return usage(io, "FINDING-ID is not a finding ID", "finding IDs are written RULE@element+element, such as TW-EXF-001@support-agent+send-customer-email; 'threatwright analyze' prints them");
  const loaded = loadOrReport(io, options.path, "text");
  if ("exit" in loaded) return loaded.exit;
  const { model, locations } = loaded.loaded;
  const today = io.today();
  const result = analyze(model, { today, locations });

  if (!options.force && !result.findings.some((f) => f.id === finding)) {
    const suggestion = suggestFinding(finding, result.findings);
    return usage(
      io,
      `no finding '${finding}' in the analysis of ${options.path}`,
      `${suggestion ? `did you mean '${suggestion}'? ` : ""}run 'threatwright analyze ${options.path}' for the finding IDs; --force records a decision ahead of time`,
    );
  }
  const known = model.controls.map((c) => c.id);
  for (const control of options.controls ?? []) {
    if (known.includes(control)) continue;
    const suggestion = didYouMean(control, known);
    return usage(io, `'${control}' is not the ID of a control in the model`, suggestion ? `did you mean '${suggestion}'?` : known.length ? `controls in this model: ${known.slice(0, 12).join(", ")}${known.length > 12 ? ", …" : ""}` : "define the control under 'controls:' first");
  }

  for (const [flag, text] of [["--owner", options.owner], ["--ticket", options.ticket], ["--justification", options.justification]] as const) {
    if (text === undefined) continue;
    if (text.trim() === "") return usage(io, `${flag} is empty`, `give ${flag} a value, or leave it out to keep the decision's current one`);
    // Whatever is written here is committed with the model: a pasted token would be in the repository's history.
    if (hasTokenShape(text)) return usage(io, `${flag} holds what looks like a secret's value; nothing was written`, "name the secret (a variable, a vault path), never its value; if it was real, rotate it");
  }
  const lapses = options.status === "accepted" || options.status === "transferred";
  if (options.expires !== undefined && !lapses) {
    return usage(io, `--expires applies to an accepted or transferred finding, not a ${options.status} one`, "leave out --expires, or record the finding as accepted or transferred");
  }
  // Checked on the decision as it will be, so re-recording an acceptance need not repeat what it says.
  const existing = model.decisions.find((d) => d.finding === finding);
  const justification = options.justification ?? existing?.justification;
  const expires = options.expires ?? existing?.expires;
  if (options.status === "accepted" && (!justification || !expires)) {
    const missing = [...(!justification ? ["--justification"] : []), ...(!expires ? ["--expires"] : [])].join(" and ");
    return usage(io, `accepting a finding needs ${missing}`, "say why the risk is acceptable (--justification TEXT), and when to look again: an acceptance must expire (--expires YYYY-MM-DD)");
  }
  if (lapses && expires !== undefined && expires < today) {
    return usage(io, `the ${options.status === "accepted" ? "acceptance" : "transfer"} would have expired on ${expires}`, "give an expiry date from today on: --expires YYYY-MM-DD");
  }

  const request: DecisionRequest = {
    finding,
    set: {
      status: options.status,
      ...(options.owner !== undefined ? { owner: options.owner } : {}),
      ...(options.due !== undefined ? { due: options.due } : {}),
      ...(options.ticket !== undefined ? { ticket: options.ticket } : {}),
      ...(options.justification !== undefined ? { justification: options.justification } : {}),
      ...(options.expires !== undefined ? { expires: options.expires } : {}),
      reviewed: options.reviewed ?? today,
      ...(options.controls !== undefined ? { controls: options.controls } : {}),
    },
    // Only acceptances and transfers lapse: an expiry left behind would read as if this one did.
    ...(!lapses ? { remove: ["expires"] } : {}),
  };
  let outcome: DecisionEditOutcome;
  try {
    outcome = planDecisionEdit(loaded.loaded, request, io.files);
  } catch (error) {
    return cannotWrite(io, error);
  }
  if (!outcome.ok) {
    const { problem } = outcome;
    for (const d of problem.diagnostics) io.err(formatDiagnostic(d) + "\n");
    io.err(`${problem.message}\n${problem.hint ? `  hint: ${problem.hint}\n` : ""}`);
    return problem.kind === "invalid-result" ? EXIT.invalid : EXIT.usage;
  }
  const { plan } = outcome;
  const where = `${plan.at.file}:${plan.at.line}`;
  if (plan.changes.length === 0) {
    io.out(`no change: the decision on ${finding} at ${where} already says this\n`);
    return EXIT.ok;
  }
  try {
    writeFilesAtomically(plan.writes);
  } catch (error) {
    return cannotWrite(io, error);
  }
  io.out(describe(plan, finding, where));
  const note = afterwards(plan, finding, today);
  if (note) io.out(note);
  return EXIT.ok;
}

function cannotWrite(io: CliIO, error: unknown): number {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code) throw error;
  const file = (error as NodeJS.ErrnoException).path;
  io.err(`${file ?? "the model"}: cannot write (${code}); nothing was changed\n  hint: check that you may write to the model's folder\n`);
  return EXIT.usage;
}

/** Prefers a finding of the same rule: a renamed element is the likeliest reason for a miss. */
function suggestFinding(finding: string, findings: readonly Finding[]): string | undefined {
  const rule = finding.slice(0, finding.indexOf("@"));
  const ids = findings.map((f) => f.id);
  return didYouMean(finding, ids.filter((id) => id.startsWith(`${rule}@`))) ?? didYouMean(finding, ids);
}

/** A value already in the file may be a pasted secret: it is shown masked, as every other output shows it. */
function masked(change: FieldChange): FieldChange {
  return {
    field: change.field,
    ...(change.before !== undefined ? { before: maskTokenShapes(change.before) } : {}),
    ...(change.after !== undefined ? { after: maskTokenShapes(change.after) } : {}),
  };
}

function describe(plan: DecisionEditPlan, finding: string, where: string): string {
  const lines = [`${plan.newEntry ? "recorded" : "updated"} the decision on ${finding} at ${where}`];
  for (const change of plan.changes.map(masked)) {
    if (change.after === undefined) lines.push(`  ${change.field}: removed (was ${change.before ?? "empty"})${change.field === "expires" ? ": only an acceptance or transfer expires" : ""}`);
    else lines.push(`  ${change.field}: ${change.before !== undefined ? `${change.before} → ` : ""}${change.after}`);
  }
  if (plan.createdFile) lines.push(`created ${plan.createdFile} and added it to the include list of ${plan.includedFrom}`);
  return lines.join("\n") + "\n";
}

/** What the analysis makes of the decision now: a status that does not hold is said at once, not at the next report. */
function afterwards(plan: DecisionEditPlan, finding: string, today: string): string | undefined {
  const { model, locations } = plan.loaded;
  // analyze has judged every decision already: the finding carries its standing.
  const result = analyze(model, { today, locations });
  const standing = result.findings.find((f) => f.id === finding);
  if (!standing) return "note: the analysis raises no such finding now; the decision is kept and reported as an orphan until it does\n";
  if (standing.reopened) return `note: the finding counts as ${standing.status}: ${standing.statusReason}\n`;
  const expiring = result.decisions.expiringSoon.find((e) => e.finding === finding);
  if (expiring) return `note: the ${expiring.status === "accepted" ? "acceptance" : "transfer"} expires in ${expiring.daysLeft} day${expiring.daysLeft === 1 ? "" : "s"}\n`;
  if (standing.overdue) return `note: the finding is overdue since ${standing.decision?.due}\n`;
  return undefined;
}
