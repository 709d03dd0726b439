// Latency a coach feels, in real browsers through the real API: (b) whisper switch —
// PATCH mode=whisper → the agent's analyser detects the coach's tone; (c) coach join —
// POST …/coaching → the coach's browser hears the customer and the agent. Measured from
// this process (the analyser is polled every 5 ms in the page). A baseline in the same
// run: the same detection for a tone that is already present (the measuring overhead).
// Run alone: node --import tsx bench/latency.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { MediaPlane } from "../src/media/plane.ts";
import type { Call, CoachingSession } from "../src/protocol/resources.ts";
import { writeToneWav } from "../test/support/audio.ts";
import { BrowserParty, startSignalHarness } from "../test/support/browser.ts";
import { widgetCall } from "../test/support/calls.ts";
import { demoOrg, startServer } from "../test/support/server.ts";
import { summarize } from "./stats.ts";

const TONES = { customer: 440, agent: 1000, coach: 1700 } as const;
/** A short analyser window (512 samples ≈ 11 ms at 48 kHz) so the instrument adds little delay. */
const FFT = 512;

export async function runLatencyBench(switches = 20, joins = 10): Promise<object> {
  const dir = mkdtempSync(join(tmpdir(), "earshot-latency-"));
  const server = await startServer({ media: await MediaPlane.create({ host: "127.0.0.1" }) });
  const harness = await startSignalHarness();
  const parties: BrowserParty[] = [];
  try {
    const org = await demoOrg(server.url);
    const launch = async (p: keyof typeof TONES) => {
      const wav = join(dir, `${p}.wav`);
      writeToneWav(wav, TONES[p], 20);
      const b = await BrowserParty.launch(p, harness, wav);
      parties.push(b);
      return b;
    };
    const [customer, agent, coach] = await Promise.all([
      launch("customer"),
      launch("agent"),
      launch("coach"),
    ]);
    const ws = (q: string) => `${server.url.replace("http", "ws")}/api/v1/ws?${q}`;
    const { call, callToken } = await widgetCall(server.url, org.support);
    await org.ana.post(`/calls/${call.id}/answer`);
    await customer.joinViaApi(
      ws(`callToken=${encodeURIComponent(callToken)}`),
      call.id,
      "customer",
      "opus",
      FFT,
    );
    await agent.joinViaApi(ws(`token=${org.ana.token}`), call.id, "agent", "opus", FFT);

    await coach.moveTo(`${server.url}/api/v1/health`); // same origin as the API, like the web app
    const joinCoach = async (): Promise<{ ms: number; session: CoachingSession }> => {
      const t0 = performance.now();
      const session = await coach.coachJoin(
        `${server.url}/api/v1`,
        org.sofia.token as string,
        ws(`token=${org.sofia.token}`),
        call.id,
        FFT,
      );
      await Promise.all([coach.waitTone(0, TONES.customer, true), coach.waitTone(1, TONES.agent, true)]);
      return { ms: performance.now() - t0, session: session as CoachingSession };
    };
    // As the web app does: the Coach dialog prepares a standby leg (silent both ways), so Join
    // only creates the session and applies its routing.
    const joinPrepared = async (): Promise<{ ms: number; session: CoachingSession }> => {
      await coach.joinViaApi(ws(`token=${org.sofia.token}`), call.id, "coach", "opus", FFT);
      const t0 = performance.now();
      const r = await org.sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {});
      await Promise.all([coach.waitTone(0, TONES.customer, true), coach.waitTone(1, TONES.agent, true)]);
      return { ms: performance.now() - t0, session: r.body.session };
    };
    const joinMs: number[] = [];
    const coldJoinMs: number[] = [];
    let session: CoachingSession | undefined;
    for (let i = 0; i < joins * 2; i++) {
      const cold = i % 2 === 1;
      const j = cold ? await joinCoach() : await joinPrepared();
      (cold ? coldJoinMs : joinMs).push(j.ms);
      session = j.session;
      if (i < joins * 2 - 1) {
        await org.sofia.delete(`/coaching-sessions/${session.id}`);
        await coach.leave();
      }
    }
    if (!session) throw new Error("no session");

    const switchMs: number[] = [];
    const apiMs: number[] = [];
    const overhead: number[] = [];
    for (let i = 0; i < switches; i++) {
      await agent.waitTone(1, TONES.coach, false, 5000);
      const t0 = performance.now();
      const heard = agent.waitTone(1, TONES.coach, true, 5000);
      const patched = org.sofia
        .patch(`/coaching-sessions/${session.id}`, { mode: "whisper" })
        .then(() => apiMs.push(performance.now() - t0));
      await Promise.all([heard, patched]);
      switchMs.push(performance.now() - t0);
      const t1 = performance.now();
      await agent.waitTone(0, TONES.customer, true, 1000);
      overhead.push(performance.now() - t1);
      await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "listen" });
    }
    return {
      whisperSwitch: {
        measure: "PATCH mode=whisper sent → agent's analyser detects the coach's tone",
        latencyMs: summarize(switchMs),
        apiResponseMs: summarize(apiMs),
        note: "the server applies the routing before it answers the PATCH; the rest is the browser's jitter buffer, audio pipeline and analyser",
        baselineDetectionOverheadMs: summarize(overhead),
        goalP95Ms: 60,
      },
      coachJoin: {
        measure:
          "Coach clicks Join → hears customer and agent, with the standby leg the Coach dialog prepares (Join = POST …/coaching + routing)",
        latencyMs: summarize(joinMs),
        goalP95Ms: 300,
      },
      coachJoinCold: {
        measure:
          "the same without a prepared leg: POST …/coaching concurrent with getUserMedia and ICE gathering, then offer/answer, ICE checks, DTLS",
        latencyMs: summarize(coldJoinMs),
      },
    };
  } finally {
    await Promise.all(parties.map((p) => p.close()));
    await harness.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await runLatencyBench(), null, 2));
}
