// Warnings about controls that say something the analysis cannot use: who approves, on a control
// that is not an approval, and four eyes with nobody named to approve; a pin on a server the model
// says is not pinned; a rotation checked after the credential it rotates fell due, while the model
// still records the old rotation; and a supervised agent whose approvals say otherwise. The model is
// valid; the warning says which field is ignored or doubtful and why, so the author's intent is not lost.
import { addDuration } from "./dates.js";
import type { Diagnostic, DiagnosticCode, SourceLocation } from "./diagnostics.js";
import { locationOf } from "./diagnostics.js";
import type { ThreatModel } from "./model.js";
import { CONSEQUENTIAL_ACTIONS } from "./vocabulary.js";

/**
 * Fields only a human approval reads. A condition, a router or a threshold on another control still
 * halves it (it acts only some of the time, docs/scoring.md), so they are not among them.
 */
const APPROVAL_FIELDS = ["approvers", "separateFromRequester", "unanswered"] as const;

export function controlWarnings(model: ThreatModel, locations: ReadonlyMap<string, SourceLocation>, rootFile: string): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  const unpinnedServers = new Set(model.mcpServers.filter((s) => s.pinned === "none").map((s) => s.id));
  const rotations = rotationsDue(model);
  for (const control of model.controls) {
    const at = locationOf(locations, control.id, rootFile);
    const warn = (code: DiagnosticCode, message: string, hint: string) => warnings.push({ ...at, severity: "warning", code, message, hint });
    if (control.type !== "human-approval") {
      const fields = APPROVAL_FIELDS.filter((field) => control[field] !== undefined);
      if (fields.length > 0) {
        warn(
          "field-for-another-type",
          `control '${control.id}' is a ${control.type}, and ${fields.join(" and ")} ${fields.length === 1 ? "is" : "are"} read only on a human-approval control: the analysis ignores ${fields.length === 1 ? "it" : "them"}`,
          "remove the field, or make the control the human-approval it describes",
        );
      }
    } else if (control.separateFromRequester === true && (control.approvers?.length ?? 0) === 0) {
      warn(
        "four-eyes-without-approvers",
        `control '${control.id}' says approvers are kept off their own requests (separateFromRequester), but names no approvers: the analysis cannot tell who approves, and ignores it`,
        "name the actors who may approve under approvers",
      );
    }
    // A pin on a server the model says is not pinned: one of the two is out of date, and the rug-pull finding rests on both.
    const unpinned = control.type === "pinned-artifacts" && control.status !== "planned" ? control.covers.filter((id) => unpinnedServers.has(id)) : [];
    if (unpinned.length > 0) {
      warn(
        "pin-contradicts-model",
        `control '${control.id}' pins ${unpinned.map((id) => `'${id}'`).join(", ")}, which the model says ${unpinned.length === 1 ? "is" : "are"} not pinned (pinned: none): the control still takes steps off the rug-pull and supply-chain findings`,
        "if the install is pinned, set the server's pinned to version or digest; if the control pins the tool definitions (a hash the client checks), say so in its description; if the pin is gone, remove the control or mark it planned",
      );
    }
    // Loading knows no analysis date, so only the control's own check dates it: verified after the
    // credential fell due (and before it expired), yet the model keeps the rotation before. Either
    // lastRotated is out of date or the rotation did not run, and TW-NHI-002 does not count the control.
    // Only an implemented control: a partial one may leave this credential out.
    const verifiedOn = control.verified === true ? control.verifiedOn : undefined;
    const stale =
      control.type === "secret-rotation" && (control.status ?? "implemented") === "implemented" && verifiedOn !== undefined
        ? control.covers.flatMap((id) => rotations.get(id) ?? []).filter((r) => r.due < verifiedOn && !(r.expires !== undefined && r.expires < verifiedOn))
        : [];
    if (stale.length > 0) {
      warn(
        "rotation-contradicts-model",
        `control '${control.id}' was checked on ${verifiedOn}, after ${stale.map((r) => `'${r.credential}' was due for rotation (${r.due}: last rotated ${r.lastRotated}, every ${r.period})`).join(" and ")}, yet the model still records that earlier rotation: TW-NHI-002 does not count the control against ${stale.length === 1 ? "it" : "them"}`,
        "if the credential was rotated, update its rotation.lastRotated; if the rotation did not run, fix it and check the control again",
      );
    }
  }
  return [...warnings, ...supervisedWarnings(model, locations, rootFile)];
}

interface RotationDue {
  credential: string;
  lastRotated: string;
  period: string;
  /** lastRotated plus period. */
  due: string;
  expires?: string;
}

/** Static credentials with a rotation period and a last rotation (those TW-NHI-002 dates), by ID. */
function rotationsDue(model: ThreatModel): Map<string, RotationDue> {
  const due = new Map<string, RotationDue>();
  for (const identity of model.identities) {
    for (const credential of identity.credentials ?? []) {
      const { period, lastRotated } = credential.rotation ?? {};
      if (credential.lifetime !== "static" || period === undefined || lastRotated === undefined) continue;
      due.set(credential.id, { credential: credential.id, lastRotated, period, due: addDuration(lastRotated, period), ...(credential.expires !== undefined ? { expires: credential.expires } : {}) });
    }
  }
  return due;
}

/**
 * `supervised` says a person approves each action. An agent that has approval controls on some of
 * its acting tools and none on others most likely runs the others without a click (an IDE agent's
 * auto-run MCP tools): the analysis would take supervised at its word for those.
 */
function supervisedWarnings(model: ThreatModel, locations: ReadonlyMap<string, SourceLocation>, rootFile: string): Diagnostic[] {
  const gated = new Set<string>();
  for (const control of model.controls) if (control.type === "human-approval" && control.status !== "planned") for (const id of control.covers) gated.add(id);
  const warnings: Diagnostic[] = [];
  for (const agent of model.agents) {
    if (agent.autonomy !== "supervised") continue;
    const servers = new Set(agent.mcpServers ?? []);
    const own = new Set(agent.tools ?? []);
    const acting = model.tools.filter((t) => (own.has(t.id) || (t.server !== undefined && servers.has(t.server))) && t.capabilities.some((c) => CONSEQUENTIAL_ACTIONS.has(c.action)));
    const isGated = (tool: (typeof acting)[number]) => [tool.id, tool.runsOn, tool.runsAs].some((id) => id !== undefined && gated.has(id));
    const open = acting.filter((t) => !isGated(t)).map((t) => t.id).sort();
    if (open.length === 0 || open.length === acting.length) continue;
    warnings.push({
      ...locationOf(locations, agent.id, rootFile),
      severity: "warning",
      code: "supervised-with-some-approvals",
      message: `agent '${agent.id}' is supervised (a person approves each action), yet only some of its acting tools have an approval control; the analysis takes supervised at its word for ${open.join(", ")}`,
      hint: `if ${open.length === 1 ? "it runs" : "they run"} without a person's click, write autonomy: autonomous and keep the approval controls on the tools that ask`,
    });
  }
  return warnings;
}
