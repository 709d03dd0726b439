// Password hashing with scrypt (node:crypto): salted, constant-time comparison.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const KEYLEN = 32;
/** What a new hash costs; a stored hash names its own cost (N), which its check uses. */
const PARAMS = { N: 16384, r: 8, p: 1 };
/** The highest cost a stored hash may name: 2^17 (OWASP's recommendation; 128 MiB at r = 8). */
const MAX_N = 2 ** 17;

function derive(password: string, salt: Buffer, N: number): Promise<Buffer> {
  // Node refuses more than 32 MiB unless told: a cost above 2^14 needs the room.
  const params = { ...PARAMS, N, maxmem: 256 * N * PARAMS.r };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, params, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** A stored hash's cost: a power of two from 2^10 to MAX_N, or null (no hash of ours). */
function storedCost(field: string | undefined): number | null {
  if (!field || !/^\d{4,6}$/.test(field)) return null;
  const n = Number(field);
  return n >= 1024 && n <= MAX_N && (n & (n - 1)) === 0 ? n : null;
}

/**
 * A hash no account has, for a sign-in with an unknown email to verify against, so that it costs
 * what a wrong password costs. Made once with PARAMS (its plaintext is irrelevant: an unknown
 * email is refused whatever matches) and kept here, so no server start pays a hash for it.
 */
export const DUMMY_HASH =
  "scrypt$16384$WO4nupB8wid5QTgTUG3ljQ==$jFw1Ybe+0uC9bAXJcSabJ1Vn8cI5SQ4bWy8uUZ3Dw7k=";

/** A new hash, at today's cost unless told (`N`, a power of two from 2^10 to 2^17). */
export async function hashPassword(password: string, N = PARAMS.N): Promise<string> {
  if (storedCost(String(N)) !== N) throw new RangeError(`no scrypt cost of ours: ${N}`);
  const salt = randomBytes(16);
  const key = await derive(password, salt, N);
  return `scrypt$${N}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, cost, salt64, key64] = stored.split("$");
  const N = storedCost(cost);
  if (scheme !== "scrypt" || N === null || !salt64 || !key64) return false;
  const expected = Buffer.from(key64, "base64");
  const key = await derive(password, Buffer.from(salt64, "base64"), N);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
