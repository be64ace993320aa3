// The JSON report's schema (docs/analysis-json.md) as one Zod definition: tests validate
// real reports against it, and `npm run generate` writes it out as a JSON Schema
// (schema/analysis.schema.json) for tools that read the report. Objects are strict, so
// a field the report gains without the schema knowing fails the tests.
import { z } from "zod";
import type { AttackPath, Finding } from "../analysis/analyze.js";
import { RESULT_SCHEMA_VERSION } from "../analysis/analyze.js";
import type { RootCause } from "../analysis/root-causes.js";
import { CAUSE_KINDS } from "../analysis/root-causes.js";
import { SEVERITIES, SEVERITY_SCALE_TEXT } from "../analysis/scoring.js";
import type { ReopenCause } from "../lifecycle/decisions.js";
import { Decision } from "../model/schema.js";
import type { JsonSchema } from "../model/json-schema.js";
import { deriveJsonSchema } from "../model/json-schema.js";
import { CONTROL_TYPES, DECISION_STATUS } from "../model/vocabulary.js";
import { RULE_CATEGORIES } from "../rules/rule.js";

export const ANALYSIS_SCHEMA_FILE = "schema/analysis.schema.json";

const id = (what: string) => z.string().describe(what);
const ids = (what: string) => z.array(z.string()).describe(what);
const Severity = z.enum(SEVERITIES).describe(`From the residual score: ${SEVERITY_SCALE_TEXT}.`);
const count = (what: string) => z.number().int().min(0).describe(what);

const Score = z.strictObject({
  likelihood: z.number().min(1).max(5),
  impact: z.number().min(1).max(5),
  score: z.number().min(1).max(25).describe("likelihood x impact"),
  severity: Severity,
});

const PathStep = z.strictObject({
  element: id("The element the step happens at."),
  action: z.string().describe("What the attacker does there, in words."),
  technique: id("MITRE ATLAS technique ID."),
});

const REOPEN_CAUSES = ["acceptance-expired", "control-missing", "control-not-covering", "no-reducing-control"] as const satisfies readonly ReopenCause[];

const frameworkIds = z.array(z.string()).optional();

const MappingsJson = z.strictObject({
  stride: z.array(z.enum(["S", "T", "R", "I", "D", "E"])),
  owaspLlm: frameworkIds,
  owaspAgentic: frameworkIds,
  owaspAgenticThreats: frameworkIds,
  owaspNhi: frameworkIds,
  owaspMcp: frameworkIds,
  atlasTechniques: frameworkIds,
  atlasMitigations: frameworkIds,
  maestro: z.array(z.enum(["L1", "L2", "L3", "L4", "L5", "L6", "L7"])),
  nistAiRmf: z.array(z.enum(["GOVERN", "MAP", "MEASURE", "MANAGE"])),
  euAiAct: frameworkIds,
  nistCsf: frameworkIds,
});

export const FindingJson = z
  .strictObject({
    id: id("Stable ID: the rule ID, '@', the anchor IDs joined by '+'. Decisions refer to it."),
    ruleId: id("The rule; its mappings are under rules[ruleId], less any frameworksLeftOut."),
    title: z.string(),
    category: z.enum(RULE_CATEGORIES),
    summary: z.string().describe("The finding in one sentence, naming the model's elements."),
    severity: Severity,
    inherent: Score,
    residual: Score,
    reasons: z.array(z.string()).describe("Why likelihood, impact and residual are what they are."),
    anchors: ids("Element IDs the finding is about."),
    evidence: z.array(z.strictObject({ element: id("An element the finding rests on."), note: z.string() })),
    path: z.array(PathStep).optional().describe("Attack steps, for path findings only."),
    controls: z
      .array(
        z.strictObject({
          control: id("The control's ID."),
          type: z.enum(CONTROL_TYPES),
          reduces: z.enum(["likelihood", "impact"]),
          by: z.number().min(0).describe("Steps taken off, after status and verification."),
          note: z.string(),
        }),
      )
      .describe("Controls that lowered the finding, or that would once no longer planned."),
    missingControls: z.array(z.enum(CONTROL_TYPES)).describe("Control types that would lower the finding and are not in place."),
    frameworksLeftOut: z
      .array(MappingsJson.keyof())
      .optional()
      .describe(
        "Only where some of the rule's mappings do not hold for this finding: their keys in rules[ruleId].mappings. OWASP MCP Top 10 items (owaspMcp) hold for a rule outside the MCP category only where an MCP server, or a tool one serves, takes part.",
      ),
    workflows: ids("Workflows the finding's elements take part in."),
    cause: id("The root cause it follows from: the id of one of causes[]."),
    location: z.strictObject({ file: z.string(), line: z.number().int().min(1), col: z.number().int().min(1) }).optional().describe("Where the first anchor with a known place is defined; for a system-level finding, the system's id in the root file."),
    decision: Decision.optional().describe("The model's decision on this finding ID, as written."),
    status: z.enum(DECISION_STATUS).describe("Where the finding stands once its decision is judged."),
    statusReason: z.string(),
    overdue: z.boolean(),
    reopened: z.enum(REOPEN_CAUSES).optional().describe("Only when the recorded decision no longer holds; the finding is open again."),
  })
  .describe("One threat that applies, with its scores and reasons.");

export const AttackPathJson = z.strictObject({
  finding: id("The finding's ID."),
  rank: z.number().int().min(1).describe("1 is the riskiest."),
  severity: Severity,
  score: z.number(),
  title: z.string(),
  steps: z.array(PathStep).min(1),
});

export const RootCauseJson = z.strictObject({
  id: id("'<kind>:<element ID>'; findings name it in 'cause'."),
  kind: z.enum(CAUSE_KINDS).describe("steered-agent: an attack path has untrusted text steer the agent; identity: the finding is about a non-human identity or one of its credentials; element: any other, by the element it is anchored at."),
  element: id("The agent, identity or element."),
  entries: ids("For a steered agent: the untrusted entry points whose text reaches it.").optional(),
  findings: ids("The findings it causes, worst first."),
  severity: Severity.describe("The worst of its findings."),
  score: z.number().describe("The worst residual score of its findings."),
  bySeverity: z.strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, count(`${s} findings`)])) as Record<(typeof SEVERITIES)[number], z.ZodNumber>),
});

export const AnalysisReport = z
  .strictObject({
    tool: z.strictObject({ name: z.literal("threatwright"), version: z.string() }),
    schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
    system: z.strictObject({ id: z.string(), name: z.string() }),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("Analysis date."),
    summary: z.strictObject({
      findings: count("Findings in the report, after filters."),
      bySeverity: z.strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, count(`${s} findings`)])) as Record<(typeof SEVERITIES)[number], z.ZodNumber>),
      injectableAgents: ids("Agents whose context can hold untrusted text."),
      untrustedEntryPoints: ids("Elements where attacker-controlled text enters."),
    }),
    findings: z.array(FindingJson).describe("Most severe first, then by residual score, then by ID."),
    attackPaths: z.array(AttackPathJson).describe("Findings that are paths, ranked."),
    causes: z.array(RootCauseJson).describe("Findings grouped by the weakness they follow from, in the order of their worst finding."),
    truncated: z.array(z.string()).describe("Where the bounded search stopped short, in words."),
    decisions: z.strictObject({
      orphans: z.array(z.strictObject({ finding: z.string(), decision: Decision, suggestion: z.string().optional(), hint: z.string() })).describe("Decisions whose finding no longer exists."),
      expiringSoon: z.array(z.strictObject({ finding: z.string(), status: z.enum(["accepted", "transferred"]), expires: z.string(), daysLeft: count("Days from the analysis date to the expiry.") })),
      summary: z.strictObject({
        byStatus: z.strictObject(Object.fromEntries(DECISION_STATUS.map((s) => [s, count(`findings ${s}`)])) as Record<(typeof DECISION_STATUS)[number], z.ZodNumber>),
        undecided: count("Findings with no decision."),
        reopened: count("Decisions that no longer hold."),
        expired: count("Acceptances and transfers that lapsed (a subset of reopened)."),
        overdue: count("Findings past their due date and not settled."),
        orphans: count("Decisions whose finding no longer exists."),
        expiringSoon: count("Acceptances lapsing within 30 days."),
      }),
    }),
    rules: z
      .record(
        z.string(),
        z.strictObject({
          title: z.string(),
          category: z.enum(RULE_CATEGORIES),
          mappings: MappingsJson,
        }),
      )
      .describe("For each rule with findings, by rule ID: its title, category and framework mappings."),
  })
  .meta({ title: "Threatwright analysis report", description: `The output of 'threatwright analyze --format json', schemaVersion ${RESULT_SCHEMA_VERSION}. Fields are only added in a minor version; removing or renaming one raises the major version.` });

// The analysis's own types must fit the schema: a field whose type changes fails to compile here; a field
// added without the schema knowing fails the strict validation of real reports in test/report/analysis-schema.test.ts.
type Fits<T, Schema extends z.ZodType> = T extends z.output<Schema> ? true : false;
const findingFits: Fits<Omit<Finding, "mappings">, typeof FindingJson> = true;
const pathFits: Fits<AttackPath, typeof AttackPathJson> = true;
const causeFits: Fits<RootCause, typeof RootCauseJson> = true;
void findingFits;
void pathFits;
void causeFits;

export function analysisJsonSchema(): JsonSchema {
  return deriveJsonSchema(AnalysisReport, `urn:threatwright:schema:analysis:${RESULT_SCHEMA_VERSION}`, { io: "output", forEditors: false });
}
