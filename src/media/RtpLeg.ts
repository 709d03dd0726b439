// A plain RTP/AVP leg (G.711) for a SIP trunk party: one UDP socket, RFC 4733 DTMF received
// (that a digit arrived is counted and logged, never which digit).
//
// Whose packets are the party's (no "RTP bleed": latching onto whoever sends first): the
// address and port the party's SDP names are always accepted, and once they have sent, only
// they are. A carrier behind NAT sends from elsewhere: then the leg latches once onto the first
// source from the carrier's allowed addresses (SIP_TRUNK_ALLOW, or the SDP's address on
// another port), before the answer or within a few seconds of it, and answers there
// (symmetric RTP). Every other packet is dropped and counted (`stats.foreignDropped`).
// A phone has one incoming stream, so the leg's two slots are mixed when both carry audio
// (barge); a single slot goes through untouched.
import { randomInt, randomUUID } from "node:crypto";
import type { Socket } from "node:dgram";
import type { Party } from "../control/routing.ts";
import { type Clock, systemClock } from "./clock.ts";
import { alawToUlaw, mixUlaw, ulawToAlaw } from "./g711.ts";
import { type Leg, newSourceKey, type PacketSink, type SlotOutput } from "./Leg.ts";
import type { CloseReason } from "./MediaTypes.ts";
import { emptyView, isRtcp, MAX_RTP_PACKET, RTP_HEADER_SIZE, readRtp, writeRtp } from "./rtpPacket.ts";
import { SlotRewriter } from "./SlotRewriter.ts";

export interface RtpTarget {
  address: string;
  port: number;
}

export interface RtpLegOptions {
  party: Party;
  socket: Socket;
  /** Where the SDP says to send (and whose packets are the party's). */
  remote: RtpTarget;
  /** Sources a NAT'd carrier may be latched from (the trunk's allowed addresses). */
  latchFrom: readonly string[];
  /** How long after the answer a latch may still happen (default 5 s). */
  latchWindowMs?: number;
  /** The first packet dropped for its source (later ones are only counted). */
  onForeignSource?(source: RtpTarget): void;
  /** 0 = PCMU, 8 = PCMA (negotiated). */
  payloadType: 0 | 8;
  sink: PacketSink;
  /** A digit arrived. Never log `digit`: PINs and card numbers are typed this way. */
  onDtmf?(digit: string): void;
  /** Default: the system's monotonic clock. */
  clock?: Clock;
}

const MIX_WINDOW_MS = 40;
const LATCH_WINDOW_MS = 5000;
const DTMF_DIGITS = "0123456789*#ABCD";

export class RtpLeg implements Leg {
  readonly id = randomUUID();
  readonly kind = "rtp" as const;
  readonly sourceKey = newSourceKey();
  readonly party: Party;
  readonly outputs: readonly [SlotOutput, SlotOutput];
  readonly stats = { packetsIn: 0, packetsOut: 0, dtmf: 0, foreignDropped: 0 };
  /** While false (e.g. a held call), nothing is sent to the party. */
  sending = true;
  #closed = false;
  /** Where we send and whose packets we take: the SDP's target, or the latched source. */
  #remote: RtpTarget;
  #sdp: RtpTarget;
  /** The SDP's own target has sent: no latch can happen any more (until a new SDP). */
  #sdpConfirmed = false;
  #latched = false;
  /** Until when a latch may happen: open until the answer, then LATCH_WINDOW_MS more. */
  #latchUntil = Number.POSITIVE_INFINITY;
  readonly #opts: RtpLegOptions;
  readonly #clock: Clock;
  readonly #view = emptyView();
  readonly #header = { sequenceNumber: 0, timestamp: 0, marker: false };
  /** 0 = PCMU, 8 = PCMA, as negotiated (an outbound offer learns it from the answer). */
  payloadType: 0 | 8;
  readonly #ssrc = randomInt(1, 0xffffffff);
  #seq = randomInt(0, 0x10000);
  #ts = randomInt(0, 0xffffffff);
  readonly #last: [number, number] = [0, 0];
  #pending: Buffer | null = null;
  #pendingSlot: 0 | 1 = 0;
  #pendingAt = 0;
  #lastDtmfTs = -1;

  constructor(opts: RtpLegOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.party = opts.party;
    this.#remote = opts.remote;
    this.#sdp = opts.remote;
    this.payloadType = opts.payloadType;
    const codec = { clockRate: 8000, frameSamples: 160 };
    this.outputs = [0, 1].map((slot) => ({
      rewriter: new SlotRewriter(codec),
      send: (_h: unknown, payload: Buffer) => this.#fromSlot(slot as 0 | 1, payload),
    })) as unknown as [SlotOutput, SlotOutput];
    opts.socket.on("message", (msg, rinfo) => this.#receive(msg, rinfo.address, rinfo.port));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The local RTP port (announced in SDP). */
  get port(): number {
    return this.#opts.socket.address().port;
  }

  get remote(): RtpTarget {
    return this.#remote;
  }

  /** The call was answered: a NAT latch may happen only a little longer. */
  answered(): void {
    this.#latchUntil = Math.min(
      this.#latchUntil,
      this.#clock.now() + (this.#opts.latchWindowMs ?? LATCH_WINDOW_MS),
    );
  }

  /** An SDP (an answer, a re-INVITE) names the party's media: it is theirs from now on. */
  retarget(remote: RtpTarget): void {
    if (remote.address === this.#sdp.address && remote.port === this.#sdp.port) {
      this.answered();
      return;
    }
    this.#remote = remote;
    this.#sdp = remote;
    this.#sdpConfirmed = false;
    this.#latched = false;
    this.#latchUntil = this.#clock.now() + (this.#opts.latchWindowMs ?? LATCH_WINDOW_MS);
  }

  /** Whether a packet from this source is the party's; moves the target on a latch. */
  #accepts(address: string, port: number): boolean {
    if (address === this.#sdp.address && port === this.#sdp.port) {
      // The signalled source always wins, even over an earlier latch onto someone else.
      this.#sdpConfirmed = true;
      this.#remote = this.#sdp;
      return true;
    }
    if (this.#latched) return address === this.#remote.address && port === this.#remote.port;
    const mayLatch =
      !this.#sdpConfirmed &&
      this.#clock.now() <= this.#latchUntil &&
      (this.#opts.latchFrom.includes(address) || address === this.#sdp.address);
    if (!mayLatch) return false;
    this.#remote = { address, port };
    this.#latched = true;
    return true;
  }

  #receive(msg: Buffer, address: string, port: number): void {
    if (this.#closed || msg.length > MAX_RTP_PACKET || isRtcp(msg)) return; // RTCP on the RTP port (rtcp-mux): not audio
    const v = readRtp(msg, this.#view);
    if (v === null) return;
    if (!this.#accepts(address, port)) {
      if (this.stats.foreignDropped++ === 0) this.#opts.onForeignSource?.({ address, port });
      return; // not our party's stream
    }
    const pt = v.payloadType;
    const ts = v.timestamp;
    const payload = msg.subarray(v.payloadOffset, v.payloadEnd);
    if (pt === 101) {
      this.#dtmf(payload, ts);
      return;
    }
    if (pt !== 0 && pt !== 8) return;
    this.stats.packetsIn++;
    this.#opts.sink(
      this,
      v.ssrc,
      v.sequenceNumber,
      ts,
      pt === 8 ? alawToUlaw(payload) : Buffer.from(payload),
    );
  }

  #dtmf(payload: Buffer, ts: number): void {
    if (payload.length < 4 || !(payload[1] & 0x80) || ts === this.#lastDtmfTs) return; // once, at the end bit
    this.#lastDtmfTs = ts;
    this.stats.dtmf++;
    this.#opts.onDtmf?.(DTMF_DIGITS[payload[0]] ?? "?");
  }

  /** A frame for slot 0 or 1: sent as is, or mixed with the other slot's recent frame. */
  #fromSlot(slot: 0 | 1, payload: Buffer): void {
    if (this.#closed || !this.sending) return;
    const now = this.#clock.now();
    this.#last[slot] = now;
    const other = slot === 0 ? 1 : 0;
    const otherActive = now - this.#last[other] < MIX_WINDOW_MS;
    if (!otherActive) {
      this.#pending = null;
      this.#emit(payload);
      return;
    }
    if (this.#pending && this.#pendingSlot !== slot && now - this.#pendingAt < MIX_WINDOW_MS) {
      const mixed = mixUlaw(this.#pending, payload);
      this.#pending = null;
      this.#emit(mixed);
      return;
    }
    if (this.#pending && now - this.#pendingAt < MIX_WINDOW_MS) this.#emit(this.#pending);
    this.#pending = Buffer.from(payload);
    this.#pendingSlot = slot;
    this.#pendingAt = now;
  }

  #emit(ulaw: Buffer): void {
    if (this.#remote.address === "0.0.0.0") return; // no SDP answer yet
    const payload = this.payloadType === 8 ? ulawToAlaw(ulaw) : ulaw;
    const packet = Buffer.allocUnsafe(RTP_HEADER_SIZE + payload.length);
    const header = this.#header;
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts = (this.#ts + payload.length) >>> 0;
    header.sequenceNumber = this.#seq;
    header.timestamp = this.#ts;
    writeRtp(packet, header, this.payloadType, this.#ssrc, payload);
    this.stats.packetsOut++;
    this.#opts.socket.send(packet, this.#remote.port, this.#remote.address, () => {});
  }

  close(_reason: CloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#opts.socket.close();
    } catch {
      // already closed
    }
  }
}
