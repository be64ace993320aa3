// The SARIF log as GitHub code scanning reads it: every result located (upload-sarif rejects the
// whole file when one result has no location), security-severity on each rule in GitHub's band
// for the finding's severity, and file URIs relative to the repository's top folder,
// percent-encoded. Expected values are worked out by hand from the examples' scores (shown by
// `analyze --format json`) and the mapping documented in docs/cli.md.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { AnalysisResult } from "../../src/analysis/analyze.js";
import { analyze } from "../../src/analysis/analyze.js";
import type { Severity } from "../../src/analysis/scoring.js";
import { severityOf } from "../../src/analysis/scoring.js";
import { GitError, repositoryRoot } from "../../src/lifecycle/git-files.js";
import { diskFiles, memoryFiles } from "../../src/model/files.js";
import type { LoadedModel } from "../../src/model/load.js";
import type { DecisionStatus } from "../../src/model/vocabulary.js";
import { loadModel, loadModelCarefully } from "../../src/model/load.js";
import { parsePlainFile } from "../../src/model/parse.js";
import { artifactLocation, githubSecuritySeverity, sarifReport } from "../../src/report/sarif.js";
import { RULES } from "../../src/rules/index.js";
import { runCli } from "../cli/harness.js";
import type { TempRepo } from "../lifecycle/helpers-git.js";
import { makeRepo } from "../lifecycle/helpers-git.js";

const TODAY = "2026-11-22";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const EXAMPLES = ["support-assistant", "coding-agent", "invoice-agents"];

interface SarifLocation {
  physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number } };
  message?: { text: string };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  codeFlows?: { threadFlows: { locations: { location: SarifLocation }[] }[] }[];
  partialFingerprints: { threatwrightFindingId: string };
  suppressions?: unknown[];
  properties: { severity: Severity; "security-severity"?: string; residualScore: number };
}
interface SarifRule {
  id: string;
  defaultConfiguration?: { level: string };
  properties: { tags: string[]; "security-severity"?: string };
}
interface SarifLog {
  runs: { tool: { driver: { rules: SarifRule[] } }; results: SarifResult[]; originalUriBaseIds?: Record<string, { uri?: string; description?: { text: string } }> }[];
}

function load(target: string): LoadedModel {
  const loaded = loadModel(target, diskFiles);
  assert.ok(loaded.ok, `${target} is valid`);
  return loaded.loaded;
}

function analyzed(name: string): { loaded: LoadedModel; result: AnalysisResult } {
  const loaded = load(path.join("examples", name));
  return { loaded, result: analyze(loaded.model, { today: TODAY, locations: loaded.locations }) };
}

const run = (log: SarifLog) => log.runs[0]!;
const byId = (log: SarifLog, id: string) => run(log).results.find((r) => r.partialFingerprints.threatwrightFindingId === id)!;
const rule = (log: SarifLog, id: string) => run(log).tool.driver.rules.find((r) => r.id === id)!;
const lineOf = (file: string, line: number) => readFileSync(file, "utf8").split("\n")[line - 1]!;

/**
 * The SARIF log of made-up findings (rule, severity, residual score, status), cloned from a real one
 * so the rest is well formed: the rules' own scores may change, the mapping is what is tested here.
 */
function synthetic(entries: readonly (readonly [string, Severity, number, DecisionStatus?])[]): SarifLog {
  const { loaded, result } = analyzed("support-assistant");
  const template = result.findings[0]!;
  const findings = entries.map(([ruleId, severity, score, status], i) => ({
    ...template,
    id: `${ruleId}@synthetic-${i}`,
    ruleId,
    severity,
    residual: { ...template.residual, score, severity },
    status: status ?? "open",
  }));
  return JSON.parse(sarifReport({ ...result, findings }, RULES, { locations: loaded.locations })) as SarifLog;
}

/** GitHub's reading of a security-severity: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. */
function githubBand(value: string): string {
  const score = Number(value);
  if (score > 9.0 && score <= 10) return "critical";
  if (score >= 7.0 && score <= 8.9) return "high";
  if (score >= 4.0 && score <= 6.9) return "medium";
  if (score >= 0.1 && score <= 3.9) return "low";
  return "none";
}

/** An RFC 3986 URI-reference with no query or fragment: only unreserved, sub-delims, ':', '@', '/' and %XX. */
const URI_REFERENCE = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$/;

function assertUri(uri: string): void {
  assert.match(uri, URI_REFERENCE, uri);
  // A relative reference whose first segment had a colon would read as a scheme.
  if (!uri.startsWith("file:")) assert.doesNotMatch(uri.split("/")[0]!, /:/, uri);
}

describe("SARIF: every result has a location (upload-sarif rejects a file with one that has none)", () => {
  it("a system-level finding is at the root file's system declaration, its id line, in the analysis and so in every report", async () => {
    // examples/support-assistant/threatwright.yaml line 8 is `  id: support-assistant`; the value starts at column 7.
    const { result } = analyzed("support-assistant");
    const governance = result.findings.find((f) => f.id === "TW-GOV-001@support-assistant")!;
    assert.deepEqual(governance.location, { file: path.join("examples", "support-assistant", "threatwright.yaml"), line: 8, col: 7 });
    assert.match(lineOf("examples/support-assistant/threatwright.yaml", 8), /^ {2}id: support-assistant$/);
    const text = (await runCli(["analyze", "examples/support-assistant"])).out;
    assert.match(text, /TW-GOV-001@support-assistant[^\n]*\n(?: {4}.*\n)*? {4}at examples\/support-assistant\/threatwright\.yaml:8:7\n/);

    // coding-agent (line 10) and invoice-agents (line 9) have TW-GOV-001 and TW-GOV-002, both system-level.
    const sarif = JSON.parse((await runCli(["analyze", "examples/coding-agent", "--format", "sarif"])).out) as SarifLog;
    for (const id of ["TW-GOV-001@coding-agent", "TW-GOV-002@coding-agent"]) {
      assert.deepEqual(byId(sarif, id).locations, [{ physicalLocation: { artifactLocation: { uri: "examples/coding-agent/threatwright.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 10, startColumn: 7 } } }]);
    }
    const invoices = JSON.parse((await runCli(["analyze", "examples/invoice-agents", "--format", "json"])).out) as { findings: { id: string; location?: unknown }[] };
    assert.deepEqual(invoices.findings.find((f) => f.id === "TW-GOV-002@invoice-agents")!.location, { file: "examples/invoice-agents/threatwright.yaml", line: 9, col: 7 });
  });

  it("the plain and the careful loader place the system's declaration alike, however the root file writes it", () => {
    const example = Object.fromEntries(["threatwright.yaml", "components.yaml", "flows.yaml", "identities.yaml", "controls.yaml"].map((f) => [f, readFileSync(path.join("examples/support-assistant", f), "utf8")]));
    const root = example["threatwright.yaml"]!;
    const variants: [string, string, { line: number; col: number }][] = [
      ["as shipped", root, { line: 8, col: 7 }],
      // "system: {name: Customer support assistant, id: " is 47 characters: the ID starts at column 48.
      ["in flow style", root.replace(/\nsystem:\n[\s\S]*?\n\nreview:/, "\nsystem: {name: Customer support assistant, id: support-assistant,\n  description: x, owner: support-engineering@example.com}\n\nreview:"), { line: 7, col: 48 }],
      // Line 7 system:, 8 the comment, 9 blank, 10 name, 11 `  'id': "support-assistant"`, whose value starts at its quote.
      ["with a comment and a quoted id after another key", root.replace(/\nsystem:\n {2}id: support-assistant\n {2}name: Customer support assistant\n/, "\nsystem:\n# the system\n\n  name: Customer support assistant\n  'id': \"support-assistant\"\n"), { line: 11, col: 9 }],
      ["with a byte order mark", `\uFEFF${root}`, { line: 8, col: 7 }],
      ["under a quoted key", root.replace("\nsystem:", '\n"system":'), { line: 8, col: 7 }],
    ];
    for (const [name, text, at] of variants) {
      assert.ok(name === "as shipped" || text !== root, name);
      // The plain path places it itself: were it to fail, loadModel would fall back to the careful path unseen.
      assert.deepEqual(parsePlainFile(Buffer.from(text, "utf8"))?.locateId(["system", "id"]), at, `${name}: plain parse`);
      for (const loader of [loadModel, loadModelCarefully]) {
        const loaded = loader("threatwright.yaml", memoryFiles({ ...example, "threatwright.yaml": text }));
        assert.ok(loaded.ok, `${name}: ${JSON.stringify(loaded.diagnostics)}`);
        const result = analyze(loaded.loaded.model, { today: TODAY, locations: loaded.loaded.locations });
        assert.deepEqual(result.findings.find((f) => f.id === "TW-GOV-001@support-assistant")!.location, { file: "threatwright.yaml", ...at }, `${name}, ${loader.name}`);
      }
    }
  });

  for (const name of EXAMPLES) {
    it(`${name}: analyze and check give every result a physical location, code flow steps and evidence included`, async () => {
      for (const command of ["analyze", "check"]) {
        const sarif = JSON.parse((await runCli([command, `examples/${name}`, "--format", "sarif"])).out) as SarifLog;
        assert.ok(run(sarif).results.length > 0);
        for (const result of run(sarif).results) {
          assert.equal(result.locations.length, 1, `${command} ${result.partialFingerprints.threatwrightFindingId}`);
          const places = [...result.locations, ...(result.relatedLocations ?? []), ...(result.codeFlows ?? []).flatMap((f) => f.threadFlows.flatMap((t) => t.locations.map((l) => l.location)))];
          for (const place of places) {
            assert.ok(place.physicalLocation, `${command} ${result.partialFingerprints.threatwrightFindingId}: ${JSON.stringify(place)}`);
            assert.ok(place.physicalLocation.region.startLine >= 1);
            assertUri(place.physicalLocation.artifactLocation.uri);
          }
        }
      }
    });
  }

  it("review-overdue evidence naming the system points at its declaration too", async () => {
    // TW-GOV-002@coding-agent cites the system itself as evidence (its review policy).
    const sarif = JSON.parse((await runCli(["analyze", "examples/coding-agent", "--format", "sarif"])).out) as SarifLog;
    const related = byId(sarif, "TW-GOV-002@coding-agent").relatedLocations!;
    assert.equal(related.length, 1);
    assert.deepEqual(related[0]!.physicalLocation, { artifactLocation: { uri: "examples/coding-agent/threatwright.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 10, startColumn: 7 } });
    assert.match(related[0]!.message!.text, /^coding-agent: /);
  });

  it("a finding whose anchor has no known place falls back to the root file, line 1", () => {
    const { loaded, result } = analyzed("support-assistant");
    const finding = result.findings.find((f) => f.id === "TW-PI-002@support-agent")!;
    delete finding.location;
    finding.anchors = ["nowhere"];
    const sarif = JSON.parse(sarifReport(result, RULES, { locations: loaded.locations, base: ROOT })) as SarifLog;
    assert.deepEqual(byId(sarif, "TW-PI-002@support-agent").locations, [{ physicalLocation: { artifactLocation: { uri: "examples/support-assistant/threatwright.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 1, startColumn: 1 } } }]);
  });
});

describe("SARIF: security-severity in GitHub's band for the finding's severity", () => {
  it("maps each severity into its band, placed by the residual score within the severity's range of scores", () => {
    // Critical 20-25 -> 9.1-10.0; high 12-<20 -> 7.0-8.9; medium 6-<12 -> 4.0-6.9; low 3-<6 -> 0.1-3.9; info none.
    const cases: [Severity, number, string | undefined][] = [
      ["critical", 25, "10.0"],
      ["critical", 23.75, "9.8"], // 9.1 + 0.75 x 0.9 = 9.775
      ["critical", 20, "9.1"],
      ["high", 19, "8.7"], // 7.0 + 7/8 x 1.9 = 8.6625
      ["high", 16, "8.0"], // 7.0 + 0.5 x 1.9 = 7.95
      ["high", 12, "7.0"],
      ["medium", 11.25, "6.5"], // 4.0 + 5.25/6 x 2.9 = 6.5375
      ["medium", 9, "5.5"], // 4.0 + 0.5 x 2.9 = 5.45
      ["medium", 6, "4.0"],
      ["low", 5, "2.6"], // 0.1 + 2/3 x 3.8 = 2.633
      ["low", 3, "0.1"],
      ["info", 2, undefined],
    ];
    for (const [severity, score, expected] of cases) {
      assert.equal(severityOf(score), severity, `the case's severity is its score's: ${score}`);
      assert.equal(githubSecuritySeverity(score), expected, `${severity} ${score}`);
    }
  });

  it("puts security-severity and a default level on each rule (its worst result), and keeps both on each result", () => {
    const sarif = synthetic([
      ["TW-EXF-001", "critical", 25],
      ["TW-NHI-002", "high", 12],
      ["TW-NHI-002", "high", 16],
      ["TW-NHI-002", "medium", 9],
      ["TW-NHI-002", "low", 4],
      ["TW-OUT-002", "medium", 10],
      ["TW-GOV-001", "low", 5],
      ["TW-GOV-001", "low", 3],
    ]);
    const expected: Record<string, [string, string]> = {
      "TW-EXF-001": ["10.0", "error"],
      "TW-NHI-002": ["8.0", "error"], // its worst, high 16: 7.0 + 4/8 x 1.9 = 7.95
      "TW-OUT-002": ["5.9", "warning"], // medium 10: 4.0 + 4/6 x 2.9 = 5.93
      "TW-GOV-001": ["2.6", "note"], // low 5 over low 3
    };
    for (const [id, [severity, level]] of Object.entries(expected)) {
      assert.equal(rule(sarif, id).properties["security-severity"], severity, id);
      assert.deepEqual(rule(sarif, id).defaultConfiguration, { level }, id);
    }
    // Each result keeps its own value and level.
    const own = run(sarif).results.filter((r) => r.ruleId === "TW-NHI-002").map((r) => [r.properties["security-severity"], r.level]);
    assert.deepEqual(own, [
      ["7.0", "error"],
      ["8.0", "error"],
      ["5.5", "warning"], // medium 9: 4.0 + 3/6 x 2.9 = 5.45
      ["1.4", "note"], // low 4: 0.1 + 1/3 x 3.8 = 1.37
    ]);
    assert.equal(byId(sarif, "TW-GOV-001@synthetic-7").properties["security-severity"], "0.1");
  });

  for (const name of EXAMPLES) {
    it(`${name}: GitHub reads every rule and result in the band of its severity`, async () => {
      const sarif = JSON.parse((await runCli(["analyze", `examples/${name}`, "--format", "sarif"])).out) as SarifLog;
      const LEVEL: Record<Severity, string> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
      const order: Severity[] = ["info", "low", "medium", "high", "critical"];
      for (const result of run(sarif).results) {
        const { severity } = result.properties;
        assert.equal(githubBand(result.properties["security-severity"]!), severity, result.partialFingerprints.threatwrightFindingId);
        assert.equal(result.level, LEVEL[severity]);
      }
      for (const descriptor of run(sarif).tool.driver.rules) {
        const worst = run(sarif)
          .results.filter((r) => r.ruleId === descriptor.id)
          .map((r) => r.properties.severity)
          .reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a));
        assert.equal(githubBand(descriptor.properties["security-severity"]!), worst, descriptor.id);
        assert.equal(descriptor.defaultConfiguration?.level, LEVEL[worst], descriptor.id);
        assert.ok(descriptor.properties.tags.includes("security"), "security-severity applies to rules tagged security");
      }
    });
  }

  it("a rule's security-severity leaves out settled results, unless all of its results are settled; info gets none", () => {
    const entries: [string, Severity, number, DecisionStatus?][] = [
      ["TW-NHI-002", "high", 16, "accepted"],
      ["TW-NHI-002", "high", 12, "mitigated"],
      ["TW-NHI-002", "medium", 9],
      ["TW-GOV-001", "info", 2],
    ];
    let sarif = synthetic(entries);
    assert.equal(rule(sarif, "TW-NHI-002").properties["security-severity"], "5.5");
    assert.deepEqual(rule(sarif, "TW-NHI-002").defaultConfiguration, { level: "warning" });
    assert.equal(byId(sarif, "TW-NHI-002@synthetic-0").suppressions?.length, 1);
    // Every result settled: the worst of them.
    sarif = synthetic(entries.map(([rule, severity, score]) => [rule, severity, score, "false-positive"]));
    assert.equal(rule(sarif, "TW-NHI-002").properties["security-severity"], "8.0");
    // An info finding (score below 3) has no security-severity; nor has a rule with only info results.
    assert.equal(byId(sarif, "TW-GOV-001@synthetic-3").properties["security-severity"], undefined);
    assert.equal(byId(sarif, "TW-GOV-001@synthetic-3").level, "note");
    assert.equal(rule(sarif, "TW-GOV-001").properties["security-severity"], undefined);
    assert.deepEqual(rule(sarif, "TW-GOV-001").defaultConfiguration, { level: "note" });
  });
});

describe("SARIF: artifact URIs relative to the repository's top folder, percent-encoded", () => {
  it("relative to the base under %SRCROOT%, with / between segments and every other reserved or unsafe character encoded", () => {
    assert.deepEqual(artifactLocation("/repo/threat model #1/a b%c?[d]|^e.yaml", "/repo"), { uri: "threat%20model%20%231/a%20b%25c%3F%5Bd%5D%7C%5Ee.yaml", uriBaseId: "%SRCROOT%" });
    assert.deepEqual(artifactLocation("/repo/x:y/z.yaml", "/repo"), { uri: "x%3Ay/z.yaml", uriBaseId: "%SRCROOT%" });
    assert.deepEqual(artifactLocation("/repo/modèle/ü.yaml", "/repo/"), { uri: "mod%C3%A8le/%C3%BC.yaml", uriBaseId: "%SRCROOT%" });
    // Outside the base: an absolute file URI.
    assert.deepEqual(artifactLocation("/elsewhere/a b/x.yaml", "/repo"), { uri: "file:///elsewhere/a%20b/x.yaml" });
    // Without a base: a relative path stays relative to where the command ran, an absolute one becomes a file URI.
    assert.deepEqual(artifactLocation("models/a b/x.yaml", undefined), { uri: "models/a%20b/x.yaml" });
    assert.deepEqual(artifactLocation("/tmp/a#b/x.yaml", undefined), { uri: "file:///tmp/a%23b/x.yaml" });
  });

  it("reads Windows paths as paths, never as a scheme", () => {
    const win = path.win32;
    assert.deepEqual(artifactLocation("C:\\work\\repo\\threat model\\x.yaml", "C:\\work\\repo", win), { uri: "threat%20model/x.yaml", uriBaseId: "%SRCROOT%" });
    assert.deepEqual(artifactLocation("D:\\models\\x y.yaml", "C:\\work\\repo", win), { uri: "file:///D:/models/x%20y.yaml" });
    assert.deepEqual(artifactLocation("\\\\server\\share\\x.yaml", "C:\\work\\repo", win), { uri: "file://server/share/x.yaml" });
    assert.deepEqual(artifactLocation("C:\\models\\x.yaml", undefined, win), { uri: "file:///C:/models/x.yaml" });
    assert.deepEqual(artifactLocation("threat model\\x.yaml", undefined, win), { uri: "threat%20model/x.yaml" });
    // On POSIX a backslash is part of a name.
    assert.deepEqual(artifactLocation("C:\\models\\x.yaml", undefined, path.posix), { uri: "C%3A%5Cmodels%5Cx.yaml" });
  });

  it("names %SRCROOT% in originalUriBaseIds, without the machine's own path", () => {
    const { loaded, result } = analyzed("support-assistant");
    const sarif = JSON.parse(sarifReport(result, RULES, { locations: loaded.locations, base: ROOT })) as SarifLog;
    const bases = run(sarif).originalUriBaseIds!;
    assert.deepEqual(Object.keys(bases), ["%SRCROOT%"]);
    assert.equal(bases["%SRCROOT%"]!.uri, undefined);
    assert.doesNotMatch(JSON.stringify(sarif), new RegExp(ROOT.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    // Without a base there is no %SRCROOT% to name.
    assert.equal(run(JSON.parse(sarifReport(result, RULES, { locations: loaded.locations })) as SarifLog).originalUriBaseIds, undefined);
  });

  it("analyze from inside the model folder still gives repository-relative URIs", async () => {
    // A real process started in examples/support-assistant: the files are read as components.yaml and so on.
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/dev.ts"), "analyze", ".", "--format", "sarif", "--date", TODAY], { cwd: path.join(ROOT, "examples/support-assistant"), maxBuffer: 1 << 26 }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)));
    });
    const sarif = JSON.parse(out) as SarifLog;
    assert.deepEqual(byId(sarif, "TW-GOV-001@support-assistant").locations[0]!.physicalLocation, { artifactLocation: { uri: "examples/support-assistant/threatwright.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 8, startColumn: 7 } });
    assert.equal(byId(sarif, "TW-PI-002@support-agent").locations[0]!.physicalLocation!.artifactLocation.uri, "examples/support-assistant/components.yaml");
  });

  it("analyze of an absolute path gives repository-relative URIs", async () => {
    const sarif = JSON.parse((await runCli(["analyze", path.join(ROOT, "examples/coding-agent"), "--format", "sarif"])).out) as SarifLog;
    const shell = byId(sarif, "TW-RCE-001@pr-agent+run-shell").locations[0]!.physicalLocation!;
    assert.deepEqual(shell.artifactLocation, { uri: "examples/coding-agent/agent.yaml", uriBaseId: "%SRCROOT%" });
  });

  describe("a model in a folder whose name needs encoding", () => {
    let repo: TempRepo;
    let outside: string;
    before(() => {
      repo = makeRepo();
      mkdirSync(path.join(repo.root, "threat model #1"));
      cpSync(path.join(ROOT, "examples/support-assistant"), path.join(repo.root, "threat model #1"), { recursive: true });
      outside = realpathSync(mkdtempSync(path.join(os.tmpdir(), "tw-outside-")));
      cpSync(path.join(ROOT, "examples/support-assistant"), path.join(outside, "threat model #1"), { recursive: true });
    });
    after(() => {
      repo.remove();
      rmSync(outside, { recursive: true, force: true });
    });

    it("in a git repository: relative to the repository holding the model, wherever the command runs", async () => {
      const sarif = JSON.parse((await runCli(["analyze", path.join(repo.root, "threat model #1"), "--format", "sarif"], { cwd: ROOT })).out) as SarifLog;
      assert.deepEqual(byId(sarif, "TW-GOV-001@support-assistant").locations[0]!.physicalLocation!.artifactLocation, { uri: "threat%20model%20%231/threatwright.yaml", uriBaseId: "%SRCROOT%" });
    });

    it("outside git: relative to the current folder", async (t) => {
      try {
        repositoryRoot(outside);
        t.skip("the temporary folder is inside a git repository");
        return;
      } catch (error) {
        assert.ok(error instanceof GitError);
      }
      const sarif = JSON.parse((await runCli(["analyze", path.join(outside, "threat model #1"), "--format", "sarif"], { cwd: outside })).out) as SarifLog;
      assert.deepEqual(byId(sarif, "TW-GOV-001@support-assistant").locations[0]!.physicalLocation!.artifactLocation, { uri: "threat%20model%20%231/threatwright.yaml", uriBaseId: "%SRCROOT%" });
    });
  });
});
