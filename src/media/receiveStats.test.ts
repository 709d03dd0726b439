// RFC 3550's receiver statistics (A.1 sequence validation, A.3 loss, A.8 jitter) on streams a
// test writes packet by packet: in order, with a gap, reordered, duplicated, across the
// sequence wrap, a source that restarts, and arrival times with and without jitter.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ReceiveStats } from "./receiveStats.ts";

const FRAME_MS = 20;
const PCMU = 8000;
const SAMPLES = 160;

/** Feeds packets `seqs[i]` (mod 2^16) with timestamps in step and arrivals `FRAME_MS` apart (plus `late(i)` ms). */
function feed(stats: ReceiveStats, seqs: number[], late: (i: number) => number = () => 0, first = seqs[0]) {
  seqs.forEach((seq, i) => {
    const n = seq - first; // the packet's place in the source's sequence
    stats.update(seq & 0xffff, (1000 + n * SAMPLES) >>> 0, 5000 + n * FRAME_MS + late(i));
  });
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe("ReceiveStats (RFC 3550 A.1, A.3, A.8)", () => {
  it("in order: nothing lost, the first packet only starts the probation (A.1)", () => {
    const s = new ReceiveStats(PCMU);
    feed(s, range(1000, 100));
    assert.equal(s.expected, 99);
    assert.equal(s.received, 99);
    assert.equal(s.cumulativeLost, 0);
    assert.equal(s.extendedMax, 1099);
    assert.deepEqual(s.sample(), { expected: 99, lost: 0, jitterMs: 0, received: 99 });
  });

  it("a gap of 10 packets is 10 lost, and the next interval starts from there", () => {
    const s = new ReceiveStats(PCMU);
    feed(s, [...range(0, 50), ...range(60, 40)]);
    assert.equal(s.expected, 99);
    assert.equal(s.cumulativeLost, 10);
    const first = s.sample();
    assert.equal(first.expected, 99);
    assert.equal(first.lost, 10);
    feed(s, range(100, 50), () => 0, 0);
    const second = s.sample();
    assert.equal(second.expected, 50);
    assert.equal(second.lost, 0);
  });

  it("reordered packets are not loss", () => {
    const s = new ReceiveStats(PCMU);
    const seqs = range(0, 100);
    for (let i = 10; i < 98; i += 4) [seqs[i], seqs[i + 1]] = [seqs[i + 1], seqs[i]];
    feed(s, seqs, () => 0, 0);
    assert.equal(s.extendedMax, 99);
    assert.equal(s.cumulativeLost, 0);
    assert.equal(s.sample().lost, 0);
  });

  it("duplicates count as received (A.3): cumulative loss goes negative, the interval's stays 0", () => {
    const s = new ReceiveStats(PCMU);
    const seqs = range(0, 100).flatMap((n) => (n % 10 === 5 ? [n, n] : [n]));
    feed(s, seqs, () => 0, 0);
    assert.equal(s.expected, 99);
    assert.equal(s.received, 109);
    assert.equal(s.cumulativeLost, -10);
    assert.equal(s.sample().lost, 0);
  });

  it("across the sequence wrap: cycles are counted, nothing is lost, a gap over the wrap is", () => {
    const s = new ReceiveStats(PCMU);
    feed(s, range(65_500, 100));
    assert.equal(s.extendedMax, 65_536 + 63);
    assert.equal(s.cumulativeLost, 0);
    const t = new ReceiveStats(PCMU);
    feed(
      t,
      range(65_500, 100).filter((n) => n < 65_530 || n > 65_540),
    );
    assert.equal(t.cumulativeLost, 11);
  });

  it("a source that restarts its sequence is followed after two packets, not counted as loss", () => {
    const s = new ReceiveStats(PCMU);
    feed(s, range(100, 50));
    feed(s, range(40_000, 20), () => 0, 40_000 - 50);
    // The first packet of the jump is dropped as a stray (A.1 bad_seq), the second restarts.
    assert.equal(s.extendedMax, 40_019);
    assert.equal(s.expected, 19);
    assert.equal(s.cumulativeLost, 0);
  });

  it("jitter is 0 for packets on time and converges to |D| for alternating lateness", () => {
    const s = new ReceiveStats(PCMU);
    feed(s, range(0, 50));
    assert.equal(s.jitter, 0);
    const t = new ReceiveStats(PCMU);
    // Every other packet 5 ms late: |D| = 5 ms = 40 timestamp units on each packet.
    feed(t, range(0, 400), (i) => (i % 2 ? 5 : 0));
    assert.ok(Math.abs(t.jitter - 40) <= 1, `jitter ${t.jitter} units`);
    assert.ok(Math.abs(t.jitterMs - 5) < 0.15, `jitter ${t.jitterMs} ms`);
  });

  it("jitter in timestamp units follows the codec's clock, in ms it does not", () => {
    const opus = new ReceiveStats(48_000);
    range(0, 400).forEach((n) => {
      opus.update(n, n * 960, 5000 + n * FRAME_MS + (n % 2 ? 5 : 0));
    });
    assert.ok(Math.abs(opus.jitter - 240) <= 2, `jitter ${opus.jitter} units`);
    assert.ok(Math.abs(opus.jitterMs - 5) < 0.15);
  });

  it("reset forgets the previous stream", () => {
    const s = new ReceiveStats(PCMU);
    feed(s, [...range(0, 50), ...range(60, 40)]);
    s.reset(2, 1234);
    feed(s, range(7, 20));
    assert.equal(s.cumulativeLost, 0);
    assert.equal(s.sourceKey, 2);
    assert.equal(s.ssrc, 1234);
  });
});
