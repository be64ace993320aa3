// One documentation page per rule, and the catalogue index, generated from rule
// metadata so the docs cannot drift from the code (npm run generate).
import { severityOf } from "../analysis/scoring.js";
import { FRAMEWORKS, labelOf, mappedIds } from "../catalog/frameworks.js";
import { RULES } from "./index.js";
import type { Rule } from "./rule.js";

export const RULE_DOCS_DIR = "docs/rules";

export function ruleDocFiles(rules: readonly Rule[] = RULES): Record<string, string> {
  const files: Record<string, string> = { [`${RULE_DOCS_DIR}/README.md`]: catalogueIndex(rules) };
  for (const rule of rules) files[`${RULE_DOCS_DIR}/${rule.id}.md`] = rulePage(rule);
  return files;
}

function catalogueIndex(rules: readonly Rule[]): string {
  const lines = [
    "# Rule catalogue",
    "",
    "Generated from the rules' metadata by `npm run generate`; do not edit by hand.",
    "Default severity is the severity of the rule's default likelihood x impact before the",
    "model's factors and controls (see [scoring](../scoring.md)).",
    "",
    "| ID | Title | Category | Default | OWASP LLM | OWASP Agentic | OWASP NHI | ATLAS |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const rule of rules) {
    const ids = (slug: string) => mappedIds(rule.mappings, FRAMEWORKS.find((f) => f.slug === slug)!).join(", ");
    lines.push(`| [${rule.id}](${rule.id}.md) | ${rule.title} | ${rule.category} | ${severityOf(rule.likelihood * rule.impact)} | ${ids("owasp-llm")} | ${ids("owasp-agentic")} | ${ids("owasp-nhi")} | ${ids("atlas")} |`);
  }
  lines.push("", "## Coverage", "");
  for (const slug of ["owasp-llm", "owasp-agentic", "owasp-nhi", "owasp-mcp", "maestro"]) {
    const framework = FRAMEWORKS.find((f) => f.slug === slug)!;
    lines.push(`### ${framework.title}`, "", "| Item | Rules |", "|---|---|");
    for (const id of Object.keys(framework.items)) {
      const covering = rules.filter((r) => mappedIds(r.mappings, framework).includes(id)).map((r) => `[${r.id}](${r.id}.md)`);
      lines.push(`| ${labelOf(framework, id)} | ${covering.join(", ") || "none"} |`);
    }
    lines.push("");
  }
  return lines.join("\n").replace(/\n+$/, "\n");
}

function rulePage(rule: Rule): string {
  const lines = [
    `# ${rule.id}: ${rule.title}`,
    "",
    `Category: ${rule.category}. Default likelihood ${rule.likelihood}/5, impact ${rule.impact}/5 (${severityOf(rule.likelihood * rule.impact)} before factors and controls).`,
    "",
    "## Why it matters",
    "",
    rule.rationale,
    "",
    "## When it applies",
    "",
    rule.appliesWhen,
    "",
    ...(rule.controlShortfall
      ? ["Its findings say how a control falls short. Their harm is that of the findings the control gates, so the summed residual risk of `diff` and `plan` leaves them out: removing the control takes them away, and the total must not fall for it.", ""]
      : []),
    "## Controls that reduce it",
    "",
  ];
  if (rule.mitigations.length === 0) lines.push("None in the model vocabulary; fix the condition itself.");
  else {
    lines.push("| Control type | Lowers | By | How |", "|---|---|---|---|");
    for (const m of rule.mitigations) lines.push(`| ${m.control} | ${m.reduces} | ${m.by} | ${m.how} |`);
    lines.push(
      "",
      "A verified, implemented control gives its full reduction; an unverified one half; a partial one half again; one that applies to some actions only (above a threshold, under a condition, or on what a router sends it) half; an approval someone outside the organisation may give half again; an approval whose router an attacker steers none; a planned one none. A spend limit's threshold is its cap, not such a condition.",
    );
    const onTheWayIn = rule.mitigations.filter((m) => m.countsOn === "entry-path").map((m) => m.control);
    if (onTheWayIn.length > 0) {
      lines.push(
        "",
        `On the way in: ${onTheWayIn.join(" and ")} count${onTheWayIn.length === 1 ? "s" : ""} where the controls of the type (on the untrusted entries, on the flows and elements the attacker's text passes, or on what it reaches) cover every way the text of the finding's entries gets there; the least protected way sets the reduction. A control on one entry's way only does not count, and the finding's evidence says so.`,
      );
    }
    const atAnchor = rule.mitigations.filter((m) => m.countsOn === "anchors").map((m) => m.control);
    if (atAnchor.length > 0) {
      lines.push("", `At the anchor: ${atAnchor.join(" and ")} count${atAnchor.length === 1 ? "s" : ""} only on the element the finding is about (or its host or identity), not on the other elements it names.`);
    }
    if (rule.mitigations.some((m) => m.control === "human-approval" && m.countsOn === undefined)) {
      lines.push("", "An approval counts as the weakest gate among the acting tools the finding involves: nothing while one of them is left ungated.");
    }
    for (const m of rule.mitigations.filter((m) => m.control === "spend-limit")) {
      lines.push(
        "",
        m.perPayment === undefined
          ? "A spend-limit control counts only when its threshold caps a total per hour, day or month; one whose threshold caps each payment (per action, or no period), or that gives no threshold, does not."
          : `A spend-limit control takes off ${m.by} when its threshold caps a total per hour, day or month. One that caps each payment takes off ${m.perPayment}, and nothing when the spend capability states a limit of its own, which the impact counts already: one cap is counted once.`,
      );
    }
  }
  lines.push("", "## Mappings", "");
  for (const framework of FRAMEWORKS) {
    const ids = mappedIds(rule.mappings, framework);
    if (ids.length > 0) lines.push(`- ${framework.title}: ${ids.map((id) => labelOf(framework, id)).join("; ")}`);
  }
  return lines.join("\n") + "\n";
}
