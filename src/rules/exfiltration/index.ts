// Rules of this category; the catalogue in ../index.ts collects them.
import { answersToAWiderAudience } from "./answers-to-a-wider-audience.js";
import { crossTenantRetrieval } from "./cross-tenant-retrieval.js";
import { exfiltrationPath } from "./exfiltration-path.js";
import { inheritedOversharing } from "./inherited-oversharing.js";
import { permissionBlindRetrieval } from "./permission-blind-retrieval.js";
import { readableConversationLogs } from "./readable-conversation-logs.js";
import { recordsToTheWrongPerson } from "./records-to-the-wrong-person.js";
import { renderedOutputExfiltration } from "./rendered-output-exfiltration.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [exfiltrationPath, renderedOutputExfiltration, readableConversationLogs, crossTenantRetrieval, permissionBlindRetrieval, inheritedOversharing, answersToAWiderAudience, recordsToTheWrongPerson];
