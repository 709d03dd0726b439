// The media plane's time, injected: the forwarding switch, the slots and the trunk legs read
// it (monotonic milliseconds), so their tests advance a manual clock instead of sleeping
// against a threshold. Timers stay with their owners (MediaNode's frame clock, pathWatch).

export interface Clock {
  /** Monotonic milliseconds (performance.now() in production). */
  now(): number;
}

export const systemClock: Clock = { now: () => performance.now() };

/** A clock that moves only when told (tests). */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = 1000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
