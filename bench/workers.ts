// The media plane in the main thread (EARSHOT_MEDIA_WORKERS=0) against 1 and 2 worker threads,
// in one run: N coached calls in whisper whose parties are werift peer connections in a child
// process (test/support/mediaClient.ts, pinned to the last core with taskset where it exists),
// their legs attached through the NodeMedia the app uses (media/nodeMedia.ts). Per level: µs of
// this process's CPU (main thread and workers) per forwarded packet, loss, the parties' own CPU,
// and the main thread's event-loop delay (perf_hooks.monitorEventLoopDelay) while the calls'
// legs are set up (ICE, DTLS: what a coaching start costs) and while they forward. The bare
// dgram relay of the same traffic (udpFloor.ts) is measured beside them.
// Run alone: node --import tsx bench/workers.ts [levels, e.g. 10,30]
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { computeRouting } from "../src/control/routing.ts";
import type { NodeMedia } from "../src/media/commands.ts";
import { createMedia } from "../src/media/nodeMedia.ts";
import { MediaPlane } from "../src/media/plane.ts";
import { WorkerPlane } from "../src/media/workers/WorkerPlane.ts";
import { coachedParties, partiesCore } from "./parties.ts";
import { runUdpFloor } from "./udpFloor.ts";

const WHISPER = computeRouting({ callState: "in_progress", agentMuted: false, coachMode: "whisper" });
const MAX_LOSS = 0.005;

/** A child's user + system CPU in µs (/proc: clock ticks of 10 ms). */
function childCpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Packets forwarded by the plane's calls (a worker's figure is its last heartbeat's, ≤ 250 ms old). */
function forwarded(media: NodeMedia): number {
  if (media instanceof WorkerPlane) return media.workers.reduce((n, w) => n + w.load.packetsOut, 0);
  if (media instanceof MediaPlane) return [...media.node.calls()].reduce((n, c) => n + c.stats.packetsOut, 0);
  throw new Error("bench: an unknown media plane");
}

/** The event-loop delay's sampling timer; its interval is taken off each figure (the stall). */
const RESOLUTION_MS = 5;
const ms = (ns: number) => Number(Math.max(0, ns / 1e6 - RESOLUTION_MS).toFixed(1));
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

async function runPlane(workers: number, levels: number[], durationMs: number, core: number | null) {
  const media = await createMedia(workers, { hosts: ["127.0.0.1"] });
  const { child: client, opened, tell, next } = coachedParties(media, core);
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const results = [];
  try {
    for (const n of levels) {
      const t = performance.now();
      delay.reset();
      delay.enable();
      tell({ type: "add", calls: n - opened.size });
      await next("ready", 120_000);
      delay.disable();
      const setup = { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) };
      const setupSeconds = Number(((performance.now() - t) / 1000).toFixed(1));
      for (const callId of opened) media.applyRouting(callId, WHISPER);
      tell({ type: "send", ms: 1000 });
      await next("sent", 30_000);
      tell({ type: "send", ms: durationMs });
      await sleep(300); // a heartbeat after the start, so the workers' counters are fresh
      delay.reset();
      delay.enable();
      const cpu0 = process.cpuUsage();
      const parties0 = childCpuMicros(client.pid ?? 0);
      const out0 = forwarded(media);
      const t0 = performance.now();
      await sleep(durationMs - 600);
      const out = forwarded(media) - out0;
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const parties = childCpuMicros(client.pid ?? 0) - parties0;
      delay.disable();
      const report = await next("sent", 30_000);
      const micros = cpu.user + cpu.system;
      const level = {
        calls: n,
        forwardedPerSecond: Math.round(out / seconds),
        cpuMicrosPerForwarded: Number((micros / Math.max(1, out)).toFixed(1)),
        cpuPercentOfOneCore: Number(((micros / 1e6 / seconds) * 100).toFixed(1)),
        partiesCpuPercentOfOneCore: Number(((parties / 1e6 / seconds) * 100).toFixed(1)),
        loss: Number(Math.max(0, 1 - report.received / report.expected).toFixed(4)),
        setupSeconds,
        mainLoopStallMs: {
          setup,
          forwarding: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
        },
      };
      results.push(level);
      process.stderr.write(`bench workers (${workers}): ${JSON.stringify(level)}\n`);
      if (level.loss >= MAX_LOSS) break;
    }
  } finally {
    tell({ type: "exit" });
    await media.close();
  }
  const ok = results.filter((r) => r.loss < MAX_LOSS);
  return { workers, levels: results, maxLossFreeCalls: ok.length > 0 ? ok[ok.length - 1].calls : 0 };
}

export async function runWorkersBench(levels = [10, 25, 50, 100], durationMs = 3000): Promise<object> {
  const core = partiesCore();
  const uptime = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  const planes = [];
  for (const workers of [0, 1, 2]) planes.push(await runPlane(workers, levels, durationMs, core));
  const measured = Math.max(...planes.map((p) => p.levels.length));
  const floor = await runUdpFloor(levels.slice(0, measured), durationMs, false);
  return {
    bench: "workers",
    scenario:
      "N coached calls in whisper: 3 inputs, 5 outputs per call at 50 packets/s, Opus-sized packets; the plane in the main thread (0) and in 1 and 2 worker threads",
    cpus: cpus().length,
    loadAverageAtStart: uptime,
    partiesPinnedToCore: core,
    durationMs,
    planes,
    floor: {
      what: "the same traffic through a bare dgram relay in this process (bench/udpFloor.ts), its client unpinned",
      levels: floor,
    },
    note: "CPU is this process's: the main thread and its media workers together (Node 20 has no per-thread CPU time). Loss-free means < 0.5 % loss at the parties. mainLoopStallMs is the main thread's event-loop delay beyond its 5 ms sampling timer (perf_hooks.monitorEventLoopDelay): the stall the API and the signalling see",
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const levels = process.argv[2]?.split(",").map(Number);
  runWorkersBench(levels).then(
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
