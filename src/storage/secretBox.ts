// Secrets at rest (SPEC §7): webhook signing secrets are stored sealed with AES-256-GCM under
// a key derived from EARSHOT_SECRET (HKDF-SHA256), so a copy of the database (a backup, a
// dump) does not hand out the means to forge deliveries. The webhook's id is the associated
// data: a sealed secret moved onto another row does not open.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const PREFIX = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Whether a stored value is sealed (plaintext secrets from before this were base64url). */
export const isSealed = (stored: string): boolean => stored.startsWith(PREFIX);

export class SecretBox {
  readonly #key: Buffer;

  constructor(serverSecret: string) {
    this.#key = Buffer.from(hkdfSync("sha256", serverSecret, "earshot", "webhook-secrets v1", 32));
  }

  seal(plain: string, rowId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv).setAAD(Buffer.from(rowId));
    const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64url");
  }

  /** Throws when the value is not sealed, or not by this key for this row. */
  open(stored: string, rowId: string): string {
    if (!isSealed(stored)) throw new Error("the stored webhook secret is not sealed");
    const raw = Buffer.from(stored.slice(PREFIX.length), "base64url");
    const iv = raw.subarray(0, IV_BYTES);
    const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv("aes-256-gcm", this.#key, iv).setAAD(Buffer.from(rowId));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        "utf8",
      );
    } catch {
      throw new Error(
        "a webhook secret does not open with the key from EARSHOT_SECRET: was EARSHOT_SECRET changed?",
      );
    }
  }
}
