// What an AnalyserNode's spectrum says about a slot's audio: the level at a frequency, the noise
// floor and the prominent tones. The FFT checks of the browser tests use it through AudioLeg.

export interface ToneOptions {
  /** How far above the slot's median level a peak must rise. Default 20 dB. */
  prominenceDb?: number;
  /** Ignore peaks below this absolute level. Default -90 dB. */
  minDb?: number;
  /** At most this many tones, loudest first. Default 4. */
  max?: number;
}

/** The level, in dB, of the strongest bin within ±2 bins of `freqHz`. */
export function levelAt(bins: Float32Array, sampleRate: number, freqHz: number): number {
  const hz = sampleRate / (bins.length * 2);
  const centre = Math.round(freqHz / hz);
  let best = Number.NEGATIVE_INFINITY;
  for (let i = Math.max(0, centre - 2); i <= Math.min(bins.length - 1, centre + 2); i++) {
    if (bins[i] > best) best = bins[i];
  }
  return best;
}

/** The median bin level in dB: the noise floor. */
export function floorDb(bins: Float32Array): number {
  const sorted = Float32Array.from(bins).sort();
  return sorted[sorted.length >> 1];
}

/** The frequencies (Hz) of the prominent spectral peaks, loudest first. */
export function dominantTones(bins: Float32Array, sampleRate: number, options: ToneOptions = {}): number[] {
  const hz = sampleRate / (bins.length * 2);
  const floor = floorDb(bins);
  const threshold = Math.max(options.minDb ?? -90, floor + (options.prominenceDb ?? 20));
  const peaks: Array<[number, number]> = [];
  for (let i = 2; i < bins.length - 2; i++) {
    const v = bins[i];
    if (v < threshold || v < bins[i - 1] || v < bins[i + 1] || v < bins[i - 2] || v < bins[i + 2]) continue;
    peaks.push([i * hz, v]);
  }
  peaks.sort((a, b) => b[1] - a[1]);
  // Codec and window side lobes sit well below the tone they belong to.
  const loudest = peaks.length > 0 ? peaks[0][1] : 0;
  return peaks
    .filter(([, v]) => v > loudest - 30)
    .slice(0, options.max ?? 4)
    .map(([f]) => Math.round(f));
}
