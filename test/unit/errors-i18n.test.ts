// Server refusals in the user's language (web/app/src/shared/i18n.errors.ts): every code of the
// registry has an English and a Spanish sentence, and a validation failure reads as a sentence
// about its field. The dictionaries are Record<ErrorCode, string>, so tsc already refuses a
// missing code; this also refuses an empty or untranslated one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ERRORS } from "../../src/protocol/errors.ts";
import { ApiFailure } from "../../web/app/src/shared/api.ts";
import { errorsEn, errorsEs, errorText, fieldSentence } from "../../web/app/src/shared/i18n.errors.ts";

describe("error translations", () => {
  it("every registered code has a sentence in English and a different one in Spanish", () => {
    for (const code of Object.keys(ERRORS)) {
      const en = (errorsEn as Record<string, string>)[code];
      const es = (errorsEs as Record<string, string>)[code];
      assert.ok(en?.trim(), `no English sentence for ${code}`);
      assert.ok(es?.trim(), `no Spanish sentence for ${code}`);
      assert.notEqual(es, en, `${code} is not translated`);
    }
    assert.deepEqual(Object.keys(errorsEn).sort(), Object.keys(ERRORS).sort(), "no stale English code");
    assert.deepEqual(Object.keys(errorsEs).sort(), Object.keys(ERRORS).sort(), "no stale Spanish code");
  });

  it("a refusal is shown by its code, not by the server's English message", () => {
    const refusal = new ApiFailure(409, "coach_busy", "You are already coaching another call.");
    assert.equal(errorText("es", refusal), "Ya estás supervisando otra llamada.");
    assert.equal(errorText("es", "call_not_live"), errorsEs.call_not_live);
    // Not a server refusal (a network failure): its own message.
    assert.equal(errorText("es", new Error("Failed to fetch")), "Failed to fetch");
  });

  it("a validation failure is one sentence about its field", () => {
    const tooShort = new ApiFailure(
      400,
      "validation_failed",
      "body/email must NOT have fewer than 3 characters",
      {
        field: "email",
        rule: "minLength",
        limit: 3,
      },
    );
    assert.equal(errorText("en", tooShort), "Email needs at least 3 characters.");
    assert.equal(errorText("es", tooShort), "«Correo electrónico» necesita al menos 3 caracteres.");
    assert.equal(
      fieldSentence("es", { field: "to", rule: "pattern" }),
      "«Número» no tiene un formato válido.",
    );
    assert.equal(
      fieldSentence("es", { field: "tag", rule: "required" }),
      "El campo «Etiqueta» es obligatorio.",
    );
  });
});
