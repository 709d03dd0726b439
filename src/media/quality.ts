// One leg's quality over the last interval, from the switch's RFC 3550 statistics of what the
// leg sent us (receiveStats.ts), the transport's round trip where it has one, and the E-model
// (emodel.ts). Called once per leg every few seconds (MediaPlane's sampler), never per packet.
import type { CallCodec } from "../protocol/calls.ts";
import type { LegQuality } from "../protocol/resources.ts";
import { estimateMos, isPoor } from "./emodel.ts";
import type { ReceiveStats } from "./receiveStats.ts";

const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;

/** The interval since the last call for this stream; null when nothing has been received yet. */
export function legQuality(stats: ReceiveStats, codec: CallCodec, rttMs: number | null): LegQuality | null {
  const sample = stats.sample();
  if (sample.received === 0) return null;
  // An interval with no packet expected (a silent party's DTX, a held phone) lost nothing.
  const lossPct = sample.expected > 0 ? (100 * sample.lost) / sample.expected : 0;
  const rtt = rttMs === null ? null : Math.round(rttMs);
  const mos = estimateMos(codec, lossPct, sample.jitterMs, rtt);
  return {
    lossPct: round(lossPct, 1),
    jitterMs: round(sample.jitterMs, 1),
    rttMs: rtt,
    mos,
    poor: isPoor(mos, lossPct),
  };
}
