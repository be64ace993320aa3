// Rules of this category; the catalogue in ../index.ts collects them.
import { htmlRendering } from "./html-rendering.js";
import { sentInOrganisationName } from "./sent-in-organisation-name.js";
import { steeredDecision } from "./steered-decision.js";
import { uncheckedConsequentialOutput } from "./unchecked-consequential-output.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [uncheckedConsequentialOutput, steeredDecision, htmlRendering, sentInOrganisationName];
