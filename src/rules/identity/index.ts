// Rules of this category; the catalogue in ../index.ts collects them.
import { confusedDeputyDataAccess } from "./confused-deputy-data-access.js";
import { credentialInAgentContext } from "./credential-in-agent-context.js";
import { crossEnvironmentIdentity } from "./cross-environment-identity.js";
import { humanUseOfIdentity } from "./human-use-of-identity.js";
import { overPrivilegedIdentity } from "./over-privileged-identity.js";
import { passwordAuthentication } from "./password-authentication.js";
import { privilegedActionsForAnyone } from "./privileged-actions-for-anyone.js";
import { secretFilledIntoChosenPage } from "./secret-filled-into-chosen-page.js";
import { secretInCodeOrConfig } from "./secret-in-code-or-config.js";
import { sharedIdentity } from "./shared-identity.js";
import { staleIdentity } from "./stale-identity.js";
import { staticCredentialInCi } from "./static-credential-in-ci.js";
import { thirdPartyHoldsCredential } from "./third-party-holds-credential.js";
import { unrotatedCredential } from "./unrotated-credential.js";
import type { Rule } from "../rule.js";

export const RULES: readonly Rule[] = [
  overPrivilegedIdentity,
  unrotatedCredential,
  secretInCodeOrConfig,
  sharedIdentity,
  crossEnvironmentIdentity,
  humanUseOfIdentity,
  staleIdentity,
  thirdPartyHoldsCredential,
  staticCredentialInCi,
  credentialInAgentContext,
  passwordAuthentication,
  confusedDeputyDataAccess,
  privilegedActionsForAnyone,
  secretFilledIntoChosenPage,
];
