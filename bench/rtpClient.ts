// Child process of bench/sip.ts: plays the phones of N bridged calls — each party sends
// 50 PCMU packets/s to its RtpLeg and counts what comes back — so the parent's CPU is the
// bridge's alone.
import dgram from "node:dgram";

interface Start {
  type: "start";
  targets: number[];
  durationMs: number;
}

process.on("message", async (msg: Start) => {
  if (msg.type !== "start") return;
  const sockets = await Promise.all(
    msg.targets.map(
      () =>
        new Promise<dgram.Socket>((resolve) => {
          const s = dgram.createSocket("udp4");
          s.bind(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  let received = 0;
  for (const s of sockets) s.on("message", () => received++);
  const packet = Buffer.alloc(172, 0xff);
  packet[0] = 0x80;
  packet[1] = 0;
  let sent = 0;
  let seq = 0;
  const start = Date.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.floor((Date.now() - start) / 20);
      while (seq < due) {
        seq++;
        packet.writeUInt16BE(seq & 0xffff, 2);
        packet.writeUInt32BE(seq * 160, 4);
        for (let i = 0; i < sockets.length; i++) {
          packet.writeUInt32BE(i + 1, 8);
          sockets[i].send(packet, msg.targets[i], "127.0.0.1");
          sent++;
        }
      }
      if (Date.now() - start < msg.durationMs) setTimeout(tick, 5);
      else setTimeout(resolve, 200);
    };
    tick();
  });
  for (const s of sockets) s.close();
  process.send?.({ type: "done", sent, received });
});
