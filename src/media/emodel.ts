// The E-model (ITU-T G.107), in its common simplified form, as an estimated MOS of one leg from
// what the media plane measures (loss, jitter, round trip), and the one rule of a "poor" leg.
// Pure functions: tested against G.107's R → MOS pairs and hand-computed impairments
// (emodel.test.ts). docs/ARCHITECTURE.md "Call quality" gives the sources.
import type { CallCodec } from "../protocol/calls.ts";

/** Equipment impairment (Ie) and packet-loss robustness (Bpl) of a codec. */
export interface CodecImpairment {
  ie: number;
  bpl: number;
}

/**
 * G.711: Ie = 0, Bpl = 25.1 with packet-loss concealment (G.113 Appendix I; 4.3 without it).
 * Every browser's decoder and the phones a trunk reaches conceal loss, so 25.1.
 * Opus is not in G.113's narrowband tables: our documented choice is the G.711 values
 * (at the rates browsers use it sounds at least as good, and its concealment is no worse).
 */
export const CODEC_IMPAIRMENT: Readonly<Record<CallCodec, CodecImpairment>> = {
  pcmu: { ie: 0, bpl: 25.1 },
  opus: { ie: 0, bpl: 25.1 },
};

/** G.107's default rating with no impairment but the codec's: R0 − Is with every default. */
export const R_DEFAULT = 93.2;

/** Delay impairment Id of a one-way mouth-to-ear delay (ms): Cole & Rosenbluth's fit of G.107's Idd with echo cancelled. */
export function delayImpairment(oneWayMs: number): number {
  const d = Math.max(0, oneWayMs);
  return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
}

/** Effective equipment impairment Ie,eff for random loss (G.107 §7.4, BurstR = 1). */
export function lossImpairment(lossPct: number, codec: CodecImpairment): number {
  const ppl = Math.min(100, Math.max(0, lossPct));
  return codec.ie + ((95 - codec.ie) * ppl) / (ppl + codec.bpl);
}

/** The rating factor R = 93.2 − Id − Ie,eff, within [0, 100]. */
export function rating(lossPct: number, oneWayMs: number, codec: CodecImpairment): number {
  const r = R_DEFAULT - delayImpairment(oneWayMs) - lossImpairment(lossPct, codec);
  return Math.min(100, Math.max(0, r));
}

/** G.107 Annex B: R → estimated MOS (conversational quality), 1 … 4.5. */
export function mosOfRating(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
}

/**
 * The one-way delay the E-model is given: half the round trip (0 when unknown), the jitter
 * buffer (twice the jitter, at least one 20 ms frame) and the packetisation (one 20 ms frame).
 */
export function oneWayDelayMs(rttMs: number | null, jitterMs: number): number {
  return (rttMs ?? 0) / 2 + Math.max(20, 2 * jitterMs) + 20;
}

/** A leg is poor below this estimated MOS ("many users dissatisfied" starts at R ≈ 70, MOS ≈ 3.6). */
export const POOR_MOS = 3.6;
/** …or above this share of its packets lost, whatever the estimate says. */
export const POOR_LOSS_PCT = 5;

export function isPoor(mos: number, lossPct: number): boolean {
  return mos < POOR_MOS || lossPct > POOR_LOSS_PCT;
}

/** The estimated MOS of a leg, rounded to two decimals. */
export function estimateMos(
  codec: CallCodec,
  lossPct: number,
  jitterMs: number,
  rttMs: number | null,
): number {
  const r = rating(lossPct, oneWayDelayMs(rttMs, jitterMs), CODEC_IMPAIRMENT[codec]);
  return Math.round(mosOfRating(r) * 100) / 100;
}
