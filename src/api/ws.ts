// The real-time channel /api/v1/ws: typed events to the users allowed to see them, and
// WebRTC signalling. A listener that throws never breaks the fan-out.
import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import { hashToken } from "../control/Directory.ts";
import { type ViewerActivity, viewFor } from "../control/delivery.ts";
import { EarshotError } from "../control/errors.ts";
import type { UserRecord } from "../control/model.ts";
import type { Envelope } from "../control/ports.ts";
import { build } from "../control/publisher.ts";
import type { ClientMessage, ServerEvent, ServerMessage, WidgetMessage } from "../protocol/messages.ts";
import { FLOOD_CLOSE } from "./limits/index.ts";
import type { Services } from "./services.ts";
import type { Peer } from "./signalling.ts";
import { keepAlive } from "./wsHeartbeat.ts";

/** Messages a socket may send before it is authenticated (they wait for it). */
const MAX_EARLY = 16;

interface Connection extends Peer {
  socket: WebSocket;
  /** The SHA-256 hash of the token a user's socket signed in with. */
  tokenHash?: string;
  /** A widget socket: the projection it was last sent (JSON), so an unchanged one is not sent again. */
  widgetSent?: string;
  /** The user's call and session as last told (the hello, then their own user.updated): their grants on each call event. */
  activity?: ViewerActivity;
}

/**
 * What `c` is sent of `e` (control's viewFor: the audience the publisher stated, the widget's
 * projection), or null; a widget socket is sent its projection only when it changed since the
 * last one it was sent — a coach joining, switching or leaving changes nothing in it, so
 * nothing at all reaches the customer (SPEC §7).
 */
function messageFor(c: Connection, e: Envelope): ServerEvent | WidgetMessage | null {
  const message = viewFor(c, e);
  if (!message || !c.widgetCallId) return message;
  const json = JSON.stringify(message);
  if (json === c.widgetSent) return null;
  c.widgetSent = json;
  return message;
}

export async function wsRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const connections = new Set<Connection>();
  const send = (c: Connection, m: ServerMessage | WidgetMessage) => {
    if (c.socket.readyState === c.socket.OPEN) c.socket.send(JSON.stringify(m));
  };

  const unsubscribe = s.ctx.bus.subscribe((envelope) => {
    for (const c of connections) {
      try {
        const message = messageFor(c, envelope);
        if (!message) continue;
        const ev = envelope.event;
        if (ev.type === "user.updated" && c.user?.id === ev.user.id) {
          const { role, monitoringAccess, currentCallId, coachingSessionId } = ev.user;
          c.user = { ...c.user, role, monitoringAccess };
          c.activity = { currentCallId, coachingSessionId };
        }
        send(c, message);
        // Its token is gone (sign-out, password change or reset): the socket goes with it.
        if (ev.type === "auth.revoked") c.socket.close(4401, ev.reason);
      } catch (err) {
        // one broken connection never stops the others
        app.log.error({ err, event: envelope.event.type }, "an event was not delivered to a socket");
      }
    }
  });
  const unsubscribeLegs = s.signalling?.onLegClose((_callId, legId, reason) => {
    for (const c of connections) {
      if (c.legs.delete(legId)) send(c, { type: "media.closed", legId, reason });
    }
  });
  const stopHeartbeat = keepAlive(() => [...connections].map((c) => c.socket), s.wsHeartbeatMs);
  app.addHook("onClose", async () => {
    stopHeartbeat();
    unsubscribe();
    unsubscribeLegs?.();
    for (const c of connections) c.socket.close(1001, "server shutting down");
  });

  app.get<{ Querystring: { token?: string; callToken?: string } }>(
    "/ws",
    { websocket: true, config: { public: true, limit: "socket" } },
    async (socket, req) => {
      // Listen at once: a message that arrives while the socket is authenticated (a database
      // query) would otherwise be lost, since nothing listens yet. A browser may send its offer
      // as soon as the socket opens. Such messages wait, in order, for the connection.
      const early: Buffer[] = [];
      let onMessage: ((raw: Buffer) => void) | null = null;
      socket.on("message", (raw: Buffer) => {
        if (onMessage) onMessage(raw);
        else if (early.push(raw) > MAX_EARLY) socket.close(FLOOD_CLOSE.code, FLOOD_CLOSE.reason);
      });
      let user: UserRecord | null = null;
      const widgetCallId = s.callTokens.verify(req.query.callToken);
      if (!widgetCallId) {
        try {
          user = req.query.token ? await s.directory.authenticate(req.query.token) : null;
        } catch (err) {
          // An unknown or expired token is refused below; a storage failure is logged too.
          app.log.debug({ err }, "a socket's token was not accepted");
          user = null;
        }
        if (!user) {
          socket.send(JSON.stringify({ type: "error", code: "unauthenticated", message: "Sign in first." }));
          socket.close(4401, "unauthenticated");
          return;
        }
      }
      const tokenHash = user && req.query.token ? hashToken(req.query.token) : undefined;
      const conn: Connection = {
        socket,
        user,
        widgetCallId,
        tokenHash,
        legs: new Map(),
        send: (m) => send(conn, m),
      };
      // Counted before the hello, which then carries the user's state with this socket; the
      // connection joins the hub after it, so `hello` is always the first message it gets.
      if (user) await s.directory.socketChanged(user, 1);
      socket.on("close", () => {
        connections.delete(conn);
        if (user)
          void s.directory
            .socketChanged(user, -1)
            .catch((err: unknown) =>
              app.log.error({ err, userId: user?.id }, "could not count a closed socket"),
            );
        s.signalling?.closeAll(conn);
        s.probes?.closeAll(conn);
        // A widget customer who closes the page has hung up.
        if (widgetCallId)
          void s.calls
            .farEndHangup(widgetCallId)
            .catch((err: unknown) => app.log.error({ err, callId: widgetCallId }, "widget hang-up failed"));
      });
      const withinBudget = app.socketLimits.messageBudget();
      const me = user ? await s.directory.present(user) : null;
      if (me) conn.activity = { currentCallId: me.currentCallId, coachingSessionId: me.coachingSessionId };
      send(conn, build.hello(me, widgetCallId ?? undefined));
      if (socket.readyState === socket.OPEN) connections.add(conn);
      onMessage = (raw) => {
        if (withinBudget()) void handle(conn, raw);
        else socket.close(FLOOD_CLOSE.code, FLOOD_CLOSE.reason);
      };
      for (const raw of early.splice(0)) onMessage(raw);
    },
  );

  async function handle(c: Connection, raw: Buffer): Promise<void> {
    let msg: ClientMessage;
    try {
      if (raw.length > 64_000) throw new Error("too large");
      msg = JSON.parse(raw.toString("utf8")) as ClientMessage;
      if (typeof msg !== "object" || msg === null || typeof msg.type !== "string") throw new Error("no type");
    } catch {
      send(c, {
        type: "error",
        code: "bad_request",
        message: "Messages are JSON objects with a type, under 64 kB.",
      });
      return;
    }
    const requestId = "requestId" in msg && typeof msg.requestId === "string" ? msg.requestId : undefined;
    try {
      if (msg.type === "ping") return;
      if (msg.type === "media.probe") {
        if (!s.probes) throw new EarshotError("media_unavailable");
        send(c, await s.probes.probe(c, msg));
        return;
      }
      if (!s.signalling) throw new EarshotError("media_unavailable");
      if (msg.type === "media.offer") await s.signalling.offer(c, msg);
      else if (msg.type === "media.candidate") await s.signalling.candidate(c, msg);
      else if (msg.type === "media.restart") await s.signalling.restart(c, msg);
      else if (msg.type === "media.close") s.signalling.close(c, String(msg.legId));
      else
        throw new EarshotError(
          "bad_request",
          `Unknown message type "${String((msg as { type: unknown }).type)}".`,
        );
    } catch (e) {
      const err = e instanceof EarshotError ? e : new EarshotError("signalling_error", (e as Error).message);
      send(c, { type: "error", requestId, code: err.code, message: err.message });
    }
  }
}
