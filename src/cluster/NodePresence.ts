// Which server processes of a cluster are running. Each node keeps a key in Redis alive (a
// heartbeat every `heartbeatMs`, expiring after three missed ones) and deletes it when it
// closes; a node whose key is gone has stopped. One node at a time (a short Redis lease) looks
// for calls carried by stopped nodes and ends them (Calls.endCallsOfStoppedNodes).
import type { Redis } from "ioredis";
import type { Logger } from "../control/ports.ts";
import { connectRedis } from "./redis.ts";

const PREFIX = "earshot:node";

export interface PresenceTimings {
  /** How often a node refreshes its key (it expires after three of these). */
  heartbeatMs: number;
  /** How often the calls of stopped nodes are looked for. */
  sweepMs: number;
}

export const DEFAULT_PRESENCE: PresenceTimings = { heartbeatMs: 5000, sweepMs: 10_000 };

export class NodePresence {
  readonly #timers: NodeJS.Timeout[] = [];
  #closed = false;

  private constructor(
    private readonly redis: Redis,
    readonly nodeId: string,
    private readonly timings: PresenceTimings,
    private readonly log: Logger,
  ) {}

  /** Announces `nodeId` and keeps it announced; `sweep` runs on one node at a time, every sweepMs. */
  static async start(
    url: string,
    nodeId: string,
    timings: PresenceTimings,
    sweep: (alive: (nodeIds: string[]) => Promise<Set<string>>) => Promise<unknown>,
    log: Logger,
  ): Promise<NodePresence> {
    const redis = await connectRedis(url, log); // a missed heartbeat or sweep is retried on the next tick
    const presence = new NodePresence(redis, nodeId, timings, log);
    await presence.#beat();
    presence.#every("heartbeat", timings.heartbeatMs, () => presence.#beat());
    presence.#every("sweep", timings.sweepMs, async () => {
      if (await presence.#lease()) await sweep((ids) => presence.alive(ids));
    });
    return presence;
  }

  /** Of `nodeIds`, those running now. */
  async alive(nodeIds: string[]): Promise<Set<string>> {
    if (nodeIds.length === 0) return new Set();
    const values = await this.redis.mget(nodeIds.map((id) => `${PREFIX}:${id}`));
    return new Set(nodeIds.filter((_, i) => values[i] !== null));
  }

  /** Stops announcing this node and tells the others at once. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    await this.redis.del(`${PREFIX}:${this.nodeId}`).catch((err: Error) =>
      // The key expires by itself: the others see this node gone a few seconds later.
      this.log.warn({ error: err.message }, "presence: could not withdraw this node"),
    );
    this.redis.disconnect();
  }

  async #beat(): Promise<void> {
    await this.redis.set(`${PREFIX}:${this.nodeId}`, String(Date.now()), "PX", this.timings.heartbeatMs * 3);
  }

  /** Whether this node sweeps this round (the first to take the lease). */
  async #lease(): Promise<boolean> {
    const ok = await this.redis.set(`${PREFIX}s:sweep`, this.nodeId, "PX", this.timings.sweepMs, "NX");
    return ok === "OK";
  }

  #every(what: string, ms: number, task: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      if (!this.#closed)
        task().catch((err: unknown) => this.log.warn({ err, what }, "presence: retried on the next tick"));
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }
}
