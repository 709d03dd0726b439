// WebSocket keep-alive: a ping to every socket every `intervalMs`. It keeps idle sockets
// through proxies and load balancers that close quiet connections (nginx's default read timeout
// and many balancers' idle timeouts are 60 s), and ends a socket whose peer did not answer the
// previous ping (a browser whose network went away without a TCP close), so its legs and its
// presence do not linger.
import type { WebSocket } from "ws";

export const HEARTBEAT_MS = 25_000;

export function keepAlive(sockets: () => Iterable<WebSocket>, intervalMs = HEARTBEAT_MS): () => void {
  const answered = new WeakMap<WebSocket, boolean>();
  const watched = new WeakSet<WebSocket>();
  const timer = setInterval(() => {
    for (const socket of sockets()) {
      if (!watched.has(socket)) {
        watched.add(socket);
        socket.on("pong", () => answered.set(socket, true));
      } else if (answered.get(socket) !== true) {
        socket.terminate(); // no pong since the last ping: the peer is gone
        continue;
      }
      answered.set(socket, false);
      if (socket.readyState === socket.OPEN) socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
