// The packet path of a WebRTC leg, after SRTP: the microphone's packets in (read with the
// packet toolkit, in the negotiated payload type only) and the two receive slots' packets out
// (rewritten by each slot's SlotRewriter, encrypted and sent by the leg's SrtpLink), with the
// switch to the alternate payload type at each new source (alternatePayloadType.ts).
import type { CodecInfo } from "./codecs.ts";
import type { SlotOutput } from "./Leg.ts";
import { emptyView, readRtp } from "./rtpPacket.ts";
import { type SlotHeader, SlotRewriter } from "./SlotRewriter.ts";
import type { SrtpLink } from "./srtpLink.ts";

/** What the slots need of their leg. */
export interface SlotOwner {
  /** Connected and not closed: a slot's packet may go out. */
  sendable(): boolean;
  link(): SrtpLink | undefined;
  /** A packet of the party's microphone, for the forwarding switch. */
  deliver(ssrc: number, seq: number, ts: number, payload: Buffer): void;
}

export class SlotPackets {
  readonly outputs: readonly [SlotOutput, SlotOutput];
  /** A second payload type of the codec both slots accept, or null; set by the negotiation. */
  alternate: number | null = null;
  readonly #owner: SlotOwner;
  /** The negotiated payload type (the browser's numbering) and our SSRC of each slot, set on connect. */
  #payloadType: number;
  #slotSsrcs = [0, 0];
  /** The payload type each slot currently sends with. */
  #slotPayloadTypes = [0, 0];
  readonly #view = emptyView();

  constructor(codec: CodecInfo, owner: SlotOwner) {
    this.#owner = owner;
    this.#payloadType = codec.payloadType;
    this.outputs = [this.#output(codec, 0), this.#output(codec, 1)];
  }

  /** The leg connected: the browser's numbering of the codec, and our SSRC of each slot. */
  connected(payloadType: number | undefined, slotSsrcs: number[]): void {
    this.#payloadType = payloadType ?? this.#payloadType;
    this.#slotPayloadTypes = [this.#payloadType, this.#payloadType];
    this.#slotSsrcs = slotSsrcs;
  }

  /** A decrypted packet from the party's microphone (`packet[0, end)`): to the forwarding switch. */
  ingress(packet: Buffer, end: number): void {
    const v = readRtp(packet, this.#view, end);
    if (!v || v.payloadType !== this.#payloadType) return;
    this.#owner.deliver(
      v.ssrc,
      v.sequenceNumber,
      v.timestamp,
      packet.subarray(v.payloadOffset, v.payloadEnd),
    );
  }

  #output(codec: CodecInfo, slot: number): SlotOutput {
    return {
      rewriter: new SlotRewriter(codec),
      send: (h: SlotHeader, payload: Buffer) => {
        if (!this.#owner.sendable()) return;
        const alternate = this.alternate;
        if (h.marker && alternate !== null) {
          // A new source or a new talk spurt: the other payload type, so the browser starts it fresh.
          this.#slotPayloadTypes[slot] =
            this.#slotPayloadTypes[slot] === this.#payloadType ? alternate : this.#payloadType;
        }
        this.#owner.link()?.send(h, this.#slotPayloadTypes[slot], this.#slotSsrcs[slot], payload);
      },
    };
  }
}
