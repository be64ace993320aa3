// Rules of this category; the catalogue in ../index.ts collects them.
import { memoryPoisoning } from "./memory-poisoning.js";
import { ragPoisoning } from "./rag-poisoning.js";
import { sharedMemoryPrivilege } from "./shared-memory-privilege.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [memoryPoisoning, sharedMemoryPrivilege, ragPoisoning];
