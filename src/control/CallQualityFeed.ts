// Call quality from the media plane to the supervisors: every few seconds the media plane of
// the node that owns a call's legs measures them (MediaPort.onQuality); this node tells the
// org's monitors (`call.quality`, publisher.ts) over the event bus, so every node's sockets get
// it. Every node also keeps the latest report of each live call from the bus, so a Call read on
// any node (GET /calls, call events) carries its `quality` without asking the owner.
import type { CallQuality } from "../protocol/resources.ts";
import type { ControlContext, QualityReadings } from "./context.ts";
import { Publisher } from "./publisher.ts";

export class CallQualityFeed implements QualityReadings {
  readonly #latest = new Map<string, CallQuality>();
  readonly #ctx: Pick<ControlContext, "bus" | "store" | "media" | "log" | "now" | "settings">;
  readonly #publisher: Publisher;
  readonly #stops: (() => void)[] = [];

  constructor(ctx: Pick<ControlContext, "bus" | "store" | "media" | "log" | "now" | "settings">) {
    this.#ctx = ctx;
    this.#publisher = new Publisher(ctx);
    this.#stops.push(
      ctx.bus.subscribe(({ event }) => {
        if (event.type === "call.quality") this.#latest.set(event.callId, event.quality);
        else if (event.type === "call.ended") this.#latest.delete(event.call.id);
      }),
    );
    const stop = ctx.media?.onQuality((callId, quality) => {
      this.#report(callId, quality).catch((err: unknown) =>
        this.#ctx.log.warn({ err, callId }, "call quality: a report was not told"),
      );
    });
    if (stop) this.#stops.push(stop);
  }

  /** The latest report of a live call (null before the first, and after it ended). */
  of(callId: string): CallQuality | null {
    return this.#latest.get(callId) ?? null;
  }

  close(): void {
    for (const stop of this.#stops) stop();
    this.#latest.clear();
  }

  async #report(callId: string, quality: CallQuality): Promise<void> {
    const call = await this.#ctx.store.getCall(callId);
    if (!call || call.state === "ended") return;
    this.#publisher.quality(call, quality);
  }
}
