// The simulated parties' clock: one frame every 20 ms, as a phone or browser sends them.

/**
 * Calls `frame(stream)` once per 20 ms per stream for `ms` (catching up after a late timer);
 * resolves with the frames per stream. With one stream (the default) every caller's packets go
 * out together in one tick, in lockstep; with `streams` > 1 stream s is offset by s × 20/streams
 * ms, as independent calls' 20 ms clocks are (each started at its own moment).
 */
export function everyFrame(ms: number, frame: (stream: number) => void, streams = 1): Promise<number> {
  const total = Math.floor(ms / 20);
  const start = performance.now();
  const frames = new Array<number>(streams).fill(0);
  return new Promise((resolve) => {
    const timer = setInterval(
      () => {
        const elapsed = performance.now() - start;
        let done = 0;
        for (let s = 0; s < streams; s++) {
          const offset = (s * 20) / streams;
          const due = Math.min(Math.max(0, Math.floor((elapsed - offset) / 20)), total);
          for (; frames[s] < due; frames[s]++) frame(s);
          if (frames[s] >= total) done++;
        }
        if (done === streams) {
          clearInterval(timer);
          resolve(frames[0]);
        }
      },
      streams > 1 ? 1 : 5,
    );
  });
}
