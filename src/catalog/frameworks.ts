// Names of the frameworks rules map to, and of their items, for reports and docs.
import type { Mappings } from "../rules/rule.js";
import { ATLAS_MITIGATIONS, ATLAS_TECHNIQUES, ATLAS_VERSION } from "./atlas-data.js";
import { FRAMEWORK_ITEMS } from "./frameworks-data.js";

export interface Framework {
  /** The mapping key in rule metadata. */
  key: keyof Mappings;
  /** Short name used on the command line (threatwright rules --framework ...). */
  slug: string;
  title: string;
  items: Readonly<Record<string, string>>;
}

export const FRAMEWORKS: readonly Framework[] = [
  { key: "owaspLlm", slug: "owasp-llm", title: "OWASP Top 10 for LLM Applications 2025", items: FRAMEWORK_ITEMS["owasp-llm-2025"] },
  { key: "owaspAgentic", slug: "owasp-agentic", title: "OWASP Top 10 for Agentic Applications 2026", items: FRAMEWORK_ITEMS["owasp-agentic-2026"] },
  { key: "owaspAgenticThreats", slug: "owasp-agentic-threats", title: "OWASP Agentic AI Threats and Mitigations", items: FRAMEWORK_ITEMS["owasp-agentic-threats"] },
  { key: "owaspNhi", slug: "owasp-nhi", title: "OWASP Non-Human Identities Top 10 2025", items: FRAMEWORK_ITEMS["owasp-nhi-2025"] },
  { key: "owaspMcp", slug: "owasp-mcp", title: "OWASP MCP Top 10 2025 (beta)", items: FRAMEWORK_ITEMS["owasp-mcp-2025"] },
  { key: "atlasTechniques", slug: "atlas", title: `MITRE ATLAS ${ATLAS_VERSION} techniques`, items: ATLAS_TECHNIQUES },
  { key: "atlasMitigations", slug: "atlas-mitigations", title: `MITRE ATLAS ${ATLAS_VERSION} mitigations`, items: ATLAS_MITIGATIONS },
  { key: "maestro", slug: "maestro", title: "CSA MAESTRO layers", items: FRAMEWORK_ITEMS["csa-maestro"] },
  { key: "stride", slug: "stride", title: "STRIDE", items: FRAMEWORK_ITEMS.stride },
  { key: "nistAiRmf", slug: "nist-ai-rmf", title: "NIST AI RMF 1.0 functions", items: FRAMEWORK_ITEMS["nist-ai-rmf"] },
  { key: "euAiAct", slug: "eu-ai-act", title: "EU AI Act (Regulation (EU) 2024/1689)", items: FRAMEWORK_ITEMS["eu-ai-act"] },
  { key: "nistCsf", slug: "nist-csf", title: "NIST CSF 2.0", items: FRAMEWORK_ITEMS["nist-csf-2"] },
];

export function frameworkBySlug(slug: string): Framework | undefined {
  return FRAMEWORKS.find((f) => f.slug === slug);
}

export function mappedIds(mappings: Mappings, framework: Framework): readonly string[] {
  return (mappings[framework.key] as readonly string[] | undefined) ?? [];
}

/** The frameworks of a rule's mappings that do not hold for one of its findings (findingMappings in analyze.ts), by key. */
export function frameworksLeftOut(rule: Mappings, finding: Mappings): (keyof Mappings)[] {
  if (finding === rule) return [];
  return (Object.keys(rule) as (keyof Mappings)[]).filter((key) => finding[key] === undefined);
}

/** "LLM01:2025 Prompt Injection", or the bare ID when the name is unknown. */
export function labelOf(framework: Framework, id: string): string {
  const name = framework.items[id];
  return name && name !== id ? `${id} ${name}` : id;
}

export function techniqueName(id: string): string {
  return ATLAS_TECHNIQUES[id] ?? id;
}

/** A sub-technique's name after its parent's ("LLM Prompt Injection: Indirect"), which it needs to stand alone. */
export function techniqueFullName(id: string): string {
  const parent = /^(AML\.T\d{4})\.\d{3}$/.exec(id)?.[1];
  const parentName = parent !== undefined ? ATLAS_TECHNIQUES[parent] : undefined;
  return parentName !== undefined && ATLAS_TECHNIQUES[id] !== undefined ? `${parentName}: ${ATLAS_TECHNIQUES[id]}` : techniqueName(id);
}
