// Rules of this category; the catalogue in ../index.ts collects them.
import type { Rule } from "../rule.js";
import { classifierEvasion } from "./classifier-evasion.js";
import { contextExportedToThirdParty } from "./context-exported-to-third-party.js";
import { decisionBiasUntested } from "./decision-bias-untested.js";
import { modelExtraction } from "./model-extraction.js";
import { modelInversion } from "./model-inversion.js";
import { restrictedDataToProvider } from "./restricted-data-to-provider.js";
import { sensitiveSystemPrompt } from "./sensitive-system-prompt.js";
import { sensitiveTrainingData } from "./sensitive-training-data.js";
import { trainingDataPoisoning } from "./training-data-poisoning.js";
import { unpinnedModelVersion } from "./unpinned-model-version.js";
import { unsafeModelFormat } from "./unsafe-model-format.js";
import { unverifiedHubModel } from "./unverified-hub-model.js";
import { unverifiedWeightsFromWritableStore } from "./unverified-weights-from-writable-store.js";

export const RULES: readonly Rule[] = [
  sensitiveTrainingData,
  trainingDataPoisoning,
  modelInversion,
  modelExtraction,
  unsafeModelFormat,
  unverifiedHubModel,
  unverifiedWeightsFromWritableStore,
  unpinnedModelVersion,
  sensitiveSystemPrompt,
  restrictedDataToProvider,
  classifierEvasion,
  contextExportedToThirdParty,
  decisionBiasUntested,
];
