// Percentiles for benchmark samples (milliseconds).
export function summarize(samples: number[]): {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
} {
  const s = [...samples].sort((a, b) => a - b);
  // Nearest rank: the smallest sample with at least q of all samples at or below it.
  const at = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)] ?? Number.NaN;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n: s.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(s[s.length - 1] ?? Number.NaN),
  };
}

/**
 * Calls one core of the media process would carry at 100 %, from the busiest level measured
 * without loss: its calls × 100 / its CPU percent. On a 2-core machine the simulated parties
 * share the cores with the media process, so loss appears before the media process is busy.
 */
export function projectedCallsPerCore(
  levels: ReadonlyArray<{ calls: number; loss: number; cpuPercentOfOneCore: number }>,
  maxLoss = 0.005,
): number {
  const ok = levels.filter((l) => l.loss < maxLoss && l.cpuPercentOfOneCore > 0);
  const busiest = ok[ok.length - 1];
  return busiest ? Math.round((busiest.calls * 100) / busiest.cpuPercentOfOneCore) : 0;
}
