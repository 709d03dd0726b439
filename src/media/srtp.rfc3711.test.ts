// Our SRTP against RFC 3711's own test vectors (Appendix B), and the one @noble/hashes internal
// srtp.ts relies on. The exchange with an independent implementation is srtp.test.ts.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { hmac } from "@noble/hashes/hmac.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { ProtectionProfileAes128CmHmacSha1_80, SrtpSession } from "werift";
import { SRTP_TAG_BYTES, SrtpReceiver, SrtpSender } from "./srtp.ts";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("SRTP: RFC 3711 Appendix B", () => {
  it("B.2: the AES-CM keystream of session key 2B7E…, salt F0F1…FD, SSRC 0, index 0", () => {
    const keys = {
      key: hex("2B7E151628AED2A6ABF7158809CF4F3C"),
      salt: hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"),
      auth: Buffer.alloc(20),
    };
    // Encrypting zeros gives the keystream itself: block n is AES(key, salt·2^16 XOR n).
    const blocks = 0xff02;
    const zeros = Buffer.alloc(blocks * 16);
    const packet = new SrtpSender(keys).protect(
      { sequenceNumber: 0, timestamp: 0, marker: false },
      0,
      0,
      zeros,
    );
    const keystream = packet.subarray(12, 12 + zeros.length);
    const block = (n: number) =>
      keystream
        .subarray(n * 16, (n + 1) * 16)
        .toString("hex")
        .toUpperCase();
    assert.equal(block(0x0000), "E03EAD0935C95E80E166B16DD92B4EB4");
    assert.equal(block(0x0001), "D23513162B02D0F72A43A2FE4A5F97AB");
    assert.equal(block(0x0002), "41E95B3BB0A2E8DD477901E4FCA894C0");
    assert.equal(block(0xfeff), "EC8CDF7398607CB0F2D21675EA9EA1E4");
    assert.equal(block(0xff00), "362B7C3C6773516318A077D7FC5073AE");
    assert.equal(block(0xff01), "6A2CC3787889374FBEB4C81B17BA6C44");
    // The short-payload path (keystream made 32 packets ahead) gives the same blocks.
    const short = new SrtpSender(keys).protect(
      { sequenceNumber: 0, timestamp: 0, marker: false },
      0,
      0,
      Buffer.alloc(48),
    );
    assert.equal(short.subarray(12, 60).toString("hex"), keystream.subarray(0, 48).toString("hex"));
  });

  it("B.3: the session keys our links use (werift's key derivation, srtpLink.ts) from master key E1F9…, salt 0EC6…", () => {
    const masterKey = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    const masterSalt = hex("0EC675AD498AFEEBB6960B3AABE6");
    const session = new SrtpSession({
      keys: {
        localMasterKey: masterKey,
        localMasterSalt: masterSalt,
        remoteMasterKey: masterKey,
        remoteMasterSalt: masterSalt,
      },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    });
    const c = session.localContext;
    assert.equal(c.srtpSessionKey.toString("hex").toUpperCase(), "C61E7A93744F39EE10734AFE3FF7A087");
    assert.equal(c.srtpSessionSalt.toString("hex").toUpperCase(), "30CBBC08863D8C85D49DB34A9AE1");
    assert.equal(
      c.srtpSessionAuthTag.toString("hex").toUpperCase(),
      "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4",
    );
    // And a packet our sender protects with them has the HMAC-SHA1-80 tag RFC 3711 §4.2 defines.
    const keys = { key: c.srtpSessionKey, salt: c.srtpSessionSalt, auth: c.srtpSessionAuthTag };
    const packet = new SrtpSender(keys).protect(
      { sequenceNumber: 7, timestamp: 160, marker: false },
      0,
      0x12345678,
      Buffer.alloc(160, 0xff),
    );
    const end = packet.length - SRTP_TAG_BYTES;
    const expected = createHmac("sha1", keys.auth)
      .update(packet.subarray(0, end))
      .update(Buffer.alloc(4)) // the rollover counter, 0
      .digest()
      .subarray(0, SRTP_TAG_BYTES);
    assert.equal(packet.subarray(end).toString("hex"), expected.toString("hex"));
    assert.equal(new SrtpReceiver(keys).unprotect(packet), end);
  });
});

describe("@noble/hashes internals (pinned exactly in package.json)", () => {
  it("still clones a keyed HMAC state with _cloneInto, as srtp.ts's per-packet tag does", () => {
    const key = Buffer.alloc(20, 7);
    const keyed = hmac.create(sha1, key) as unknown as { _cloneInto?: (to?: unknown) => unknown };
    assert.equal(
      typeof keyed._cloneInto,
      "function",
      "@noble/hashes' HMAC has no _cloneInto any more: srtp.ts (Direction.tag) must change before this upgrade",
    );
    const clone = keyed._cloneInto?.() as { update(d: Uint8Array): { digest(): Uint8Array } };
    const digest = Buffer.from(clone.update(Buffer.from("abc")).digest()).toString("hex");
    assert.equal(digest, createHmac("sha1", key).update("abc").digest("hex"));
  });
});
