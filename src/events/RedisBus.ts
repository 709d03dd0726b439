// Cross-node event fan-out over Redis pub/sub: every node publishes to one channel and
// delivers what it receives to its own WebSocket clients. While Redis is away, events stay on
// this node.
import type { Envelope, EventBus } from "../control/ports.ts";
import { LocalBus } from "./LocalBus.ts";
import { RedisChannels } from "./redis.ts";

const CHANNEL = "earshot:events";

export class RedisBus implements EventBus {
  private constructor(
    private readonly local: LocalBus,
    private readonly channels: RedisChannels,
  ) {}

  static async connect(url: string): Promise<RedisBus> {
    const local = new LocalBus();
    const channels = await RedisChannels.connect(url, [CHANNEL], (_channel, envelope) =>
      local.publish(envelope as Envelope),
    );
    return new RedisBus(local, channels);
  }

  publish(envelope: Envelope): void {
    this.channels.publish(CHANNEL, envelope);
  }

  subscribe(listener: (e: Envelope) => void): () => void {
    return this.local.subscribe(listener);
  }

  /** Readiness: Redis answers a PING. */
  async ping(): Promise<void> {
    await this.channels.redis.ping();
  }

  async close(): Promise<void> {
    await this.local.close();
    this.channels.close();
  }
}
