// The RTP toolkit on well-formed and malformed packets: every malformed one reads as null (or
// -1), never a throw, never a payload outside the packet.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  emptyView,
  isRtcp,
  RTP_HEADER_SIZE,
  readRtp,
  rtpHeaderLength,
  writeRtp,
  writeRtpHeader,
} from "./rtpPacket.ts";

const u32 = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

/** V=2, X=1, CC=1, M=1, PT=111, seq, ts, ssrc, one CSRC, a one-word extension, payload. */
function packet(payload: number[]): Buffer {
  return Buffer.from([
    0x91,
    0x80 | 111,
    0x12,
    0x34,
    ...u32(0xdeadbeef),
    ...u32(0x01020304),
    ...u32(0xcafebabe), // CSRC
    0xbe,
    0xde,
    0x00,
    0x01, // extension: profile 0xBEDE, one word
    0x10,
    0xaa,
    0x00,
    0x00,
    ...payload,
  ]);
}

describe("readRtp", () => {
  it("reads every header field, past CSRCs and an extension, before padding", () => {
    const p = Buffer.concat([packet([1, 2, 3]), Buffer.from([0, 0, 3])]);
    p[0] |= 0x20; // padding: the last byte counts 3 bytes
    const v = readRtp(p, emptyView());
    assert.ok(v);
    assert.deepEqual(
      { ...v },
      {
        payloadType: 111,
        marker: true,
        sequenceNumber: 0x1234,
        timestamp: 0xdeadbeef,
        ssrc: 0x01020304,
        payloadOffset: 24,
        payloadEnd: 27,
      },
    );
    assert.equal(rtpHeaderLength(p), 24);
  });

  it("reads within `end` (the SRTP tag after it is not payload), into the caller's view", () => {
    const p = Buffer.concat([packet([1, 2, 3]), Buffer.alloc(10, 0xee)]);
    const view = emptyView();
    assert.equal(readRtp(p, view, p.length - 10), view);
    assert.equal(view.payloadEnd, 27);
  });

  const malformed: Array<[string, Buffer]> = [
    ["empty", Buffer.alloc(0)],
    ["shorter than a header", packet([]).subarray(0, 11)],
    ["version 0", Object.assign(packet([1]), { 0: 0x11 })],
    ["version 1", Object.assign(packet([1]), { 0: 0x51 })],
    ["version 3", Object.assign(packet([1]), { 0: 0xd1 })],
    ["CSRC count past the end", Object.assign(packet([]).subarray(0, 16), { 0: 0x8f })],
    ["extension header cut off", packet([]).subarray(0, 18)],
    ["extension length past the end", Object.assign(packet([1, 2]), { 18: 0xff, 19: 0xff })],
    ["padding longer than the payload", Object.assign(packet([1, 2, 200]), { 0: 0xb1 })],
    ["padding longer than the packet", Object.assign(packet([255]), { 0: 0xb1 })],
    ["text", Buffer.from("not an rtp packet at all")],
  ];
  for (const [name, bytes] of malformed) {
    it(`rejects a packet: ${name}`, () => {
      assert.equal(readRtp(bytes, emptyView()), null);
      if (name.startsWith("padding")) return; // the header itself is fine
      assert.equal(rtpHeaderLength(bytes), -1);
    });
  }

  it("never throws nor reads outside the packet, whatever the bytes", () => {
    const view = emptyView();
    let seed = 1;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let n = 0; n < 20_000; n++) {
      const bytes = Buffer.from(Array.from({ length: n % 64 }, random));
      if (n % 2 === 0 && bytes.length > 0) bytes[0] = (bytes[0] & 0x3f) | 0x80; // version 2, often
      const v = readRtp(bytes, view);
      if (v)
        assert.ok(
          RTP_HEADER_SIZE <= v.payloadOffset &&
            v.payloadOffset <= v.payloadEnd &&
            v.payloadEnd <= bytes.length,
        );
    }
  });

  it("tells RTCP (RFC 5761: packet types 192–223) from RTP on a muxed port", () => {
    const rtcp = Buffer.from([0x80, 200, 0, 6]); // a sender report
    assert.equal(isRtcp(rtcp), true);
    assert.equal(isRtcp(Buffer.from([0x80, 0x80 | 111])), false); // Opus with the marker: 239
    assert.equal(isRtcp(Buffer.from([0x80, 0])), false);
  });
});

describe("writeRtp", () => {
  it("writes a 12-byte header and the payload, that readRtp reads back", () => {
    const out = Buffer.alloc(15);
    const fields = { sequenceNumber: 65535, timestamp: 0xfffffff0, marker: true };
    assert.equal(writeRtp(out, fields, 8, 0x89abcdef, Buffer.from([7, 8, 9])), 15);
    assert.equal(out.toString("hex"), "8088ffff" + "fffffff0" + "89abcdef" + "070809");
    const v = readRtp(out, emptyView());
    assert.ok(v);
    assert.equal(v.payloadOffset, 12);
    writeRtpHeader(out, { ...fields, marker: false }, 0, 1);
    assert.equal(out.subarray(0, 2).toString("hex"), "8000");
  });
});
