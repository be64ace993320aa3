// Rules of this category; the catalogue in ../index.ts collects them.
import { overPrivilegedIdentity } from "./over-privileged-identity.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [overPrivilegedIdentity];
