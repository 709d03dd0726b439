// Call tokens let a web-widget customer (who has no account) reach their own call, and
// nothing else: an HMAC of the call id under the server secret.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export class CallTokens {
  private readonly key: Buffer;

  constructor(secret: string | undefined) {
    this.key = secret ? Buffer.from(secret) : randomBytes(32);
  }

  issue(callId: string): string {
    return `${callId}.${createHmac("sha256", this.key).update(callId).digest("base64url")}`;
  }

  /** The call id the token grants, or null. */
  verify(token: string | undefined): string | null {
    if (!token) return null;
    const dot = token.lastIndexOf(".");
    if (dot <= 0) return null;
    const callId = token.slice(0, dot);
    const expected = Buffer.from(this.issue(callId));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given) ? callId : null;
  }
}
