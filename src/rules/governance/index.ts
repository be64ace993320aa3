// Rules of this category; the catalogue in ../index.ts collects them.
import { agentActionsUnrecorded } from "./agent-actions-unrecorded.js";
import { controlWithoutEvidence } from "./control-without-evidence.js";
import { decisionAboutPeopleWithoutOversight } from "./decision-about-people-without-oversight.js";
import { noHumanReviewPath } from "./no-human-review-path.js";
import { noWayToStopAgent } from "./no-way-to-stop-agent.js";
import { reviewOverdue } from "./review-overdue.js";
import { unownedComponents } from "./unowned-components.js";
import { unreviewedInstructionChanges } from "./unreviewed-instruction-changes.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [unownedComponents, reviewOverdue, agentActionsUnrecorded, noHumanReviewPath, controlWithoutEvidence, noWayToStopAgent, unreviewedInstructionChanges, decisionAboutPeopleWithoutOversight];
