// A browser's media leg: one RTCPeerConnection with the party's microphone
// (received here) and two receive slots (sent from here). werift does ICE and DTLS;
// SRTP and RTP go through our lean path (srtpLink.ts); the call's forwarding switch
// decides what each slot carries.
import { randomUUID } from "node:crypto";
import { type RTCCertificate, RTCPeerConnection, type RTCRtpSender, useOPUS, usePCMU } from "werift";
import type { Party } from "../control/routing.ts";
import { addPayloadTypeToSlots, offeredAlternate } from "../protocol/alternatePayloadType.ts";
import type { CodecInfo } from "./codecs.ts";
import { type Leg, newSourceKey, type PacketSink, type SlotOutput } from "./Leg.ts";
import { type CloseReason, MediaError } from "./MediaTypes.ts";
import { nodePeerConfig, withoutDefaultStun } from "./peerConfig.ts";
import { emptyView, readRtp } from "./rtp.ts";
import { type SlotHeader, SlotRewriter } from "./SlotRewriter.ts";
import { SrtpLink } from "./srtpLink.ts";

export interface PeerSettings {
  certificate: RTCCertificate;
  /** The addresses announced in host candidates (MediaNodeOptions.hosts); default every IPv4 interface. */
  hosts?: string[];
  portRange?: [number, number];
  /** STUN servers for server-reflexive candidates; none means no traffic to anyone but the peers. */
  stunUrls: string[];
  /** How long a leg may take to connect before it closes with "ice_failed". */
  connectTimeoutMs: number;
  /** How long a leg may stay disconnected before it closes. */
  disconnectTimeoutMs: number;
}

export interface WebRtcLegEvents {
  onPacket: PacketSink;
  onConnect(leg: WebRtcLeg): void;
  /** The transport failed on its own (never called for close()). */
  onFail(leg: WebRtcLeg, reason: CloseReason): void;
}

const MAX_SDP_BYTES = 64 * 1024;
/** Attributes an offer must carry, with the shape of their values (call legs and probes alike). */
export const OFFER_ATTRIBUTES: ReadonlyArray<[string, string]> = [
  ["ice-ufrag", "[A-Za-z0-9+/]{4,256}"],
  ["ice-pwd", "[A-Za-z0-9+/]{22,256}"],
  ["fingerprint", "sha-(1|224|256|384|512) [0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){15,63}"],
  ["setup", "(actpass|active|passive)"],
];
const GATHER_TIMEOUT_MS = 5000;
const ignore = (): void => {};

/** Rejects what is not a browser offer with a microphone and two receive slots in the call's codec. */
export function checkOffer(offerSdp: unknown, codec: CodecInfo): string {
  if (typeof offerSdp !== "string" || !offerSdp.startsWith("v=0") || offerSdp.length > MAX_SDP_BYTES) {
    throw new MediaError("signalling_error", "invalid_sdp", "The offer is not an SDP session description.");
  }
  const sections = offerSdp.split(/\r?\nm=/).slice(1);
  const audio = sections.filter((s) => s.startsWith("audio "));
  if (audio.length !== 3 || sections.length !== 3) {
    throw new MediaError(
      "signalling_error",
      "invalid_sdp",
      "The offer must have exactly three audio sections: the microphone and two receive slots.",
    );
  }
  const sends = (s: string) => /^a=(sendonly|sendrecv)\s*$/m.test(s);
  const receives = (s: string) => /^a=(recvonly|sendrecv)\s*$/m.test(s);
  if (!sends(audio[0]) || !receives(audio[1]) || !receives(audio[2])) {
    throw new MediaError(
      "signalling_error",
      "invalid_sdp",
      "The offer's first audio section must send and the other two must receive.",
    );
  }
  for (const [attribute, value] of OFFER_ATTRIBUTES) {
    const lines = offerSdp.match(new RegExp(`^a=${attribute}:.*$`, "gm")) ?? [];
    const valid = new RegExp(`^a=${attribute}:${value}\\s*$`);
    if (lines.length === 0 || !lines.every((line) => valid.test(line))) {
      throw new MediaError("signalling_error", "invalid_sdp", `The offer has no valid a=${attribute}.`);
    }
  }
  if (!audio.every((s) => /^audio \d+ [A-Z/]+( \d+)+$/.test(s.split(/\r?\n/, 1)[0]))) {
    throw new MediaError("signalling_error", "invalid_sdp", "The offer has a malformed m= line.");
  }
  if (!audio.every((s) => codec.rtpmap.test(`m=${s}`))) {
    throw new MediaError(
      "signalling_error",
      "codec_not_offered",
      `Every audio section of the offer must offer ${codec.codec.toUpperCase()}, the codec of this call.`,
    );
  }
  return offerSdp;
}

export class WebRtcLeg implements Leg {
  readonly id = randomUUID();
  readonly kind = "webrtc" as const;
  readonly party: Party;
  readonly sourceKey = newSourceKey();
  readonly outputs: readonly [SlotOutput, SlotOutput];
  readonly #pc: RTCPeerConnection;
  readonly #events: WebRtcLegEvents;
  readonly #settings: PeerSettings;
  #closed = false;
  #connected = false;
  #timer: NodeJS.Timeout | undefined;
  #senders: RTCRtpSender[] = [];
  #link: SrtpLink | undefined;
  /** The negotiated payload type (the browser's numbering) and our SSRC of each slot, set on connect. */
  #payloadType: number;
  #slotSsrcs = [0, 0];
  /** A second payload type of the codec both slots accept (alternatePayloadType.ts), or null. */
  #alternate: number | null = null;
  /** The payload type each slot currently sends with. */
  #slotPayloadTypes = [0, 0];
  readonly #view = emptyView();

  private constructor(party: Party, codec: CodecInfo, settings: PeerSettings, events: WebRtcLegEvents) {
    this.party = party;
    this.#events = events;
    this.#settings = settings;
    this.#payloadType = codec.payloadType;
    this.#pc = new RTCPeerConnection({
      ...nodePeerConfig(settings),
      codecs: { audio: [codec.codec === "opus" ? useOPUS() : usePCMU()] },
      headerExtensions: { audio: [] },
    });
    this.outputs = [this.#output(codec, 0), this.#output(codec, 1)];
  }

  /** Answers a browser's offer; the leg then waits for ICE and DTLS to connect. */
  static async answer(
    party: Party,
    codec: CodecInfo,
    offerSdp: unknown,
    settings: PeerSettings,
    events: WebRtcLegEvents,
  ): Promise<{ leg: WebRtcLeg; answerSdp: string }> {
    const sdp = checkOffer(offerSdp, codec);
    const leg = new WebRtcLeg(party, codec, settings, events);
    try {
      const answerSdp = await leg.#negotiate(sdp, codec);
      return { leg, answerSdp };
    } catch (error) {
      leg.close("negotiation_failed");
      if (error instanceof MediaError) throw error;
      throw new MediaError("signalling_error", "invalid_sdp", `The offer was refused: ${String(error)}`);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  get connected(): boolean {
    return this.#connected;
  }

  close(_reason: CloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#link?.close();
    this.#pc.close().catch(ignore);
  }

  async #negotiate(offerSdp: string, codec: CodecInfo): Promise<string> {
    const pc = this.#pc;
    await pc.setRemoteDescription({ type: "offer", sdp: offerSdp });
    const transceivers = pc.getTransceivers();
    if (transceivers.length !== 3) throw new Error("expected three transceivers");
    // Server side: the microphone is received, the two slots are sent.
    transceivers[0].setDirection("recvonly");
    transceivers[1].setDirection("sendonly");
    transceivers[2].setDirection("sendonly");
    const transport = transceivers[0].dtlsTransport;
    if (!transport) throw new Error("no DTLS transport");
    withoutDefaultStun(transport.iceTransport.connection, this.#settings.stunUrls);
    this.#link = SrtpLink.take(transport, (packet, end) => this.#ingress(packet, end));
    this.#senders = [transceivers[1].sender, transceivers[2].sender];
    pc.connectionStateChange.subscribe((state) => this.#onState(state));
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await this.#gathered();
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error("no local description");
    if (!/^a=candidate:/m.test(sdp)) {
      throw new MediaError(
        "media_ports_exhausted",
        "ports_exhausted",
        this.#settings.portRange
          ? `No free UDP port in the media range ${this.#settings.portRange.join("-")} for this leg.`
          : "The media plane could not bind a UDP socket for this leg.",
      );
    }
    const primary = Number(/^m=audio \d+ \S+ (\d+)/m.exec(sdp)?.[1] ?? this.#payloadType);
    // The codec's name in rtpmap lines: "opus/48000", "PCMU/8000".
    const encoding = `${codec.mimeType.slice("audio/".length)}/${codec.clockRate}`;
    this.#alternate = offeredAlternate(offerSdp, encoding, primary);
    this.#arm(this.#settings.connectTimeoutMs, "ice_failed");
    return this.#alternate === null ? sdp : addPayloadTypeToSlots(sdp, this.#alternate);
  }

  #gathered(): Promise<void> {
    const pc = this.#pc;
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
      const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
        if (state !== "complete") return;
        clearTimeout(timer);
        unSubscribe();
        resolve();
      });
    });
  }

  /** A decrypted packet from the party's microphone: to the forwarding switch. */
  #ingress(packet: Buffer, end: number): void {
    const v = readRtp(packet.subarray(0, end), this.#view);
    if (!v || v.payloadType !== this.#payloadType || this.#closed) return;
    this.#events.onPacket(
      this,
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
        if (this.#closed || !this.#connected) return;
        const alternate = this.#alternate;
        if (h.marker && alternate !== null) {
          // A new source or a new talk spurt: the other payload type, so the browser starts it fresh.
          this.#slotPayloadTypes[slot] =
            this.#slotPayloadTypes[slot] === this.#payloadType ? alternate : this.#payloadType;
        }
        this.#link?.send(h, this.#slotPayloadTypes[slot], this.#slotSsrcs[slot], payload);
      },
    };
  }

  #onState(state: string): void {
    if (this.#closed) return;
    if (state === "connected") {
      clearTimeout(this.#timer);
      if (!this.#connected) {
        // The browser's numbering of the codec, and the SSRCs our answer announced for the slots.
        this.#payloadType = this.#senders[0]?.codec?.payloadType ?? this.#payloadType;
        this.#slotPayloadTypes = [this.#payloadType, this.#payloadType];
        this.#slotSsrcs = this.#senders.map((sender) => sender.ssrc);
        this.#connected = true;
        this.#events.onConnect(this);
      }
    } else if (state === "failed") {
      this.#fail(this.#connected ? "disconnected" : "ice_failed");
    } else if (state === "disconnected") {
      this.#arm(this.#settings.disconnectTimeoutMs, "disconnected");
    }
  }

  #arm(ms: number, reason: CloseReason): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#fail(reason), ms);
    this.#timer.unref();
  }

  #fail(reason: CloseReason): void {
    if (this.#closed) return;
    this.close(reason);
    this.#events.onFail(this, reason);
  }
}
