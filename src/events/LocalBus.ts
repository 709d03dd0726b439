// In-process event fan-out for one machine. A listener that throws never breaks the
// publisher nor the other listeners.
import type { Envelope, EventBus } from "../control/ports.ts";

export class LocalBus implements EventBus {
  private readonly listeners = new Set<(e: Envelope) => void>();

  publish(envelope: Envelope): void {
    for (const listener of this.listeners) {
      try {
        listener(envelope);
      } catch {
        // listener-safe: a broken subscriber only loses its own delivery
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
