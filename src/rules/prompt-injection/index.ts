// Rules of this category; the catalogue in ../index.ts collects them.
import { indirectPromptInjection } from "./indirect-prompt-injection.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [indirectPromptInjection];
