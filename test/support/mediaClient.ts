// Simulated browser parties for the media benchmarks and src/media/legRelease.test.ts, in a
// child process (so the media node's CPU is measured alone): three werift peer connections per call (customer, agent, coach),
// each sending 20 ms Opus-sized packets and counting what its two slots receive. Their
// SRTP goes through the same lean path as the media node's (src/media/srtpLink.ts), so
// that one core of simulated browsers can keep up with one core of media node.
import { RTCPeerConnection, useOPUS, usePCMU } from "werift";
import { SrtpLink } from "../../src/media/srtpLink.ts";
import { everyFrame } from "./pace.ts";

type Role = "customer" | "agent" | "coach";
const ROLES: Role[] = ["customer", "agent", "coach"];

export type ToClient =
  /** Adds calls; by default all three parties per call in Opus. */
  | { type: "add"; calls: number; roles?: Role[]; codec?: "opus" | "pcmu" }
  | { type: "answer"; id: number; sdp: string }
  /** Sends for `ms`; with `spread`, each call's 20 ms clock has its own phase (else all in lockstep). */
  | { type: "send"; ms: number; spread?: boolean }
  | { type: "exit" };
export type FromClient =
  | { type: "offer"; id: number; call: number; role: Role; sdp: string }
  | { type: "ready"; legs: number }
  /** A leg did not connect even after retries. */
  | { type: "failed"; message: string }
  | { type: "sent"; sent: Record<Role, number>; received: number; expected: number };

interface ClientLeg {
  call: number;
  role: Role;
  pc: RTCPeerConnection;
  link: SrtpLink;
  ssrc: number;
  /** The negotiated payload type of the codec (werift numbers Opus 96). */
  payloadType: number;
  seq: number;
  ts: number;
  received: number;
}

const legs: ClientLeg[] = [];
let callCount = 0;
let codec: "opus" | "pcmu" = "opus";
const pending = new Map<number, (sdp: string) => void>();
let nextId = 0;
const payload = Buffer.alloc(160, 0x5a); // 20 ms: an Opus-sized frame, or exactly one PCMU frame
const send = (m: FromClient) => process.send?.(m);

const LEG_TIMEOUT_MS = 30_000;

async function addLeg(
  call: number,
  role: Role,
  created: (pc: RTCPeerConnection) => void,
): Promise<ClientLeg> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [codec === "pcmu" ? usePCMU() : useOPUS()] },
    headerExtensions: { audio: [] },
    iceServers: [],
    iceUseIpv6: false,
    bundlePolicy: "max-bundle", // one transport from the start, as browsers bundle
  });
  created(pc);
  const mic = pc.addTransceiver("audio", { direction: "sendonly" });
  for (let i = 0; i < 2; i++) pc.addTransceiver("audio", { direction: "recvonly" });
  await pc.setLocalDescription(await pc.createOffer());
  const transport = mic.dtlsTransport;
  if (!transport) throw new Error("bench: no DTLS transport");
  const leg: ClientLeg = {
    call,
    role,
    pc,
    link: SrtpLink.take(transport, () => {
      leg.received++;
    }),
    ssrc: mic.sender.ssrc,
    payloadType: 0,
    seq: 0,
    ts: 0,
    received: 0,
  };
  if (pc.iceGatheringState !== "complete") await pc.iceGatheringStateChange.watch((s) => s === "complete");
  const id = nextId++;
  const answer = new Promise<string>((resolve) => pending.set(id, resolve));
  send({ type: "offer", id, call, role, sdp: pc.localDescription?.sdp ?? "" });
  await pc.setRemoteDescription({ type: "answer", sdp: await answer });
  if (pc.connectionState !== "connected") await pc.connectionStateChange.watch((s) => s === "connected");
  leg.payloadType = mic.sender.codec?.payloadType ?? (codec === "pcmu" ? 0 : 111);
  return leg;
}

/** When hundreds of handshakes run at once a rare one never completes: give up on it and attach the party again. */
async function addLegRetrying(call: number, role: Role): Promise<ClientLeg> {
  for (let attempt = 1; ; attempt++) {
    let pc: RTCPeerConnection | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        addLeg(call, role, (p) => {
          pc = p;
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`call ${call} ${role}: not connected in ${LEG_TIMEOUT_MS} ms`)),
            LEG_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (error) {
      pc?.close().catch(() => {});
      if (attempt >= 3) throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

const header = { sequenceNumber: 0, timestamp: 0, marker: false };

function sendFrame(leg: ClientLeg, sent: Record<Role, number>): void {
  leg.seq = (leg.seq + 1) & 0xffff;
  leg.ts = (leg.ts + (codec === "pcmu" ? 160 : 960)) >>> 0;
  header.sequenceNumber = leg.seq;
  header.timestamp = leg.ts;
  leg.link.send(header, leg.payloadType, leg.ssrc, payload);
  sent[leg.role]++;
}

async function sendFor(ms: number, spread: boolean): Promise<void> {
  for (const leg of legs) leg.received = 0;
  const sent: Record<Role, number> = { customer: 0, agent: 0, coach: 0 };
  // Spread: one stream per call (a call's parties share its clock's phase, as one
  // conversation's do); else every leg in one stream, in lockstep.
  const byCall = new Map<number, ClientLeg[]>();
  for (const leg of legs) byCall.set(leg.call, [...(byCall.get(leg.call) ?? []), leg]);
  const streams = spread ? [...byCall.values()] : [legs];
  await everyFrame(
    ms,
    (s) => {
      for (const leg of streams[s]) sendFrame(leg, sent);
    },
    streams.length,
  );
  await new Promise((r) => setTimeout(r, 500));
  const received = legs.reduce((n, l) => n + l.received, 0);
  // In whisper: the customer is heard by agent and coach, the agent by customer and coach, the coach by the agent.
  const expected = sent.customer * 2 + sent.agent * 2 + sent.coach;
  send({ type: "sent", sent, received, expected });
}

process.on("message", (m: ToClient) => {
  if (m.type === "answer") pending.get(m.id)?.(m.sdp);
  else if (m.type === "send") void sendFor(m.ms, m.spread ?? false);
  else if (m.type === "exit") {
    for (const leg of legs) leg.pc.close().catch(() => {});
    setTimeout(() => process.exit(0), 200);
  } else if (m.type === "add") {
    codec = m.codec ?? "opus";
    const base = callCount;
    callCount += m.calls;
    const work: Promise<ClientLeg>[] = [];
    for (let c = base; c < base + m.calls; c++)
      for (const role of m.roles ?? ROLES) work.push(addLegRetrying(c, role));
    Promise.all(work).then(
      (added) => {
        legs.push(...added);
        send({ type: "ready", legs: legs.length });
      },
      (error: Error) => send({ type: "failed", message: error.message }),
    );
  }
});
