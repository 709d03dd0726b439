import assert from "node:assert/strict";
import { describe, it } from "node:test";
import OpusScript from "opusscript";
import { CODECS } from "./codecs.ts";

const FRAME = 960;

function toneFrames(encoder: OpusScript, count: number): Buffer[] {
  const frames: Buffer[] = [];
  for (let f = 0; f < count; f++) {
    const pcm = Buffer.alloc(FRAME * 2);
    for (let i = 0; i < FRAME; i++) {
      const n = f * FRAME + i;
      pcm.writeInt16LE(Math.round(13_000 * Math.sin((2 * Math.PI * 1700 * n) / 48_000)), i * 2);
    }
    frames.push(Buffer.from(encoder.encode(pcm, FRAME)));
  }
  return frames;
}

function rmsDb(pcm: Buffer): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i += 2) sum += pcm.readInt16LE(i) ** 2;
  return 20 * Math.log10(Math.sqrt(sum / (pcm.length / 2)) / 32768 || 1e-12);
}

function nonZero(pcm: Buffer): number {
  let n = 0;
  for (let i = 0; i < pcm.length; i += 2) if (pcm.readInt16LE(i) !== 0) n++;
  return n;
}

function peak(pcm: Buffer): number {
  let max = 0;
  for (let i = 0; i < pcm.length; i += 2) max = Math.max(max, Math.abs(pcm.readInt16LE(i)));
  return max;
}

describe("Opus comfort silence", () => {
  it("decodes to digital silence, and a CELT stream resumes after it as loud as from a fresh decoder", () => {
    const encoder = new OpusScript(48_000, 1, OpusScript.Application.AUDIO);
    encoder.encoderCTL(11002, 1002); // OPUS_SET_FORCE_MODE: CELT only, as Chromium sends a tone
    const frames = toneFrames(encoder, 10);
    encoder.delete();
    assert.equal(frames[5][0] >> 3, 31, "CELT-only full-band 20 ms frames");

    const decoder = new OpusScript(48_000, 1);
    const fresh = new OpusScript(48_000, 1);
    try {
      for (const f of frames.slice(0, 5)) decoder.decode(f);
      // The first frame carries the end of the previous frame's overlap; then (nearly) nothing.
      decoder.decode(CODECS.opus.silence);
      for (let i = 0; i < 4; i++) {
        const pcm = decoder.decode(CODECS.opus.silence);
        assert.ok(peak(pcm) <= 1);
        assert.ok(nonZero(pcm) <= 16, `${nonZero(pcm)} non-zero samples`);
      }
      const resumed = rmsDb(decoder.decode(frames[5]));
      const fromFresh = rmsDb(fresh.decode(frames[5]));
      assert.ok(
        resumed > fromFresh - 3,
        `first frame after the silence at ${resumed.toFixed(1)} dBFS, a fresh decoder's at ${fromFresh.toFixed(1)}`,
      );
    } finally {
      decoder.delete();
      fresh.delete();
    }
  });
});
