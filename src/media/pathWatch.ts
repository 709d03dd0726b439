// Whether a connected WebRTC leg still has a path to its browser, and how long it may go without
// one. werift notices a dead path only when ICE consent expires (30 s after the last answer), so
// the leg also counts the packets that arrive: nothing for `silenceMs` (browsers send a packet
// every 20 ms, silence included) loses the path, and so does ICE failing. A lost path waits
// `reconnectGraceMs` for the browser's ICE restart; packets again, with ICE connected, are the
// path found again; past the grace the leg ends ("connection_lost").

export interface PathWatchSettings {
  silenceMs: number;
  reconnectGraceMs: number;
}

export interface PathWatchEvents {
  /** The path was lost (true) or is back (false). */
  onChange(lost: boolean): void;
  /** The grace period passed without the path coming back. */
  onExpired(): void;
}

/** How often the watch looks at the packet count. */
const WATCH_MS = 500;

export class PathWatch {
  /** Packets received from the browser; the leg increments it, the watch compares it between turns. */
  received = 0;
  #seen = 0;
  #silentSince = 0;
  #lost = false;
  #timer: NodeJS.Timeout | undefined;
  #grace: NodeJS.Timeout | undefined;
  readonly #settings: PathWatchSettings;
  readonly #iceState: () => string;
  readonly #events: PathWatchEvents;

  constructor(settings: PathWatchSettings, iceState: () => string, events: PathWatchEvents) {
    this.#settings = settings;
    this.#iceState = iceState;
    this.#events = events;
  }

  get lost(): boolean {
    return this.#lost;
  }

  /** The leg connected: from now on a silence loses the path. */
  start(): void {
    if (this.#timer) return;
    this.#silentSince = performance.now();
    this.#timer = setInterval(() => this.#check(), WATCH_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#grace);
  }

  /** The path is lost (ICE failed, or nothing arrives); the grace period starts unless it runs. */
  lose(): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#grace = setTimeout(() => this.#events.onExpired(), this.#settings.reconnectGraceMs);
    this.#grace.unref();
    this.#events.onChange(true);
  }

  #check(): void {
    const now = performance.now();
    if (this.received !== this.#seen) {
      this.#seen = this.received;
      this.#silentSince = now;
      const ice = this.#iceState();
      if (this.#lost && (ice === "connected" || ice === "completed")) {
        this.#lost = false;
        clearTimeout(this.#grace);
        this.#events.onChange(false);
      }
    } else if (now - this.#silentSince >= this.#settings.silenceMs) {
      this.lose();
    }
  }
}
