// The rule catalogue: every category folder lists its rules in its index.ts.
import { RULES as codeExecution } from "./code-execution/index.js";
import { RULES as dataAndModel } from "./data-and-model/index.js";
import { RULES as excessiveAgency } from "./excessive-agency/index.js";
import { RULES as exfiltration } from "./exfiltration/index.js";
import { RULES as governance } from "./governance/index.js";
import { RULES as identity } from "./identity/index.js";
import { RULES as infrastructure } from "./infrastructure/index.js";
import { RULES as mcp } from "./mcp/index.js";
import { RULES as memoryAndRag } from "./memory-and-rag/index.js";
import { RULES as multiAgent } from "./multi-agent/index.js";
import { RULES as outputHandling } from "./output-handling/index.js";
import { RULES as promptInjection } from "./prompt-injection/index.js";
import type { Rule } from "./rule.js";

export const RULES: readonly Rule[] = [
  ...promptInjection,
  ...exfiltration,
  ...excessiveAgency,
  ...codeExecution,
  ...outputHandling,
  ...memoryAndRag,
  ...dataAndModel,
  ...mcp,
  ...identity,
  ...infrastructure,
  ...multiAgent,
  ...governance,
].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
