import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { integrityValue, sensitivity } from "../../src/analysis/sensitivity.js";
import type { Data } from "../../src/model/schema.js";

const data = (classification: Data["classification"], flags: Data["flags"] = []): Data => ({ id: "d", classification, flags });

describe("data sensitivity (confidentiality) and integrity value", () => {
  it("follows the classification when no flag is set", () => {
    assert.deepEqual((["public", "internal", "confidential", "restricted"] as const).map((c) => sensitivity(data(c))), [1, 2, 3, 4]);
    assert.deepEqual((["public", "internal", "confidential", "restricted"] as const).map((c) => integrityValue(data(c))), [1, 2, 3, 4]);
  });

  it("raises internal data by its flags, for both", () => {
    assert.equal(sensitivity(data("internal", ["source-code"])), 3);
    assert.equal(sensitivity(data("internal", ["payment"])), 4);
    assert.equal(integrityValue(data("internal", ["personal"])), 3);
  });

  it("keeps published content public for disclosure, but not for alteration", () => {
    // Open-source code: telling it again costs nothing; changing it ships to everyone who builds it.
    assert.equal(sensitivity(data("public", ["source-code"])), 1);
    assert.equal(sensitivity(data("public", ["personal", "intellectual-property", "financial"])), 1);
    assert.equal(integrityValue(data("public", ["source-code"])), 3);
  });

  it("lets restricted flags raise even public data (more likely a slip than a fact)", () => {
    assert.equal(sensitivity(data("public", ["credentials"])), 4);
    assert.equal(sensitivity(data("public", ["source-code", "health"])), 4);
    assert.equal(integrityValue(data("public", ["payment"])), 4);
  });

  it("never lowers a classification, except the integrity of secrets alone", () => {
    assert.equal(sensitivity(data("restricted", ["source-code"])), 4);
    assert.equal(integrityValue(data("confidential", ["personal"])), 3);
    assert.equal(integrityValue(data("restricted")), 4);
  });

  it("counts altering secrets as altering confidential data: their worth is who may read them", () => {
    // The IDE reviewer's .env secrets: git operations that can rewrite them are not worth a critical.
    assert.equal(sensitivity(data("restricted", ["credentials"])), 4);
    assert.equal(integrityValue(data("restricted", ["credentials"])), 3);
    assert.equal(integrityValue(data("public", ["credentials"])), 3);
    // Altering bank details or health records is as bad as reading them, secrets or not beside them.
    assert.equal(integrityValue(data("restricted", ["credentials", "payment"])), 4);
    assert.equal(integrityValue(data("internal", ["credentials", "health"])), 4);
  });
});
