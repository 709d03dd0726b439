// The one way the web app writes to a WebSocket: every message is a ClientMessage
// (src/protocol/messages.ts), so a renamed or reshaped message breaks the build.
import type { ClientMessage } from "../../../../src/protocol/messages.ts";

/** A request: a ClientMessage that carries a requestId, without it (the sender adds one). */
export type ClientRequest = ClientMessage extends infer M
  ? M extends { requestId: string }
    ? Omit<M, "requestId">
    : never
  : never;

export function sendMessage(socket: WebSocket, message: ClientMessage): void {
  socket.send(JSON.stringify(message));
}

/** Sends `request` with a fresh requestId and returns the id, by which the reply is matched. */
export function sendRequest(socket: WebSocket, request: ClientRequest): string {
  const requestId = crypto.randomUUID();
  sendMessage(socket, { ...request, requestId } as ClientMessage);
  return requestId;
}
