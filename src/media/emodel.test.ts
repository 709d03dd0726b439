// The E-model's pieces against known values: G.107 Annex B's R → MOS curve, the delay
// impairment's two slopes, the loss impairment of G.711 with concealment, and the poor rule.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CODEC_IMPAIRMENT,
  delayImpairment,
  estimateMos,
  isPoor,
  lossImpairment,
  mosOfRating,
  oneWayDelayMs,
  rating,
} from "./emodel.ts";

const close = (actual: number, expected: number, within = 0.01) =>
  assert.ok(Math.abs(actual - expected) <= within, `${actual} is not ${expected} ± ${within}`);

describe("E-model (ITU-T G.107, simplified)", () => {
  it("R → MOS as G.107 Annex B tabulates it", () => {
    const table: [number, number][] = [
      [-5, 1],
      [0, 1],
      [50, 2.58],
      [60, 3.1],
      [70, 3.6],
      [80, 4.02],
      [90, 4.34],
      [93.2, 4.41],
      [100, 4.5],
      [120, 4.5],
    ];
    for (const [r, mos] of table) close(mosOfRating(r), mos);
  });

  it("delay impairment: 0.024 per ms, and 0.11 more per ms past 177.3 ms", () => {
    close(delayImpairment(0), 0);
    close(delayImpairment(100), 2.4);
    close(delayImpairment(177.3), 4.255);
    close(delayImpairment(300), 7.2 + 0.11 * 122.7);
    close(delayImpairment(-10), 0);
  });

  it("loss impairment of G.711 with concealment (Ie 0, Bpl 25.1)", () => {
    const g711 = CODEC_IMPAIRMENT.pcmu;
    close(lossImpairment(0, g711), 0);
    close(lossImpairment(1, g711), 95 / 26.1);
    close(lossImpairment(10, g711), 950 / 35.1);
    close(lossImpairment(100, g711), (95 * 100) / 125.1);
    // Without concealment (Bpl 4.3) the same loss costs far more.
    close(lossImpairment(10, { ie: 0, bpl: 4.3 }), 950 / 14.3);
  });

  it("R = 93.2 − Id − Ie,eff, clamped to [0, 100]", () => {
    close(rating(0, 0, CODEC_IMPAIRMENT.pcmu), 93.2);
    close(rating(10, 100, CODEC_IMPAIRMENT.pcmu), 93.2 - 2.4 - 950 / 35.1);
    close(rating(100, 2000, CODEC_IMPAIRMENT.pcmu), 0);
  });

  it("a leg's MOS from loss, jitter and round trip", () => {
    // No loss, no jitter, no RTT: 40 ms one way (buffer + packetisation), R = 92.24.
    close(oneWayDelayMs(null, 0), 40);
    close(oneWayDelayMs(100, 15), 50 + 30 + 20);
    close(estimateMos("pcmu", 0, 0, null), mosOfRating(93.2 - 0.96));
    close(estimateMos("opus", 10, 5, 40), mosOfRating(93.2 - 0.024 * 60 - 950 / 35.1));
    assert.ok(estimateMos("pcmu", 0, 2, 20) > 4.3);
    assert.ok(estimateMos("pcmu", 10, 2, 20) < 3.6);
  });

  it("poor below MOS 3.6 or above 5 % loss", () => {
    assert.equal(isPoor(4.4, 0), false);
    assert.equal(isPoor(3.59, 0), true);
    assert.equal(isPoor(4.0, 5), false);
    assert.equal(isPoor(4.0, 5.1), true);
  });
});
