import type { Command } from "commander";
import { Option } from "commander";
import { FRAMEWORKS, frameworkBySlug, labelOf, mappedIds } from "../../catalog/frameworks.js";
import { didYouMean } from "../../model/diagnostics.js";
import { terminalText } from "../../report/terminal-text.js";
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
    .option("--maps-to <id>", "only rules mapped to this item or its sub-items, such as LLM01:2025, LLM01 or AML.T0051 (which takes in AML.T0051.001)")
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
    const known = FRAMEWORKS.flatMap((f) => Object.keys(f.items));
    if (!known.some((id) => covers(wanted, id.toLowerCase()))) {
      // Edition-less forms (LLM01) too, so a typo there is put right as what was meant.
      const suggestion = didYouMean(options.mapsTo, [...new Set([...known, ...known.map((id) => id.split(":")[0]!)])]);
      io.err(`no framework item '${terminalText(options.mapsTo)}'\n  hint: ${suggestion ? `did you mean '${suggestion}'? ` : ""}IDs are written as the frameworks write them, such as LLM01:2025, ASI06, NHI4:2025, AML.T0051 or Art. 15\n`);
      return EXIT.usage;
    }
    rules = rules.filter((rule) => FRAMEWORKS.some((f) => mappedIds(rule.mappings, f).some((id) => covers(wanted, id.toLowerCase()))));
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

/**
 * Whether the item asked for covers a mapped one: the same ID, a technique its sub-techniques
 * (AML.T0051 covers AML.T0051.001), or an OWASP item without its edition (LLM01 covers LLM01:2025).
 */
function covers(wanted: string, id: string): boolean {
  return id === wanted || id.startsWith(`${wanted}.`) || id.startsWith(`${wanted}:`);
}
