// G.711 helpers for trunk legs: A-law ↔ µ-law through 16-bit linear (table-driven), and
// mixing two µ-law frames (a SIP customer has one stream; in barge it hears two parties).
import { linearToUlaw, ulawToLinear } from "../../media/sources.ts";

function alawToLinear(a: number): number {
  const v = a ^ 0x55;
  const exponent = (v >> 4) & 0x07;
  const mantissa = v & 0x0f;
  let sample = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  sample = v & 0x80 ? sample : -sample;
  return sample;
}

function linearToAlaw(sample: number): number {
  const sign = sample >= 0 ? 0x80 : 0x00;
  let s = Math.min(32635, Math.abs(sample));
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; exponent--, mask >>= 1);
  const mantissa = exponent === 0 ? (s >> 4) & 0x0f : (s >> (exponent + 3)) & 0x0f;
  s = sign | (exponent << 4) | mantissa;
  return s ^ 0x55;
}

const ULAW_TO_ALAW = new Uint8Array(256);
const ALAW_TO_ULAW = new Uint8Array(256);
const ULAW_LINEAR = new Int16Array(256);
for (let i = 0; i < 256; i++) {
  ULAW_LINEAR[i] = ulawToLinear(i);
  ULAW_TO_ALAW[i] = linearToAlaw(ulawToLinear(i));
  ALAW_TO_ULAW[i] = linearToUlaw(alawToLinear(i));
}

export function ulawToAlaw(frame: Buffer): Buffer {
  const out = Buffer.allocUnsafe(frame.length);
  for (let i = 0; i < frame.length; i++) out[i] = ULAW_TO_ALAW[frame[i]];
  return out;
}

export function alawToUlaw(frame: Buffer): Buffer {
  const out = Buffer.allocUnsafe(frame.length);
  for (let i = 0; i < frame.length; i++) out[i] = ALAW_TO_ULAW[frame[i]];
  return out;
}

/** The sum of two µ-law frames, clipped (a two-party mix for a single-stream leg). */
export function mixUlaw(a: Buffer, b: Buffer): Buffer {
  const n = Math.min(a.length, b.length);
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    const s = ULAW_LINEAR[a[i]] + ULAW_LINEAR[b[i]];
    out[i] = linearToUlaw(s > 32767 ? 32767 : s < -32768 ? -32768 : s);
  }
  return out;
}
