// In-process cost of the packet path's JavaScript, no sockets: an SRTP packet from a browser
// is authenticated and decrypted, read, switched by a MediaCall in whisper (each packet to its
// listeners' slots), rewritten and encrypted again per listener. Reports µs per forwarded
// packet. The CPU of the whole node under load (kernel, werift, ICE) is `bench -- media`.
import { randomBytes } from "node:crypto";
import { computeRouting, type Party } from "../src/control/routing.ts";
import { CODECS } from "../src/media/codecs.ts";
import { type Leg, newSourceKey, type SlotOutput } from "../src/media/Leg.ts";
import { MediaCall } from "../src/media/MediaCall.ts";
import type { PeerSettings } from "../src/media/peerConfig.ts";
import { emptyView, readRtp } from "../src/media/rtpPacket.ts";
import { SlotRewriter } from "../src/media/SlotRewriter.ts";
import { SrtpReceiver, SrtpSender } from "../src/media/srtp.ts";

const keys = () => ({ key: randomBytes(16), salt: randomBytes(14), auth: randomBytes(20) });

export async function runForwardBench(packets = 90_000): Promise<object> {
  const call = new MediaCall("bench", "opus", { settings: {} as PeerSettings, onClose: () => {} });
  let sent = 0;
  const legs = (["customer", "agent", "coach"] as const).map((party: Party) => {
    const sender = new SrtpSender(keys());
    const output = (): SlotOutput => ({
      rewriter: new SlotRewriter(CODECS.opus),
      send: (h, payload) => {
        sender.protect(h, 111, 0x1234, payload);
        sent++;
      },
    });
    const leg: Leg = {
      id: party,
      party,
      kind: "webrtc",
      sourceKey: newSourceKey(),
      outputs: [output(), output()],
      closed: false,
      close: () => {},
    };
    call.attachLeg(leg);
    return leg;
  });
  call.setRouting(computeRouting({ callState: "in_progress", agentMuted: false, coachMode: "whisper" }));
  // Each party's microphone: SRTP packets made ahead, decrypted in place by the bench loop.
  const inbound = legs.map(() => {
    const k = keys();
    const sender = new SrtpSender(k);
    const receiver = new SrtpReceiver(k);
    const made: Buffer[] = [];
    for (let i = 0; i < packets / 3 + 1; i++) {
      made.push(
        sender.protect(
          { sequenceNumber: i & 0xffff, timestamp: i * 960, marker: false },
          111,
          0x5678,
          randomBytes(160),
        ),
      );
    }
    return { receiver, made };
  });
  const sink = call.packetSink;
  const view = emptyView();
  const run = (n: number, from: number): number => {
    const start = process.cpuUsage();
    const before = sent;
    for (let i = 0; i < n; i++) {
      const p = (from + i) % 3;
      const { receiver, made } = inbound[p];
      const packet = made[Math.floor((from + i) / 3)];
      const end = receiver.unprotect(packet);
      if (end < 0) throw new Error("bench: SRTP refused its own packet");
      const v = readRtp(packet.subarray(0, end), view);
      if (!v) throw new Error("bench: not RTP");
      sink(legs[p], v.ssrc, v.sequenceNumber, v.timestamp, packet.subarray(v.payloadOffset, v.payloadEnd));
    }
    const cpu = process.cpuUsage(start);
    return (cpu.user + cpu.system) / (sent - before);
  };
  const warm = Math.floor(packets / 4);
  run(warm, 0);
  const rounds: number[] = [];
  const per = Math.floor((packets - warm) / 5);
  for (let r = 0; r < 5; r++) rounds.push(run(per, warm + r * per));
  rounds.sort((a, b) => a - b);
  return {
    scenario:
      "one coached call in whisper, Opus-sized 172-byte packets: unprotect, read, switch, rewrite, protect",
    microsPerForwardedPacket: {
      median: +rounds[2].toFixed(2),
      min: +rounds[0].toFixed(2),
      max: +rounds[4].toFixed(2),
    },
  };
}
