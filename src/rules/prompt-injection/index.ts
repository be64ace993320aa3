// Rules of this category; the catalogue in ../index.ts collects them.
import { directPromptInjection } from "./direct-prompt-injection.js";
import { hiddenInstructionsRichContent } from "./hidden-instructions-rich-content.js";
import { indirectPromptInjection } from "./indirect-prompt-injection.js";
import { thirdPartyToolOutput } from "./third-party-tool-output.js";
import { writableInstructionFiles } from "./writable-instruction-files.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [directPromptInjection, indirectPromptInjection, thirdPartyToolOutput, writableInstructionFiles, hiddenInstructionsRichContent];
