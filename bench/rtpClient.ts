// Child process of bench/sip.ts: plays the SIP phones of N calls — each sends 50 PCMU
// packets/s to its RtpLeg and counts what comes back — so the parent's CPU is the
// bridge's alone. Sockets persist across runs (RtpLegs latch onto their source).
import dgram from "node:dgram";
import { everyFrame } from "../test/support/pace.ts";

interface Start {
  type: "start";
  targets: number[];
  durationMs: number;
}

const sockets: dgram.Socket[] = [];
let received = 0;
/** Continues across runs, as a phone's stream does (a restart would look like replays to SRTP peers). */
let seq = 0;

process.on("message", async (msg: Start) => {
  if (msg.type !== "start") return;
  while (sockets.length < msg.targets.length) {
    const s = dgram.createSocket("udp4");
    s.on("message", () => received++);
    await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
    sockets.push(s);
  }
  received = 0;
  const packet = Buffer.alloc(172, 0xff);
  packet[0] = 0x80;
  packet[1] = 0;
  let sent = 0;
  await everyFrame(msg.durationMs, () => {
    seq++;
    packet.writeUInt16BE(seq & 0xffff, 2);
    packet.writeUInt32BE((seq * 160) >>> 0, 4);
    for (let i = 0; i < msg.targets.length; i++) {
      packet.writeUInt32BE(i + 1, 8);
      sockets[i].send(packet, msg.targets[i], "127.0.0.1");
      sent++;
    }
  });
  await new Promise((r) => setTimeout(r, 500)); // the last packets' way back
  process.send?.({ type: "done", sent, received });
});
