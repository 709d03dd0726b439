// The parties of the floor bench (udpFloor.ts): one plain UDP socket per leg, each sending a
// 182-byte datagram to its relay socket every 20 ms and counting what comes back. Given keys,
// the datagram is an SRTP packet (a 160-byte payload), encrypted anew each time.
import { createSocket, type Socket } from "node:dgram";
import { SrtpSender } from "../src/media/srtp.ts";
import { everyFrame } from "../test/support/pace.ts";

export type FloorToClient =
  /** keys: each leg's upstream SRTP keys (hex key, salt, auth); none for plain datagrams. */
  | { type: "add"; relayPorts: number[]; keys?: Array<[string, string, string]> }
  | { type: "send"; ms: number }
  | { type: "exit" };
export type FloorFromClient =
  | { type: "added"; ports: number[] }
  | { type: "sent"; received: number; expected: number };

/** What each leg (0 customer, 1 agent, 2 coach) is heard by in whisper. */
const LISTENERS = [2, 2, 1];

interface Party {
  socket: Socket;
  relayPort: number;
  leg: number;
  received: number;
  sender: SrtpSender | undefined;
}

const parties: Party[] = [];
const datagram = Buffer.alloc(182, 0x5a);
const payload = Buffer.alloc(160, 0x5a);
const header = { sequenceNumber: 0, timestamp: 0, marker: false };
const reply = (m: FloorFromClient) => process.send?.(m);

async function add(relayPorts: number[], keys: Array<[string, string, string]> | undefined): Promise<void> {
  const added: Party[] = [];
  for (const [i, relayPort] of relayPorts.entries()) {
    const k = keys?.[i].map((h) => Buffer.from(h, "hex"));
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const sender = k ? new SrtpSender({ key: k[0], salt: k[1], auth: k[2] }) : undefined;
    const party: Party = { socket, relayPort, leg: parties.length % 3, received: 0, sender };
    socket.on("message", () => {
      party.received++;
    });
    parties.push(party);
    added.push(party);
  }
  reply({ type: "added", ports: added.map((p) => p.socket.address().port) });
}

async function sendFor(ms: number): Promise<void> {
  for (const p of parties) p.received = 0;
  const frames = await everyFrame(ms, () => {
    header.sequenceNumber = (header.sequenceNumber + 1) & 0xffff;
    header.timestamp = (header.timestamp + 960) >>> 0;
    for (const p of parties) {
      const data = p.sender ? p.sender.protect(header, 111, 1, payload) : datagram;
      p.socket.send(data, p.relayPort, "127.0.0.1");
    }
  });
  await new Promise((r) => setTimeout(r, 500));
  const expected = parties.reduce((n, p) => n + frames * LISTENERS[p.leg], 0);
  reply({ type: "sent", received: parties.reduce((n, p) => n + p.received, 0), expected });
}

process.on("message", (m: FloorToClient) => {
  if (m.type === "add") void add(m.relayPorts, m.keys);
  else if (m.type === "send") void sendFor(m.ms);
  else {
    for (const p of parties) p.socket.close();
    process.exit(0);
  }
});
