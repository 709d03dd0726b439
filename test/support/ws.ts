// A WebSocket client of /api/v1/ws that records every event, for tests.
import WebSocket from "ws";
import type { ServerMessage } from "../../src/protocol/messages.ts";

export class EventClient {
  readonly events: ServerMessage[] = [];
  /** The close the socket received (code and reason). */
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (raw) => this.events.push(JSON.parse(raw.toString()) as ServerMessage));
    this.closed = new Promise((resolve) =>
      socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  static async connect(url: string, query: string): Promise<EventClient> {
    const socket = new WebSocket(`${url.replace("http", "ws")}/api/v1/ws?${query}`);
    const client = new EventClient(socket);
    // Connected once the server's first message is not an error (a refused token gets an
    // error message and then the close: whichever the client sees first, it is a refusal).
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.once("close", () => reject(new Error("closed")));
      socket.once("message", () => {
        const first = client.events[0] as { type: string; code?: string } | undefined;
        if (first?.type === "error") reject(new Error(`refused: ${first.code}`));
        else resolve();
      });
    });
    return client;
  }

  /** Waits for an event matching `match`; rejects after `ms`. */
  async next(match: (e: ServerMessage) => boolean, ms = 3000): Promise<ServerMessage> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const found = this.events.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no matching event within ${ms} ms; got ${this.events.map((e) => e.type).join(", ")}`);
  }

  has(match: (e: ServerMessage) => boolean): boolean {
    return this.events.some(match);
  }

  close(): void {
    this.socket.close();
  }
}
