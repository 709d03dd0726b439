// Password hashes: a hash verifies its own password only, and the dummy hash that a sign-in with
// an unknown email verifies against is made with the same parameters as every real one, so
// that it costs what a wrong password costs.
import assert from "node:assert/strict";
import { randomBytes, scryptSync } from "node:crypto";
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

  it("a stored hash is checked at the cost it names, so raising the cost never locks anyone out", async () => {
    // Made by node:crypto directly, at other costs than today's.
    const made = (N: number) => {
      const salt = randomBytes(16);
      const key = scryptSync("an older passphrase", salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 });
      return `scrypt$${N}$${salt.toString("base64")}$${key.toString("base64")}`;
    };
    for (const N of [1024, 2 ** 15]) {
      assert.equal(await verifyPassword("an older passphrase", made(N)), true, `N = ${N}`);
      assert.equal(await verifyPassword("another passphrase", made(N)), false, `N = ${N}`);
    }
  });

  it("a cost that is no power of two, or beyond 2^17, is no hash of ours: refused, never tried", async () => {
    const [, , salt, key] = (await hashPassword("x")).split("$");
    for (const N of ["1000", "512", String(2 ** 18), "99999999999", "", "16384.0"])
      assert.equal(await verifyPassword("x", `scrypt$${N}$${salt}$${key}`), false, `N = ${N}`);
  });

  it("makes a hash at a cost it is told, and refuses a cost that is no hash of ours", async () => {
    const cheap = await hashPassword("demo1234", 1024);
    assert.equal(cheap.split("$")[1], "1024");
    assert.equal(await verifyPassword("demo1234", cheap), true);
    assert.equal(await verifyPassword("demo12345", cheap), false);
    await assert.rejects(hashPassword("x", 1000), RangeError);
    await assert.rejects(hashPassword("x", 2 ** 18), RangeError);
  });
});
