// Media-plane benchmark: N coached calls in whisper, the parties simulated by werift
// peer connections in a child process, so this process's CPU is the media node's
// alone. Reports forwarded packets/s, µs of CPU per forwarded packet, loss, and the
// largest N with < 0.5 % loss. Run alone: node --import tsx bench/media.ts
import { fork } from "node:child_process";
import { pathToFileURL } from "node:url";
import { computeRouting } from "../src/control/routing.ts";
import type { MediaCall } from "../src/media/MediaCall.ts";
import { MediaNode } from "../src/media/MediaNode.ts";
import { partiesOf } from "./parties.ts";
import { projectedCallsPerCore } from "./stats.ts";
import { runUdpFloor } from "./udpFloor.ts";

export interface MediaBenchOptions {
  /** Numbers of concurrent coached calls to try, in increasing order. */
  levels?: number[];
  /** Measured window per level. */
  durationMs?: number;
  /** Stop at the first level at or above this loss (fraction). */
  maxLoss?: number;
}

interface LevelResult {
  calls: number;
  forwardedPerSecond: number;
  cpuMicrosPerForwarded: number;
  /** Of which in the kernel (UDP sends and receives; on loopback the receiver's side too). */
  systemMicrosPerForwarded: number;
  cpuPercentOfOneCore: number;
  /** The same legs connected but silent. */
  idleCpuPercentOfOneCore: number;
  loss: number;
  setupSeconds: number;
}

const WHISPER = computeRouting({ callState: "in_progress", agentMuted: false, coachMode: "whisper" });

export async function runMediaBench(options: MediaBenchOptions = {}): Promise<object> {
  const levels = options.levels ?? [10, 25, 50, 75, 100, 150, 200];
  const durationMs = options.durationMs ?? 4000;
  const maxLoss = options.maxLoss ?? 0.005;
  const node = await MediaNode.create();
  const client = fork(new URL("../test/support/mediaClient.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const calls: MediaCall[] = [];
  const { tell, next } = partiesOf(client, (m) => {
    const call = node.openCall(`bench-${m.call}`, { codec: "opus" });
    if (!calls.includes(call)) calls.push(call);
    call.attachWebRtc(m.role, m.sdp).then(
      ({ answerSdp }) => tell({ type: "answer", id: m.id, sdp: answerSdp }),
      (error) => console.error("bench: attach failed", error),
    );
  });
  const forwarded = () => calls.reduce((n, c) => n + c.stats.packetsOut, 0);

  const results: LevelResult[] = [];
  try {
    for (const n of levels) {
      const setupStart = performance.now();
      tell({ type: "add", calls: n - calls.length });
      await next("ready", 300_000);
      const setupSeconds = (performance.now() - setupStart) / 1000;
      for (const call of calls) call.setRouting(WHISPER);
      // What the connected legs cost with no audio (ICE consent checks, timers).
      await new Promise((r) => setTimeout(r, 500));
      const idle0 = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 2000));
      const idle = process.cpuUsage(idle0);
      const idlePercent = Number((((idle.user + idle.system) / 1e6 / 2) * 100).toFixed(1));
      // Warm up, then measure a window of steady forwarding.
      tell({ type: "send", ms: 1000 });
      await next("sent", 30_000);
      tell({ type: "send", ms: durationMs });
      const cpu0 = process.cpuUsage();
      const out0 = forwarded();
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, durationMs));
      const cpu = process.cpuUsage(cpu0);
      const out = forwarded() - out0;
      const seconds = (performance.now() - t0) / 1000;
      const report = await next("sent", 30_000);
      const cpuMicros = cpu.user + cpu.system;
      const result: LevelResult = {
        calls: n,
        forwardedPerSecond: Math.round(out / seconds),
        cpuMicrosPerForwarded: Number((cpuMicros / Math.max(1, out)).toFixed(1)),
        systemMicrosPerForwarded: Number((cpu.system / Math.max(1, out)).toFixed(1)),
        cpuPercentOfOneCore: Number(((cpuMicros / 1e6 / seconds) * 100).toFixed(1)),
        idleCpuPercentOfOneCore: idlePercent,
        loss: Number(Math.max(0, 1 - report.received / report.expected).toFixed(4)),
        setupSeconds: Number(setupSeconds.toFixed(1)),
      };
      results.push(result);
      process.stderr.write(`bench media: ${JSON.stringify(result)}\n`);
      if (result.loss >= maxLoss || result.cpuPercentOfOneCore > 97) break;
    }
  } finally {
    tell({ type: "exit" });
    node.close();
  }
  const ok = results.filter((r) => r.loss < maxLoss);
  // The same traffic through a bare dgram relay, then one that also does SRTP, at the levels
  // measured above (the floor: see udpFloor.ts).
  const measured = results.map((r) => r.calls);
  const floor = async (srtp: boolean) => {
    const levels = await runUdpFloor(measured, durationMs, srtp);
    const byCalls = new Map(levels.map((f) => [f.calls, f]));
    return {
      levels,
      projectedCallsPerCore: projectedCallsPerCore(levels, maxLoss),
      earshotMicrosAboveIt: results.map((r) => ({
        calls: r.calls,
        micros: Number(
          (r.cpuMicrosPerForwarded - (byCalls.get(r.calls)?.cpuMicrosPerForwarded ?? 0)).toFixed(1),
        ),
      })),
    };
  };
  return {
    bench: "media",
    path: "lean SRTP path: werift for ICE and DTLS, SRTP on our own buffers (src/media/srtpLink.ts)",
    scenario:
      "N coached calls in whisper: 3 inputs, 5 outputs per call at 50 packets/s, Opus-sized 172-byte packets",
    durationMs,
    levels: results,
    maxCallsUnderHalfPercentLoss: ok.length > 0 ? ok[ok.length - 1].calls : 0,
    projectedCallsPerCore: projectedCallsPerCore(results, maxLoss),
    floor: {
      what: "the same traffic through a bare dgram relay in this process (bench/udpFloor.ts): no SRTP, ICE or rewriting; then with our SRTP (decrypt once, encrypt per listener), which WebRTC makes mandatory",
      udp: await floor(false),
      udpAndSrtp: await floor(true),
    },
    note: "parties simulated by werift peer connections (SRTP through the same lean path) in a child process; CPU is the media node process only. On a 2-core machine the simulated parties and the kernel's loopback delivery share the cores, so loss can appear before the media process is busy: projectedCallsPerCore extrapolates from the busiest loss-free level",
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const levels = process.argv[2]?.split(",").map(Number);
  runMediaBench(levels ? { levels } : {}).then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
