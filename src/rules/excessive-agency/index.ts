// Rules of this category; the catalogue in ../index.ts collects them.
import { approvalThresholdSplitting } from "./approval-threshold-splitting.js";
import { destructiveChanges } from "./destructive-changes.js";
import { publishingInOrgName } from "./publishing-in-org-name.js";
import { selfModifyingConfiguration } from "./self-modifying-configuration.js";
import { unapprovedSpending } from "./unapproved-spending.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [destructiveChanges, unapprovedSpending, approvalThresholdSplitting, publishingInOrgName, selfModifyingConfiguration];
