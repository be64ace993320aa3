import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { didYouMean } from "../../src/model/diagnostics.js";
import { CONTROL_TYPES, CREDENTIAL_STORAGE, CREDENTIAL_TYPES, IDENTITY_TYPES } from "../../src/model/vocabulary.js";

describe("did you mean", () => {
  it("suggests the value that has all the parts written, short forms spelt out", () => {
    // By spelling alone these gave ci-secret (3 edits) and nothing at all.
    assert.equal(didYouMean("k8s-secret", CREDENTIAL_STORAGE), "kubernetes-secret");
    assert.equal(didYouMean("client-secret", CREDENTIAL_TYPES), "oauth-client-secret");
    assert.equal(didYouMean("refresh-token", CREDENTIAL_TYPES), "oauth-refresh-token");
    assert.equal(didYouMean("pat", IDENTITY_TYPES), "personal-access-token");
    assert.equal(didYouMean("approval", CONTROL_TYPES), "human-approval");
  });

  it("suggests nothing by parts when several values have them equally", () => {
    // ci-secret, kubernetes-secret and secret-manager all have "secret" and one part more.
    assert.equal(didYouMean("secret", CREDENTIAL_STORAGE), undefined);
  });

  it("still corrects typos by spelling, and keeps quiet when nothing is close", () => {
    assert.equal(didYouMean("implementd", ["implemented", "partial", "planned"]), "implemented");
    assert.equal(didYouMean("descripton", ["description", "name"]), "description");
    assert.equal(didYouMean("zebra", ["description", "name"]), undefined);
    assert.equal(didYouMean("anything", []), undefined);
  });
});
