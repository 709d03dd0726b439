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
import { RtpLeg } from "../src/media/RtpLeg.ts";
import type { FromClient, ToClient } from "../test/support/mediaClient.ts";
import { projectedCallsPerCore } from "./stats.ts";

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
        latchFrom: ["127.0.0.1"], // the simulated parties
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

/** A SIP customer (RtpLeg) bridged to a browser agent (werift peer): the trunk's real path. */
async function bridgedToWebRtc(levels: number[], durationMs: number) {
  const node = await MediaNode.create();
  const browsers = fork(new URL("../test/support/mediaClient.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
  });
  const phones = fork(new URL("./rtpClient.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
  });
  const tell = (m: ToClient) => browsers.send(m);
  const once = <T>(child: typeof browsers, type: string) =>
    new Promise<T>((resolve, reject) => {
      const on = (m: { type: string; message?: string }) => {
        if (m.type === "failed") {
          child.off("message", on);
          reject(new Error(`bench: the simulated parties failed: ${m.message}`));
          return;
        }
        if (m.type !== type) return;
        child.off("message", on);
        resolve(m as T);
      };
      child.on("message", on);
    });
  browsers.on("message", (m: FromClient) => {
    if (m.type !== "offer") return;
    node
      .openCall(`bridge-${m.call}`, { codec: "pcmu" })
      .attachWebRtc(m.role, m.sdp)
      .then(({ answerSdp }) => tell({ type: "answer", id: m.id, sdp: answerSdp }));
  });
  const ports: number[] = [];
  const results = [];
  let best = 0;
  try {
    for (const n of levels) {
      const ready = once(browsers, "ready");
      tell({ type: "add", calls: n - ports.length, roles: ["agent"], codec: "pcmu" });
      await ready;
      for (let i = ports.length; i < n; i++) {
        const call = node.openCall(`bridge-${i}`, { codec: "pcmu" });
        const socket = dgram.createSocket("udp4");
        await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
        const leg = new RtpLeg({
          party: "customer",
          socket,
          remote: { address: "0.0.0.0", port: 9 },
          latchFrom: ["127.0.0.1"], // the simulated phones
          payloadType: 0,
          sink: call.packetSink,
        });
        call.attachLeg(leg);
        call.setRouting(LIVE);
        ports.push(leg.port);
      }
      // Warm-up (the legs learn their phones' addresses), then the measured window.
      for (const ms of [1000, durationMs]) {
        const browserDone = once<Extract<FromClient, { type: "sent" }>>(browsers, "sent");
        const phoneDone = once<{ sent: number; received: number }>(phones, "done");
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        tell({ type: "send", ms });
        phones.send({ type: "start", targets: ports, durationMs: ms });
        const [b, p] = await Promise.all([browserDone, phoneDone]);
        const cpu = process.cpuUsage(cpu0);
        const wallMs = performance.now() - t0;
        if (ms !== durationMs) continue;
        const sent = p.sent + b.sent.agent;
        const got = p.received + b.received;
        const r = {
          calls: n,
          loss: Number(Math.max(0, 1 - got / sent).toFixed(4)),
          cpuMicrosPerForwarded: Number(((cpu.user + cpu.system) / Math.max(1, got)).toFixed(1)),
          cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
        };
        results.push(r);
        if (r.loss < 0.005 && r.cpuPercentOfOneCore < 100) best = n;
      }
      if (best !== n) break;
    }
  } finally {
    tell({ type: "exit" });
    phones.kill();
    node.close();
  }
  return {
    levels: results,
    maxBridgedCallsUnderHalfPercentLossOneCore: best,
    projectedCallsPerCore: projectedCallsPerCore(results),
  };
}

export async function runSipBench(levels = [100, 200, 400, 600, 800], durationMs = 3000): Promise<object> {
  const toWebRtc = await bridgedToWebRtc([50, 100, 150, 200, 250, 300, 350, 400], durationMs);
  const results = [];
  let best = 0;
  for (const n of levels) {
    const r = await level(n, durationMs);
    results.push(r);
    if (r.loss < 0.005 && r.cpuPercentOfOneCore < 100) best = n;
    else break;
  }
  return {
    cpu: "process CPU time of the media process (process.cpuUsage), the parties in child processes",
    rtpToWebRtc: {
      measure:
        "PCMU calls bridged SIP phone (plain RTP) ↔ browser agent (WebRTC: werift ICE and DTLS, our SRTP path), 50 packets/s each way",
      ...toWebRtc,
    },
    rtpToRtp: {
      measure:
        "PCMU calls bridged RTP ↔ RTP through the forwarding switch (2 legs per call, 50 packets/s each way)",
      levels: results,
      maxBridgedCallsUnderHalfPercentLossOneCore: best,
      projectedCallsPerCore: projectedCallsPerCore(results),
    },
    goal: "at least Asterisk's 250–400 bridged G.711 calls per core",
    note: "each stream's first packets are dropped until the far party's address is learnt (symmetric RTP), a floor of about 0.3 % loss in the RTP ↔ RTP window",
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await runSipBench(), null, 2));
}
