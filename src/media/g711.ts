// G.711 (ITU-T G.711), the one copy: µ-law and A-law ↔ 16-bit linear, A-law ↔ µ-law for trunk
// legs (table-driven), and the mix of two µ-law frames (a SIP customer has one stream; in barge
// it hears two parties). Server-side sources (sources.ts) encode with linearToUlaw.
// Linear values are the 16-bit scale of the usual reference code (Sun's g711.c): µ-law decodes
// to ±32124 at most, A-law to ±32256; g711.test.ts checks the standard's code ↔ value pairs.

const ULAW_BIAS = 0x84;
/** The last value of each µ-law segment (14-bit, biased) and A-law segment (13-bit). */
const ULAW_SEGMENT_ENDS = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const ALAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segment(value: number, ends: readonly number[]): number {
  let seg = 0;
  while (seg < ends.length && value > ends[seg]) seg++;
  return seg;
}

/** A 16-bit sample: rounded and clamped. */
function int16(sample: number): number {
  const s = Math.round(sample);
  return Math.min(32767, Math.max(-32768, s));
}

/** G.711 µ-law encoding of one 16-bit linear sample (on its top 14 bits, as the reference code). */
export function linearToUlaw(sample: number): number {
  let pcm = int16(sample) >> 2;
  let mask = 0xff;
  if (pcm < 0) {
    pcm = -pcm;
    mask = 0x7f;
  }
  pcm = Math.min(pcm, 8159) + (ULAW_BIAS >> 2);
  const seg = segment(pcm, ULAW_SEGMENT_ENDS);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((pcm >> (seg + 1)) & 0x0f)) ^ mask;
}

/** G.711 µ-law decoding to a 16-bit linear sample. */
export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + ULAW_BIAS) << ((u & 0x70) >> 4);
  return u & 0x80 ? ULAW_BIAS - t : t - ULAW_BIAS;
}

/** G.711 A-law decoding to a 16-bit linear sample. */
export function alawToLinear(a: number): number {
  const v = a ^ 0x55;
  const exponent = (v >> 4) & 0x07;
  const mantissa = v & 0x0f;
  const sample = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return v & 0x80 ? sample : -sample;
}

/** G.711 A-law encoding of one 16-bit linear sample (on its top 13 bits; negatives in one's complement). */
export function linearToAlaw(sample: number): number {
  let pcm = int16(sample) >> 3;
  let mask = 0xd5;
  if (pcm < 0) {
    pcm = -pcm - 1;
    mask = 0x55;
  }
  const seg = segment(pcm, ALAW_SEGMENT_ENDS);
  if (seg >= 8) return 0x7f ^ mask;
  const mantissa = seg < 2 ? (pcm >> 1) & 0x0f : (pcm >> seg) & 0x0f;
  return ((seg << 4) | mantissa) ^ mask;
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

export function alawToUlaw(frame: Uint8Array): Buffer {
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
    out[i] = linearToUlaw(s); // clipped by the encoder
  }
  return out;
}
