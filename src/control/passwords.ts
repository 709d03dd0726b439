// Password hashing with scrypt (node:crypto): salted, constant-time comparison.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const KEYLEN = 32;
const PARAMS = { N: 16384, r: 8, p: 1 };

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, PARAMS, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

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
