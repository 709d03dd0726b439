// A node's connections to Redis (REDIS_URL), shared by the event bus, the media and trunk
// relays and node presence. ioredis reconnects by itself; while Redis is away a command fails
// (each caller decides what that means) and nothing is thrown at the process.
import { Redis } from "ioredis";

/** One connected client. */
export async function connectRedis(url: string): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  client.on("error", () => {}); // reported through the failing commands
  await client.connect();
  return client;
}

/**
 * JSON messages over pub/sub: `redis` publishes (and runs any other command), a second
 * connection listens on `channels`. A message that is not JSON is dropped; one published while
 * Redis is away is lost.
 */
export class RedisChannels {
  private constructor(
    readonly redis: Redis,
    private readonly sub: Redis,
  ) {}

  static async connect(
    url: string,
    channels: string[],
    onMessage: (channel: string, message: unknown) => void,
  ): Promise<RedisChannels> {
    const [redis, sub] = await Promise.all([connectRedis(url), connectRedis(url)]);
    sub.on("message", (channel: string, raw: string) => {
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        return;
      }
      onMessage(channel, message);
    });
    await sub.subscribe(...channels);
    return new RedisChannels(redis, sub);
  }

  publish(channel: string, message: unknown): void {
    this.redis.publish(channel, JSON.stringify(message)).catch(() => {});
  }

  close(): void {
    this.sub.disconnect();
    this.redis.disconnect();
  }
}
