// The simulated parties' clock: one frame every 20 ms, as a phone or browser sends them.

/** Calls `frame` once per 20 ms for `ms` (catching up after a late timer); resolves with the count. */
export function everyFrame(ms: number, frame: () => void): Promise<number> {
  const total = Math.floor(ms / 20);
  const start = performance.now();
  let frames = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(Math.floor((performance.now() - start) / 20), total) - frames;
      for (let f = 0; f < due; f++, frames++) frame();
      if (frames >= total) {
        clearInterval(timer);
        resolve(frames);
      }
    }, 5);
  });
}
