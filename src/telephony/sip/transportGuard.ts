// npm `sip` parses datagrams and stream data inside its socket listeners, where a
// malformed message can throw and take the process down. While the stack is created we
// wrap the listeners it installs: oversized packets and INVITE floods are dropped before
// parsing, and any exception drops that one message (with a log line) instead.
import dgram from "node:dgram";
import net from "node:net";

export interface GuardOptions {
  maxDatagram: number;
  /** INVITEs per source per second before the rest are dropped. */
  maxInvitesPerSecond: number;
  log(msg: string, fields: Record<string, unknown>): void;
}

export function withGuardedSockets<T>(options: GuardOptions, create: () => T): T {
  const createSocket = dgram.createSocket;
  const createServer = net.createServer;
  const invites = new Map<string, { second: number; count: number; warned: boolean }>();
  const flooding = (address: string): boolean => {
    const second = Math.floor(Date.now() / 1000);
    let e = invites.get(address);
    if (!e || e.second !== second) {
      if (invites.size > 10_000) invites.clear();
      e = { second, count: 0, warned: false };
      invites.set(address, e);
    }
    e.count++;
    if (e.count <= options.maxInvitesPerSecond) return false;
    if (!e.warned)
      options.log("sip: INVITE flood, dropping", {
        source: address,
        limitPerSecond: options.maxInvitesPerSecond,
      });
    e.warned = true;
    return true;
  };
  const guardUdp =
    (listener: (msg: Buffer, rinfo: dgram.RemoteInfo) => void) => (msg: Buffer, rinfo: dgram.RemoteInfo) => {
      if (msg.length > options.maxDatagram) {
        options.log("sip: oversized datagram dropped", { source: rinfo.address, bytes: msg.length });
        return;
      }
      if (msg.subarray(0, 7).toString("latin1") === "INVITE " && flooding(rinfo.address)) return;
      try {
        listener(msg, rinfo);
      } catch (e) {
        options.log("sip: malformed message dropped", { source: rinfo.address, error: (e as Error).message });
      }
    };
  // biome-ignore lint/suspicious/noExplicitAny: wrapping the builtin's overloads
  (dgram as any).createSocket = (type: any, listener?: any) =>
    createSocket(type, listener ? guardUdp(listener) : undefined);
  // biome-ignore lint/suspicious/noExplicitAny: wrapping the builtin's overloads
  (net as any).createServer = (onConnection: (s: net.Socket) => void) =>
    createServer((socket) => {
      const on = socket.on.bind(socket);
      // biome-ignore lint/suspicious/noExplicitAny: event listener of any shape
      socket.on = ((event: string, fn: (...args: any[]) => void) =>
        on(event, (...args: unknown[]) => {
          try {
            fn(...args);
          } catch (e) {
            options.log("sip: malformed stream, closing it", {
              source: socket.remoteAddress,
              error: (e as Error).message,
            });
            socket.destroy();
          }
        })) as typeof socket.on;
      onConnection(socket);
    });
  try {
    return create();
  } finally {
    dgram.createSocket = createSocket;
    net.createServer = createServer;
  }
}
