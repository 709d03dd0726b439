// SIP trunk media benchmark: N calls bridged RTP ↔ RTP in PCMU through the media plane
// (each call: a customer RtpLeg and an agent RtpLeg, routed as a live call), the phones
// simulated by a child process. Reports µs of CPU per forwarded packet (this process's CPU
// time, not wall time) and the largest N with < 0.5 % loss on one core.
// Run alone: node --import tsx bench/sip.ts
import { fork } from "node:child_process";
import dgram from "node:dgram";
import { pathToFileURL } from "node:url";
import { computeRouting } from "../src/control/routing.ts";
import { MediaNode } from "../src/media/MediaNode.ts";
import { RtpLeg } from "../src/telephony/sip/RtpLeg.ts";

const LIVE = computeRouting({ callState: "in_progress", agentMuted: false, coachMode: null });

async function level(calls: number, durationMs: number) {
  const node = await MediaNode.create();
  const ports: number[] = [];
  for (let i = 0; i < calls; i++) {
    const call = node.openCall(`bench-${i}`, { codec: "pcmu" });
    for (const party of ["customer", "agent"] as const) {
      const socket = dgram.createSocket("udp4");
      await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
      const leg = new RtpLeg({
        party,
        socket,
        remote: { address: "0.0.0.0", port: 9 },
        payloadType: 0,
        sink: call.packetSink,
      });
      call.attachLeg(leg);
      ports.push(leg.port);
    }
    call.setRouting(LIVE);
  }
  const child = fork(new URL("./rtpClient.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  child.send({ type: "start", targets: ports, durationMs });
  const result = await new Promise<{ sent: number; received: number }>((resolve) =>
    child.once("message", resolve as never),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  child.kill();
  node.close();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    calls,
    packetsSent: result.sent,
    packetsForwarded: result.received,
    loss: Math.max(0, 1 - result.received / result.sent),
    cpuMicrosPerForwarded: Math.round(((cpuMs * 1000) / Math.max(1, result.received)) * 10) / 10,
    cpuPercentOfOneCore: Math.round((cpuMs / wallMs) * 100),
  };
}

export async function runSipBench(levels = [100, 200, 400, 600, 800], durationMs = 3000): Promise<object> {
  const results = [];
  let best = 0;
  for (const n of levels) {
    const r = await level(n, durationMs);
    results.push(r);
    if (r.loss < 0.005 && r.cpuPercentOfOneCore < 100) best = n;
    else break;
  }
  return {
    measure:
      "PCMU calls bridged RTP ↔ RTP through the media plane's forwarding switch (2 legs per call, 50 packets/s each way)",
    cpu: "process CPU time of the media process (process.cpuUsage), parties in a child process",
    levels: results,
    maxBridgedCallsUnderHalfPercentLossOneCore: best,
    goal: "at least Asterisk's 250–400 bridged G.711 calls per core",
    note: "each stream's first packet is dropped until the far party's address is learnt (symmetric RTP), hence a floor of about 0.3 % loss in a 3 s window; a trunk call bridged to a browser (WebRTC) pays the werift path instead (see the media bench)",
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await runSipBench(), null, 2));
}
