// Password hashing with scrypt (node:crypto): salted, constant-time comparison.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const KEYLEN = 32;
const PARAMS = { N: 16384, r: 8, p: 1 };

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, PARAMS, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * A hash no account has, for a sign-in with an unknown email to verify against, so that it costs
 * what a wrong password costs. Made once with PARAMS (its plaintext is irrelevant: an unknown
 * email is refused whatever matches) and kept here, so no server start pays a hash for it.
 */
export const DUMMY_HASH =
  "scrypt$16384$WO4nupB8wid5QTgTUG3ljQ==$jFw1Ybe+0uC9bAXJcSabJ1Vn8cI5SQ4bWy8uUZ3Dw7k=";

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt);
  return `scrypt$${PARAMS.N}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, , salt64, key64] = stored.split("$");
  if (scheme !== "scrypt" || !salt64 || !key64) return false;
  const expected = Buffer.from(key64, "base64");
  const key = await derive(password, Buffer.from(salt64, "base64"));
  return key.length === expected.length && timingSafeEqual(key, expected);
}
