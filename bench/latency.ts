// Latency a coach feels, in real browsers through the real API: (b) whisper switch —
// PATCH mode=whisper → the coach's tone reaches the agent's slot track (and, on top, the
// WebAudio analyser); (c) coach join — POST …/coaching → the coach's browser hears the
// customer and the agent. Measured from this process (the track frame by frame, the analyser
// polled every 5 ms in the page). A baseline in the same run: the same detection for a tone
// that is already present (the measuring overhead).
// Both with the coach's leg direct (host UDP) and relayed through a real coturn over TCP
// (iceTransportPolicy relay, credentials from /api/v1/ice-servers), in the same run.
// Each twice in the same run: the media plane in the main thread, then in one media worker
// (EARSHOT_MEDIA_WORKERS=1), with browsers and coturn of their own per plane.
// Run alone: node --import tsx bench/latency.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { createMedia } from "../src/media/nodeMedia.ts";
import type { CoachingSession } from "../src/protocol/resources.ts";
import { writeToneWav } from "../test/support/audio.ts";
import { BrowserParty } from "../test/support/browser.ts";
import type { SelectedPair } from "../test/support/browser-page.ts";
import { widgetCall } from "../test/support/calls.ts";
import { makeTestCert } from "../test/support/certs.ts";
import { demoOrg, startServer } from "../test/support/server.ts";
import { startSignalHarness } from "../test/support/signal-harness.ts";
import { startTurn } from "../test/support/turn.ts";
import { summarize } from "./stats.ts";

const TONES = { customer: 440, agent: 1000, coach: 1700 } as const;
/** A short analyser window (512 samples ≈ 11 ms at 48 kHz) so the instrument adds little delay. */
const FFT = 512;

export async function runLatencyBench(switches = 20, joins = 10): Promise<object> {
  const mainThread = await runPlane(0, switches, joins);
  const oneWorker = await runPlane(1, switches, joins);
  return {
    planes: { mainThread, oneWorker },
    note: "the same run, one plane after the other: the media plane in the main thread (EARSHOT_MEDIA_WORKERS=0), then in one worker thread (=1)",
  };
}

async function runPlane(workers: 0 | 1, switches: number, joins: number): Promise<object> {
  const dir = mkdtempSync(join(tmpdir(), "earshot-latency-"));
  const cert = makeTestCert({ ips: ["127.0.0.1"], dns: ["localhost"] });
  const turn = await startTurn({ secret: "bench-turn-secret", cert });
  const server = await startServer({
    media: await createMedia(workers, { hosts: ["127.0.0.1"] }),
    env: {
      EARSHOT_TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=tcp`,
      EARSHOT_TURN_SECRET: "bench-turn-secret",
    },
  });

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
    const direct = await measureCoach({
      call: call.id,
      server: server.url,
      org,
      coach,
      agent,
      switches,
      joins,
    });
    // The same coach through coturn over TCP only (an office that drops UDP): credentials from
    // the API, as the web app fetches them before each leg.
    const ice = await org.sofia.get<{ iceServers: RTCIceServer[] }>("/ice-servers");
    await coach.leave();
    await coach.setIce(ice.body.iceServers, "relay");
    const relayed = await measureCoach({
      call: call.id,
      server: server.url,
      org,
      coach,
      agent,
      switches,
      joins,
    });
    if (relayed.pair?.localType !== "relay" || relayed.pair.relayProtocol !== "tcp") {
      throw new Error(`the relayed coach's leg is not relayed over TCP: ${JSON.stringify(relayed.pair)}`);
    }
    return {
      whisperSwitch: {
        measure:
          "PATCH mode=whisper sent → the coach's tone is in the agent's slot track (what its <audio> element plays), found frame by frame (10 ms)",
        latencyMs: direct.trackMs,
        samplesMs: direct.samplesMs,
        goalP95Ms: 60,
        baselineDetectionOverheadMs: direct.trackOverhead,
        webAudioAnalyser: {
          measure:
            "the same switch seen by a WebAudio AnalyserNode (512 samples) on the slot: the AudioContext's own buffering (≈ 30–40 ms in Chromium) comes on top; the agent does not listen through it",
          latencyMs: direct.analyserMs,
          baselineDetectionOverheadMs: direct.analyserOverhead,
        },
        apiResponseMs: direct.apiMs,
        coachViaTurnTcp: {
          latencyMs: relayed.trackMs,
          samplesMs: relayed.samplesMs,
          coachPair: relayed.pair,
        },
        note: "the server applies the routing before the audit write and the response; the agent's coach slot starts with the coach's latest frame",
      },
      coachJoin: {
        measure:
          "Coach clicks Join → hears customer and agent, with the standby leg the Coach dialog prepares (Join = POST …/coaching + routing)",
        latencyMs: direct.joinMs,
        goalP95Ms: 300,
        coachPair: direct.pair,
        coachViaTurnTcp: { latencyMs: relayed.joinMs, coachPair: relayed.pair },
      },
      coachJoinCold: {
        measure:
          "the same without a prepared leg: POST …/coaching concurrent with getUserMedia and ICE gathering, then offer/answer, ICE checks, DTLS",
        latencyMs: direct.coldJoinMs,
        coachViaTurnTcp: {
          measure:
            "the same with the coach relayed: a TURN allocation over TCP comes on top, its relay candidate trickled",
          latencyMs: relayed.coldJoinMs,
        },
      },
    };
  } finally {
    await Promise.all(parties.map((p) => p.close()));
    await harness.close();
    await server.close();
    await turn.close();
    cert.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface CoachRun {
  call: string;
  server: string;
  org: Awaited<ReturnType<typeof demoOrg>>;
  coach: BrowserParty;
  agent: BrowserParty;
  switches: number;
  joins: number;
}

/** Coach joins (prepared and cold, alternating), then whisper switches, with the coach's current ICE. */
async function measureCoach({ call, server, org, coach, agent, switches, joins }: CoachRun) {
  const ws = (q: string) => `${server.replace("http", "ws")}/api/v1/ws?${q}`;
  const joinCoach = async (): Promise<{ ms: number; session: CoachingSession }> => {
    const t0 = performance.now();
    const session = await coach.coachJoin(
      `${server}/api/v1`,
      org.sofia.token as string,
      ws(`token=${org.sofia.token}`),
      call,
      FFT,
    );
    await Promise.all([coach.waitTone(0, TONES.customer, true), coach.waitTone(1, TONES.agent, true)]);
    return { ms: performance.now() - t0, session: session as CoachingSession };
  };
  // As the web app does: the Coach dialog prepares a standby leg (silent both ways), so Join
  // only creates the session and applies its routing.
  const joinPrepared = async (): Promise<{ ms: number; session: CoachingSession }> => {
    await coach.joinViaApi(ws(`token=${org.sofia.token}`), call, "coach", "opus", FFT);
    const t0 = performance.now();
    const r = await org.sofia.post<{ session: CoachingSession }>(`/calls/${call}/coaching`, {});
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
  const pair: SelectedPair | null = await coach.selectedPair();

  const trackMs: number[] = [];
  const analyserMs: number[] = [];
  const apiMs: number[] = [];
  const trackOverhead: number[] = [];
  const analyserOverhead: number[] = [];
  const since = (t0: number, into: number[]) => () => into.push(performance.now() - t0);
  // The track detector reports when the page read the frame (epoch ms, the same clock as ours).
  const sinceAt = (t0: number, into: number[]) => (at: number) =>
    into.push(at - (performance.timeOrigin + t0));
  for (let i = 0; i < switches; i++) {
    await Promise.all([
      agent.waitToneAtTrack(1, TONES.coach, false, 5000),
      agent.waitTone(1, TONES.coach, false, 5000),
    ]);
    const t0 = performance.now();
    // Each detector's time is its own; the coach's HTTP response (sent after the audit
    // write) is reported on its own and does not hold the switch.
    await Promise.all([
      agent.waitToneAtTrack(1, TONES.coach, true, 5000).then(sinceAt(t0, trackMs)),
      agent.waitTone(1, TONES.coach, true, 5000).then(since(t0, analyserMs)),
      org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "whisper" }).then(since(t0, apiMs)),
    ]);
    const t1 = performance.now();
    await agent.waitToneAtTrack(0, TONES.customer, true, 1000).then(sinceAt(t1, trackOverhead));
    const t2 = performance.now();
    await agent.waitTone(0, TONES.customer, true, 1000).then(since(t2, analyserOverhead));
    await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "listen" });
  }
  await org.sofia.delete(`/coaching-sessions/${session.id}`);
  return {
    pair,
    joinMs: summarize(joinMs),
    coldJoinMs: summarize(coldJoinMs),
    trackMs: summarize(trackMs),
    samplesMs: trackMs.map(Math.round),
    analyserMs: summarize(analyserMs),
    apiMs: summarize(apiMs),
    trackOverhead: summarize(trackOverhead),
    analyserOverhead: summarize(analyserOverhead),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await runLatencyBench(), null, 2));
}
