// Cross-node event fan-out over Redis pub/sub: every node publishes to one channel and
// delivers what it receives to its own WebSocket clients.
import { Redis } from "ioredis";
import type { Envelope, EventBus } from "../control/ports.ts";
import { LocalBus } from "./LocalBus.ts";

const CHANNEL = "earshot:events";

export class RedisBus implements EventBus {
  private readonly local = new LocalBus();

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
  ) {
    sub.on("message", (_channel: string, message: string) => {
      let envelope: Envelope;
      try {
        envelope = JSON.parse(message) as Envelope;
      } catch {
        return;
      }
      this.local.publish(envelope);
    });
  }

  static async connect(url: string): Promise<RedisBus> {
    const options = { lazyConnect: true, maxRetriesPerRequest: 2 };
    const pub = new Redis(url, options);
    const sub = new Redis(url, options);
    await Promise.all([pub.connect(), sub.connect()]);
    // While Redis is away, events stay on this node (publish fails quietly); ioredis reconnects.
    for (const client of [pub, sub]) client.on("error", () => {});
    await sub.subscribe(CHANNEL);
    return new RedisBus(pub, sub);
  }

  publish(envelope: Envelope): void {
    this.pub.publish(CHANNEL, JSON.stringify(envelope)).catch(() => {});
  }

  subscribe(listener: (e: Envelope) => void): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.sub.disconnect();
    this.pub.disconnect();
  }
}
