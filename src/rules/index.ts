// The rule catalogue. A rule is added by writing its module and listing it here.
import { unapprovedSpending } from "./excessive-agency/unapproved-spending.js";
import { exfiltrationPath } from "./exfiltration/exfiltration-path.js";
import { overPrivilegedIdentity } from "./identity/over-privileged-identity.js";
import { indirectPromptInjection } from "./prompt-injection/indirect-prompt-injection.js";
import type { Rule } from "./rule.js";

export const RULES: readonly Rule[] = [indirectPromptInjection, exfiltrationPath, unapprovedSpending, overPrivilegedIdentity].sort((a, b) => (a.id < b.id ? -1 : 1));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
