import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "./harness.js";

const TODAY = "2026-11-22";
const EXFIL = "TW-EXF-001@support-agent+send-customer-email";

const cli = (args: string[]) => runCli(args, { today: TODAY });

const folders: string[] = [];
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A copy of the support-assistant example in a temporary folder. */
function supportAssistant(): string {
  const folder = mkdtempSync(path.join(tmpdir(), "tw-decide-"));
  folders.push(folder);
  cpSync("examples/support-assistant", folder, { recursive: true });
  return folder;
}

function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(readdirSync(folder).sort().map((name) => [name, readFileSync(path.join(folder, name), "utf8")]));
}

describe("threatwright decide", () => {
  it("records a decision in a new decisions.yaml, includes it, and says where", async () => {
    const folder = supportAssistant();
    const { code, out, err } = await cli(["decide", EXFIL, "--path", folder, "--status", "mitigating", "--owner", "appsec@example.com", "--due", "2026-12-31", "--ticket", "SUP-1423"]);
    assert.equal(err, "");
    assert.equal(code, 0);
    const file = path.join(folder, "decisions.yaml");
    assert.equal(
      out,
      `recorded the decision on ${EXFIL} at ${file}:6\n` +
        "  status: mitigating\n  owner: appsec@example.com\n  due: 2026-12-31\n  ticket: SUP-1423\n  reviewed: 2026-11-22\n" +
        `created ${file} and added it to the include list of ${path.join(folder, "threatwright.yaml")}\n`,
    );
    assert.match(readFileSync(path.join(folder, "threatwright.yaml"), "utf8"), /\ninclude: \[components\.yaml, flows\.yaml, identities\.yaml, controls\.yaml, decisions\.yaml\]\n/);
    const report = JSON.parse((await cli(["analyze", folder, "--format", "json"])).out);
    const finding = report.findings.find((f: { id: string }) => f.id === EXFIL);
    assert.deepEqual(finding.decision, { finding: EXFIL, status: "mitigating", owner: "appsec@example.com", due: "2026-12-31", ticket: "SUP-1423", reviewed: TODAY });
  });

  it("updates the decision in place on the next call, and says what changed", async () => {
    const folder = supportAssistant();
    await cli(["decide", EXFIL, "--path", folder, "--status", "mitigating", "--owner", "appsec@example.com"]);
    const { code, out } = await cli(["decide", EXFIL, "--path", folder, "--status", "accepted", "--justification", "Mail goes only to the order's address", "--expires", "2027-03-31", "--reviewed", "2026-11-20"]);
    assert.equal(code, 0);
    assert.equal(out, `updated the decision on ${EXFIL} at ${path.join(folder, "decisions.yaml")}:6\n  status: mitigating → accepted\n  justification: Mail goes only to the order's address\n  expires: 2027-03-31\n  reviewed: 2026-11-22 → 2026-11-20\n`);
    const again = await cli(["decide", EXFIL, "--path", folder, "--status", "accepted", "--reviewed", "2026-11-20"]);
    assert.equal(again.code, 0);
    assert.equal(again.out, `no change: the decision on ${EXFIL} at ${path.join(folder, "decisions.yaml")}:6 already says this\n`);
  });

  it("takes the expiry out when an acceptance becomes another status, and refuses --expires on one", async () => {
    const folder = supportAssistant();
    await cli(["decide", EXFIL, "--path", folder, "--status", "accepted", "--justification", "Order status only", "--expires", "2027-03-31"]);
    const moved = await cli(["decide", EXFIL, "--path", folder, "--status", "mitigating"]);
    assert.equal(moved.code, 0);
    assert.equal(moved.out, `updated the decision on ${EXFIL} at ${path.join(folder, "decisions.yaml")}:6\n  status: accepted → mitigating\n  expires: removed (was 2027-03-31): only an acceptance or transfer expires\n`);
    const text = readFileSync(path.join(folder, "decisions.yaml"), "utf8");
    assert.doesNotMatch(text, /expires/);
    assert.match(text, /justification: Order status only\n/, "the justification stays: it says why, whatever the status");
    const refused = await cli(["decide", EXFIL, "--path", folder, "--status", "mitigated", "--expires", "2027-03-31"]);
    assert.equal(refused.code, 2);
    assert.equal(refused.err, "--expires applies to an accepted or transferred finding, not a mitigated one\n  hint: leave out --expires, or record the finding as accepted or transferred\n");
    assert.equal(readFileSync(path.join(folder, "decisions.yaml"), "utf8"), text);
  });

  it("never writes or prints a secret's value: a token-shaped value is refused, one already in the file is shown masked", async () => {
    const folder = supportAssistant();
    const token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    const refused = await cli(["decide", EXFIL, "--path", folder, "--status", "mitigating", "--justification", `rotated ${token}`]);
    assert.equal(refused.code, 2);
    assert.equal(refused.err, "--justification holds what looks like a secret's value; nothing was written\n  hint: name the secret (a variable, a vault path), never its value; if it was real, rotate it\n");
    assert.ok(!existsSync(path.join(folder, "decisions.yaml")));
    // Pasted by hand into the file: decide shows it masked when it replaces it.
    await cli(["decide", EXFIL, "--path", folder, "--status", "mitigating", "--ticket", "SUP-1"]);
    const file = path.join(folder, "decisions.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("ticket: SUP-1", `ticket: ${token}`));
    const replaced = await cli(["decide", EXFIL, "--path", folder, "--status", "mitigating", "--ticket", "SUP-2"]);
    assert.equal(replaced.code, 0);
    assert.match(replaced.out, /\n {2}ticket: \[redacted: looks like a secret value\] → SUP-2\n/);
    assert.doesNotMatch(replaced.out + replaced.err, /ghp_/);
  });

  it("refuses an empty owner, ticket or justification", async () => {
    const folder = supportAssistant();
    const { code, err } = await cli(["decide", EXFIL, "--path", folder, "--status", "mitigating", "--owner", " "]);
    assert.equal(code, 2);
    assert.equal(err, "--owner is empty\n  hint: give --owner a value, or leave it out to keep the decision's current one\n");
  });

  it("says at once when the recorded status does not hold, or an acceptance expires soon", async () => {
    const folder = supportAssistant();
    // The only control on this finding is planned, so nothing lowers it: 5 x 4 = 20 before and after.
    const bare = await cli(["decide", "TW-PRV-001@support-agent+lookup-order", "--path", folder, "--status", "mitigated"]);
    assert.equal(bare.code, 0);
    assert.match(bare.out, /\nnote: the finding counts as open: marked mitigated, but the decision names no control and no control in the model lowers its score \(residual equals inherent, 20\)\n$/);
    const soon = await cli(["decide", EXFIL, "--path", folder, "--status", "accepted", "--justification", "j", "--expires", "2026-12-01"]);
    assert.match(soon.out, /\nnote: the acceptance expires in 9 days\n$/);
  });

  it("refuses an acceptance without a justification or an expiry date, with exit 2, writing nothing", async () => {
    const folder = supportAssistant();
    const before = snapshot(folder);
    const neither = await cli(["decide", EXFIL, "--path", folder, "--status", "accepted", "--owner", "x"]);
    assert.equal(neither.code, 2);
    assert.equal(neither.err, "accepting a finding needs --justification and --expires\n  hint: say why the risk is acceptable (--justification TEXT), and when to look again: an acceptance must expire (--expires YYYY-MM-DD)\n");
    const noExpiry = await cli(["decide", EXFIL, "--path", folder, "--status", "accepted", "--justification", "low risk"]);
    assert.equal(noExpiry.code, 2);
    assert.match(noExpiry.err, /^accepting a finding needs --expires\n/);
    const past = await cli(["decide", EXFIL, "--path", folder, "--status", "accepted", "--justification", "low risk", "--expires", "2026-11-21"]);
    assert.equal(past.code, 2);
    assert.match(past.err, /^the acceptance would have expired on 2026-11-21\n/);
    assert.deepEqual(snapshot(folder), before);
  });

  it("refuses a finding the analysis does not raise, offering the closest, unless --force", async () => {
    const folder = supportAssistant();
    const typo = await cli(["decide", "TW-EXF-001@support-agent+send-customer-emails", "--path", folder, "--status", "open"]);
    assert.equal(typo.code, 2);
    assert.equal(typo.err, `no finding 'TW-EXF-001@support-agent+send-customer-emails' in the analysis of ${folder}\n  hint: did you mean '${EXFIL}'? run 'threatwright analyze ${folder}' for the finding IDs; --force records a decision ahead of time\n`);
    assert.ok(!existsSync(path.join(folder, "decisions.yaml")));
    const forced = await cli(["decide", "TW-MCP-001@future-server", "--path", folder, "--status", "accepted", "--justification", "pinned by digest", "--expires", "2027-01-01", "--force"]);
    assert.equal(forced.code, 0);
    assert.match(forced.out, /^recorded the decision on TW-MCP-001@future-server at /);
    assert.match(forced.out, /\nnote: the analysis raises no such finding now; the decision is kept and reported as an orphan until it does\n$/);
  });

  it("refuses text that is not a finding ID, unknown controls and malformed dates with exit 2", async () => {
    const folder = supportAssistant();
    const before = snapshot(folder);
    const notAnId = await cli(["decide", "exfiltration", "--path", folder, "--status", "open", "--force"]);
    assert.equal(notAnId.code, 2);
    assert.match(notAnId.err, /^FINDING-ID is not a finding ID\n {2}hint: finding IDs are written RULE@element\+element/);
    const control = await cli(["decide", EXFIL, "--path", folder, "--status", "mitigated", "--controls", "widget-image-csp,refund-capp"]);
    assert.equal(control.code, 2);
    assert.equal(control.err, "'refund-capp' is not the ID of a control in the model\n  hint: did you mean 'refund-cap'?\n");
    const date = await cli(["decide", EXFIL, "--path", folder, "--status", "mitigating", "--due", "2026-02-30"]);
    assert.equal(date.code, 2);
    assert.match(date.err, /argument '2026-02-30' is invalid\. expected a date written YYYY-MM-DD/);
    assert.equal((await cli(["decide", EXFIL, "--path", folder, "--status", "done"])).code, 2);
    assert.equal((await cli(["decide", EXFIL, "--path", folder])).code, 2, "--status is required");
    assert.equal((await cli(["decide", EXFIL, "--path", folder, "--status", "mitigated", "--controls", "a,,b"])).code, 2);
    assert.deepEqual(snapshot(folder), before);
  });

  it("records mitigating controls and keeps the finding mitigated while they cover it", async () => {
    const folder = supportAssistant();
    const { code, out } = await cli(["decide", "TW-AGY-002@support-agent+issue-refund", "--path", folder, "--status", "mitigated", "--controls", "refund-cap,chat-rate-limit"]);
    assert.equal(code, 0);
    assert.match(out, /\n {2}controls: refund-cap, chat-rate-limit\n/);
    assert.doesNotMatch(out, /note:/);
    assert.match(readFileSync(path.join(folder, "decisions.yaml"), "utf8"), /\n {4}controls: \[refund-cap, chat-rate-limit\]\n/);
  });

  it("refuses with exit 2, writing nothing, when a decisions.yaml the model does not include is in the way", async () => {
    const folder = supportAssistant();
    writeFileSync(path.join(folder, "decisions.yaml"), "# notes\n");
    const before = snapshot(folder);
    const { code, err } = await cli(["decide", EXFIL, "--path", folder, "--status", "open"]);
    assert.equal(code, 2);
    assert.equal(err, `${path.join(folder, "decisions.yaml")} exists but is not part of the model\n  hint: add 'decisions.yaml' to the include list of ${path.join(folder, "threatwright.yaml")}, or move the file away\n`);
    assert.deepEqual(snapshot(folder), before);
  });

  it("exits 1 on an invalid model and 2 on a missing one", async () => {
    const folder = supportAssistant();
    writeFileSync(path.join(folder, "controls.yaml"), "controls: [\n");
    assert.equal((await cli(["decide", EXFIL, "--path", folder, "--status", "open"])).code, 1);
    assert.equal((await cli(["decide", EXFIL, "--path", path.join(folder, "nowhere"), "--status", "open"])).code, 2);
  });
});
