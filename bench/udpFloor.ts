// The floor under the media bench: what this machine and Node charge to forward the same
// traffic with nothing of ours in the way. A bare `dgram` relay in this process (one socket
// per leg, whisper's fan-out: customer → agent + coach, agent → customer + coach, coach →
// agent) forwards plain 182-byte datagrams (the size of an SRTP packet of the media bench)
// with no SRTP, no ICE, no rewriting. The parties are plain UDP sockets in a child process
// (udpFloorClient.ts) sending every 20 ms, as the media bench's do.
// With `srtp`, the relay also does what WebRTC makes mandatory, with our own srtp.ts: each
// datagram is authenticated and decrypted, and encrypted again for each listener.
//
// Measured in the same run as the media bench, it separates the machine from the code: the
// media path's µs per forwarded packet minus the floor's is what Earshot itself costs, and the
// floor's own calls per core bound what any Node forwarder can reach on this machine today.
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import type { SlotHeader } from "../src/media/SlotRewriter.ts";
import { SrtpReceiver, SrtpSender, type SrtpSessionKeys } from "../src/media/srtp.ts";
import type { FloorFromClient, FloorToClient } from "./udpFloorClient.ts";

export interface FloorLevel {
  calls: number;
  forwardedPerSecond: number;
  cpuMicrosPerForwarded: number;
  systemMicrosPerForwarded: number;
  cpuPercentOfOneCore: number;
  loss: number;
}

/** Whisper's fan-out by leg index within a call (0 customer, 1 agent, 2 coach). */
const FAN_OUT: ReadonlyArray<readonly number[]> = [[1, 2], [0, 2], [1]];

export async function runUdpFloor(
  levels: readonly number[],
  durationMs: number,
  srtp: boolean,
): Promise<FloorLevel[]> {
  const client = fork(new URL("./udpFloorClient.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const replies: Array<(m: FloorFromClient) => void> = [];
  client.on("message", (m: FloorFromClient) => replies.shift()?.(m));
  const ask = (m: FloorToClient) =>
    new Promise<FloorFromClient>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench floor: no reply to ${m.type}`)), 60_000);
      replies.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
      tell(client, m);
    });
  const sockets: Socket[] = [];
  /** Where each relay socket's party listens, by relay socket index. */
  const peers: number[] = [];
  const senders: SrtpSender[] = [];
  let forwarded = 0;
  const results: FloorLevel[] = [];
  try {
    for (const calls of levels) {
      const first = sockets.length;
      for (let i = first; i < calls * 3; i++) sockets.push(await bound());
      const ports = sockets.slice(first).map((s) => s.address().port);
      const upstream = ports.map(() => newKeys());
      const reply = await ask({
        type: "add",
        relayPorts: ports,
        keys: srtp ? upstream.map(toHex) : undefined,
      });
      if (reply.type !== "added") throw new Error("bench floor: the parties did not start");
      reply.ports.forEach((p, i) => {
        peers[first + i] = p;
      });
      for (let i = first; i < sockets.length; i++) {
        const targets = FAN_OUT[i % 3].map((leg) => i - (i % 3) + leg);
        const send = (t: number, data: Buffer) => {
          sockets[t].send(data, peers[t], "127.0.0.1");
          forwarded++;
        };
        if (!srtp) {
          sockets[i].on("message", (data) => {
            for (const t of targets) send(t, data);
          });
          continue;
        }
        const receiver = new SrtpReceiver(upstream[i - first]);
        senders[i] = new SrtpSender(newKeys());
        const header: SlotHeader = { sequenceNumber: 0, timestamp: 0, marker: false };
        const ssrc = (i % 3) + 1; // one outgoing stream per source leg
        sockets[i].on("message", (data) => {
          const end = receiver.unprotect(data);
          if (end < 0) return;
          header.sequenceNumber = data.readUInt16BE(2);
          header.timestamp = data.readUInt32BE(4);
          const payload = data.subarray(12, end);
          for (const t of targets) send(t, senders[t].protect(header, 111, ssrc, payload));
        });
      }
      await ask({ type: "send", ms: 1000 }); // warm-up
      const measuring = ask({ type: "send", ms: durationMs });
      const cpu0 = process.cpuUsage();
      const out0 = forwarded;
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, durationMs));
      const cpu = process.cpuUsage(cpu0);
      const out = forwarded - out0;
      const seconds = (performance.now() - t0) / 1000;
      const report = await measuring;
      if (report.type !== "sent") throw new Error("bench floor: no report from the parties");
      const micros = cpu.user + cpu.system;
      const level: FloorLevel = {
        calls,
        forwardedPerSecond: Math.round(out / seconds),
        cpuMicrosPerForwarded: Number((micros / Math.max(1, out)).toFixed(1)),
        systemMicrosPerForwarded: Number((cpu.system / Math.max(1, out)).toFixed(1)),
        cpuPercentOfOneCore: Number(((micros / 1e6 / seconds) * 100).toFixed(1)),
        loss: Number(Math.max(0, 1 - report.received / report.expected).toFixed(4)),
      };
      results.push(level);
      process.stderr.write(`bench media floor: ${JSON.stringify(level)}\n`);
    }
  } finally {
    tell(client, { type: "exit" });
    for (const s of sockets) s.close();
  }
  return results;
}

function newKeys(): SrtpSessionKeys {
  return { key: randomBytes(16), salt: randomBytes(14), auth: randomBytes(20) };
}

function toHex(k: SrtpSessionKeys): [string, string, string] {
  return [
    Buffer.from(k.key).toString("hex"),
    Buffer.from(k.salt).toString("hex"),
    Buffer.from(k.auth).toString("hex"),
  ];
}

function bound(): Promise<Socket> {
  const socket = createSocket("udp4");
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve(socket));
  });
}

function tell(child: ChildProcess, message: FloorToClient): void {
  child.send(message);
}
