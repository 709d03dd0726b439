// Whose RTP a trunk leg takes (no RTP bleed): real UDP sockets on loopback, a sink that
// records what the leg passes on.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { afterEach, describe, it } from "node:test";
import { RtpLeg, type RtpLegOptions } from "./RtpLeg.ts";

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
  const leg = new RtpLeg({
    party: "customer",
    socket: await socket("127.0.0.1", false),
    latchFrom: ["127.0.0.1"],
    payloadType: 0,
    sink: (_leg, _ssrc, _seq, _ts, payload) => got.push(payload[0]),
    onForeignSource: (s) => foreign.push(`${s.address}:${s.port}`),
    ...opts,
  });
  return { leg, got, foreign };
}

const settle = () => new Promise((r) => setTimeout(r, 50));
const send = (from: dgram.Socket, to: number, seq: number, marker: number) =>
  new Promise<void>((r) => from.send(packet(seq, marker), to, "127.0.0.1", () => r()));

describe("RtpLeg source check", () => {
  it("takes the SDP's source; a source that sent first is dropped once the SDP's speaks", async () => {
    const phone = await socket();
    const injector = await socket();
    const { leg, got, foreign } = await legWith({
      remote: { address: "127.0.0.1", port: phone.address().port },
    });
    await send(injector, leg.port, 1, 0xaa); // first, from an allowed address: latched for now
    await settle();
    await send(phone, leg.port, 1, 0x11);
    await settle();
    for (let i = 2; i < 12; i++) await send(injector, leg.port, i, 0xaa);
    await send(phone, leg.port, 2, 0x11);
    await settle();
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
    const { leg, got } = await legWith({
      remote: { address: "10.9.9.9", port: 4000 }, // the carrier's private address: never reached
      latchWindowMs: 100,
    });
    await send(stranger, leg.port, 1, 0x33); // not an allowed address: never latched
    await settle();
    leg.answered();
    await send(natted, leg.port, 1, 0x22);
    await settle();
    await send(other, leg.port, 1, 0x44); // allowed address, but the latch happened
    await send(natted, leg.port, 2, 0x22);
    await settle();
    assert.deepEqual(got, [0x22, 0x22]);
    assert.equal(leg.stats.foreignDropped, 2);
    assert.deepEqual(leg.remote, { address: "127.0.0.1", port: natted.address().port });
    leg.close("hangup");

    const late = await legWith({ remote: { address: "10.9.9.9", port: 4000 }, latchWindowMs: 50 });
    late.leg.answered();
    await new Promise((r) => setTimeout(r, 120));
    await send(natted, late.leg.port, 1, 0x22); // past the window: no latch
    await settle();
    assert.deepEqual(late.got, []);
    assert.equal(late.leg.stats.foreignDropped, 1);
    late.leg.close("hangup");
  });
});
