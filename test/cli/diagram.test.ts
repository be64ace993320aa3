import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "./harness.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tw-diagram-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe("threatwright diagram", () => {
  it("writes SVG by default, ready to embed", async () => {
    const { code, out, err } = await runCli(["diagram", "examples/support-assistant"]);
    assert.equal(code, 0, err);
    assert.match(out, /^<svg\b[^>]*viewBox=/);
    assert.ok(out.includes('<g id="n-support-agent" class="node kind-agent injectable sev-critical">'));
    assert.equal(err, "");
  });

  it("writes DOT and Mermaid", async () => {
    const dot = await runCli(["diagram", "examples/coding-agent", "--format", "dot"]);
    assert.equal(dot.code, 0);
    assert.match(dot.out, /^digraph "threatwright" \{\n/);
    assert.ok(dot.out.includes('subgraph "cluster_actions-runner"'));
    const mermaid = await runCli(["diagram", "examples/coding-agent", "--format", "mermaid"]);
    assert.equal(mermaid.code, 0);
    assert.match(mermaid.out, /^flowchart LR\n/);
    assert.ok(!mermaid.out.includes("```"), "standard output gets the raw flowchart");
  });

  it("draws one workflow", async () => {
    const { code, out } = await runCli(["diagram", "examples/invoice-agents", "--format", "mermaid", "--workflow", "model-fine-tuning"]);
    assert.equal(code, 0);
    assert.ok(out.includes("n_invoice_hextractor"));
    assert.ok(!out.includes("n_payment_hagent"), "the payment agent is not part of fine-tuning");
  });

  it("rejects an unknown workflow as a usage error and lists the workflows", async () => {
    const { code, out, err } = await runCli(["diagram", "examples/support-assistant", "--workflow", "refunds"]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.equal(err, "error: unknown workflow 'refunds'\n  hint: workflows in this model: knowledge-ingestion, support-chat\n");
  });

  it("writes --out files; a Markdown file gets a mermaid fence", async () => {
    const md = path.join(tmp, "diagram.md");
    const run = await runCli(["diagram", "examples/support-assistant", "--format", "mermaid", "--out", md]);
    assert.equal(run.code, 0);
    assert.equal(run.out, "");
    const text = readFileSync(md, "utf8");
    assert.ok(text.startsWith("```mermaid\nflowchart LR\n") && text.endsWith("\n```\n"));
    const svgFile = path.join(tmp, "diagram.svg");
    assert.equal((await runCli(["diagram", "examples/support-assistant", "--out", svgFile])).code, 0);
    assert.equal(readFileSync(svgFile, "utf8"), (await runCli(["diagram", "examples/support-assistant"])).out, "the file holds what standard output would");
  });

  it("resolves --out against the working folder", async () => {
    const run = await runCli(["diagram", path.resolve("examples/coding-agent"), "--format", "dot", "--out", "relative.dot"], { cwd: tmp });
    assert.equal(run.code, 0);
    assert.match(readFileSync(path.join(tmp, "relative.dot"), "utf8"), /^digraph/);
  });

  it("exits 2 when the output cannot be written", async () => {
    const { code, err } = await runCli(["diagram", "examples/support-assistant", "--out", path.join(tmp, "no-such-folder", "d.svg")]);
    assert.equal(code, 2);
    assert.match(err, /^error: cannot write .*d\.svg: its folder does not exist\n {2}hint: /);
  });

  it("condenses above --max-nodes and says what it left out", async () => {
    const { code, out, err } = await runCli(["diagram", "examples/support-assistant", "--format", "dot", "--max-nodes", "12"]);
    assert.equal(code, 0);
    assert.match(err, /^note: Condensed to \d+ of 22 components to stay within 12 nodes\./);
    assert.ok(out.includes("more components"));
    const nodes = out.split("\n").filter((line) => /^\s+"[^"]+" \[id="n-/.test(line));
    assert.ok(nodes.length <= 12, `${nodes.length} nodes`);
  });

  it("rejects a --max-nodes that is not a positive whole number", async () => {
    for (const value of ["0", "-3", "ten", "1.5"]) {
      const { code, err } = await runCli(["diagram", "examples/support-assistant", "--max-nodes", value]);
      assert.equal(code, 2, value);
      assert.match(err, /expected a whole number of nodes/);
    }
  });

  it("reports an invalid model like the other commands, and a missing path as a usage error", async () => {
    const invalid = await runCli(["diagram", "test/model/fixtures/duplicate-id"]);
    assert.equal(invalid.code, 1);
    assert.equal(invalid.out, "");
    assert.match(invalid.err, /error/);
    const missing = await runCli(["diagram", "no/such/model"]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file or folder/);
  });

  it("gives the same bytes on every run", async () => {
    const first = await runCli(["diagram", "test/fixtures/hostile-model"]);
    const second = await runCli(["diagram", "test/fixtures/hostile-model"]);
    assert.equal(first.code, 0);
    assert.equal(first.out, second.out);
  });
});
