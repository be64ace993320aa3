// threatwright diff on real git history: a copy of the support-assistant example is
// committed, then changed one step at a time, each step a commit. Every expected value
// below is worked out from the model and the rules' documented scores (docs/scoring.md),
// not copied from a run.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { DiffReport } from "../../src/cli/commands/diff.js";
import type { TempRepo } from "./helpers-git.js";
import { commitFiles, exampleFiles, editFile, makeRepo } from "./helpers-git.js";
import { runCli } from "../cli/harness.js";

const cli = (cwd: string, args: string[]) => runCli(args, { cwd });

const edit = editFile;

const COMPONENTS = "threatmodel/components.yaml";
const IDENTITIES = "threatmodel/identities.yaml";
const CONTROLS = "threatmodel/controls.yaml";

describe("threatwright diff on a git history", () => {
  let repo: TempRepo;
  const commits: Record<string, string> = {};

  before(() => {
    repo = makeRepo();
    let files = exampleFiles("support-assistant");
    commits.base = commitFiles(repo, files, "Support assistant threat model", "2026-09-30");

    // 1. The support agent gets a tool that writes to the orders database.
    files = edit(files, COMPONENTS, "tools: [lookup-order, issue-refund, send-customer-email]", "tools: [lookup-order, issue-refund, send-customer-email, cancel-order]");
    files = edit(
      files,
      COMPONENTS,
      "\ndatastores:",
      "  - id: cancel-order\n    name: Cancel order\n    owner: orders-team@example.com\n    boundary: support-prod\n    runsOn: chat-backend\n    runsAs: orders-service-account\n    capabilities:\n      - action: write\n        on: [orders-db]\n\ndatastores:",
    );
    commits.tool = commitFiles(repo, files, "Agent can cancel orders", "2026-10-01");

    // 2. The email key is widened from sending to full access (reading and deleting mail too).
    files = edit(files, IDENTITIES, "        actions: [send]\n        scope: mail.send", "        actions: [send, read, delete]\n        scope: full_access");
    files = edit(files, IDENTITIES, "scopes: [mail.send]", "scopes: [full_access]");
    commits.scope = commitFiles(repo, files, "Full-access email key", "2026-10-02");

    // 3. The system prompt is edited (its version moves on).
    files = edit(files, COMPONENTS, 'version: "23"', 'version: "24"');
    commits.prompt = commitFiles(repo, files, "System prompt v24", "2026-10-03");

    // 4. A description is reworded.
    files = edit(files, COMPONENTS, "description: PostgreSQL database of the shop; the assistant connects to the primary, not a read replica.", "description: The shop's PostgreSQL primary (not a read replica).");
    commits.description = commitFiles(repo, files, "Reword", "2026-10-04");

    // 5. Emails may only go to the order's own address: an egress allow-list on the email tool.
    files = edit(
      files,
      CONTROLS,
      "\ncontrols:\n",
      "\ncontrols:\n  - id: recipient-allowlist\n    name: Recipient must be the order's email\n    type: egress-allowlist\n    covers: [send-customer-email]\n    status: implemented\n    evidence:\n      - type: test\n        ref: services/chat-backend/test/tools/email.test.ts#recipient\n    verified: true\n",
    );
    commits.control = commitFiles(repo, files, "Recipient allow-list", "2026-10-05");
  });

  after(() => repo.remove());

  const diff = async (from: string, to: string): Promise<DiffReport> => {
    const { code, out, err } = await cli(repo.root, ["diff", `${commits[from]}:threatmodel/`, `${commits[to]}:threatmodel`, "--format", "json"]);
    assert.equal(code, 0, err);
    return JSON.parse(out) as DiffReport;
  };
  const reasons = (report: DiffReport) => report.reasons.map((r) => [r.code, r.element, r.message]);
  const changes = (report: DiffReport) => report.changes.map((c) => [c.change, c.kind, c.id, c.fields.join(","), c.material]);
  const items = (report: DiffReport) => report.reviewItems.map((i) => [i.trigger, i.element, i.what, i.owner, i.ownerFrom]);
  const findings = (report: DiffReport) => ({
    new: report.findings.new.map((f) => [f.id, f.severity, f.residual]),
    resolved: report.findings.resolved.map((f) => [f.id, f.severity, f.residual]),
    rescored: report.findings.rescored.map((f) => [f.id, f.before.residual, f.after.residual, f.delta]),
    delta: report.findings.residual.delta,
  });

  it("adding a tool to an agent is material: a capability and the agent's blast radius", async () => {
    const report = await diff("base", "tool");
    assert.equal(report.classification, "material");
    assert.equal(report.review, "full");
    assert.deepEqual(reasons(report), [
      ["capability", "support-agent", "agent 'support-agent' gained tools 'cancel-order'"],
      ["capability", "cancel-order", "tool 'cancel-order' added"],
      ["blast-radius", "support-agent", "blast radius of agent 'support-agent' changed: can now write on orders-db"],
    ]);
    assert.deepEqual(changes(report), [
      ["changed", "agent", "support-agent", "tools", true],
      ["added", "tool", "cancel-order", "", true],
    ]);
    assert.deepEqual(items(report), [
      ["tool", "cancel-order", "tool 'cancel-order' added", "orders-team@example.com", "element"],
      ["tool", "support-agent", "agent 'support-agent' tools: added 'cancel-order'", "support-engineering@example.com", "element"],
    ]);
    // TW-AGY-001 (4 x 3): public visitors +1 likelihood, a high-capability adversary +1 (capped at 5);
    // order records hold payment data, restricted, +1 impact: 5 x 4 = 20, and no human-approval,
    // least-privilege or content-isolation control covers the agent, the tool, the store or their host.
    // TW-NHI-001 on the orders account (write granted, unused) was 4 x 3 = 12; cancel-order now uses it.
    assert.deepEqual(findings(report), {
      new: [["TW-AGY-001@support-agent+cancel-order", "critical", 20]],
      resolved: [["TW-NHI-001@orders-service-account", "high", 12]],
      rescored: [],
      delta: 8,
    });
    // TW-PRV-002 (refunds for anyone who asks) now names cancel-order too, at the same 15: its worst tool still refunds.
    assert.equal(report.findings.residual.before, 348.75, "the example's total residual risk, from its analysis");
    assert.equal(report.findings.residual.after, 356.75);
  });

  it("widening a token's scope is material: a permission, a credential and the identity's blast radius", async () => {
    const report = await diff("tool", "scope");
    assert.equal(report.classification, "material");
    assert.deepEqual(reasons(report), [
      ["permission", "email-api-key", "permissions of identity 'email-api-key' changed (permissions[0].actions, permissions[0].scope)"],
      ["credential", "email-sending-key", "credential 'email-sending-key' changed (scopes)"],
      ["blast-radius", "email-api-key", "blast radius of identity 'email-api-key' changed: can now delete on email-api, read on email-api"],
    ]);
    assert.deepEqual(changes(report), [
      ["changed", "identity", "email-api-key", "permissions[0].actions,permissions[0].scope", true],
      ["changed", "credential", "email-sending-key", "scopes", true],
    ]);
    assert.deepEqual(items(report), [
      ["permission", "email-api-key", "permissions of identity 'email-api-key' changed (permissions[0].actions, permissions[0].scope)", "support-engineering@example.com", "element"],
      ["credential", "email-sending-key", "credential 'email-sending-key' of identity 'email-api-key' changed (scopes)", "support-engineering@example.com", "identity"],
    ]);
    // TW-NHI-001: delete on the email API is granted and no component acting as the key uses it
    // (the email tool only sends; read is not a dangerous grant). 3 x 3, +1 likelihood because the
    // support agent that calls the tool reads untrusted text, +1 impact for an unused delete: 4 x 4 = 16.
    // TW-NHI-002 on the key's never-rotated static secret was 3 x 3 = 9; its identity may now delete,
    // +1 impact: 3 x 4 = 12.
    assert.deepEqual(findings(report), {
      new: [["TW-NHI-001@email-api-key", "high", 16]],
      resolved: [],
      rescored: [["TW-NHI-002@email-sending-key", 9, 12, 3]],
      delta: 19,
    });
  });

  it("editing the system prompt is a delta review that asks the prompt's owner for a review", async () => {
    const report = await diff("scope", "prompt");
    assert.equal(report.classification, "delta");
    assert.equal(report.review, "delta");
    assert.deepEqual(reasons(report), []);
    assert.deepEqual(changes(report), [["changed", "prompt", "support-system-prompt", "version", false]]);
    // The prompt has no owner of its own; the support-chat workflow that includes it has one.
    assert.deepEqual(items(report), [["prompt", "support-system-prompt", "system prompt 'support-system-prompt' changed: version 23 -> 24", "support-engineering@example.com", "workflow"]]);
    assert.deepEqual(findings(report), { new: [], resolved: [], rescored: [], delta: 0 });
  });

  it("rewording a description is a delta review with no review item", async () => {
    const report = await diff("prompt", "description");
    assert.equal(report.classification, "delta");
    assert.deepEqual(changes(report), [["changed", "datastore", "orders-db", "description", false]]);
    assert.equal(report.changes[0]?.cosmetic, true);
    assert.deepEqual(report.reviewItems, []);
    assert.deepEqual(findings(report), { new: [], resolved: [], rescored: [], delta: 0 });
  });

  it("adding a control is a delta review and re-scores findings downward", async () => {
    const report = await diff("description", "control");
    assert.equal(report.classification, "delta");
    assert.deepEqual(changes(report), [["added", "control", "recipient-allowlist", "", false]]);
    assert.deepEqual(report.reviewItems, []);
    // An implemented, verified egress allow-list takes its full reduction off the findings whose
    // elements include the email tool: 2 likelihood steps off the exfiltration path (5 x 5 -> 3 x 5)
    // and 1 impact step off mail sent in the organisation's name (5 x 2 -> 5 x 1). It adds no finding:
    // the tool's destination is still the agent's to name, so the customer's mail client is no way out
    // of its own (TW-EXF-002), and which findings exist never follows from a control.
    assert.deepEqual(findings(report), {
      new: [],
      resolved: [],
      rescored: [
        ["TW-EXF-001@support-agent+send-customer-email", 25, 15, -10],
        ["TW-OUT-002@support-agent+email-api", 10, 5, -5],
      ],
      delta: -15,
    });
  });

  it("over the whole series: material, with every step's findings and a residual change equal to their sum", async () => {
    const report = await diff("base", "control");
    assert.equal(report.classification, "material");
    assert.deepEqual(
      report.changes.map((c) => `${c.change} ${c.kind} ${c.id}`),
      ["changed datastore orders-db", "changed prompt support-system-prompt", "changed agent support-agent", "added tool cancel-order", "changed identity email-api-key", "changed credential email-sending-key", "added control recipient-allowlist"].sort((a, b) => order(a) - order(b)),
    );
    assert.equal(report.findings.residual.delta, 8 + 19 + 0 + 0 - 15);
    assert.deepEqual(report.findings.new.map((f) => f.id).sort(), ["TW-AGY-001@support-agent+cancel-order", "TW-NHI-001@email-api-key"]);
    // The new tool is one more thing the steered agent can do; the widened token is the identity's own.
    assert.deepEqual(report.findings.new.map((f) => [f.id, f.cause]).sort(), [
      ["TW-AGY-001@support-agent+cancel-order", "steered-agent:support-agent"],
      ["TW-NHI-001@email-api-key", "identity:email-api-key"],
    ]);
    assert.deepEqual(report.findings.resolved.map((f) => f.id), ["TW-NHI-001@orders-service-account"]);
    assert.deepEqual(report.findings.rescored.map((f) => [f.id, f.delta]).sort(), [
      ["TW-EXF-001@support-agent+send-customer-email", -10],
      ["TW-NHI-002@email-sending-key", 3],
      ["TW-OUT-002@support-agent+email-api", -5],
    ]);
    assert.deepEqual(report.reviewItems.map((i) => `${i.trigger} ${i.element}`), ["prompt support-system-prompt", "tool cancel-order", "tool support-agent", "permission email-api-key", "credential email-sending-key"]);
  });

  it("compares a revision with the working tree, and names both in a terminal report", async () => {
    const file = path.join(repo.root, COMPONENTS);
    const committed = readFileSync(file, "utf8");
    // Uncommitted: the chat model is now called through an alias that moves.
    writeFileSync(file, committed.replace("version: gpt-4.1-2025-04-14\n    pinned: true", "version: gpt-4.1-2025-04-14\n    pinned: false"));
    try {
      const { code, out } = await cli(repo.root, ["diff", "HEAD:threatmodel/", path.join(repo.root, "threatmodel")]);
      assert.equal(code, 0);
      // TW-DAT-007: 2 x 2, +1 impact because the support agent acts through tools on the model's output: 2 x 3 = 6.
      assert.equal(
        out,
        [
          "Threatwright diff of Customer support assistant (2026-11-22)",
          "  old: HEAD:threatmodel/",
          `  new: ${path.join(repo.root, "threatmodel")}`,
          "",
          "Delta review: review what changed",
          "",
          "Changes: 0 added, 0 removed, 1 changed",
          "  model",
          "    ~ chat-llm  pinned",
          "",
          `Findings: 1 new, 0 resolved, 0 re-scored; residual risk ${RESIDUAL_AT_HEAD} -> ${RESIDUAL_AT_HEAD + 6} (+6)`,
          "  New",
          "    + [medium 6] TW-DAT-007@chat-llm  Model version not pinned",
          "",
          "Review items (1)",
          "  - model-version: model 'chat-llm' changed (pinned)",
          "      owner: support-engineering@example.com (workflow owner)",
          "      why: a different model behaves differently: refusals, tool choice and resistance to injection need checking again",
          "",
        ].join("\n"),
      );
    } finally {
      writeFileSync(file, committed);
    }
  });

  it("writes Markdown for a pull-request comment, model text escaped", async () => {
    const { code, out } = await cli(repo.root, ["diff", `${commits.base}:threatmodel`, `${commits.tool}:threatmodel`, "--format", "markdown"]);
    assert.equal(code, 0);
    assert.match(out, /^## Threatwright diff: Customer support assistant\n/);
    assert.match(out, /\n\*\*Material change: full review required\*\*\n\n- capability: agent 'support-agent' gained tools 'cancel-order'\n/);
    assert.match(out, /\n\| changed \| agent \| `support-agent` \| tools \*\*material\*\* \|\n/);
    assert.match(out, /\n\| new \| critical \| `TW-AGY-001@support-agent\+cancel-order` Injectable agent can change or delete important data \| 20 \|\n/);
    assert.match(out, /\n\| resolved \| high \| `TW-NHI-001@orders-service-account` Over-privileged non-human identity \| ~~12~~ \|\n/);
    assert.match(out, /\| tool \| tool 'cancel-order' added \| orders-team@example\.com \|/);
  });

  it("counts the new findings by root cause, when there are several (Markdown and text)", async () => {
    const args = [`${commits.base}:threatmodel`, `${commits.control}:threatmodel`];
    const markdown = (await cli(repo.root, ["diff", ...args, "--format", "markdown"])).out;
    // Markdown escapes the parentheses, as all model text.
    assert.match(markdown, /\nNew findings by root cause: (?=.*untrusted text steers support-agent \\\(1\\\))(?=.*non-human identity email-api-key and its credentials \\\(1\\\)).*\.\n/);
    const text = (await cli(repo.root, ["diff", ...args])).out;
    assert.match(text, /\n {2}New, by root cause: (?=.*untrusted text steers support-agent \(1\))(?=.*non-human identity email-api-key and its credentials \(1\)).*\n/);
    // One new finding needs no tally (the working-tree case above prints a bare "New").
    const single = (await cli(repo.root, ["diff", `${commits.base}:threatmodel`, `${commits.tool}:threatmodel`, "--format", "markdown"])).out;
    assert.doesNotMatch(single, /by root cause/);
  });

  it("says what is wrong, without a stack trace, for an unknown revision, a missing path, or no repository (exit 2)", async () => {
    const unknown = await cli(repo.root, ["diff", "no-such-branch:threatmodel/", "main:threatmodel/"]);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.out, "");
    assert.match(unknown.err, /^error: unknown revision 'no-such-branch'\n {2}hint: /);
    assert.doesNotMatch(unknown.err, /\n\s+at /);

    const missing = await cli(repo.root, ["diff", "main:models/", "main:threatmodel/"]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^error: 'models' does not exist at revision 'main'\n/);

    const elsewhere = mkdtempSync(path.join(os.tmpdir(), "tw-not-git-"));
    try {
      const outside = await cli(elsewhere, ["diff", "main:threatmodel/", "main:threatmodel/"]);
      assert.equal(outside.code, 2);
      assert.match(outside.err, /^error: not in a git repository\n/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }

    const noFolder = await cli(repo.root, ["diff", path.join(repo.root, "nope"), "main:threatmodel/"]);
    assert.equal(noFolder.code, 2);
    assert.match(noFolder.err, /no such file or folder/);
  });

  it("reports an invalid model at a revision with the revision in each message (exit 1)", async () => {
    const broken = makeRepo();
    try {
      commitFiles(broken, { "tm/threatwright.yaml": "threatwright: 1\nsystem:\n  id: shop\n  name: Shop\n  owner: team@example.com\nagents:\n  - id: a\n    models: [missing]\n" }, "Broken");
      const { code, err } = await cli(broken.root, ["diff", "main:tm", "main:tm"]);
      assert.equal(code, 1);
      assert.match(err, /^main:tm\/threatwright\.yaml:8:14: error unresolved-reference: 'missing' is not the ID of a model\n/);
    } finally {
      broken.remove();
    }
  });

  it("keeps escape sequences in names and owners out of the terminal report", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "tw-diff-hostile-"));
    try {
      const write = (side: string, files: Record<string, string>) => {
        for (const [name, text] of Object.entries(files)) {
          mkdirSync(path.join(folder, side), { recursive: true });
          writeFileSync(path.join(folder, side, path.basename(name)), text);
        }
      };
      const before = editFile(exampleFiles("support-assistant"), "threatmodel/threatwright.yaml", "name: Customer support assistant", 'name: "Support\\e[2J assistant"');
      let after = editFile(before, COMPONENTS, "tools: [lookup-order, issue-refund, send-customer-email]", "tools: [lookup-order, issue-refund, send-customer-email, wipe]");
      after = editFile(after, COMPONENTS, "tools:\n  - id: lookup-order", 'tools:\n  - id: wipe\n    name: "Wipe\\e]0;x\\a"\n    owner: "ops\\e[31m@example.com"\n    capabilities:\n      - action: delete\n        on: [orders-db]\n  - id: lookup-order');
      write("old", before);
      write("new", after);
      const { code, out, err } = await cli(folder, ["diff", path.join(folder, "old"), path.join(folder, "new")]);
      assert.equal(code, 0, err);
      assert.match(out, /^Threatwright diff of Support\?\[2J assistant /);
      assert.match(out, /\n {6}owner: ops\?\[31m@example\.com \(owner of what changed\)\n/);
      assert.doesNotMatch(out.replaceAll("\n", ""), /\p{Cc}/u);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("finds nothing to review between identical revisions", async () => {
    const { code, out } = await cli(repo.root, ["diff", "HEAD:threatmodel", "main:threatmodel"]);
    assert.equal(code, 0);
    assert.match(out, /\nNo change to the model\n\nChanges: 0 added, 0 removed, 0 changed\n\nFindings: 0 new, 0 resolved, 0 re-scored; residual risk (\d+(\.\d+)?) -> \1 \(0\)\n\nReview items: none\n$/);
  });
});

/** Total residual risk of the example as committed (348.75, from its analysis) after the series: +8, +19, 0, 0, -15. */
const RESIDUAL_AT_HEAD = 348.75 + 8 + 19 - 15;

const KIND_ORDER = ["system", "review", "boundary", "actor", "client", "service", "model", "agent", "prompt", "tool", "mcp-server", "datastore", "source", "pipeline", "dataset", "data", "flow", "identity", "credential", "control"];
const order = (line: string) => KIND_ORDER.indexOf(line.split(" ")[1]!);
