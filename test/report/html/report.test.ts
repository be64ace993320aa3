// The HTML report without a browser: the view model's numbers on the examples, escaping of
// hostile model text, the Content-Security-Policy, offline-only markup, secrets and determinism.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import path from "node:path";
import { describe, it } from "node:test";
import type { Finding } from "../../../src/analysis/analyze.js";
import { analyze, prepareModel } from "../../../src/analysis/analyze.js";
import { assessStaleness } from "../../../src/lifecycle/staleness.js";
import { starterModel } from "../../../src/cli/starter-model.js";
import { diskFiles, memoryFiles } from "../../../src/model/files.js";
import type { ModelFiles } from "../../../src/model/files.js";
import { loadModel } from "../../../src/model/load.js";
import type { ThreatModel } from "../../../src/model/model.js";
import type { ReportInput } from "../../../src/report/html/data.js";
import { buildReportView } from "../../../src/report/html/data.js";
import { cellOf } from "../../../src/report/html/heatmap-cell.js";
import { escapeHtml, inlineCode, jsonForScript } from "../../../src/report/html/escape.js";
import { DIAGRAM_MAX_NODES, MAX_WORKFLOW_DIAGRAMS_LARGE, PLAN_MAX_COMPONENTS, attackPathElements, htmlReport, workflowsToDraw } from "../../../src/report/html/render.js";
import { looksLikeSecretValue, REDACTED } from "../../../src/model/secret-values.js";
import type { ClientData } from "../../../src/report/html/types.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const TODAY = "2026-11-22";

function load(target: string, files: ModelFiles = diskFiles): ThreatModel {
  const result = loadModel(target, files);
  if (!result.ok) assert.fail(`${target} does not load: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.loaded.model;
}

function inputs(model: ThreatModel): ReportInput {
  const prepared = prepareModel(model);
  return { model, graph: prepared.graph, analysis: analyze(model, { today: TODAY, prepared }), staleness: assessStaleness({ review: model.review, today: TODAY }) };
}

async function report(model: ThreatModel, workflow?: string): Promise<string> {
  return (await htmlReport({ ...inputs(model), generator: "Threatwright test", ...(workflow ? { workflow } : {}) })).html;
}

/** The parsed JSON data block of a page. */
function embedded(html: string): ClientData {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, "the page embeds its data");
  return JSON.parse(match[1]!) as ClientData;
}

const support = () => load(path.join(ROOT, "examples/support-assistant"));

describe("escaping", () => {
  it("turns markup characters into entities", () => {
    assert.equal(escapeHtml(`"><img src=x onerror=alert(1)>`), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    assert.equal(escapeHtml("O'Brien & <b>"), "O&#39;Brien &amp; &lt;b&gt;");
  });

  it("writes JSON that cannot end its script element and reads back unchanged", () => {
    const value = { name: "</script><script>alert(1)</script> <!-- & \u2028\u2029" };
    const text = jsonForScript(value);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(text), value);
  });

  it("keeps an inline block from being closed by its own text", () => {
    assert.equal(inlineCode(`a="</SCRIPT>"`, "script"), `a="<\\/SCRIPT>"`);
    assert.equal(inlineCode("x</style>", "style"), "x<\\/style>");
  });
});

describe("report view on the support assistant", () => {
  const model = support();
  const input = inputs(model);
  const { analysis, staleness } = input;
  const view = buildReportView(input);

  it("counts findings by severity as the analysis does", () => {
    assert.equal(view.findings, 28);
    assert.deepEqual(view.bySeverity, analysis.summary.bySeverity);
    // TW-GOV-006 (medium 9) is the ninth medium; TW-PRV-002 (refunds for anyone who asks, high 15) the twelfth high.
    assert.deepEqual(view.bySeverity, { info: 0, low: 3, medium: 9, high: 12, critical: 4 });
  });

  it("puts every finding in one heat map cell", () => {
    const total = view.heatmap.flat().reduce((sum, n) => sum + n, 0);
    assert.equal(total, 28);
    assert.equal(view.heatmap.length, 5);
    for (const row of view.heatmap) assert.equal(row.length, 5);
    // The refund tool: likelihood 5 (default 4, +1 public entry, +1 capable adversary, capped);
    // impact 3 (default 4, -1 capped payments) less 1 for the rate limit; the refund cap is that
    // same per-payment cap, not a total, so it does not count again.
    const refund = analysis.findings.find((f) => f.id === "TW-AGY-002@support-agent+issue-refund")!;
    assert.deepEqual([refund.residual.likelihood, refund.residual.impact, refund.severity], [5, 2, "medium"]);
    const inCell = analysis.findings.filter((f) => cellOf(f.residual.likelihood) === 5 && cellOf(f.residual.impact) === 2);
    assert.equal(view.heatmap[4]![1], inCell.length);
    assert.ok(inCell.includes(refund));
  });

  it("rounds fractional residual values to the nearest cell, within 1 to 5", () => {
    assert.deepEqual([0.4, 1, 2.49, 2.5, 4.75, 5, 7].map(cellOf), [1, 1, 2, 3, 5, 5, 5]);
  });

  it("has a coverage table per framework, with LLM01:2025 mapped and counted", () => {
    assert.deepEqual(
      view.coverage.map((t) => t.slug),
      ["owasp-llm", "owasp-agentic", "owasp-nhi", "atlas", "maestro"],
    );
    const llm = view.coverage.find((t) => t.slug === "owasp-llm")!;
    assert.equal(llm.rows.length, 10);
    const row = llm.rows.find((r) => r.id === "LLM01:2025")!;
    assert.equal(row.name, "Prompt Injection");
    assert.ok(row.rules.includes("TW-PI-001"), "direct prompt injection maps to LLM01");
    const mapped = analysis.findings.filter((f) => f.mappings.owaspLlm?.includes("LLM01:2025"));
    assert.equal(row.findings, mapped.length);
    assert.ok(row.findings > 0);
    assert.equal(row.worst, "critical", "the direct prompt injection finding is critical");
    const maestro = view.coverage.find((t) => t.slug === "maestro")!;
    assert.deepEqual(maestro.rows.map((r) => r.id), ["L1", "L2", "L3", "L4", "L5", "L6", "L7"]);
  });

  it("lists open top risks, highest first", () => {
    assert.equal(view.topRisks.length, 5);
    assert.equal(view.topRisks[0]!.severity, "critical");
    for (const risk of view.topRisks) assert.ok(["open", "mitigating"].includes(analysis.findings.find((f) => f.id === risk.finding)!.status));
  });

  it("leaves settled findings out of the top risks and keeps the analysis order", () => {
    // The two worst findings accepted: the next five open ones, in the analysis's order, are the top risks.
    const [first, second] = analysis.findings;
    const accept = (finding: string) => ({ finding, status: "accepted" as const, owner: "appsec@example.com", justification: "test", expires: "2027-01-31" });
    const decidedView = buildReportView(inputs({ ...model, decisions: [accept(first!.id), accept(second!.id)] }));
    assert.deepEqual(
      decidedView.topRisks.map((r) => r.finding),
      analysis.findings.slice(2, 7).map((f) => f.id),
    );
  });

  it("counts every finding once by status and keeps the attack paths in rank order", () => {
    const total = Object.values(view.decisions.byStatus).reduce((sum, n) => sum + n, 0);
    assert.equal(total, 28);
    assert.deepEqual(
      view.client.paths.map((p) => p.rank),
      analysis.attackPaths.map((p) => p.rank),
    );
    for (const p of view.client.paths) assert.equal(view.client.findings[p.f]!.id, analysis.attackPaths[p.rank - 1]!.finding);
    // Path 1's steps come first, in order (ticket text to the email tool), so a condensed diagram keeps the worst path.
    assert.deepEqual(attackPathElements(analysis).slice(0, 6), ["support-tickets", "nightly-embedding", "help-vector-store", "support-agent", "lookup-order", "send-customer-email"]);
    assert.deepEqual(new Set(attackPathElements(analysis)), new Set(analysis.attackPaths.flatMap((p) => p.steps.map((s) => s.element))));
  });

  it("says whether the model is stale as the status command would", () => {
    // Reviewed 2026-09-30 with a 90-day cadence: due 2026-12-29, so up to date on 2026-11-22 (no git here).
    assert.equal(staleness.stale, false);
    assert.equal(view.review.state, "up to date");
    assert.equal(view.review.lastReview, "2026-09-30");
    // The coding agent was reviewed 2026-08-19: 95 days ago, past its 90-day cadence.
    const coding = buildReportView(inputs(load(path.join(ROOT, "examples/coding-agent"))));
    assert.equal(coding.review.state, "stale");
    assert.ok(coding.review.reasons.some((r) => r.includes("95 days old")), coding.review.reasons.join("; "));
  });

  it("stores rules and sentences once", () => {
    const ruleIds = view.client.rules.map((r) => r.id);
    assert.equal(new Set(ruleIds).size, ruleIds.length);
    assert.equal(new Set(view.client.texts).size, view.client.texts.length);
  });
});

describe("root causes in the page", () => {
  it("lists the first 10 shared causes, says how many more the filter holds, and names a system-level cause by the system's name", async () => {
    const model = support();
    const input = inputs(model);
    const shared = input.analysis.causes.find((c) => c.findings.length > 1)!;
    // Twelve shared causes made from one, the last anchored at the system: only their number and words matter here.
    const ids = [...Array.from({ length: 11 }, (_, i) => `part-${i}`), model.system.id];
    const causes = ids.map((element, i) => ({ ...shared, id: `element:${element}`, kind: "element" as const, element, score: 25 - i }));
    const analysis = { ...input.analysis, causes };
    const view = buildReportView({ ...input, analysis });
    assert.equal(view.sharedCauses, 12);
    assert.deepEqual(view.causes.map((c) => c.id), causes.slice(0, 10).map((c) => c.id));
    const html = (await htmlReport({ ...input, analysis, generator: "Threatwright test" })).html;
    assert.equal(html.match(/data-filter-cause="element:part-\d+"/g)?.length, 10);
    assert.match(html, /…and 2 more in the findings' Root cause filter\./);
    // Past the first ten in the summary, the system's cause is still named in the filter, by the system's name.
    assert.match(html, /<option value="element:support-assistant">how Customer support assistant is set up \(\d+\)<\/option>/);
  });
});

describe("which workflows get a diagram", () => {
  const finding = (severity: Finding["severity"], score: number, workflows: string[]) => ({ severity, residual: { score }, workflows }) as Finding;
  const workflows = ["w1", "w2", "w3", "w4"].map((id) => ({ id }));
  // Worst first, as the analysis orders findings. w1 has nothing; w2 a high 15; w3 a critical 20 and a low; w4 a high 16.
  const touching = { findings: [finding("critical", 20, ["w3"]), finding("high", 16, ["w4"]), finding("high", 15, ["w2"]), finding("low", 2, ["w3"])] };

  it("draws them all, in model order, when they fit", () => {
    assert.deepEqual(workflowsToDraw(workflows, touching, 4).map((w) => w.id), ["w1", "w2", "w3", "w4"]);
  });

  it("keeps those whose worst finding ranks highest, by severity then score, still in model order", () => {
    assert.deepEqual(workflowsToDraw(workflows, touching, 2).map((w) => w.id), ["w3", "w4"]);
    assert.deepEqual(workflowsToDraw(workflows, touching, 3).map((w) => w.id), ["w2", "w3", "w4"]);
  });

  it("says on the page how many of a large model's workflows are drawn", async () => {
    const model = load(path.join(ROOT, "examples", "support-assistant"));
    // Pad the model past the whole-system limit with unlinked services, and give it six one-component workflows.
    const padding = Array.from({ length: DIAGRAM_MAX_NODES }, (_, i) => ({ id: `pad-${i}`, type: "api" }));
    const extra = Array.from({ length: 6 }, (_, i) => ({ id: `solo-${i}`, components: [`pad-${i}`] }));
    const large = { ...model, services: [...model.services, ...padding], workflows: [...model.workflows, ...extra] } as ThreatModel;
    const html = await report(large);
    const total = model.workflows.length + 6;
    assert.equal([...html.matchAll(/<option value="[^"]*">Workflow: /g)].length, MAX_WORKFLOW_DIAGRAMS_LARGE);
    assert.ok(html.includes(`Diagrams are drawn for ${MAX_WORKFLOW_DIAGRAMS_LARGE} of the ${total} workflows of this large model`), "the page says some were left out");
  });
});

describe("the HTML page", async () => {
  const html = await report(support());

  it("allows exactly its inline script and style, by hash, and nothing from the network", () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
    assert.equal(csp, `default-src 'none'; script-src ${hash(script)}; style-src ${hash(style)}; img-src data:; base-uri 'none'; form-action 'none'`);
    assert.equal(html.match(/<script>/g)?.length, 1, "one executable script");
    assert.equal(html.match(/<style>/g)?.length, 1, "one style element");
  });

  it("has no network URL, inline handler or style attribute", () => {
    assert.doesNotMatch(html, /\b(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    assert.doesNotMatch(html, /url\(\s*["']?\s*(?:https?:)?\/\//i);
    assert.doesNotMatch(html, /@import/i);
    assert.doesNotMatch(html, /<[^>]+\son[a-z]+\s*=/i);
    assert.doesNotMatch(html, /<[^>]+\sstyle\s*=/i);
  });

  it("carries the contract's landmarks", () => {
    for (const id of ["summary", "stale", "top-risks", "plan", "heatmap", "diagram", "diagram-scope", "paths", "trees", "findings", "filter-severity", "filter-status", "filter-component", "filter-framework", "filter-workflow", "filter-text", "findings-count", "finding-detail", "coverage", "decisions", "figures"]) {
      assert.equal(html.split(`id="${id}"`).length - 1, 1, `exactly one element with id ${id}`);
    }
    assert.match(html, /<html lang="en" data-ready="false">/);
    assert.equal(html.match(/<td [^>]*data-likelihood="\d" data-impact="\d"/g)?.length, 25);
    // The refund and the email findings (5 x 2 each, see above).
    assert.match(html, /<td [^>]*data-likelihood="5" data-impact="2" data-count="2"/);
    for (const slug of ["owasp-llm", "owasp-agentic", "owasp-nhi", "atlas", "maestro"]) assert.match(html, new RegExp(`<table class="coverage-table" data-framework="${slug}">`));
    assert.match(html, /<span class="count" data-severity-count="critical">4<\/span>/);
    assert.match(html, /<span id="stale" class="state [^"]+">(stale|up to date)<\/span>/);
  });

  it("offers the whole system and each workflow as diagram scopes, one drawing in the page and the rest in templates", () => {
    const scopes = [...html.matchAll(/<option value="([^"]*)">(Whole system|Workflow: [^<]*)<\/option>/g)].map((m) => m[1]);
    assert.deepEqual(scopes, ["", ...support().workflows.map((w) => w.id)]);
    assert.equal(html.match(/<template data-diagram-scope=/g)?.length, scopes.length - 1);
    assert.match(html, /<g id="n-support-agent" class="node kind-agent[^"]*injectable/);
    assert.doesNotMatch(html, /<g id="diagram"/, "the page's #diagram is the section alone");
  });

  it("is the same byte for byte on every run", async () => {
    assert.equal(await report(support()), html);
  });
});

describe("what to do first, in the page", async () => {
  const html = await report(support());
  const section = /<section id="plan"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";

  it("comes right after the summary, with the plan's first three steps and the YAML of each", () => {
    assert.ok(html.indexOf('<section id="plan"') > html.indexOf('<section id="summary"') && html.indexOf('<section id="plan"') < html.indexOf('<section id="heatmap"'));
    // The first two steps, as test/planning/plan.test.ts and test/cli/plan.test.ts check them: 348.75 - 20.75 - 13,
    // each taking one critical finding below critical.
    assert.match(section, /<b>Add data-minimisation on Support agent \(support-agent\)<\/b> <span class="plan-delta">-20\.75<\/span> <span class="muted">\(348\.75 → 328; 1 finding no longer critical\)<\/span>/);
    assert.match(section, /<b>Add egress-allowlist on Send email to customer \(send-customer-email\)<\/b> <span class="plan-delta">-13<\/span> <span class="muted">\(328 → 315; 1 finding no longer critical\)<\/span>/);
    assert.match(section, /The worst findings come first\./);
    assert.equal(section.match(/<div class="plan-step">/g)?.length, 3);
    assert.equal(section.match(/<details><summary>Add to the model's controls, then fill in evidence<\/summary><pre><code>- id: [a-z-]+\n {2}type: /g)?.length, 3);
    assert.match(section, /<code>threatwright plan<\/code>/);
  });

  it("tells the page which of a rule's frameworks do not hold for a finding: MCP02 is left off the orders account, no MCP in sight", () => {
    const data = embedded(html);
    const mcp = data.frameworks.findIndex((f) => f.slug === "owasp-mcp");
    const row = data.findings.find((f) => f.id === "TW-NHI-001@orders-service-account")!;
    assert.ok(data.rules[row.r]!.maps.some(([framework]) => framework === mcp), "the rule maps to the MCP Top 10");
    assert.deepEqual(row.unmapped, [mcp]);
    assert.ok(data.findings.filter((f) => f.id !== row.id).every((f) => !f.unmapped || f.unmapped.every((i) => i === mcp)));
  });

  it("opens each finding it names that is on the page", () => {
    const onPage = new Set(embedded(html).findings.map((f) => f.id));
    const named = [...section.matchAll(/data-open-finding="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(named.length >= 4);
    for (const id of named) assert.ok(onPage.has(id), `${id} is a finding of the page`);
  });

  it("is left to the command for a model too large to plan in a report", async () => {
    const actors = Array.from({ length: PLAN_MAX_COMPONENTS + 1 }, (_, i) => `  - { id: person-${i}, type: employee }`).join("\n");
    const files = memoryFiles({ "m/threatwright.yaml": `threatwright: 1\nsystem: { id: big, name: Big, owner: team@example.com }\nactors:\n${actors}\n` });
    const page = await report(load("m", files));
    assert.match(page, new RegExp(`<section id="plan"[^]*?This model has ${PLAN_MAX_COMPONENTS + 1} components, more than the ${PLAN_MAX_COMPONENTS} the report plans for[^]*?Run <code>threatwright plan</code> for the plan\\.`));
  });

  it("plans for the workflow a page is limited to, and says how to go further there", async () => {
    const page = await report(support(), "support-chat");
    assert.match(page, /<code>threatwright plan --workflow support-chat<\/code>/);
  });
});

describe("attack trees in the page", async () => {
  const invoice = load(path.join(ROOT, "examples/invoice-agents"));
  const html = await report(invoice);
  const trees = [...html.matchAll(/<details class="tree"( open)? id="tree-(\d+)">\n<summary>([\s\S]*?)<\/summary>/g)];

  it("has one tree per goal, worst first, the first three open", () => {
    // The invoice agents' 14 attack paths end at 9 goals (test/analysis/attack-trees.test.ts).
    assert.deepEqual(trees.map((t) => Number(t[2])), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(trees.map((t) => t[1] === " open"), [true, true, true, false, false, false, false, false, false]);
    assert.match(trees[1]![3]!, /<span class="sev-badge sev-critical">critical<\/span> <span class="muted">20<\/span> <b>External Harms: Financial Harm at Book invoice and create payment<\/b> <span class="muted">· 5 paths · tree 2<\/span>/);
    assert.match(html, /9 goals\. Draw one with <code>threatwright diagram --tree N<\/code>\./);
  });

  it("nests the steps from the goal back, and says where a step can be reached several ways", () => {
    const tree2 = html.slice(html.indexOf('id="tree-2"'), html.indexOf('id="tree-3"'));
    // Two ways to the goal (split the payment, or pay out once), and paying out once can follow memory or direct steering.
    assert.equal(tree2.match(/class="tree-or"/g)?.length, 2);
    assert.equal(tree2.match(/<li class="tree-step">/g)?.length, 15);
    assert.equal(tree2.match(/Shared AP mailbox<\/b> <code>AML\.T0051\.001<\/code>/g)?.length, 3, "three leaves, all the mailbox");
  });

  it("limits itself to a workflow's paths in a workflow report", async () => {
    // Every path runs through intake (the mailbox) and payment; none through fine-tuning.
    const view = (workflow: string) => buildReportView({ ...inputs(invoice), workflow });
    const intake = view("invoice-intake");
    assert.deepEqual([intake.client.paths.length, intake.treeCount, intake.trees.reduce((n, t) => n + t.paths, 0)], [14, 9, 14]);
    const tuning = view("model-fine-tuning");
    assert.deepEqual([tuning.client.paths.length, tuning.treeCount, tuning.trees.length], [0, 0, 0]);
    assert.match(await report(invoice, "model-fine-tuning"), /No attack path, so no tree\./);
  });
});

describe("hostile model text", async () => {
  const model = load(path.join(ROOT, "test/fixtures/hostile-model"));
  const html = await report(model);

  it("never reaches the page as markup", () => {
    assert.doesNotMatch(html, /<script>alert/i);
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /<iframe/i);
    assert.doesNotMatch(html, /<b>bold/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; Helpdesk/, "the system name is shown as text");
    assert.equal(html.match(/<script[\s>]/g)?.length, 2, "the data block and the client script, nothing else");
    assert.doesNotMatch(html, /<[^>]+\son[a-z]+\s*=/i);
  });

  it("comes back from the embedded JSON exactly as written", () => {
    const data = embedded(html);
    const names = new Map<string, string>();
    for (const key of ["actors", "agents", "tools", "sources", "models", "prompts", "datastores", "services", "clients"] as const) {
      for (const element of model[key] as readonly { id: string; name?: string }[]) names.set(element.id, element.name ?? element.id);
    }
    const shown = data.elements.filter(([id]) => names.has(id));
    assert.ok(shown.length >= 3, "the findings name several hostile elements");
    for (const [id, name] of shown) assert.equal(name, names.get(id), `${id} keeps its name`);
    assert.ok(shown.some(([, name]) => /[<>"]/.test(name)), "at least one of them holds markup characters");
  });
});

describe("secrets", () => {
  it("tells a secret's value from its name", () => {
    assert.equal(looksLikeSecretValue("OPENAI_API_KEY"), false);
    assert.equal(looksLikeSecretValue("vault:secret/data/orders"), false);
    assert.equal(looksLikeSecretValue("orders-db-password"), false);
    assert.equal(looksLikeSecretValue("sk-live-4f9a8b7c6d5e4f3a2b1c0d9e"), true);
    assert.equal(looksLikeSecretValue("ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"), true);
    assert.equal(looksLikeSecretValue("AKIAIOSFODNN7EXAMPLE"), true);
    assert.equal(looksLikeSecretValue("Zx81kQ0pLw93nVb27TyeR5mA"), true);
  });

  it("keeps a secret pasted into the model out of the report", async () => {
    const pasted = "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c";
    // Pasted where the variable's name belongs, in a credential stored in a config file.
    const starter = starterModel("schema.json");
    assert.ok(starter.includes("location: LLM_API_KEY"), "the starter model keeps its LLM key in LLM_API_KEY");
    const text = starter.replace("storage: secret-manager\n        location: LLM_API_KEY", `storage: config-file\n        location: ${pasted}`);
    assert.notEqual(text, starter);
    const model = load("threatwright.yaml", memoryFiles({ "threatwright.yaml": text }));
    assert.ok(JSON.stringify(inputs(model).analysis).includes(REDACTED), "the analysis quotes the location, so the loader's mask must reach the report");
    const html = await report(model);
    assert.ok(!html.includes(pasted), "the pasted token is masked");
    assert.ok(html.includes(REDACTED), "the report says a value was masked");
  });
});
