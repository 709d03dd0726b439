import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CODECS } from "./codecs.ts";
import { readRtp, writeRtp } from "./rtpPacket.ts";
import { COMFORT_SILENCE_FRAMES, SlotRewriter } from "./SlotRewriter.ts";

const pcmu = CODECS.pcmu;

/** Binary fixture: V=2, X=1, CC=1, M=0, PT=0, seq, ts, ssrc, one CSRC, a one-word extension, payload. */
function fixture(seq: number, ts: number, ssrc: number, payload: number[]): Buffer {
  const header = Buffer.from([
    0x91,
    0x00,
    seq >> 8,
    seq & 0xff,
    ...u32(ts),
    ...u32(ssrc),
    ...u32(0xcafebabe), // CSRC
    0xbe,
    0xde,
    0x00,
    0x01,
    0x10,
    0xaa,
    0x00,
    0x00, // one-byte extension block, id 1
  ]);
  return Buffer.concat([header, Buffer.from(payload)]);
}

function u32(n: number): number[] {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Forwards one fixture through a slot, as the lean path does: bytes in, bytes out. */
function forward(slot: SlotRewriter, source: number, packet: Buffer, now: number): Buffer | null {
  const view = readRtp(packet);
  assert.ok(view, "fixture parses");
  const header = slot.next(source, view.ssrc, view.sequenceNumber, view.timestamp, now);
  if (!header) return null;
  const payload = packet.subarray(view.payloadOffset, view.payloadEnd);
  const out = Buffer.alloc(12 + payload.length);
  writeRtp(out, header, 0, 0x11223344, payload);
  return out;
}

describe("SlotRewriter", () => {
  it("strips extensions and CSRCs and rewrites sequence, timestamp, SSRC and marker", () => {
    const slot = new SlotRewriter(pcmu, 1000, 50_000);
    const out = forward(slot, 1, fixture(300, 9000, 0xabcdef01, [0xde, 0xad]), 0);
    assert.equal(
      out?.toString("hex"),
      // V=2 no X no CC, M=1 (first packet), seq 1001, ts 50000, ssrc 11223344, payload
      "808003e90000c3501122334" + "4dead",
    );
  });

  it("keeps one continuous stream across a source switch, with the marker on the first packet", () => {
    const slot = new SlotRewriter(pcmu, 65534, 0xffffff00);
    const seqs: number[] = [];
    const tss: number[] = [];
    const markers: boolean[] = [];
    const push = (packet: Buffer | null) => {
      assert.ok(packet);
      const v = readRtp(packet);
      assert.ok(v);
      seqs.push(v.sequenceNumber);
      tss.push(v.timestamp);
      markers.push(v.marker);
    };
    for (let i = 0; i < 3; i++) push(forward(slot, 1, fixture(100 + i, 8000 + 160 * i, 1, [i]), 20 * i));
    // Source B starts 60 ms after A's last packet, with unrelated numbers.
    for (let i = 0; i < 3; i++)
      push(forward(slot, 2, fixture(40_000 + i, 123 + 160 * i, 2, [i]), 100 + 20 * i));
    assert.deepEqual(seqs, [65535, 0, 1, 2, 3, 4]); // wraps, no gap, no repeat
    assert.deepEqual(
      tss.map((t) => (t - 0xffffff00) >>> 0),
      [0, 160, 320, 320 + 480, 320 + 480 + 160, 320 + 480 + 320], // elapsed wall clock (60 ms) in samples
    );
    assert.deepEqual(markers, [true, false, false, true, false, false]);
  });

  it("treats a new SSRC of the same source as a switch", () => {
    const slot = new SlotRewriter(pcmu, 10, 0);
    slot.next(1, 0xaaaa, 5, 5, 0);
    const h = slot.next(1, 0xbbbb, 9000, 77, 20);
    assert.ok(h);
    assert.equal(h.sequenceNumber, 12);
    assert.equal(h.timestamp, 160);
    assert.equal(h.marker, true);
  });

  it("drops a late packet from before the switch instead of repeating a sequence number", () => {
    const slot = new SlotRewriter(pcmu, 0, 0);
    slot.next(1, 1, 10, 0, 0);
    slot.next(2, 2, 500, 0, 20);
    assert.equal(slot.next(2, 2, 499, 0, 21), null);
    assert.equal(slot.next(2, 2, 501, 160, 40)?.sequenceNumber, 3);
  });

  it("forwards a source's stream for as long as it lasts (past half the sequence space, through wraps)", () => {
    const slot = new SlotRewriter(pcmu, 0, 0);
    const first = 60_000;
    for (let i = 0; i < 3 * 65536; i++) {
      const h = slot.next(1, 1, (first + i) & 0xffff, i * 160, i * 20);
      if (h === null || h.sequenceNumber !== (i + 1) % 65536)
        assert.fail(`packet ${i} of one source: ${h?.sequenceNumber}`);
    }
    // Still: a packet from before this source's first one (reordered around a switch) is dropped.
    slot.next(2, 2, 100, 0, 0);
    assert.equal(slot.next(2, 2, 99, 0, 0), null);
  });

  it("sends comfort silence after a cut, continuing the stream, then stops", () => {
    const slot = new SlotRewriter(pcmu, 100, 1000);
    slot.next(1, 1, 1, 1, 0);
    slot.cut();
    assert.equal(slot.pendingSilence, COMFORT_SILENCE_FRAMES);
    const frames = [];
    for (let i = 1; ; i++) {
      const h = slot.silence(20 * i);
      if (!h) break;
      frames.push({ ...h });
    }
    assert.equal(frames.length, COMFORT_SILENCE_FRAMES);
    assert.deepEqual(
      frames.map((f) => f.sequenceNumber),
      [102, 103, 104, 105, 106],
    );
    assert.deepEqual(
      frames.map((f) => f.timestamp - 1000),
      [160, 320, 480, 640, 800],
    );
    // The next source continues after the silence.
    const h = slot.next(3, 3, 9, 9, 120);
    assert.equal(h?.sequenceNumber, 107);
    assert.equal(h?.timestamp, 1000 + 960);
    assert.equal(h?.marker, true);
  });

  it("sends no silence for a slot that never carried audio, and a new source cancels pending silence", () => {
    const fresh = new SlotRewriter(pcmu);
    fresh.cut();
    assert.equal(fresh.pendingSilence, 0);
    const slot = new SlotRewriter(pcmu);
    slot.next(1, 1, 1, 1, 0);
    slot.cut();
    slot.next(2, 2, 1, 1, 20);
    assert.equal(slot.pendingSilence, 0);
  });

  it("uses the Opus clock and a silent Opus frame", () => {
    const slot = new SlotRewriter(CODECS.opus, 0, 0);
    slot.next(1, 1, 1, 0, 0);
    slot.cut();
    assert.equal(slot.silence(20)?.timestamp, 960);
    // A SILK-only silent frame (TOC config 1): see codecs.test.ts for why not a CELT one.
    assert.equal(CODECS.opus.silence[0] >> 3, 9);
    assert.ok(CODECS.pcmu.silence.every((b) => b === 0xff));
  });
});
