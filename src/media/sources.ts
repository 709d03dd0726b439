// Server-side audio sources, as ready-made 20 ms G.711 µ-law frames: the demo
// caller's recorded voice, pure tones and hold music.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { linearToUlaw, ulawToLinear } from "./g711.ts";
import type { SyntheticSource } from "./MediaTypes.ts";

const RATE = 8000;
const FRAME_BYTES = 160;

/** One second of a pure tone (an integer frequency loops seamlessly). */
export function toneUlaw(freqHz: number, amplitude = 0.3): Buffer {
  const out = Buffer.alloc(RATE);
  for (let i = 0; i < RATE; i++)
    out[i] = linearToUlaw(amplitude * 32767 * Math.sin((2 * Math.PI * freqHz * i) / RATE));
  return out;
}

/** Notes of the hold music, Hz: a gentle C-major arpeggio. */
export const HOLD_MUSIC_NOTES = [523, 659, 784, 659] as const;

/** A 2.4 s loop of soft notes with a short fade on each, as 16-bit samples at `rate`. */
export function holdMusicPcm(rate: number): Int16Array {
  const noteSamples = (rate * 6) / 10;
  const out = new Int16Array(noteSamples * HOLD_MUSIC_NOTES.length);
  HOLD_MUSIC_NOTES.forEach((freq, n) => {
    for (let i = 0; i < noteSamples; i++) {
      const envelope = Math.min(1, i / (rate / 20), (noteSamples - i) / (rate / 10));
      const x = (2 * Math.PI * freq * i) / rate;
      out[n * noteSamples + i] = Math.round(0.22 * envelope * (Math.sin(x) + 0.25 * Math.sin(2 * x)) * 32767);
    }
  });
  return out;
}

/** The hold music as 8 kHz µ-law (PCMU calls). */
export function holdMusicUlaw(): Buffer {
  const pcm = holdMusicPcm(RATE);
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = linearToUlaw(pcm[i]);
  return out;
}

/** 8 kHz µ-law as 48 kHz linear PCM (linear interpolation), to be encoded for an Opus call. */
export function ulawTo48k(ulaw: Buffer): Int16Array {
  const out = new Int16Array(ulaw.length * 6);
  for (let i = 0; i < ulaw.length; i++) {
    const a = ulawToLinear(ulaw[i]);
    const b = ulawToLinear(ulaw[(i + 1) % ulaw.length]);
    for (let k = 0; k < 6; k++) out[i * 6 + k] = Math.round(a + ((b - a) * k) / 6);
  }
  return out;
}

/** 48 kHz mono PCM as 20 ms Opus packets, encoded with opusscript; null if unavailable. */
export function encodeOpus(pcm: Int16Array): Buffer[] | null {
  const packets = opusPackets(pcm);
  if (!packets) return null;
  return [...packets];
}

/**
 * The same, `perTurn` packets per turn of the event loop: a long recording (the demo voice is
 * ≈ 0.4 s of encoding) then never holds up the forwarding of the calls in progress.
 */
export async function encodeOpusInTurns(pcm: Int16Array, perTurn = 20): Promise<Buffer[] | null> {
  const packets = opusPackets(pcm);
  if (!packets) return null;
  const out: Buffer[] = [];
  for (const packet of packets) {
    out.push(packet);
    if (out.length % perTurn === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

/** The Opus packets of `pcm`, one 20 ms frame at a time; null without opusscript. */
function opusPackets(pcm: Int16Array): Generator<Buffer> | null {
  let OpusScript: typeof import("opusscript");
  try {
    OpusScript = createRequire(import.meta.url)("opusscript") as typeof import("opusscript");
  } catch {
    // An optional dependency that is not installed: callers fall back to PCMU-only sources.
    return null;
  }
  return (function* () {
    const encoder = new OpusScript(48_000, 1, OpusScript.Application.AUDIO);
    try {
      for (let i = 0; i + 960 <= pcm.length; i += 960) {
        const frame = Buffer.from(pcm.buffer, pcm.byteOffset + i * 2, 960 * 2);
        yield Buffer.from(encoder.encode(frame, 960));
      }
    } finally {
      encoder.delete();
    }
  })();
}

let voice: Buffer | undefined;

/** The demo caller's recorded voice (assets/demo-caller.ulaw: 8 kHz µ-law, generated with espeak-ng + sox). */
export function voiceUlaw(): Buffer {
  voice ??= readFileSync(new URL("../../assets/demo-caller.ulaw", import.meta.url));
  return voice;
}

export function synthesize(source: SyntheticSource): Buffer {
  if (source === "voice") return voiceUlaw();
  const freq = Number(source.slice("tone:".length));
  if (!Number.isFinite(freq) || freq <= 0 || freq >= RATE / 2)
    throw new RangeError(`bad tone frequency: ${source}`);
  return toneUlaw(freq);
}

/** Loops over a µ-law buffer in 20 ms frames (a partial last frame wraps to the start). */
export class FrameLoop {
  readonly #audio: Buffer;
  #pos = 0;

  constructor(audio: Buffer) {
    if (audio.length === 0) throw new RangeError("empty audio");
    this.#audio = audio;
  }

  /** The next 20 ms frame, a new buffer (senders may keep it for retransmission). */
  next(): Buffer {
    const frame = Buffer.allocUnsafe(FRAME_BYTES);
    for (let i = 0; i < FRAME_BYTES; i++) {
      frame[i] = this.#audio[this.#pos];
      this.#pos = this.#pos + 1 === this.#audio.length ? 0 : this.#pos + 1;
    }
    return frame;
  }
}
