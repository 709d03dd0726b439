// Diagnostic (not part of npm run bench): where the whisper switch latency goes.
// Server: when the first coach packet after PATCH is sent to the agent's slot 1.
// Agent page: slot 1's analyser level and receiver getStats() sampled around the switch.
// Run: node --import tsx bench/whisper-diag.ts [switches]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { RTCRtpSender } from "werift";
import { CODECS } from "../src/media/codecs.ts";
import { MediaPlane } from "../src/media/plane.ts";
import { SlotRewriter } from "../src/media/SlotRewriter.ts";
import type { CoachingSession } from "../src/protocol/resources.ts";
import { writeToneWav } from "../test/support/audio.ts";
import { BrowserParty, startSignalHarness } from "../test/support/browser.ts";
import { widgetCall } from "../test/support/calls.ts";
import { demoOrg, startServer } from "../test/support/server.ts";
import { summarize } from "./stats.ts";

const TONES = { customer: 440, agent: 1000, coach: 1700 } as const;
const FFT = 512;
const SILK_SILENCE = CODECS.opus.silence;
/** The CELT silence frame used before 833b68e, for comparison (variant "celt"). */
const CELT_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
/** A narrowband SILK silence frame (variant "silknb"): more ±1 noise than the wideband one. */
const SILK_NB_SILENCE = Buffer.from([0x08, 0x08, 0xac, 0xb3, 0x0e, 0xc6]);
const now = () => performance.timeOrigin + performance.now();

const RECORDER = `
window.diag = { samples: [], events: [], running: false };
window.diagStart = (slot, hz, statsEveryMs) => {
  const d = window.diag; d.samples = []; d.events = []; d.running = true;
  const tr = leg.pc.getTransceivers()[1 + slot];
  const track = tr.receiver.track;
  if (!window.diagHooked) {
    window.diagHooked = true;
    track.addEventListener("mute", () => window.diag.events.push({ t: performance.timeOrigin + performance.now(), e: "mute" }));
    track.addEventListener("unmute", () => window.diag.events.push({ t: performance.timeOrigin + performance.now(), e: "unmute" }));
  }
  let lastStats = 0;
  const tick = async () => {
    if (!d.running) return;
    const t = performance.timeOrigin + performance.now();
    const s = { t, db: leg.levelAt(slot, hz), muted: track.muted, ctxT: leg.audioContext.currentTime };
    if (t - lastStats >= statsEveryMs) {
      lastStats = t;
      const st = await tr.receiver.getStats();
      st.forEach((r) => { if (r.type === "inbound-rtp") s.st = {
        pr: r.packetsReceived, last: r.lastPacketReceivedTimestamp, jbd: r.jitterBufferDelay, jbe: r.jitterBufferEmittedCount,
        jbt: r.jitterBufferTargetDelay, jbm: r.jitterBufferMinimumDelay, conc: r.concealedSamples, sconc: r.silentConcealedSamples, tsr: r.totalSamplesReceived,
        ins: r.insertedSamplesForDeceleration, rem: r.removedSamplesForAcceleration, lvl: r.audioLevel, en: r.totalAudioEnergy, cev: r.concealmentEvents,
      }; });
      s.tStats = performance.timeOrigin + performance.now();
    }
    d.samples.push(s);
    setTimeout(tick, 2);
  };
  tick();
};
window.diagStop = () => { window.diag.running = false; return window.diag; };
`;

async function main() {
  const switches = Number(process.argv[2] ?? 10);
  const dir = mkdtempSync(join(tmpdir(), "earshot-diag-"));
  const plane = await MediaPlane.create({ host: "127.0.0.1" });
  const server = await startServer({ media: plane });
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
    await coach.moveTo(`${server.url}/api/v1/health`);
    await coach.joinViaApi(ws(`token=${org.sofia.token}`), call.id, "coach", "opus", FFT);
    const r = await org.sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {});
    const session = r.body.session;
    await agent.page.addScriptTag({ content: RECORDER });
    if (process.env.DIAG_AGENT_SCRIPT)
      await agent.page.addScriptTag({ content: process.env.DIAG_AGENT_SCRIPT });

    // Server hook: the rewriter that emits a marker after PATCH is the agent's slot 1 (the only switch).
    const sends: Array<{ t: number; seq: number; ts: number; m: boolean }> = [];
    let recording = false;
    let target: SlotRewriter | null = null;
    let tApplied = Number.POSITIVE_INFINITY;
    const { MediaCall } = await import("../src/media/MediaCall.ts");
    const origSet = MediaCall.prototype.setRouting;
    MediaCall.prototype.setRouting = function (this: InstanceType<typeof MediaCall>, r) {
      origSet.call(this, r);
      if (recording) tApplied = now();
    };
    const origNext = SlotRewriter.prototype.next;
    SlotRewriter.prototype.next = function (this: SlotRewriter, ...args: Parameters<SlotRewriter["next"]>) {
      const h = origNext.apply(this, args);
      if (recording && h && ((h.marker && target === null) || this === target) && now() > tApplied) {
        target = this;
        sends.push({ t: now(), seq: h.sequenceNumber, ts: h.timestamp, m: h.marker });
      }
      return h;
    };

    const tocs = new Map<number, number>();
    const origSend = RTCRtpSender.prototype.sendRtp;
    RTCRtpSender.prototype.sendRtp = function (
      this: RTCRtpSender,
      rtp: Parameters<RTCRtpSender["sendRtp"]>[0],
    ) {
      const payload = (rtp as { payload?: Buffer }).payload;
      if (payload && payload.length > 0) tocs.set(payload[0] >> 3, (tocs.get(payload[0] >> 3) ?? 0) + 1);
      return origSend.call(this, rtp);
    };
    if (process.env.DIAG_NO_SILENCE) SlotRewriter.prototype.silence = () => null;
    const rows: object[] = [];
    const total: number[] = [];
    const variants = (process.env.DIAG_VARIANTS ?? "base").split(",");
    const byVariant = new Map<
      string,
      { total: number[]; browser: number[]; hold: number[]; tail: number[] }
    >();
    const apply = (v: string) => {
      (CODECS.opus as { silence: Buffer }).silence = v.includes("celt")
        ? CELT_SILENCE
        : v.includes("silknb")
          ? SILK_NB_SILENCE
          : SILK_SILENCE;
    };
    const gapMs = Number(process.env.DIAG_GAP_MS ?? 300);
    for (let i = 0; i < switches * variants.length; i++) {
      const variant = variants[i % variants.length];
      if (i === 0) apply(variant);
      const tCut = now();
      await agent.waitTone(1, TONES.coach, false, 5000);
      const tail = now() - tCut;
      await new Promise((res) => setTimeout(res, gapMs + Math.random() * 200));
      await agent.page.evaluate(() =>
        (window as never as { diagStart(s: number, h: number, e: number): void }).diagStart(1, 1700, 10),
      );
      await new Promise((res) => setTimeout(res, 60));
      sends.length = 0;
      tApplied = Number.POSITIVE_INFINITY;
      recording = true;
      const t0 = now();
      const heard = agent.waitTone(1, TONES.coach, true, 5000);
      let tApi = 0;
      const patched = org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "whisper" }).then(() => {
        tApi = now();
      });
      await Promise.all([heard, patched]);
      const tHeard = now();
      await new Promise((res) => setTimeout(res, 150));
      recording = false;
      const d = (await agent.page.evaluate(() =>
        (window as never as { diagStop(): unknown }).diagStop(),
      )) as {
        samples: Array<{
          t: number;
          db: number;
          muted: boolean;
          st?: Record<string, number>;
          tStats?: number;
        }>;
        events: Array<{ t: number; e: string }>;
      };
      const firstSend = sends[0];
      const detect = d.samples.find((s) => s.t > t0 && s.db > -45);
      const statsRows = d.samples
        .filter((s) => s.st)
        .map((s) => ({
          dt: +(s.t - t0).toFixed(1),
          db: +s.db.toFixed(1),
          ...s.st,
          last: s.st?.last ? +((s.st.last as number) - t0).toFixed(1) : null,
        }));
      // first stats row whose packetsReceived grew after t0
      const before = statsRows.filter((s) => s.dt <= 0).at(-1) as Record<string, number> | undefined;
      const firstPkt = statsRows.find((s) => before && (s as Record<string, number>).pr > before.pr) as
        | Record<string, number>
        | undefined;
      const firstEnergy = statsRows.find(
        (s) => before && (s as Record<string, number>).en > before.en + 1e-6,
      ) as Record<string, number> | undefined;
      const firstLevel = statsRows.find((s) => (s as Record<string, number>).lvl > 0.01) as
        | Record<string, number>
        | undefined;
      let firstRise: number | null = null;
      if (firstSend) {
        const after = d.samples.filter((s) => s.t > firstSend.t);
        for (let k = 1; k < after.length; k++)
          if (after[k].db > after[k - 1].db + 15) {
            firstRise = +(after[k].t - t0).toFixed(1);
            break;
          }
      }
      const row = {
        variant,
        browser: detect && firstSend ? +(detect.t - firstSend.t).toFixed(1) : null,
        firstRise,
        total: +(tHeard - t0).toFixed(1),
        api: +(tApi - t0).toFixed(1),
        firstSend: firstSend ? +(firstSend.t - t0).toFixed(1) : null,
        firstSendMarker: firstSend?.m,
        firstPktStatsAt: firstPkt?.dt ?? null,
        firstPktArrival: firstPkt?.last ?? null,
        firstEnergyAt: firstEnergy?.dt ?? null,
        firstLevelAt: firstLevel?.dt ?? null,
        analyserDetect: detect ? +(detect.t - t0).toFixed(1) : null,
        events: d.events.map((e) => `${e.e}@${(e.t - t0).toFixed(1)}`),
      };
      rows.push({
        row,
        statsRows,
        sends: sends.slice(0, 12).map((s) => ({ ...s, t: +(s.t - t0).toFixed(1) })),
      });
      total.push(tHeard - t0);
      const agg = byVariant.get(variant) ?? { total: [], browser: [], hold: [], tail: [] };
      byVariant.set(variant, agg);
      if (i >= variants.length) {
        agg.total.push(tHeard - t0);
        if (row.browser !== null) agg.browser.push(row.browser);
        if (firstRise !== null && firstSend) agg.hold.push(firstRise - (firstSend.t - t0));
        agg.tail.push(tail);
      }
      console.log(JSON.stringify(row));
      apply(variants[(i + 1) % variants.length]);
      await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "listen" });
    }
    writeFileSync(process.env.DIAG_OUT ?? "/tmp/whisper-diag.json", JSON.stringify(rows, null, 1));
    console.log(JSON.stringify({ total: summarize(total), tocConfigs: Object.fromEntries(tocs) }));
    for (const [v, a] of byVariant)
      console.log(
        v.padEnd(16),
        "total",
        JSON.stringify(summarize(a.total)),
        "\n  send→detect",
        JSON.stringify(summarize(a.browser)),
        "\n  send→firstRise",
        JSON.stringify(summarize(a.hold)),
        "\n  listen→absent(tail)",
        JSON.stringify(summarize(a.tail)),
      );
  } finally {
    await Promise.all(parties.map((p) => p.close()));
    await harness.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
