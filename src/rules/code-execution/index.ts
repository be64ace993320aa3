// Rules of this category; the catalogue in ../index.ts collects them.
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [];
