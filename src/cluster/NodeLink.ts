// Messages between the nodes of a cluster, one way or as a request and its reply, over any
// pub/sub (Redis in production; a fake in the unit tests). Every node runs the same code, so
// what a node sends is what it accepts: one TypeBox schema per message, in a union.
//
// Each incoming message is parsed and checked before anything reads it: bad JSON or a wrong
// shape is one warning in the log and is dropped, never a crash. A request carries a
// correlation id and the node to reply to; it waits `timeoutMs` for the reply, then fails with
// `noAnswer` (the other node may have stopped). A reply that comes after that, or that names
// no request of this node, is dropped with a debug line. A handler's failure goes back as a
// typed error reply: a domain refusal (EarshotError) is thrown again as the same error on the
// asking node, anything else as an Error with the same message (and code, if it had one).
import { randomUUID } from "node:crypto";
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { EarshotError } from "../control/errors.ts";
import type { Logger } from "../control/ports.ts";
import { isErrorCode } from "../protocol/errors.ts";

const ErrorReply = Type.Object({
  /** The error's code, and whether it was a domain refusal (EarshotError). */
  code: Type.Union([Type.String(), Type.Null()]),
  refusal: Type.Boolean(),
  message: Type.String(),
});

const Wire = Type.Union([
  Type.Object({ kind: Type.Literal("send"), body: Type.Unknown() }),
  Type.Object({
    kind: Type.Literal("request"),
    id: Type.String(),
    replyTo: Type.String(),
    body: Type.Unknown(),
  }),
  Type.Object({
    kind: Type.Literal("reply"),
    id: Type.String(),
    ok: Type.Literal(true),
    body: Type.Unknown(),
  }),
  Type.Object({ kind: Type.Literal("reply"), id: Type.String(), ok: Type.Literal(false), error: ErrorReply }),
]);

/**
 * `raw` parsed as JSON and checked against `schema`; null (after one warning naming `what` and
 * the first mismatch, never the content) when it is not.
 */
export function decode<S extends TSchema>(
  raw: string,
  schema: S,
  log: Logger,
  what: string,
): Static<S> | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    log.warn({ what, error: (err as Error).message }, "cluster: dropped a message that is not JSON");
    return null;
  }
  if (Value.Check(schema, value)) return value;
  const first = Value.Errors(schema, value).First();
  log.warn(
    { what, path: first?.path ?? "", error: first?.message ?? "does not match" },
    "cluster: dropped a message of the wrong shape",
  );
  return null;
}

export interface NodeLinkOptions<In extends TSchema, Out extends TSchema> {
  /** This node's id: where replies to its requests come. */
  nodeId: string;
  /** Names the link in log lines ("media relay", "trunk relay"). */
  what: string;
  /** The pub/sub channel a node listens on. */
  channelOf(nodeId: string): string;
  /** Publishes a JSON-serialisable message (losing it while the pub/sub is away). */
  publish(channel: string, message: unknown): void;
  /** Every message a node may send another (one-way or as a request): a union of schemas. */
  message: In;
  /** What a request's reply carries. */
  reply: Out;
  /** Runs a message sent here; for a request, what it resolves to is the reply. */
  handle(message: Static<In>): Promise<Static<Out> | undefined> | undefined;
  /** How long a request waits for its reply. */
  timeoutMs: number;
  /** The error of a request that got no reply in time. */
  noAnswer: string;
  log: Logger;
}

interface Pending {
  resolve(body: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class NodeLink<In extends TSchema, Out extends TSchema> {
  readonly #o: NodeLinkOptions<In, Out>;
  readonly #pending = new Map<string, Pending>();
  #closed = false;

  constructor(options: NodeLinkOptions<In, Out>) {
    this.#o = options;
  }

  /** Sends `message` to node `to`; nothing comes back. */
  send(to: string, message: Static<In>): void {
    if (!this.#closed) this.#o.publish(this.#o.channelOf(to), { kind: "send", body: message });
  }

  /** Sends `message` to node `to` and waits for its reply. */
  request(to: string, message: Static<In>): Promise<Static<Out>> {
    if (this.#closed) return Promise.reject(new Error("this node is shutting down"));
    const id = randomUUID();
    const reply = new Promise<Static<Out>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(this.#o.noAnswer));
      }, this.#o.timeoutMs);
      this.#pending.set(id, { resolve: resolve as (body: unknown) => void, reject, timer });
    });
    this.#o.publish(this.#o.channelOf(to), { kind: "request", id, replyTo: this.#o.nodeId, body: message });
    return reply;
  }

  /** A raw message from this node's channel. */
  receive(raw: string): void {
    const { log, what } = this.#o;
    const wire = decode(raw, Wire, log, what);
    if (!wire) return;
    if (wire.kind === "reply") {
      this.#settle(wire);
      return;
    }
    if (!Value.Check(this.#o.message, wire.body)) {
      const first = Value.Errors(this.#o.message, wire.body).First();
      log.warn(
        { what, path: first?.path ?? "", error: first?.message ?? "does not match" },
        "cluster: dropped a message of the wrong shape",
      );
      if (wire.kind === "request")
        this.#reply(wire.replyTo, wire.id, null, new Error(`malformed ${what} request`));
      return;
    }
    let result: Promise<Static<Out> | undefined> | undefined;
    try {
      result = this.#o.handle(wire.body);
    } catch (err) {
      result = Promise.reject(err);
    }
    if (wire.kind === "send") {
      result?.catch((err: unknown) => log.warn({ what, err }, "cluster: a message from another node failed"));
      return;
    }
    const { replyTo, id } = wire;
    Promise.resolve(result).then(
      (body) => this.#reply(replyTo, id, body ?? null, null),
      (err: unknown) => this.#reply(replyTo, id, null, err),
    );
  }

  /** Fails every request still waiting (this node is closing). */
  close(): void {
    this.#closed = true;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error("this node is shutting down"));
    }
    this.#pending.clear();
  }

  #reply(to: string, id: string, body: unknown, error: unknown): void {
    if (this.#closed) return;
    const message =
      error === null
        ? { kind: "reply", id, ok: true, body }
        : {
            kind: "reply",
            id,
            ok: false,
            error: {
              code:
                typeof (error as { code?: unknown })?.code === "string"
                  ? (error as { code: string }).code
                  : null,
              refusal: error instanceof EarshotError,
              message: error instanceof Error ? error.message : String(error),
            },
          };
    this.#o.publish(this.#o.channelOf(to), message);
  }

  #settle(wire: Extract<Static<typeof Wire>, { kind: "reply" }>): void {
    const { log, what } = this.#o;
    const waiting = this.#pending.get(wire.id);
    if (!waiting) {
      log.debug(
        { what, requestId: wire.id },
        "cluster: a reply came for no waiting request (late, or not ours)",
      );
      return;
    }
    this.#pending.delete(wire.id);
    clearTimeout(waiting.timer);
    if (!wire.ok) {
      const { code, refusal, message } = wire.error;
      if (refusal && code && isErrorCode(code)) waiting.reject(new EarshotError(code, message));
      else waiting.reject(Object.assign(new Error(message), code ? { code } : {}));
      return;
    }
    if (Value.Check(this.#o.reply, wire.body)) {
      waiting.resolve(wire.body);
      return;
    }
    log.warn({ what, requestId: wire.id }, "cluster: dropped a reply of the wrong shape");
    waiting.reject(new Error(`malformed ${what} reply`));
  }
}
