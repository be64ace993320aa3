// Root causes: the weakness each finding follows from, so that a reader sees one problem
// with many consequences rather than a wall of criticals. An agent that reads a README and
// holds strong tools yields exfiltration, destructive-change, code-execution and memory
// findings; they are one cause, "untrusted text steers the agent", and a fix at the cause
// (cutting the entry, isolating the content) moves many of them at once.
//
// A finding's cause, first that applies:
//  - steered-agent: its attack path has an agent take in the attacker's instructions (prompt
//    injection, poisoned memory or retrieval); the last such agent, whose hijack does the harm.
//  - identity: it is anchored at a non-human identity or one of its credentials; the identity,
//    so a credential's findings and its identity's read as one.
//  - element: otherwise, the element it is anchored at.
// Pure, and in a fixed order: causes come in the order of their worst finding.
import type { SystemGraph } from "../graph/graph.js";
import type { PathStep } from "../rules/rule.js";
import type { Severity } from "./scoring.js";
import { countBySeverity, SEVERITIES } from "./scoring.js";

export const CAUSE_KINDS = ["steered-agent", "identity", "element"] as const;
export type CauseKind = (typeof CAUSE_KINDS)[number];

export interface RootCause {
  /** `kind:element`, e.g. `steered-agent:ide-agent`; findings name it in `cause`. */
  id: string;
  kind: CauseKind;
  element: string;
  /** For a steered agent: the untrusted entry points whose text reaches it, by ID. */
  entries?: string[];
  /** The findings it causes, worst first. */
  findings: string[];
  /** The worst of those findings. */
  severity: Severity;
  score: number;
  bySeverity: Record<Severity, number>;
}

interface CausedFinding {
  id: string;
  cause: string;
  severity: Severity;
  residual: { score: number };
}

export function causeId(kind: CauseKind, element: string): string {
  return `${kind}:${element}`;
}

/**
 * MITRE ATLAS techniques by which an agent takes in the attacker's instructions: prompt
 * injection, context (memory or thread) poisoning and RAG poisoning. A step at an agent with
 * another technique, such as one that gathers data from it, does not steer it.
 */
const STEERING = ["AML.T0051", "AML.T0080", "AML.T0070"];

function steers(technique: string): boolean {
  return STEERING.some((t) => technique === t || technique.startsWith(`${t}.`));
}

/** The cause of a finding with these anchors and this attack path. */
export function causeOf(graph: SystemGraph, anchors: readonly string[], path: readonly PathStep[] | undefined): string {
  // The first step is where the attacker starts; an agent there is a source, not a victim.
  for (let index = (path?.length ?? 0) - 1; index > 0; index--) {
    const step = path![index]!;
    if (steers(step.technique) && graph.agent(step.element)) return causeId("steered-agent", step.element);
  }
  const anchor = anchors[0]!;
  if (graph.identity(anchor)) return causeId("identity", anchor);
  const owner = graph.ownerOfCredential(anchor);
  if (owner) return causeId("identity", owner.id);
  return causeId("element", anchor);
}

/** The kind and element of a cause ID (`kind:element`; element IDs hold no colon). */
export function parseCauseId(id: string): Pick<RootCause, "kind" | "element"> {
  const split = id.indexOf(":");
  return { kind: id.slice(0, split) as CauseKind, element: id.slice(split + 1) };
}

/**
 * Groups findings (worst first, as the analysis sorts them) by cause. `entriesOf` gives a
 * steered agent's entry points; the grouping keeps the findings' order, so each cause lists
 * its worst finding first and causes come in the order of their worst findings.
 */
export function rootCauses(findings: readonly CausedFinding[], entriesOf: (agentId: string) => string[]): RootCause[] {
  const causes = new Map<string, { cause: RootCause; members: CausedFinding[] }>();
  for (const finding of findings) {
    let group = causes.get(finding.cause);
    if (!group) {
      const { kind, element } = parseCauseId(finding.cause);
      const cause: RootCause = { id: finding.cause, kind, element, ...(kind === "steered-agent" ? { entries: entriesOf(element) } : {}), findings: [], severity: finding.severity, score: finding.residual.score, bySeverity: countBySeverity([]) };
      group = { cause, members: [] };
      causes.set(finding.cause, group);
    }
    group.cause.findings.push(finding.id);
    group.members.push(finding);
  }
  return [...causes.values()].map(({ cause, members }) => ({ ...cause, bySeverity: countBySeverity(members) }));
}

/** Shared causes the summaries list before '… N more': enough to see the big ones. */
export const CAUSES_LISTED = 10;

/** Causes the reports list by themselves: those behind more than one finding. */
export function sharedCauses(causes: readonly RootCause[]): RootCause[] {
  return causes.filter((c) => c.findings.length > 1);
}

/** The cause in words, naming elements through `nameOf`. */
export function causeText(cause: Pick<RootCause, "kind" | "element" | "entries">, nameOf: (id: string) => string): string {
  switch (cause.kind) {
    case "steered-agent": {
      const entries = cause.entries ?? [];
      return `untrusted text steers ${nameOf(cause.element)}${entries.length > 0 ? ` (it enters at ${entries.map(nameOf).join(", ")})` : ""}`;
    }
    case "identity":
      return `non-human identity ${nameOf(cause.element)} and its credentials`;
    default:
      return `how ${nameOf(cause.element)} is set up`;
  }
}

/** The cause in words and how many other findings it is behind, said at a finding whose cause is shared: "untrusted text steers X, shared with 17 other findings". */
export function sharedCauseText(cause: Pick<RootCause, "kind" | "element" | "entries" | "findings">, nameOf: (id: string) => string): string {
  const others = cause.findings.length - 1;
  return `${causeText(cause, nameOf)}, shared with ${others} other finding${others === 1 ? "" : "s"}`;
}

/** The cause's findings by severity in words, worst first: "12 critical, 5 high". */
export function causeCounts(cause: Pick<RootCause, "bySeverity">): string {
  return [...SEVERITIES].reverse().filter((s) => cause.bySeverity[s] > 0).map((s) => `${cause.bySeverity[s]} ${s}`).join(", ");
}

/**
 * Findings of a list (worst first) counted by cause, in words, for a change's summary:
 * "untrusted text steers pr-agent (3), how web-fetch-mcp is set up (1)". Causes with the most findings first.
 */
export function causeTally(findings: readonly { cause: string }[], nameOf: (id: string) => string = (id) => id): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.cause, (counts.get(f.cause) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `${causeText(parseCauseId(id), nameOf)} (${n})`)
    .join(", ");
}
