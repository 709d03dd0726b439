// Whose RTP a trunk leg takes (no RTP bleed): real UDP sockets on loopback, a sink that
// records what the leg passes on.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { afterEach, describe, it } from "node:test";
import { ManualClock } from "../../src/media/clock.ts";
import { mixUlaw } from "../../src/media/g711.ts";
import { RtpLeg, type RtpLegOptions } from "../../src/media/RtpLeg.ts";

const open: dgram.Socket[] = [];
async function socket(address = "127.0.0.1", track = true): Promise<dgram.Socket> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, address, r));
  if (track) open.push(s); // the leg closes its own
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

/** A PCMU packet whose payload is `marker` repeated (so the sink can tell senders apart). */
function packet(seq: number, marker: number): Buffer {
  const p = Buffer.alloc(12 + 160, marker);
  p[0] = 0x80;
  p[1] = 0;
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(seq * 160, 4);
  p.writeUInt32BE(0x1234, 8);
  return p;
}

async function legWith(opts: Partial<RtpLegOptions> & Pick<RtpLegOptions, "remote">) {
  const got: number[] = [];
  const foreign: string[] = [];
  const clock = new ManualClock();
  const leg = new RtpLeg({
    clock,
    party: "customer",
    socket: await socket("127.0.0.1", false),
    latchFrom: ["127.0.0.1"],
    payloadType: 0,
    sink: (_leg, _ssrc, _seq, _ts, payload) => got.push(payload[0]),
    onForeignSource: (s) => foreign.push(`${s.address}:${s.port}`),
    ...opts,
  });
  /** Sends one packet to the leg and waits until the leg has taken or dropped it. */
  const send = async (from: dgram.Socket, seq: number, marker: number): Promise<void> => {
    const before = got.length + leg.stats.foreignDropped;
    await new Promise<void>((r) => from.send(packet(seq, marker), leg.port, "127.0.0.1", () => r()));
    const deadline = Date.now() + 2000;
    while (got.length + leg.stats.foreignDropped === before) {
      if (Date.now() > deadline) assert.fail("the leg neither took nor dropped the packet");
      await new Promise((r) => setImmediate(r));
    }
  };
  return { leg, got, foreign, clock, send };
}

describe("RtpLeg source check", () => {
  it("takes the SDP's source; a source that sent first is dropped once the SDP's speaks", async () => {
    const phone = await socket();
    const injector = await socket();
    const { leg, got, foreign, send } = await legWith({
      remote: { address: "127.0.0.1", port: phone.address().port },
    });
    await send(injector, 1, 0xaa); // first, from an allowed address: latched for now
    await send(phone, 1, 0x11);
    for (let i = 2; i < 12; i++) await send(injector, i, 0xaa);
    await send(phone, 2, 0x11);
    assert.deepEqual(got, [0xaa, 0x11, 0x11], "after the SDP's source spoke, only it is heard");
    assert.equal(leg.stats.foreignDropped, 10);
    assert.deepEqual(foreign, [`127.0.0.1:${injector.address().port}`], "one log, not one per packet");
    assert.deepEqual(leg.remote, { address: "127.0.0.1", port: phone.address().port });
    leg.close("hangup");
  });

  it("latches once onto an allowed source (NAT), early; not onto others, not late", async () => {
    const natted = await socket();
    const other = await socket();
    const stranger = await socket("127.0.0.3");
    const { leg, got, send } = await legWith({
      remote: { address: "10.9.9.9", port: 4000 }, // the carrier's private address: never reached
      latchWindowMs: 100,
    });
    await send(stranger, 1, 0x33); // not an allowed address: never latched
    leg.answered();
    await send(natted, 1, 0x22);
    await send(other, 1, 0x44); // allowed address, but the latch happened
    await send(natted, 2, 0x22);
    assert.deepEqual(got, [0x22, 0x22]);
    assert.equal(leg.stats.foreignDropped, 2);
    assert.deepEqual(leg.remote, { address: "127.0.0.1", port: natted.address().port });
    leg.close("hangup");

    const late = await legWith({ remote: { address: "10.9.9.9", port: 4000 }, latchWindowMs: 50 });
    late.leg.answered();
    late.clock.advance(50);
    await late.send(natted, 1, 0x22); // at the window's end: still latched
    assert.deepEqual(late.got, [0x22]);
    late.leg.close("hangup");

    const later = await legWith({ remote: { address: "10.9.9.9", port: 4000 }, latchWindowMs: 50 });
    later.leg.answered();
    later.clock.advance(51);
    await later.send(natted, 1, 0x22); // past the window: no latch
    assert.deepEqual(later.got, []);
    assert.equal(later.leg.stats.foreignDropped, 1);
    later.leg.close("hangup");
  });
});

describe("RtpLeg packets", () => {
  it("drops malformed packets and RTCP without a word, and takes the next good one", async () => {
    const phone = await socket();
    const { leg, got, send } = await legWith({
      remote: { address: "127.0.0.1", port: phone.address().port },
    });
    const good = packet(1, 0x11);
    const csrcPastEnd = Buffer.from(good.subarray(0, 16));
    csrcPastEnd[0] = 0x8f; // 15 CSRCs in 16 bytes
    const extensionPastEnd = Buffer.from(good);
    extensionPastEnd[0] = 0x90;
    extensionPastEnd.writeUInt16BE(0xffff, 14);
    const badVersion = Buffer.from(good);
    badVersion[0] = 0x40;
    const rtcp = Buffer.from(good);
    rtcp[1] = 200; // a sender report
    for (const bad of [
      good.subarray(0, 11),
      csrcPastEnd,
      extensionPastEnd,
      badVersion,
      rtcp,
      Buffer.alloc(1600),
    ]) {
      await new Promise<void>((r) => phone.send(bad, leg.port, "127.0.0.1", () => r()));
    }
    await send(phone, 2, 0x22);
    assert.deepEqual(got, [0x22]);
    assert.equal(leg.stats.packetsIn, 1);
    leg.close("hangup");
  });

  it("mixes the two slots only while both carry audio (40 ms, on the leg's clock)", async () => {
    const phone = await socket();
    const heard: number[][] = [];
    phone.on("message", (m) => heard.push([m[1], m.length, m[12]]));
    const { leg, clock } = await legWith({ remote: { address: "127.0.0.1", port: phone.address().port } });
    const frame = (v: number) => Buffer.alloc(160, v);
    const header = { sequenceNumber: 0, timestamp: 0, marker: false };
    leg.outputs[0].send(header, frame(0xf0)); // slot 1 silent: as is
    clock.advance(20);
    leg.outputs[1].send(header, frame(0xf0)); // slot 0 spoke 20 ms ago: held for a mix
    clock.advance(1);
    leg.outputs[0].send(header, frame(0xf0)); // mixed with slot 1's
    clock.advance(40);
    leg.outputs[1].send(header, frame(0x80)); // slot 0 quiet for 40 ms: as is
    const deadline = Date.now() + 2000;
    while (heard.length < 3 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const mixed = mixUlaw(frame(0xf0), frame(0xf0))[0];
    assert.deepEqual(heard, [
      [0, 172, 0xf0],
      [0, 172, mixed],
      [0, 172, 0x80],
    ]);
    assert.notEqual(mixed, 0xf0);
    leg.close("hangup");
  });
});
