// Rules of this category; the catalogue in ../index.ts collects them.
import { exfiltrationPath } from "./exfiltration-path.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [exfiltrationPath];
