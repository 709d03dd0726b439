// A browser's media leg: one RTCPeerConnection with the party's microphone
// (received here) and two receive slots (sent from here). werift does ICE and DTLS;
// SRTP and RTP go through our lean path (srtpLink.ts); the call's forwarding switch
// decides what each slot carries. A leg whose path is lost (its ICE fails, or nothing arrives
// from the browser for a few seconds) waits a grace period for the browser's ICE restart
// (icePath.ts) and stays the same leg, with the same routing, when it comes back.
import { randomUUID } from "node:crypto";
import { RTCPeerConnection, type RTCRtpSender, useOPUS, usePCMU } from "werift";
import type { Party } from "../control/routing.ts";
import { addPayloadTypeToSlots, offeredAlternate } from "../protocol/alternatePayloadType.ts";
import type { IceCandidateInit } from "../protocol/messages.ts";
import { parseSdp, payloadTypes } from "../protocol/sdp.ts";
import type { CodecInfo } from "./codecs.ts";
import { IcePath } from "./icePath.ts";
import { type Leg, newSourceKey, type PacketSink, type SlotOutput } from "./Leg.ts";
import { type CloseReason, MediaError } from "./MediaTypes.ts";
import { type CheckedOffer, checkOffer } from "./offerCheck.ts";
import { PathWatch } from "./pathWatch.ts";
import { nodePeerConfig, type PeerSettings } from "./peerConfig.ts";
import { SrtpLink } from "./srtpLink.ts";
import { SlotPackets } from "./webRtcSlots.ts";

export interface WebRtcLegEvents {
  onPacket: PacketSink;
  onConnect(leg: WebRtcLeg): void;
  /** The transport failed on its own (never called for close()). */
  onFail(leg: WebRtcLeg, reason: CloseReason): void;
  /** One of our ICE candidates for the browser, after the answer that carries the generation (null: no more). */
  onCandidate(leg: WebRtcLeg, candidate: IceCandidateInit | null): void;
  /** The path was lost (true) or is back (false); informational (logs, tests). */
  onPath?(leg: WebRtcLeg, lost: boolean): void;
  /** Something nobody waits for went wrong (a STUN query, a restart's checks). */
  onError?(leg: WebRtcLeg, error: unknown): void;
}

const ignore = (): void => {};

export class WebRtcLeg implements Leg {
  readonly id: string;
  readonly kind = "webrtc" as const;
  readonly party: Party;
  readonly sourceKey = newSourceKey();
  readonly outputs: readonly [SlotOutput, SlotOutput];
  readonly #pc: RTCPeerConnection;
  readonly #events: WebRtcLegEvents;
  readonly #settings: PeerSettings;
  readonly #codec: CodecInfo;
  #closed = false;
  #connected = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #path: PathWatch;
  #senders: RTCRtpSender[] = [];
  #link: SrtpLink | undefined;
  #ice: IcePath | undefined;
  /** The browser's DTLS fingerprint: an ICE restart must come from the same peer connection. */
  #fingerprint = "";
  /** A restart being negotiated: a second one waits for it (werift negotiates one at a time). */
  #negotiation: Promise<unknown> = Promise.resolve();
  /** The packet path: the microphone's packets in, the two slots' out (webRtcSlots.ts). */
  readonly #packets: SlotPackets;

  private constructor(
    party: Party,
    codec: CodecInfo,
    settings: PeerSettings,
    events: WebRtcLegEvents,
    id: string,
  ) {
    this.id = id;
    this.party = party;
    this.#codec = codec;
    this.#events = events;
    this.#settings = settings;
    this.#packets = new SlotPackets(codec, {
      sendable: () => !this.#closed && this.#connected,
      link: () => this.#link,
      deliver: (ssrc, seq, ts, payload) => {
        if (!this.#closed) this.#events.onPacket(this, ssrc, seq, ts, payload);
      },
    });
    this.#pc = new RTCPeerConnection({
      ...nodePeerConfig(settings),
      codecs: { audio: [codec.codec === "opus" ? useOPUS() : usePCMU()] },
      headerExtensions: { audio: [] },
      // werift never asks the STUN servers: IcePath does, after the answer.
    });
    this.outputs = this.#packets.outputs;
    this.#path = new PathWatch(settings, () => this.#pc.iceConnectionState, {
      onChange: (lost) => this.#events.onPath?.(this, lost),
      onExpired: () => this.#fail("connection_lost"),
    });
  }

  /**
   * Answers a browser's offer; the leg then waits for ICE and DTLS to connect. The answer carries
   * the host candidates; server-reflexive ones follow through events.onCandidate.
   */
  static async answer(
    party: Party,
    codec: CodecInfo,
    offerSdp: unknown,
    settings: PeerSettings,
    events: WebRtcLegEvents,
    id: string = randomUUID(),
  ): Promise<{ leg: WebRtcLeg; answerSdp: string }> {
    const offer = checkOffer(offerSdp, codec);
    const leg = new WebRtcLeg(party, codec, settings, events, id);
    try {
      const answerSdp = await leg.#negotiate(offer);
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

  /** True while the path is lost and the leg waits for an ICE restart. */
  get lost(): boolean {
    return this.#path.lost;
  }

  /**
   * Answers the browser's ICE restart: an offer like the first (same DTLS fingerprint) with new
   * ICE credentials. The leg, its DTLS session, its SRTP keys and its place in the routing stay.
   */
  async restart(offerSdp: unknown): Promise<string> {
    if (this.#closed) throw new MediaError("conflict", "invalid_state", "The leg is closed.");
    const offer = checkOffer(offerSdp, this.#codec);
    if (offer.fingerprint !== this.#fingerprint) {
      throw new MediaError(
        "signalling_error",
        "invalid_sdp",
        "An ICE restart must keep the leg's DTLS fingerprint.",
      );
    }
    if (offer.ufrag === this.#ice?.remoteUfrag) {
      throw new MediaError(
        "signalling_error",
        "invalid_sdp",
        "The offer does not restart ICE (same ice-ufrag).",
      );
    }
    const run = this.#negotiation.then(() => this.#renegotiate(offer.sdp));
    this.#negotiation = run.catch(ignore);
    return run;
  }

  /** A candidate the browser trickled (null: no more of this generation). */
  async addCandidate(candidate: IceCandidateInit | null): Promise<void> {
    if (this.#closed) return;
    await this.#negotiation; // a restart's candidates apply to the restart
    await this.#ice?.addRemote(candidate);
  }

  rttMs(): number | null {
    return this.#link?.rttMs() ?? null;
  }

  close(_reason: CloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#path.stop();
    this.#ice?.close();
    this.#link?.close();
    this.#pc.close().catch(ignore);
  }

  async #negotiate(offer: CheckedOffer): Promise<string> {
    const pc = this.#pc;
    this.#fingerprint = offer.fingerprint;
    await pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
    const transceivers = pc.getTransceivers();
    if (transceivers.length !== 3) throw new Error("expected three transceivers");
    // Server side: the microphone is received, the two slots are sent.
    transceivers[0].setDirection("recvonly");
    transceivers[1].setDirection("sendonly");
    transceivers[2].setDirection("sendonly");
    const transport = transceivers[0].dtlsTransport;
    if (!transport) throw new Error("no DTLS transport");
    this.#ice = new IcePath(pc, transport, this.#settings.stunUrls, {
      onCandidate: (c) => this.#events.onCandidate(this, c),
      onError: (e) => this.#events.onError?.(this, e),
    });
    this.#link = SrtpLink.take(transport, (packet, end) => {
      this.#path.received++;
      this.#packets.ingress(packet, end);
    });
    this.#senders = [transceivers[1].sender, transceivers[2].sender];
    pc.connectionStateChange.subscribe((state) => this.#onState(state));
    pc.iceConnectionStateChange.subscribe((state) => this.#onIceState(state));
    const sdp = await this.#answer();
    const answer = parseSdp(sdp);
    if (!answer.ok) throw new Error(`werift's answer does not parse: ${answer.reason}`);
    if (!answer.sdp.media.some((m) => (m.candidates?.length ?? 0) > 0)) {
      throw new MediaError(
        "media_ports_exhausted",
        "ports_exhausted",
        this.#settings.portRange
          ? `No free UDP port in the media range ${this.#settings.portRange.join("-")} for this leg.`
          : "The media plane could not bind a UDP socket for this leg.",
      );
    }
    const primary = payloadTypes(answer.sdp.media[0])[0] ?? this.#codec.payloadType;
    // The codec's name in rtpmap lines: "opus/48000", "PCMU/8000".
    const encoding = `${this.#codec.mimeType.slice("audio/".length)}/${this.#codec.clockRate}`;
    this.#packets.alternate = offeredAlternate(offer.sdp, encoding, primary);
    this.#arm(this.#settings.connectTimeoutMs, "ice_failed");
    this.#ice.gathered();
    return this.#withAlternate(sdp);
  }

  async #renegotiate(offerSdp: string): Promise<string> {
    // werift sees the new credentials and restarts its ICE transport (RTCIceTransport.restart).
    await this.#pc.setRemoteDescription({ type: "offer", sdp: offerSdp });
    const sdp = await this.#answer();
    if (this.#closed) throw new MediaError("conflict", "invalid_state", "The leg closed during the restart.");
    this.#ice?.startRestartedChecks();
    this.#ice?.gathered();
    return this.#withAlternate(sdp);
  }

  /** createAnswer + setLocalDescription: werift gathers host candidates only (a bind each), no STUN. */
  async #answer(): Promise<string> {
    const pc = this.#pc;
    await pc.setLocalDescription(await pc.createAnswer());
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error("no local description");
    return sdp;
  }

  #withAlternate(sdp: string): string {
    const alternate = this.#packets.alternate;
    return alternate === null ? sdp : addPayloadTypeToSlots(sdp, alternate);
  }

  /** The peer connection's state: its first "connected" (ICE and DTLS up) connects the leg. */
  #onState(state: string): void {
    if (this.#closed) return;
    if (state === "connected" && !this.#connected) {
      clearTimeout(this.#timer);
      // The browser's numbering of the codec, and the SSRCs our answer announced for the slots.
      this.#packets.connected(
        this.#senders[0]?.codec?.payloadType,
        this.#senders.map((sender) => sender.ssrc),
      );
      this.#connected = true;
      this.#path.start();
      this.#events.onConnect(this);
    } else if (state === "failed" && !this.#connected) {
      this.#fail("ice_failed");
    }
  }

  /**
   * ICE's own state, generation after generation (werift's connection state reaches "connected"
   * only once): "failed" (consent expired, a restart's checks failed) loses the path.
   */
  #onIceState(state: string): void {
    if (this.#closed || !this.#connected) return;
    if (state === "failed" || state === "disconnected") this.#path.lose();
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
