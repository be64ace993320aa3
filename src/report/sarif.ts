// SARIF 2.1.0 for code scanning: one result per finding, located at the anchoring element in
// the model file. An attack path becomes a code flow whose steps point at each element's
// declaration (code scanning shows it as the result's path), and the evidence becomes
// related locations. Typed against @types/sarif, so a misspelt property does not compile.
//
// What GitHub needs beyond the standard: every result has a physical location (upload-sarif
// rejects the whole file otherwise), the rules carry `security-severity` (GitHub reads it from
// the rule, not the result), and file URIs are relative to the repository's top folder.
import { realpathSync } from "node:fs";
import path from "node:path";
import type { ArtifactLocation, CodeFlow, Location, Log, PhysicalLocation, ReportingDescriptor, Result } from "sarif";
import type { AnalysisResult, Finding } from "../analysis/analyze.js";
import type { Severity } from "../analysis/scoring.js";
import { SEVERITY_FLOORS, SEVERITY_RANK, severityOf } from "../analysis/scoring.js";
import { techniqueName } from "../catalog/frameworks.js";
import type { SourceLocation } from "../model/diagnostics.js";
import { systemLocationKey } from "../model/diagnostics.js";
import type { Rule } from "../rules/rule.js";
import { isSettled } from "../lifecycle/decisions.js";
import { TOOL } from "./json.js";

const LEVEL: Record<Severity, Result.level> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };

/** The uriBaseId of every repository-relative URI: the repository's top folder, as CodeQL names it. */
export const SRCROOT = "%SRCROOT%";

/**
 * GitHub's security-severity bands, in tenths: it reads over 9.0 as critical, 7.0-8.9 high,
 * 4.0-6.9 medium and 0.1-3.9 low. Critical starts at 9.1, clear of the edge GitHub's docs leave
 * unsaid; info has no band (no security-severity: GitHub then goes by the level, note).
 */
const BANDS: Record<Exclude<Severity, "info">, readonly [number, number]> = { critical: [91, 100], high: [70, 89], medium: [40, 69], low: [1, 39] };

/** The residual scores of each severity: from its floor in the matrix to the next one's (25 for critical). */
const SCORE_RANGES = Object.fromEntries(SEVERITY_FLOORS.map((floor, i) => [floor.severity, [floor.from, SEVERITY_FLOORS[i - 1]?.from ?? 25]])) as Record<Exclude<Severity, "info">, [number, number]>;

/**
 * A residual score's security-severity for GitHub (0.1-10.0, one decimal): the band of its
 * severity, placed in the band as the score is placed in the severity's range of scores (the
 * lowest high score, 12, is 7.0; a high 19 is 8.7). Undefined for info.
 */
export function githubSecuritySeverity(score: number): string | undefined {
  const severity = severityOf(score);
  if (severity === "info") return undefined;
  const [low, high] = BANDS[severity];
  const [from, to] = SCORE_RANGES[severity];
  const position = Math.min(1, Math.max(0, (score - from) / (to - from)));
  return ((low + Math.round(position * (high - low))) / 10).toFixed(1);
}

export interface SarifOptions {
  /**
   * Where each element is declared (the loader's locations): steps and evidence point there,
   * and a result with no place of its own falls back to the root file (where the system is declared), line 1.
   */
  locations?: ReadonlyMap<string, SourceLocation>;
  /** The baseline's findings and their residual scores: each result is then new, updated (re-scored) or unchanged. */
  baseline?: ReadonlyMap<string, number>;
  /**
   * The repository's top folder. Every file under it is then given relative to it (symbolic links
   * resolved), under the uriBaseId %SRCROOT%; a file outside it as an absolute file: URI. Without
   * it, paths stay as given: relative to where the command ran, or absolute (file: URIs).
   */
  base?: string;
}

export function sarifReport(result: AnalysisResult, rules: readonly Rule[], options: SarifOptions = {}): string {
  const used = rules.filter((rule) => result.findings.some((f) => f.ruleId === rule.id));
  const index = new Map(used.map((rule, i) => [rule.id, i]));
  const place = placer(result, options);
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "Threatwright", version: TOOL.version, informationUri: TOOL.informationUri, rules: used.map((rule) => descriptor(rule, result.findings)) } },
        ...(options.base !== undefined ? { originalUriBaseIds: { [SRCROOT]: { description: { text: "The top folder of the git repository that holds the model (without git, the folder the command ran in)." } } } } : {}),
        results: result.findings.map((finding) => toResult(finding, index.get(finding.ruleId) ?? 0, place, options.baseline)),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}

/**
 * The rule as code scanning shows it. GitHub takes an alert's severity from its rule's
 * security-severity, one value per rule: the worst of the rule's results in this run, leaving
 * out the settled ones (suppressed, so no alert) unless every result is settled.
 */
function descriptor(rule: Rule, findings: readonly Finding[]): ReportingDescriptor {
  const own = findings.filter((f) => f.ruleId === rule.id);
  const open = own.filter((f) => !isSettled(f.status));
  const worst = (open.length > 0 ? open : own).reduce((a, b) => (SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.residual.score - a.residual.score) > 0 ? b : a);
  const securitySeverity = githubSecuritySeverity(worst.residual.score);
  return {
    id: rule.id,
    name: rule.title.replace(/[^A-Za-z0-9]+/g, " ").trim().replace(/ (\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: `${rule.rationale}\n\nApplies when: ${rule.appliesWhen}`, markdown: `${rule.rationale}\n\n**Applies when:** ${rule.appliesWhen}` },
    defaultConfiguration: { level: LEVEL[worst.severity] },
    properties: { tags: ["security", "threat-model", rule.category], precision: "high", ...(securitySeverity ? { "security-severity": securitySeverity } : {}) },
  };
}

/** Where findings and elements are, as physical locations. */
interface Placer {
  /** An element's declaration (the system's, for the system's ID), if known. */
  element(id: string): PhysicalLocation | undefined;
  /** A finding's place: its own, else the root file's first line; undefined only when no file is known at all. */
  finding(finding: Finding): PhysicalLocation | undefined;
}

function placer(result: AnalysisResult, options: SarifOptions): Placer {
  const { locations, base } = options;
  const uris = new Map<string, ArtifactLocation>();
  const realBase = base === undefined ? undefined : real(base);
  const artifact = (file: string): ArtifactLocation => {
    let known = uris.get(file);
    if (!known) uris.set(file, (known = artifactLocation(realBase === undefined ? file : real(file), realBase)));
    return known;
  };
  const physical = (at: SourceLocation): PhysicalLocation => ({ artifactLocation: { ...artifact(at.file) }, region: { startLine: at.line, startColumn: at.col } });
  const system = locations?.get(systemLocationKey(result.system.id));
  return {
    element: (id) => {
      const at = locations?.get(id) ?? (id === result.system.id ? system : undefined);
      return at && physical(at);
    },
    finding: (finding) => {
      const at = finding.location ?? (system && { file: system.file, line: 1, col: 1 });
      return at && physical(at);
    },
  };
}

/** The path with symbolic links resolved (GitHub cannot show a result in a file it reaches through a link); as given when it does not exist. */
function real(file: string): string {
  try {
    return realpathSync(path.resolve(file));
  } catch {
    return path.resolve(file);
  }
}

type Paths = Pick<typeof path, "sep" | "isAbsolute" | "relative">;

/**
 * A file as a SARIF artifact location. With `base`, a file under it is a URI relative to it,
 * under %SRCROOT%, and any other an absolute file: URI; without, a relative path stays relative
 * and an absolute one is a file: URI. Segments are percent-encoded (RFC 3986: everything but
 * unreserved characters and the sub-delimiters encodeURIComponent keeps) and joined by '/', so a
 * space, '#', '%' or a Windows drive's colon never changes what the URI means. Lexical: the
 * caller resolves links. `paths` is node:path; tests pass path.win32.
 */
export function artifactLocation(file: string, base: string | undefined, paths: Paths = path): ArtifactLocation {
  if (base !== undefined) {
    const relative = paths.relative(base, file);
    const outside = relative === ".." || relative.startsWith(`..${paths.sep}`) || paths.isAbsolute(relative);
    if (!outside) return { uri: encodeSegments(splitPath(relative, paths)), uriBaseId: SRCROOT };
  }
  if (paths.isAbsolute(file)) return { uri: fileUri(file, paths) };
  return { uri: encodeSegments(splitPath(file, paths)) };
}

function splitPath(file: string, paths: Paths): string[] {
  return paths.sep === "\\" ? file.split(/[\\/]/) : file.split("/");
}

function encodeSegments(segments: readonly string[]): string {
  // A lone surrogate (possible in a Windows file name) has no UTF-8 form: encodeURIComponent would throw.
  return segments.map((segment) => encodeURIComponent(segment.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD"))).join("/");
}

/** An absolute path as a file: URI: file:///a/b, file:///C:/a/b, file://server/share/a. */
function fileUri(file: string, paths: Paths): string {
  const segments = splitPath(file, paths);
  if (paths.sep === "\\") {
    // \\server\share\x: ["", "", "server", "share", "x"]
    if (segments[0] === "" && segments[1] === "") return `file://${encodeSegments(segments.slice(2))}`;
    const drive = /^[A-Za-z]:$/.test(segments[0]!) ? segments.shift()! : undefined;
    if (drive) return `file:///${drive}${segments.length > 0 ? "/" : ""}${encodeSegments(segments)}`;
  }
  return `file://${encodeSegments(segments)}`;
}

/** A location with a message; without a known place, the message alone. */
function at(place: PhysicalLocation | undefined, text: string): Location {
  return { ...(place ? { physicalLocation: place } : {}), message: { text } };
}

function toResult(finding: Finding, ruleIndex: number, place: Placer, baseline: ReadonlyMap<string, number> | undefined): Result {
  const related = finding.evidence.flatMap((item) => {
    const where = place.element(item.element);
    return where ? [at(where, `${item.element}: ${item.note}`)] : [];
  });
  const codeFlows: CodeFlow[] = finding.path?.length
    ? [
        {
          message: { text: finding.title },
          threadFlows: [
            {
              locations: finding.path.map((step, i) => ({
                location: at(place.element(step.element), `${i + 1}. ${step.element}: ${step.action} (${step.technique} ${techniqueName(step.technique)})`),
                executionOrder: i + 1,
              })),
            },
          ],
        },
      ]
    : [];
  const location = place.finding(finding);
  const securitySeverity = githubSecuritySeverity(finding.residual.score);
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: `${finding.summary} ${finding.reasons.join(" ")}` },
    locations: location ? [{ physicalLocation: location }] : [],
    ...(related.length > 0 ? { relatedLocations: related.map((item, id) => ({ id, ...item })) } : {}),
    ...(codeFlows.length > 0 ? { codeFlows } : {}),
    partialFingerprints: { threatwrightFindingId: finding.id },
    ...(baseline ? { baselineState: !baseline.has(finding.id) ? "new" : baseline.get(finding.id) === finding.residual.score ? "unchanged" : "updated" } : {}),
    // Settled findings stay in the log, marked as suppressed by the team's decision, so code scanning does not raise them again.
    ...(isSettled(finding.status) ? { suppressions: [{ kind: "external", status: "accepted", justification: finding.statusReason }] } : {}),
    properties: { severity: finding.severity, ...(securitySeverity ? { "security-severity": securitySeverity } : {}), residualScore: finding.residual.score, anchors: finding.anchors, cause: finding.cause },
  };
}
