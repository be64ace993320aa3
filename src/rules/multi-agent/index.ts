// Rules of this category; the catalogue in ../index.ts collects them.
import { approvalRoutedBySteeredAgent } from "./approval-routed-by-steered-agent.js";
import { approverManipulation } from "./approver-manipulation.js";
import { cascadeWithoutCircuitBreaker } from "./cascade-without-circuit-breaker.js";
import { steeredAgentInstructsCapableAgent } from "./steered-agent-instructs-capable-agent.js";
import { unauthenticatedAgentMessages } from "./unauthenticated-agent-messages.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [unauthenticatedAgentMessages, steeredAgentInstructsCapableAgent, cascadeWithoutCircuitBreaker, approverManipulation, approvalRoutedBySteeredAgent];
