// The forwarding loop's stall while coaching starts are served (issue 16): a real server on
// the embedded PGlite with 1,000 live calls stored, 10 coached calls in whisper forwarding
// through its media plane (werift parties in a child process, pinned away where taskset
// allows), and POST …/coaching + DELETE as fast as one client sends them. With the plane in
// the main thread the forwarding loop is the one that runs the API and PGlite; with one media
// worker it is the worker's. Each is measured by the same sampler (media/loopDelay.ts: how
// late a 1 ms timer runs) first while the calls only forward (the baseline), then while the
// starts are served; the main thread's own delay is reported beside it.
// Run alone: node --import tsx bench/coachingStall.ts
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { computeRouting } from "../src/control/routing.ts";
import type { NodeMedia } from "../src/media/commands.ts";
import { LoopDelay, type LoopDelaySummary } from "../src/media/loopDelay.ts";
import { createMedia } from "../src/media/nodeMedia.ts";
import { WorkerPlane } from "../src/media/workers/WorkerPlane.ts";
import { demoOrg, startServer } from "../test/support/server.ts";
import { coachedParties, partiesCore } from "./parties.ts";
import { seedLiveCalls } from "./seed.ts";
import { summarize } from "./stats.ts";

const LIVE_CALLS = 1000;
const FORWARDING_CALLS = 10;
const BASELINE_MS = 3000;
const STARTS_MS = 6000;
const WHISPER = computeRouting({ callState: "in_progress", agentMuted: false, coachMode: "whisper" });
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** A window of the forwarding loop's delay: the worker's when there is one, else this thread's. */
async function forwardingLoop(media: NodeMedia, main: LoopDelay): Promise<() => Promise<LoopDelaySummary>> {
  if (media instanceof WorkerPlane) return media.workers[0].measureLoopDelay();
  const w = main.window();
  return async () => w.close();
}

async function runPlane(workers: 0 | 1, core: number | null) {
  const media = await createMedia(workers, { hosts: ["127.0.0.1"] });
  const server = await startServer({ media });
  const main = new LoopDelay();
  const parties = coachedParties(media, core);
  try {
    const org = await demoOrg(server.url);
    const callIds = await seedLiveCalls(server, org, LIVE_CALLS);
    parties.tell({ type: "add", calls: FORWARDING_CALLS });
    await parties.next("ready", 120_000);
    for (const callId of parties.opened) media.applyRouting(callId, WHISPER);
    parties.tell({ type: "send", ms: 1000 });
    await parties.next("sent", 30_000); // warmed up
    for (let i = 0; i < 20; i++) await org.admin.get("/health");
    parties.tell({ type: "send", ms: BASELINE_MS + STARTS_MS + 1000 });
    await sleep(500);

    let stop = await forwardingLoop(media, main);
    let mainWindow = main.window();
    await sleep(BASELINE_MS);
    const baseline = { forwardingLoop: await stop(), mainThread: mainWindow.close() };

    stop = await forwardingLoop(media, main);
    mainWindow = main.window();
    const latency: number[] = [];
    const end = performance.now() + STARTS_MS;
    for (let i = 0; performance.now() < end; i++) {
      const t = performance.now();
      const r = await org.admin.post<{ session: { id: string } }>(
        `/calls/${callIds[i % LIVE_CALLS]}/coaching`,
        {},
      );
      latency.push(performance.now() - t);
      if (r.status !== 201) throw new Error(`coaching start failed: ${JSON.stringify(r.body)}`);
      await org.admin.delete(`/coaching-sessions/${r.body.session.id}`);
    }
    const serving = { forwardingLoop: await stop(), mainThread: mainWindow.close() };
    const sent = await parties.next("sent", 30_000);
    return {
      plane: workers === 0 ? "main thread" : "1 media worker",
      coachingStarts: latency.length,
      coachingStartMs: summarize(latency),
      loopDelayMs: { forwardingOnly: baseline, servingCoachingStarts: serving },
      loss: Number(Math.max(0, 1 - sent.received / sent.expected).toFixed(4)),
    };
  } finally {
    parties.tell({ type: "exit" });
    main.stop();
    await server.close();
  }
}

export async function runCoachingStallBench(): Promise<object> {
  const core = partiesCore();
  const loadAverageAtStart = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  const planes = [];
  for (const workers of [0, 1] as const) {
    planes.push(await runPlane(workers, core));
    process.stderr.write(`bench coachingStall: ${JSON.stringify(planes.at(-1))}\n`);
  }
  return {
    bench: "coachingStall",
    scenario: `POST …/coaching then DELETE, back to back for ${STARTS_MS / 1000} s, on PGlite with ${LIVE_CALLS} live calls stored, while ${FORWARDING_CALLS} coached calls forward in whisper (baseline: the same ${BASELINE_MS / 1000} s before, forwarding only)`,
    loadAverageAtStart,
    partiesPinnedToCore: core,
    goal: "the forwarding loop's p99 under 1 ms while coaching starts are served",
    planes,
    note: "loopDelayMs: how late a 1 ms timer ran (media/loopDelay.ts), ms beyond the asked interval; Node's timers count whole ms, so an idle loop already reads up to ≈ 1 ms. The forwarding loop is the main thread's with the plane in process, the worker's with one worker",
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await runCoachingStallBench(), null, 2));
  process.exit(0);
}
