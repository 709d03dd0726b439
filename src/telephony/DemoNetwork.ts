// The demo phone network: used when no SIP trunk is configured. Simulated callees
// answer outbound calls after a short ring; simulated customers call in through
// POST /api/v1/demo/calls. Their voices come from the media plane's synthetic parties.

import type { MediaPort, Trunk, TrunkCalls } from "../control/mediaPorts.ts";
import type { CallRecord } from "../control/model.ts";

export interface DemoNetworkOptions {
  /** How long a simulated callee rings before answering. */
  answerDelayMs: number;
  /** How long an externally transferred call lasts before the far ends hang up. */
  externalCallMs: number;
  media: MediaPort | null;
}

export class DemoNetwork implements Trunk {
  readonly channel = "demo" as const;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** A simulated third party still ringing, per call. */
  private readonly ringingParties = new Map<string, NodeJS.Timeout>();
  #calls: TrunkCalls | null = null;

  constructor(private readonly opts: DemoNetworkOptions) {}

  serve(calls: TrunkCalls): void {
    this.#calls = calls;
  }

  dial(call: CallRecord, answered: () => void): void {
    this.later(this.opts.answerDelayMs, () => {
      this.opts.media?.attachSynthetic(call.id, "customer");
      answered();
    });
  }

  /** The simulated third party answers after the usual ring and stays until the call ends. */
  addParty(call: CallRecord, _number: string, events: { answered(): void }): void {
    const ring = this.later(this.opts.answerDelayMs, () => {
      this.ringingParties.delete(call.id);
      this.opts.media?.attachSynthetic(call.id, "coach"); // the third party's position
      events.answered();
    });
    this.ringingParties.set(call.id, ring);
  }

  /** A ringing simulated third party never answers; an answered one's leg the control plane detaches. */
  dropParty(call: CallRecord): void {
    const ring = this.ringingParties.get(call.id);
    if (!ring) return;
    clearTimeout(ring);
    this.timers.delete(ring);
    this.ringingParties.delete(call.id);
  }

  transferExternal(call: CallRecord): void {
    this.later(this.opts.externalCallMs, () => this.#calls?.farEndHangup(call.id));
  }

  answered(): void {}

  hangup(): void {}

  hold(): void {}

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
    return t;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
