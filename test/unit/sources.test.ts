// The server-side sources sound like what they claim: decoded and analysed in Node.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { linearToUlaw, ulawToLinear } from "../../src/media/g711.ts";
import { SyntheticLeg } from "../../src/media/SyntheticLeg.ts";
import {
  encodeOpus,
  encodeOpusInTurns,
  FrameLoop,
  HOLD_MUSIC_NOTES,
  holdMusicPcm,
  holdMusicUlaw,
  synthesize,
  toneUlaw,
  voiceUlaw,
} from "../../src/media/sources.ts";
import { strongestOf, toneLevelDb } from "../support/audio.ts";

const decode = (ulaw: Buffer) => Array.from(ulaw, (b) => ulawToLinear(b) / 32768);

describe("media sources", () => {
  it("µ-law round-trips within G.711's quantisation", () => {
    for (const x of [0, 1, -1, 100, -100, 1000, -1000, 12345, -12345, 32000, -32000]) {
      const y = ulawToLinear(linearToUlaw(x));
      assert.ok(Math.abs(y - x) <= Math.max(8, Math.abs(x) * 0.07), `${x} → ${y}`);
    }
  });

  it("a tone source carries its frequency and nothing of the test tones' others", () => {
    const samples = decode(synthesize("tone:440"));
    assert.equal(strongestOf(samples, [440, 1000, 1700], 8000), 440);
    assert.ok(toneLevelDb(samples, 440, 8000) - toneLevelDb(samples, 1700, 8000) > 40);
    assert.deepEqual(toneUlaw(1000).length, 8000);
    assert.throws(() => synthesize("tone:99999" as never), RangeError);
  });

  it("hold music plays its notes, in µ-law and in Opus", () => {
    const music = holdMusicUlaw();
    const note = music.length / HOLD_MUSIC_NOTES.length;
    HOLD_MUSIC_NOTES.forEach((freq, i) => {
      const samples = decode(music.subarray(i * note, (i + 1) * note));
      assert.equal(strongestOf(samples, [...new Set(HOLD_MUSIC_NOTES), 440, 1000, 1700], 8000), freq);
    });
    const opus = encodeOpus(holdMusicPcm(48_000)); // what Opus calls on hold play
    assert.ok(opus && opus.length === 120, "2.4 s of 20 ms Opus packets");
    assert.ok(opus.every((p) => p.length > 0 && p.length < 400));
  });

  it("the demo caller's voice is a small 8 kHz recording that loops in 20 ms frames", () => {
    const voice = voiceUlaw();
    assert.ok(voice.length > 8000 * 5 && voice.length <= 150 * 1024);
    const loop = new FrameLoop(Buffer.from([1, 2, 3]));
    assert.deepEqual([...loop.next().subarray(0, 5)], [1, 2, 3, 1, 2]);
    const speech = decode(voice.subarray(0, 8000 * 3));
    const rms = Math.sqrt(speech.reduce((a, x) => a + x * x, 0) / speech.length);
    assert.ok(rms > 0.01, `speech is audible (rms ${rms})`);
  });

  it("a synthetic party in an Opus call plays its source as Opus (decoded: the same tone)", () => {
    const OpusScript = createRequire(import.meta.url)("opusscript") as typeof import("opusscript");
    const decoder = new OpusScript(48_000, 1);
    try {
      const leg = new SyntheticLeg("coach", "tone:440", "opus");
      const payloads: Buffer[] = [];
      const stamps: number[] = [];
      for (let i = 0; i < 50; i++)
        leg.tick((_leg, _ssrc, _seq, ts, payload) => {
          stamps.push(ts);
          payloads.push(payload);
        });
      assert.equal(payloads.length, 50);
      assert.ok(
        stamps.slice(1).every((ts, i) => (ts - stamps[i]) >>> 0 === 960),
        "20 ms at 48 kHz per packet",
      );
      const pcm: number[] = [];
      for (const p of payloads.slice(5)) {
        const out = decoder.decode(p);
        const samples = new Int16Array(out.buffer, out.byteOffset, out.length / 2);
        for (const x of samples) pcm.push(x / 32768);
      }
      assert.equal(strongestOf(pcm, [440, 1000, 1700], 48_000), 440);
      assert.ok(toneLevelDb(pcm, 440, 48_000) > -30, "audible");
    } finally {
      decoder.delete();
    }
  });

  it("encodes in turns the same Opus packets, letting the event loop run in between", async () => {
    const pcm = holdMusicPcm(48_000);
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const inTurns = await encodeOpusInTurns(pcm, 10);
    clearInterval(ticker);
    assert.deepEqual(inTurns, encodeOpus(pcm));
    assert.ok(turns > 0, "other work ran while it encoded");
  });
});
