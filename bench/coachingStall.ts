// The forwarding loop's stall while coaching starts are served (issue 16): a real server on
// the embedded PGlite with 1,000 live calls stored, 10 coached calls in whisper forwarding
// through its media plane (werift parties in a child process, pinned away where taskset
// allows), and POST …/coaching + DELETE as fast as one client sends them. With the plane in
// the main thread the forwarding loop is the one that runs the API and PGlite; with one media
// worker it is the worker's. Each is measured by the same sampler (media/loopDelay.ts: how
// late a 1 ms timer runs) first while the calls only forward (the baseline), then while the
// starts are served; the main thread's own delay is reported beside it.
// Run alone: node --import tsx bench/coachingStall.ts
import { execFileSync } from "node:child_process";
import { pbkdf2 } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
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

const threads = () => new Set(readdirSync("/proc/self/task"));
/** Pins a thread of this process to `core` (-1: every core); one that ended meanwhile is let be. */
function pin(tid: string, core: number): void {
  try {
    const cores = core < 0 ? `0-${cpus().length - 1}` : String(core);
    execFileSync("taskset", ["-p", "-c", cores, tid], { stdio: "ignore" });
  } catch (error) {
    if (existsSync(`/proc/self/task/${tid}`)) throw error;
  }
}

/**
 * Gives the forwarding loop a core of its own, as a server with a core per worker has (the
 * default: cores − 1 workers): with the plane in process the whole process on core 0; with a
 * worker its thread alone on core 0, the rest of the process (the main thread, libuv's pool)
 * beside the parties on `partiesCore`. Without taskset or a second core, nothing is pinned.
 */
async function placedMedia(workers: 0 | 1, partiesCore: number | null): Promise<NodeMedia> {
  if (partiesCore === null) return createMedia(workers, { hosts: ["127.0.0.1"] });
  // libuv's pool starts on its first use: start it now, so that the worker's thread is the new one.
  await new Promise((done) => pbkdf2("", "", 1, 8, "sha256", done));
  const before = threads();
  const media = await createMedia(workers, { hosts: ["127.0.0.1"] });
  const now = threads();
  const added = [...now].filter((tid) => !before.has(tid));
  if (workers > 0 && added.length === 0) throw new Error("bench: the media worker's thread was not found");
  for (const tid of now) pin(tid, workers > 0 && before.has(tid) ? partiesCore : 0);
  process.stderr.write(`bench coachingStall: ${added.length} new thread(s) on core 0\n`);
  return media;
}

async function runPlane(workers: 0 | 1, core: number | null) {
  const media = await placedMedia(workers, core);
  const server = await startServer({ media });
  const main = new LoopDelay();
  const parties = coachedParties(media, core);
  try {
    const org = await demoOrg(server.url);
    const callIds = await seedLiveCalls(server, org, LIVE_CALLS);
    parties.tell({ type: "add", calls: FORWARDING_CALLS });
    await parties.next("ready", 120_000);
    for (const callId of parties.opened) media.applyRouting(callId, WHISPER);
    parties.tell({ type: "send", ms: 1000, spread: true });
    await parties.next("sent", 30_000); // warmed up
    for (let i = 0; i < 20; i++) await org.admin.get("/health");
    parties.tell({ type: "send", ms: BASELINE_MS + STARTS_MS + 1000, spread: true });
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
  try {
    for (const workers of [0, 1] as const) {
      planes.push(await runPlane(workers, core));
      process.stderr.write(`bench coachingStall: ${JSON.stringify(planes.at(-1))}\n`);
    }
  } finally {
    // The benches after this one in `npm run bench` run on every core again.
    if (core !== null) for (const tid of threads()) pin(tid, -1);
  }
  return {
    bench: "coachingStall",
    scenario: `POST …/coaching then DELETE, back to back for ${STARTS_MS / 1000} s, on PGlite with ${LIVE_CALLS} live calls stored, while ${FORWARDING_CALLS} coached calls forward in whisper (baseline: the same ${BASELINE_MS / 1000} s before, forwarding only)`,
    loadAverageAtStart,
    partiesPinnedToCore: core,
    forwardingLoopPinned:
      core === null
        ? "no (taskset or a second core missing)"
        : `to core 0 alone: in process the whole process; with a worker its thread, the main thread beside the parties on core ${core}`,
    partiesClocks:
      "each call's 20 ms clock has its own phase (spread over the 20 ms), as independent calls' do",
    goal: "the forwarding loop's p99 under 1 ms while coaching starts are served",
    planes,
    note: "loopDelayMs: how late a 1 ms timer ran (media/loopDelay.ts), ms beyond the asked interval; Node's timers count whole ms, so an idle loop already reads up to ≈ 1 ms. The forwarding loop is the main thread's with the plane in process, the worker's with one worker",
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await runCoachingStallBench(), null, 2));
  process.exit(0);
}
