// Rules of this category; the catalogue in ../index.ts collects them.
import { credentialsInReach } from "./credentials-in-reach.js";
import { injectableCodeExecution } from "./injectable-code-execution.js";
import { outputExecuted } from "./output-executed.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [injectableCodeExecution, credentialsInReach, outputExecuted];
