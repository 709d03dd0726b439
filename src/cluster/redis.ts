// A node's connections to Redis (REDIS_URL), shared by the event bus, the media and trunk
// relays, node presence and the abuse limits. ioredis reconnects by itself; while Redis is
// away a command fails (each caller decides what that means) and nothing is thrown at the
// process.
import { Redis } from "ioredis";
import type { Logger } from "../control/ports.ts";

/** One connected client; its connection errors go to `log` at debug (the failing commands tell). */
export async function connectRedis(url: string, log?: Logger): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  // Without a listener, ioredis's reconnection errors would be unhandled 'error' events.
  client.on("error", (err: Error) => log?.debug({ error: err.message }, "redis: connection error"));
  await client.connect();
  return client;
}

/**
 * JSON messages over pub/sub: `redis` publishes (and runs any other command), a second
 * connection listens on `channels` and hands each message over as it came (a string: the
 * receiver parses and checks it, NodeLink.decode). One published while Redis is away is lost,
 * with a warning.
 */
export class RedisChannels {
  private constructor(
    readonly redis: Redis,
    private readonly sub: Redis,
    private readonly log: Logger,
  ) {}

  static async connect(
    url: string,
    channels: string[],
    onMessage: (channel: string, raw: string) => void,
    log: Logger,
  ): Promise<RedisChannels> {
    const [redis, sub] = await Promise.all([connectRedis(url, log), connectRedis(url, log)]);
    sub.on("message", (channel: string, raw: string) => {
      try {
        onMessage(channel, raw);
      } catch (err) {
        log.error({ err, channel }, "redis: a message's handler failed");
      }
    });
    await sub.subscribe(...channels);
    return new RedisChannels(redis, sub, log);
  }

  publish(channel: string, message: unknown): void {
    this.redis
      .publish(channel, JSON.stringify(message))
      .catch((err: Error) => this.log.warn({ channel, error: err.message }, "redis: a message was lost"));
  }

  close(): void {
    this.sub.disconnect();
    this.redis.disconnect();
  }
}
