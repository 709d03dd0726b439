// Test audio: pure-tone WAV files for Chromium's fake microphone, and a small
// spectrum helper for analysing decoded audio in Node.
import { writeFileSync } from "node:fs";

/** Writes a 16-bit mono PCM WAV of a pure tone (Chromium loops it as the fake microphone). */
export function writeToneWav(
  path: string,
  freqHz: number,
  seconds = 10,
  sampleRate = 48_000,
  amplitude = 0.4,
): void {
  const n = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) {
    data.writeInt16LE(
      Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * freqHz * i) / sampleRate)),
      i * 2,
    );
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8);
  header.write("fmt ", 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

/** Power (dB relative to full scale) of `freqHz` in `samples` (linear, ±1), by the Goertzel algorithm. */
export function toneLevelDb(samples: ArrayLike<number>, freqHz: number, sampleRate: number): number {
  const w = (2 * Math.PI * freqHz) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    // Hann window against leakage from neighbouring tones.
    const x = samples[i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (samples.length - 1)));
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  const amplitude = (2 * Math.sqrt(power)) / (samples.length / 2);
  return 20 * Math.log10(amplitude + 1e-12);
}

/** The strongest frequency (Hz) in `samples` among `candidates`. */
export function strongestOf(
  samples: ArrayLike<number>,
  candidates: readonly number[],
  sampleRate: number,
): number {
  let best = candidates[0];
  let bestDb = Number.NEGATIVE_INFINITY;
  for (const f of candidates) {
    const db = toneLevelDb(samples, f, sampleRate);
    if (db > bestDb) {
      bestDb = db;
      best = f;
    }
  }
  return best;
}
