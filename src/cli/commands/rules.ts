import { FRAMEWORKS, frameworkBySlug, labelOf, mappedIds } from "../../catalog/frameworks.js";
import { RULES } from "../../rules/index.js";
import type { Rule } from "../../rules/rule.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";

export interface RulesCommandOptions {
  framework?: string;
  mapsTo?: string;
  format: "text" | "json";
}

export function rulesCommand(io: CliIO, options: RulesCommandOptions): number {
  let rules: readonly Rule[] = RULES;
  if (options.framework) {
    const framework = frameworkBySlug(options.framework);
    if (!framework) {
      io.err(`unknown framework '${options.framework}'\n  hint: one of ${FRAMEWORKS.map((f) => f.slug).join(", ")}\n`);
      return EXIT.usage;
    }
    rules = rules.filter((rule) => mappedIds(rule.mappings, framework).length > 0);
  }
  if (options.mapsTo) {
    const wanted = options.mapsTo.toLowerCase();
    rules = rules.filter((rule) => FRAMEWORKS.some((f) => mappedIds(rule.mappings, f).some((id) => id.toLowerCase() === wanted)));
  }
  if (options.format === "json") {
    io.out(JSON.stringify(rules.map(({ detect: _unused, ...meta }) => meta), null, 2) + "\n");
    return EXIT.ok;
  }
  for (const rule of rules) {
    const framework = options.framework ? frameworkBySlug(options.framework) : undefined;
    const maps = framework ? mappedIds(rule.mappings, framework).map((id) => labelOf(framework, id)).join("; ") : "";
    io.out(`${rule.id.padEnd(11)} ${rule.title}${maps ? `  [${maps}]` : ""}\n`);
  }
  io.out(`\n${rules.length} rule${rules.length === 1 ? "" : "s"}; docs/rules/<ID>.md explains each\n`);
  return EXIT.ok;
}
