import type { Command } from "commander";
import { Option } from "commander";
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

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("rules")
    .description("list the rule catalogue")
    .option("--framework <slug>", "only rules mapped to this framework (owasp-llm, owasp-agentic, owasp-nhi, owasp-mcp, atlas, maestro, stride, nist-ai-rmf, eu-ai-act, ...)")
    .option("--maps-to <id>", "only rules mapped to this item, such as LLM01:2025 or AML.T0051")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action((options: RulesCommandOptions) => setExit(rulesCommand(io, options)));
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
