// Our SRTP against werift's (an independent implementation of the same RFC): what one
// encrypts the other must decrypt, across rollovers, long payloads, tampering and replays.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { ProtectionProfileAes128CmHmacSha1_80, RtpHeader, RtpPacket, SrtpSession } from "werift";
import { readRtp } from "./rtpPacket.ts";
import { SRTP_TAG_BYTES, SrtpReceiver, SrtpSender, type SrtpSessionKeys } from "./srtp.ts";

/** Two werift sessions facing each other, and the session keys of each direction. */
function pair() {
  const a = { key: randomBytes(16), salt: randomBytes(14) };
  const b = { key: randomBytes(16), salt: randomBytes(14) };
  const session = (local: typeof a, remote: typeof a) =>
    new SrtpSession({
      keys: {
        localMasterKey: local.key,
        localMasterSalt: local.salt,
        remoteMasterKey: remote.key,
        remoteMasterSalt: remote.salt,
      },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    });
  const ours = session(a, b); // our side: sends with a's keys, receives with b's
  const theirs = session(b, a);
  const keys = (context: typeof ours.localContext): SrtpSessionKeys => ({
    key: context.srtpSessionKey,
    salt: context.srtpSessionSalt,
    auth: context.srtpSessionAuthTag,
  });
  return { theirs, sendKeys: keys(ours.localContext), receiveKeys: keys(ours.remoteContext) };
}

const SSRC = 0x11223344;

function header(seq: number, ts: number, marker = false) {
  return { sequenceNumber: seq, timestamp: ts, marker };
}

describe("SRTP (AES_CM_128_HMAC_SHA1_80)", () => {
  it("encrypts what werift decrypts, through a sequence-number rollover", () => {
    const { theirs, sendKeys } = pair();
    const sender = new SrtpSender(sendKeys);
    for (let i = 0; i < 40; i++) {
      const seq = (65520 + i) & 0xffff; // wraps after 16 packets: the rollover counter becomes 1
      const payload = randomBytes(160);
      const packet = sender.protect(header(seq, i * 160, i === 0), 0, SSRC, payload);
      assert.equal(packet.length, 12 + 160 + SRTP_TAG_BYTES);
      const plain = RtpPacket.deSerialize(theirs.decrypt(packet));
      assert.equal(plain.header.sequenceNumber, seq);
      assert.equal(plain.header.timestamp, i * 160);
      assert.equal(plain.header.ssrc, SSRC);
      assert.equal(plain.header.marker, i === 0);
      assert.deepEqual(plain.payload, payload, `payload of packet ${i}`);
    }
  });

  it("decrypts what werift encrypts, including payloads longer than the keystream cache and late packets", () => {
    const { theirs, receiveKeys } = pair();
    const receiver = new SrtpReceiver(receiveKeys);
    const sizes = [20, 160, 191, 192, 193, 400, 1200];
    const packets = [];
    for (let i = 0; i < 80; i++) {
      const seq = (65500 + i) & 0xffff;
      const payload = randomBytes(sizes[i % sizes.length]);
      const h = new RtpHeader({ sequenceNumber: seq, timestamp: i * 960, payloadType: 111, ssrc: SSRC });
      packets.push({ seq, payload, srtp: theirs.encrypt(payload, h) });
    }
    // Deliver with two packets swapped around the rollover, as a network may.
    [packets[35], packets[36]] = [packets[36], packets[35]];
    for (const p of packets) {
      const end = receiver.unprotect(p.srtp);
      assert.ok(end > 0, `packet ${p.seq} accepted`);
      const view = readRtp(p.srtp.subarray(0, end));
      assert.ok(view);
      assert.equal(view.sequenceNumber, p.seq);
      assert.deepEqual(p.srtp.subarray(view.payloadOffset, view.payloadEnd), p.payload);
    }
  });

  it("refuses a tampered packet, a replay and a packet with a wrong key", () => {
    const { theirs, receiveKeys, sendKeys } = pair();
    const receiver = new SrtpReceiver(receiveKeys);
    const encrypt = (seq: number) =>
      theirs.encrypt(randomBytes(160), new RtpHeader({ sequenceNumber: seq, timestamp: seq, ssrc: SSRC }));

    const tampered = encrypt(1);
    tampered[40] ^= 1;
    assert.equal(receiver.unprotect(tampered), -1, "tampered payload");

    const good = encrypt(2);
    const copy = Buffer.from(good);
    assert.ok(receiver.unprotect(good) > 0, "first delivery");
    assert.equal(receiver.unprotect(copy), -1, "replay");
    for (let seq = 3; seq < 300; seq++) assert.ok(receiver.unprotect(encrypt(seq)) > 0, `packet ${seq}`);
    assert.equal(receiver.unprotect(encrypt(100)), -1, "too old for the replay window");

    const wrongKey = new SrtpSender(sendKeys).protect(header(400, 0), 0, SSRC, randomBytes(160));
    assert.equal(receiver.unprotect(wrongKey), -1, "encrypted with the other direction's key");
    assert.equal(receiver.unprotect(Buffer.alloc(15)), -1, "too short");
    // Forged packets under thousands of SSRCs: refused, and no state kept for them.
    for (let i = 0; i < 5000; i++) {
      const forged = Buffer.from(encrypt(500 + i));
      forged.writeUInt32BE(i + 1, 8);
      assert.equal(receiver.unprotect(forged), -1);
    }
    assert.equal(receiver.streams, 1);
    assert.ok(receiver.unprotect(encrypt(6000)) > 0, "the real stream still flows");
    assert.equal(receiver.unprotect(Buffer.from(randomBytes(60)).fill(0x00, 0, 1)), -1, "not RTP version 2");
  });

  it("keeps the payload of an in-place decryption byte-exact for packets with padding", () => {
    const { theirs, receiveKeys } = pair();
    const receiver = new SrtpReceiver(receiveKeys);
    const h = new RtpHeader({ sequenceNumber: 7, timestamp: 7, ssrc: SSRC, padding: true });
    const payload = randomBytes(100);
    const packet = theirs.encrypt(Buffer.concat([payload, Buffer.from([0, 0, 0, 4])]), h);
    const end = receiver.unprotect(packet);
    assert.ok(end > 0);
    const view = readRtp(packet.subarray(0, end));
    assert.ok(view);
    assert.deepEqual(packet.subarray(view.payloadOffset, view.payloadEnd), payload);
  });
});
