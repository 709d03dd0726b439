// In-process event fan-out for one machine. A listener that throws never breaks the
// publisher nor the other listeners.
import type { Envelope, EventBus, Logger } from "../control/ports.ts";

export class LocalBus implements EventBus {
  private readonly listeners = new Set<(e: Envelope) => void>();

  constructor(private readonly log?: Logger) {}

  publish(envelope: Envelope): void {
    for (const listener of this.listeners) {
      try {
        listener(envelope);
      } catch (err) {
        // listener-safe: a broken subscriber only loses its own delivery
        this.log?.error({ err, event: envelope.event.type }, "an event listener failed");
      }
    }
  }

  subscribe(listener: (e: Envelope) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
