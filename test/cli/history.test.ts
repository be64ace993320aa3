// threatwright history on a real git history: a copy of the support-assistant example, then a
// tool, a control, decisions and an acceptance that lapses, each a commit with a set date.
// Expected figures are reasoned from the changes (see each comment), per docs/cli.md.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { HistoryReport } from "../../src/cli/commands/history.js";
import type { TempRepo } from "../lifecycle/helpers-git.js";
import { commitFiles, exampleFiles, editFile, makeRepo } from "../lifecycle/helpers-git.js";
import { runCli } from "./harness.js";

const cli = (cwd: string, args: string[]) => runCli(args, { cwd });

const edit = editFile;

const COMPONENTS = "threatmodel/components.yaml";
const CONTROLS = "threatmodel/controls.yaml";
const ROOT = "threatmodel/threatwright.yaml";

describe("threatwright history on a git history", () => {
  let repo: TempRepo;

  before(() => {
    repo = makeRepo();
    let files = exampleFiles("support-assistant");
    commitFiles(repo, files, "Support assistant threat model", "2026-09-28"); // Monday, 2026-W40
    // A tool that writes orders: the orders service account's write permission is now used
    // (TW-NHI-001@orders-service-account goes, 2 days after it appeared) and TW-AGY-001 arrives.
    files = edit(files, COMPONENTS, "tools: [lookup-order, issue-refund, send-customer-email]", "tools: [lookup-order, issue-refund, send-customer-email, cancel-order]");
    files = edit(files, COMPONENTS, "\ndatastores:", "  - id: cancel-order\n    name: Cancel order\n    owner: orders-team@example.com\n    boundary: support-prod\n    runsOn: chat-backend\n    runsAs: orders-service-account\n    capabilities:\n      - action: write\n        on: [orders-db]\n\ndatastores:");
    commitFiles(repo, files, "Agent can cancel orders", "2026-09-30");
    commitFiles(repo, { "README.md": "not the model\n" }, "Unrelated", "2026-10-01"); // not listed: outside the model's folder
    files = edit(files, CONTROLS, "\ncontrols:\n", "\ncontrols:\n  - id: recipient-allowlist\n    name: Recipient must be the order's email\n    type: egress-allowlist\n    covers: [send-customer-email]\n    status: implemented\n    evidence:\n      - type: test\n        ref: services/chat-backend/test/tools/email.test.ts#recipient\n    verified: true\n");
    commitFiles(repo, files, "Recipient allow-list", "2026-10-06"); // 2026-W41
    files = {
      ...files,
      [ROOT]: `${files[ROOT]}\ndecisions:\n  - finding: TW-EXF-001@support-agent+send-customer-email\n    status: mitigated\n    controls: [recipient-allowlist]\n  - finding: TW-NHI-006@llm-provider-key\n    status: accepted\n    owner: appsec@example.com\n    justification: Rotation comes with the vendor migration\n    expires: 2026-10-20\n`,
    };
    commitFiles(repo, files, "Decisions", "2026-10-08");
    files = edit(files, COMPONENTS, "description: PostgreSQL database of the shop; the assistant connects to the primary, not a read replica.", "description: The shop's PostgreSQL primary (not a read replica).");
    commitFiles(repo, files, "Reword", "2026-10-26"); // 2026-W44: the acceptance lapsed on 2026-10-20
  });

  after(() => repo.remove());

  const report = async (...args: string[]): Promise<HistoryReport> => {
    const { code, out, err } = await cli(repo.root, ["history", "threatmodel", "--format", "json", ...args]);
    assert.equal(code, 0, err);
    return JSON.parse(out) as HistoryReport;
  };

  it("per commit: findings, closure, time to mitigate, expiry and coverage", async () => {
    const r = await report();
    assert.deepEqual(r.commits, { listed: 5, considered: 5, analysed: 5, skipped: 0 });
    assert.deepEqual(r.points.map((p) => p.subject), ["Support assistant threat model", "Agent can cancel orders", "Recipient allow-list", "Decisions", "Reword"]);
    // 27 findings throughout (one gone, one new at the tool commit; TW-PRV-002, refunds for anyone who asks,
    // on every commit); the two decided ones leave open at 25, and the lapsed acceptance brings it back to 26.
    assert.deepEqual(r.points.map((p) => [p.findings.total, p.findings.open]), [[27, 27], [27, 27], [27, 27], [27, 25], [27, 26]]);
    // Seen: 27, then 28. Closed: the service-account finding gone (1), then EXF-001 mitigated too (2).
    assert.deepEqual(r.points.map((p) => [p.closure.closed, p.closure.seen]), [[0, 27], [1, 28], [1, 28], [2, 28], [2, 28]]);
    // MTTM: 2 days (09-28 → 09-30), then (2 + 10) / 2 = 6 with EXF-001 (09-28 → 10-08).
    assert.deepEqual(r.points.map((p) => p.meanTimeToMitigate.days), [null, 2, 2, 6, 6]);
    assert.deepEqual(r.points.map((p) => p.expiredAcceptances), [0, 0, 0, 0, 1]);
    assert.deepEqual(r.points.map((p) => p.overdue), [0, 0, 0, 0, 0]);
    // One more component with the tool; send-customer-email's only finding (EXF-001) is mitigated
    // from the decisions on, the accepted finding is about a credential, not a component.
    assert.deepEqual(r.points.map((p) => [p.coverage.components, p.coverage.covered]), [[22, 0], [23, 0], [23, 0], [23, 1], [23, 1]]);
    // Both decided findings are high by then (EXF-001 lowered by the allow-list, NHI-006): two high fewer open than in all.
    assert.equal(r.points[3]!.findings.bySeverity.critical - r.points[3]!.findings.openBySeverity.critical, 0);
    assert.equal(r.points[3]!.findings.bySeverity.high - r.points[3]!.findings.openBySeverity.high, 2);
  });

  it("JSON: rates to 4 decimals, from the counts", async () => {
    const r = await report();
    // Closure 0/27, then 1/28 = 0.035714..., then 2/28 = 0.071428...
    assert.deepEqual(r.points.map((p) => p.closure.rate), [0, 0.0357, 0.0357, 0.0714, 0.0714]);
    // Coverage: none covered (of 10 components with findings, 11 with the new tool), then 1 of 11 = 0.090909...
    assert.deepEqual(r.points.map((p) => [p.coverage.covered, p.coverage.withFindings]), [[0, 10], [0, 11], [0, 11], [1, 11], [1, 11]]);
    assert.deepEqual(r.points.map((p) => p.coverage.rate), [0, 0, 0, 0.0909, 0.0909]);
  });

  it("per week: the last commit of each ISO week", async () => {
    const r = await report("--by", "week");
    assert.deepEqual(r.points.map((p) => [p.week, p.date, p.commits]), [["2026-W40", "2026-09-30", 2], ["2026-W41", "2026-10-08", 2], ["2026-W44", "2026-10-26", 1]]);
    assert.deepEqual(r.points.map((p) => p.meanTimeToMitigate.days), [2, 6, 6]);
  });

  it("--since and --max-commits narrow the commits", async () => {
    assert.deepEqual((await report("--since", "2026-10-06")).points.map((p) => p.subject), ["Recipient allow-list", "Decisions", "Reword"]);
    const last = await report("--max-commits", "2");
    assert.equal(last.commits.listed, 5);
    assert.deepEqual(last.points.map((p) => p.subject), ["Decisions", "Reword"]);
  });

  it("table: aligned columns, one row per commit", async () => {
    const { code, out } = await cli(repo.root, ["history", "threatmodel"]);
    assert.equal(code, 0);
    const lines = out.split("\n");
    const header = lines.findIndex((l) => l.startsWith("commit"));
    const rows = lines.slice(header, header + 6);
    assert.match(rows[0]!, /^commit\s+date\s+findings\s+open\s+crit\s+high\s+med\s+low\s+info\s+closed\s+mttm\(d\)\s+overdue\s+expired\s+coverage$/);
    // Right-aligned figures end in the same column: the 'expired' column lines up.
    const end = rows[0]!.indexOf("expired") + "expired".length;
    for (const row of rows.slice(1)) assert.match(row.slice(end - 1, end), /\d/);
    // 2 of 28 closed: 7.1%, shown as 7%; 1 of 11 components covered: 9%.
    assert.match(rows[4]!, /2026-10-08\s+27\s+25\s.*\s7%\s+6\.0\s+0\s+0\s+9% \(1\/11\)$/);
  });

  it("CSV: a header row, RFC 4180 quoting, CRLF line ends", async () => {
    commitFiles(repo, { "threatmodel/notes.txt": "x\n" }, 'Say "hi", then go', "2026-10-27");
    const { code, out } = await cli(repo.root, ["history", "threatmodel", "--format", "csv", "--since", "2026-10-26"]);
    assert.equal(code, 0);
    const lines = out.split("\r\n");
    assert.equal(lines.length, 4); // header, two rows, and the empty string after the last CRLF
    assert.ok(lines[0]!.startsWith("commit,date,week,subject,commits,findings,open,open_critical,"));
    assert.ok(lines[0]!.endsWith(",components,components_with_findings,components_covered,coverage"));
    assert.match(lines[2]!, /^[0-9a-f]{40},2026-10-27,2026-W44,"Say ""hi"", then go",1,27,26,/);
    assert.equal(lines[1]!.split(",").length, lines[0]!.split(",").length);
    // Rates rounded as in the JSON: 0/27, 1/28, then 2/28 from the decisions on.
    const [header, ...rows] = parseCsv((await cli(repo.root, ["history", "threatmodel", "--format", "csv"])).out);
    const rate = header!.indexOf("closure_rate");
    assert.deepEqual(rows.map((row) => row[rate]), ["0", "0.0357", "0.0357", "0.0714", "0.0714", "0.0714"]);
  });

  it("a commit where the model does not load is skipped, with the reason", async () => {
    const skip = makeRepo();
    try {
      const files = exampleFiles("support-assistant");
      commitFiles(skip, files, "model", "2026-10-01");
      commitFiles(skip, { [ROOT]: "threatwright: 1\nsystem: [broken\n" }, "broken", "2026-10-02");
      commitFiles(skip, { [ROOT]: files[ROOT]! }, "fixed", "2026-10-03");
      const { code, out } = await cli(skip.root, ["history", "threatmodel", "--format", "json"]);
      assert.equal(code, 0);
      const r = JSON.parse(out) as HistoryReport;
      assert.deepEqual(r.points.map((p) => p.subject), ["model", "fixed"]);
      assert.deepEqual(r.skipped.map((s) => s.subject), ["broken"]);
      assert.match(r.skipped[0]!.reason, /threatwright\.yaml/);
      // The same tree again (fixed = model): loaded and analysed again for its own date.
      assert.equal(r.commits.analysed, 2);
    } finally {
      skip.remove();
    }
  });

  it("exit 2 outside a git repository or with no history", async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), "tw-nogit-"));
    try {
      const none = await cli(outside, ["history", "."]);
      assert.equal(none.code, 2);
      assert.match(none.err, /not in a git repository/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    const missing = await cli(repo.root, ["history", "elsewhere"]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no commit touched 'elsewhere'/);
  });
});

/** RFC 4180 records: fields split on commas outside quotes, quotes undoubled; records end CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ",") {
      record.push(field);
      field = "";
    } else if (!quoted && c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else {
      field += c;
    }
  }
  assert.equal(field + record.join(""), "", "the CSV ends with CRLF");
  return records;
}

describe("threatwright history CSV and spreadsheets", () => {
  let repo: TempRepo;
  const NOTES = "threatmodel/notes.txt";

  before(() => {
    repo = makeRepo();
    let files = exampleFiles("support-assistant");
    commitFiles(repo, files, '=HYPERLINK("http://x","y")', "2026-10-10");
    // Committed with a clock five days behind: EXF-001, raised on 10-10, is mitigated on 10-05.
    files = edit(files, CONTROLS, "\ncontrols:\n", "\ncontrols:\n  - id: recipient-allowlist\n    name: Recipient must be the order's email\n    type: egress-allowlist\n    covers: [send-customer-email]\n    status: implemented\n    evidence:\n      - type: test\n        ref: services/chat-backend/test/tools/email.test.ts#recipient\n    verified: true\n");
    files = { ...files, [ROOT]: `${files[ROOT]}\ndecisions:\n  - finding: TW-EXF-001@support-agent+send-customer-email\n    status: mitigated\n    controls: [recipient-allowlist]\n` };
    commitFiles(repo, files, "-5 days: a clock behind", "2026-10-05");
    commitFiles(repo, { [NOTES]: "1\n" }, "+1 for the allow-list", "2026-10-11");
    commitFiles(repo, { [NOTES]: "2\n" }, "@SUM(1+1)*cmd|' /C calc'!A0", "2026-10-12");
    commitFiles(repo, { [NOTES]: "3\n" }, "\t=1+2", "2026-10-13");
    commitFiles(repo, { [NOTES]: "4\n" }, "\r=1+2", "2026-10-14");
    commitFiles(repo, { [NOTES]: "5\n" }, 'Plain, "quoted" - not a formula', "2026-10-15");
  });

  after(() => repo.remove());

  it("text cells that a spreadsheet would run as a formula start with a quote; numbers stay numbers, negative ones too", async () => {
    const { code, out } = await cli(repo.root, ["history", "threatmodel", "--format", "csv"]);
    assert.equal(code, 0);
    const lines = out.split("\r\n");
    // The subject is quoted as RFC 4180 asks, after the quote is put in front.
    assert.match(lines[1]!, /^[0-9a-f]{40},2026-10-10,2026-W41,"'=HYPERLINK\(""http:\/\/x"",""y""\)",1,/);
    const [header, ...rows] = parseCsv(out);
    const column = (name: string) => rows.map((row) => row[header!.indexOf(name)]);
    assert.deepEqual(column("subject"), ["'=HYPERLINK(\"http://x\",\"y\")", "'-5 days: a clock behind", "'+1 for the allow-list", "'@SUM(1+1)*cmd|' /C calc'!A0", "'\t=1+2", "'\r=1+2", 'Plain, "quoted" - not a formula']);
    // Mean time to mitigate: EXF-001 closed 5 days before it appeared (10-10 to 10-05), a number.
    assert.deepEqual(column("mttm_days"), ["", "-5", "-5", "-5", "-5", "-5", "-5"]);
    assert.match(lines[2]!, /,-5,/);
    assert.doesNotMatch(out, /'-5\b(?! days)/);
    // 1 of 27 findings closed: 0.037037...
    assert.deepEqual(column("closure_rate"), ["0", "0.037", "0.037", "0.037", "0.037", "0.037", "0.037"]);
    for (const row of rows) assert.equal(row.length, header!.length);
  });

  it("JSON and the table keep the text as committed", async () => {
    const { out } = await cli(repo.root, ["history", "threatmodel", "--format", "json"]);
    const r = JSON.parse(out) as HistoryReport;
    assert.equal(r.points[0]!.subject, '=HYPERLINK("http://x","y")');
    assert.deepEqual(r.points.map((p) => p.meanTimeToMitigate.days), [null, -5, -5, -5, -5, -5, -5]);
    const table = await cli(repo.root, ["history", "threatmodel"]);
    // 1 of 27 closed: 3.7%, shown as 4%.
    assert.match(table.out, /2026-10-05\s+27\s+26\s.*\s4%\s+-5\.0\s/);
  });
});
