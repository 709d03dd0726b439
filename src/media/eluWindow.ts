// An event loop's utilisation (perf_hooks' eventLoopUtilization: busy / (busy + idle)) over a
// window of at least `windowMs`: each read after the window has passed starts a new one.
import type { EventLoopUtilization } from "node:perf_hooks";

type Elu = (a?: EventLoopUtilization, b?: EventLoopUtilization) => EventLoopUtilization;

export class EluWindow {
  #mark: EventLoopUtilization;
  #at = performance.now();
  #last = 0;

  constructor(
    private readonly elu: Elu,
    private readonly windowMs = 1000,
  ) {
    this.#mark = elu();
  }

  /** The last full window's utilisation (0 until one has passed). */
  read(): number {
    const now = performance.now();
    if (now - this.#at >= this.windowMs) {
      const next = this.elu();
      this.#last = this.elu(next, this.#mark).utilization;
      this.#mark = next;
      this.#at = now;
    }
    return this.#last;
  }
}
