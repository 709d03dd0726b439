// WebSocket abuse limits (SPEC §7): open sockets per token and per client address (on each
// node: a socket lives on one node), a token bucket of messages per socket, and what a
// client's protocol error (an oversized frame) costs the logs: one warning, no stack.
import { createHash } from "node:crypto";
import { normalizeIP } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import { EarshotError } from "../../control/errors.ts";
import { addRouteHook } from "./http.ts";
import type { LimitSettings } from "./settings.ts";

declare module "fastify" {
  interface FastifyInstance {
    socketLimits: SocketLimits;
  }
}

/** Close code and reason for a socket that sends faster than its bucket refills. */
export const FLOOD_CLOSE = { code: 1008, reason: "too many messages" } as const;

export class SocketLimits {
  private readonly perToken = new Map<string, number>();
  private readonly perIp = new Map<string, number>();

  constructor(
    private readonly s: LimitSettings["socket"],
    private readonly enabled: boolean,
  ) {}

  /**
   * The /ws route's onRequest hook: refuses the upgrade with 429 when the token or the client
   * address already has its share of sockets open here; otherwise counts this one until its
   * connection closes (counted before the upgrade, so a burst of handshakes cannot slip past).
   */
  readonly admit = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!this.enabled) return;
    const q = req.query as { token?: string; callToken?: string };
    const token = createHash("sha256")
      .update(q.callToken ?? q.token ?? "")
      .digest("base64url");
    const ip = normalizeIP(req.ip);
    const refusal =
      (this.perIp.get(ip) ?? 0) >= this.s.perIp
        ? "Too many open connections from your network."
        : (this.perToken.get(token) ?? 0) >= this.s.perToken
          ? "Too many open connections for this sign-in; close some tabs."
          : null;
    if (refusal) {
      reply.header("retry-after", "10");
      throw new EarshotError("rate_limited", refusal);
    }
    count(this.perIp, ip, 1);
    count(this.perToken, token, 1);
    req.raw.socket.once("close", () => {
      count(this.perIp, ip, -1);
      count(this.perToken, token, -1);
    });
  };

  /** A token bucket for one socket's messages: false once the socket has sent too many. */
  messageBudget(): () => boolean {
    if (!this.enabled) return () => true;
    const { burst, perSecond } = this.s;
    let tokens = burst;
    let at = performance.now();
    return () => {
      const now = performance.now();
      tokens = Math.min(burst, tokens + ((now - at) / 1000) * perSecond);
      at = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    };
  }

  /** Open sockets counted (for tests and diagnostics). */
  get open(): number {
    let n = 0;
    for (const v of this.perIp.values()) n += v;
    return n;
  }
}

function count(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

/** Registers the caps on routes with `config: { limit: "socket" }` and decorates `socketLimits`. */
export function registerSocketLimits(app: FastifyInstance, settings: LimitSettings): SocketLimits {
  const limits = new SocketLimits(settings.socket, settings.enabled);
  app.decorate("socketLimits", limits);
  app.addHook("onRoute", (route) => {
    if (route.config?.limit === "socket") addRouteHook(route, "onRequest", limits.admit);
  });
  return limits;
}

const DISCONNECTS = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT"]);

/**
 * @fastify/websocket's error handler. A client that breaks the protocol (an oversized frame,
 * a bad opcode) has already been sent the close frame by `ws` (1009, 1002…): one warning line
 * for it, no stack, so a flood of them cannot flood the logs. A vanished client is routine.
 * Anything else is our bug: logged as an error, and the socket closed.
 */
export function socketErrorHandler(
  error: Error & { code?: string },
  socket: WebSocket,
  request: FastifyRequest,
): void {
  if (error.code?.startsWith("WS_ERR_")) {
    request.log.warn({ code: error.code }, "websocket closed: the client broke the protocol");
    return;
  }
  if (error.code && DISCONNECTS.has(error.code)) {
    request.log.debug({ code: error.code }, "websocket client vanished");
    socket.terminate();
    return;
  }
  request.log.error({ err: error }, "websocket handler failed");
  socket.terminate();
}
