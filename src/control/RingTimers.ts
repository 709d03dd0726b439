// Timers of this process's inbound calls, one per call: an offer's ring timeout (the call
// waits in the queue again) or a queued call's maximum wait (it ends with queue_timeout). In
// memory (docs/ARCHITECTURE.md "Queues"): the queue's sweep ends overdue calls on any node, and
// a stopped node's calls are ended by recovery.
export class RingTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** Calls `expired` once `ms` have passed (unless cleared first); replaces the call's earlier timer. */
  arm(callId: string, ms: number, expired: () => void): void {
    this.clear(callId);
    const timer = setTimeout(() => {
      this.timers.delete(callId);
      expired();
    }, ms);
    timer.unref();
    this.timers.set(callId, timer);
  }

  /** The call stopped ringing or waiting (answered or ended). */
  clear(callId: string): void {
    clearTimeout(this.timers.get(callId));
    this.timers.delete(callId);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
