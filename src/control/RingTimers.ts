// The ring timers of this process's inbound calls: a call still ringing after the timeout is
// missed. In memory (docs/ARCHITECTURE.md "Where state lives"): a stopped node's calls are
// ended by recovery instead.
export class RingTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly ms: number) {}

  /** Calls `expired` once the call has rung for the timeout (unless cleared first). */
  arm(callId: string, expired: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(callId);
      expired();
    }, this.ms);
    timer.unref();
    this.timers.set(callId, timer);
  }

  /** The call stopped ringing (answered or ended). */
  clear(callId: string): void {
    clearTimeout(this.timers.get(callId));
    this.timers.delete(callId);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
