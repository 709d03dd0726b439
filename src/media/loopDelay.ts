// How late this thread's event loop runs a 1 ms timer: the stall a packet waiting to be
// forwarded sees (a media worker's, or the main thread's when the plane runs in process).
// perf_hooks.monitorEventLoopDelay measures the same, but a reading covers everything since its
// last reset, and Node 20 will not add its histogram into another (`RecordableHistogram.add`
// refuses an ELDHistogram), so two readers — the heartbeat's last second and a bench's window —
// could not share it. Here each sample goes into every open window, each a RecordableHistogram.
import { createHistogram, performance, type RecordableHistogram } from "node:perf_hooks";
import type { LoopDelaySummary } from "../protocol/mediaWorkers.ts";

export type { LoopDelaySummary };

/** A window's samples so far; `close()` reads it a last time and stops recording into it. */
export interface LoopDelayWindow {
  read(): LoopDelaySummary;
  close(): LoopDelaySummary;
}

const ms = (ns: number) => Number((ns / 1e6).toFixed(2));

export function summarize(h: RecordableHistogram): LoopDelaySummary {
  if (h.count === 0) return { samples: 0, p50: 0, p99: 0, max: 0 };
  return { samples: h.count, p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

export class LoopDelay {
  readonly #windows = new Set<RecordableHistogram>();
  readonly #timer: NodeJS.Timeout;
  #last = performance.now();

  /**
   * `intervalMs`: how often the timer asks to run. Node's timers count whole milliseconds, so
   * an idle loop's samples already spread over 0–1 ms: a stall shorter than that is not told
   * apart from the timer's own granularity.
   */
  constructor(readonly intervalMs = 1) {
    this.#timer = setInterval(() => {
      const now = performance.now();
      // How much later than asked this run came (at least 1 ns: a histogram records ≥ 1).
      const lateNs = Math.max(1, Math.round((now - this.#last - intervalMs) * 1e6));
      this.#last = now;
      for (const h of this.#windows) h.record(lateNs);
    }, intervalMs);
    this.#timer.unref();
  }

  /** A new window: every sample from now until it is closed. */
  window(): LoopDelayWindow {
    const h = createHistogram();
    this.#windows.add(h);
    return {
      read: () => summarize(h),
      close: () => {
        this.#windows.delete(h);
        return summarize(h);
      },
    };
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#windows.clear();
  }
}
