// Password hashes: a hash verifies its own password only, and the dummy hash that a sign-in with
// an unknown email verifies against is made with the same parameters as every real one, so
// that it costs what a wrong password costs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DUMMY_HASH, hashPassword, verifyPassword } from "./passwords.ts";

describe("password hashes", () => {
  it("verify their own password only, salted", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    assert.notEqual(a, b, "salted");
    assert.equal(await verifyPassword("correct horse battery", a), true);
    assert.equal(await verifyPassword("correct horse batterz", a), false);
    assert.equal(await verifyPassword("anything", "plain$text"), false);
  });

  it("the dummy hash has the real ones' scheme and parameters, and matches no password tried", async () => {
    const real = await hashPassword("x");
    const fields = (h: string) => h.split("$").map((f, i) => (i < 2 ? f : Buffer.from(f, "base64").length));
    assert.deepEqual(fields(DUMMY_HASH), fields(real));
    assert.equal(await verifyPassword("", DUMMY_HASH), false);
    assert.equal(await verifyPassword("demo1234", DUMMY_HASH), false);
  });
});
