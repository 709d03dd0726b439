// Cross-node event fan-out over Redis pub/sub: every node publishes to one channel and
// delivers what it receives to its own WebSocket clients. While Redis is away, events stay on
// this node.
import { Type } from "@sinclair/typebox";
import type { Envelope, EventBus, Logger } from "../control/ports.ts";
import { LocalBus } from "../events/LocalBus.ts";
import { decode } from "./NodeLink.ts";
import { RedisChannels } from "./redis.ts";

const CHANNEL = "earshot:events";

/** What every node's WebSocket hub reads first of an event (the rest is the publisher's). */
const EnvelopeShape = Type.Object({
  audience: Type.Object({ orgId: Type.String() }),
  event: Type.Object({ type: Type.String() }),
});

export class RedisBus implements EventBus {
  private constructor(
    private readonly local: LocalBus,
    private readonly channels: RedisChannels,
  ) {}

  static async connect(url: string, log: Logger): Promise<RedisBus> {
    const local = new LocalBus(log);
    const channels = await RedisChannels.connect(
      url,
      [CHANNEL],
      (_channel, raw) => {
        const envelope = decode(raw, EnvelopeShape, log, "event bus");
        if (envelope) local.publish(envelope as Envelope);
      },
      log,
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
