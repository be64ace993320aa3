// Rules of this category; the catalogue in ../index.ts collects them.
import type { Rule } from "../rule.js";
import { denialOfWallet } from "./denial-of-wallet.js";
import { unauthenticatedAgentInput } from "./unauthenticated-agent-input.js";
import { unauthenticatedControlPlane } from "./unauthenticated-control-plane.js";
import { unboundedConsumption } from "./unbounded-consumption.js";
import { unencryptedBoundaryCrossing } from "./unencrypted-boundary-crossing.js";

export const RULES: readonly Rule[] = [unauthenticatedControlPlane, unboundedConsumption, denialOfWallet, unencryptedBoundaryCrossing, unauthenticatedAgentInput];
