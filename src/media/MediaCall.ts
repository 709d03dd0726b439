// One call's media: which leg carries each party (attach, replace, detach, in the order the
// signalling asked), the routing applied to its forwarding switch (Forwarder.ts), and the
// server-side sources the node's frame clock drives (synthetic parties, hold music, comfort
// silence).
import { type Party, type Routing, SILENT } from "../control/routing.ts";
import type { IceCandidateInit } from "../protocol/messages.ts";
import type { CallQuality } from "../protocol/resources.ts";
import { type Clock, systemClock } from "./clock.ts";
import { CODECS, type CodecInfo } from "./codecs.ts";
import { EnhancedEmitter } from "./EnhancedEmitter.ts";
import { Forwarder } from "./Forwarder.ts";
import type { Leg, PacketSink } from "./Leg.ts";
import {
  type AttachResult,
  type CloseReason,
  type ForwardingStats,
  InvalidStateError,
  type LegKind,
  type MediaCallEvents,
  type MediaCodec,
  MediaError,
  type SyntheticSource,
} from "./MediaTypes.ts";
import type { PeerSettings } from "./peerConfig.ts";
import { legQuality } from "./quality.ts";
import { checkParty, checkRouting } from "./routingCheck.ts";
import { type FrameSource, holdMusicSource, SyntheticLeg } from "./SyntheticLeg.ts";
import { WebRtcLeg } from "./WebRtcLeg.ts";

export interface LegInfo {
  legId: string;
  kind: LegKind;
  /** For WebRTC legs: whether ICE and DTLS are up. Synthetic legs are always connected. */
  connected: boolean;
}

/** Internal wiring from the MediaNode. */
export interface CallContext {
  settings: PeerSettings;
  onClose(call: MediaCall, reason: CloseReason): void;
  /** Default: the system's monotonic clock. */
  clock?: Clock;
}

export class MediaCall extends EnhancedEmitter<MediaCallEvents> {
  readonly id: string;
  readonly codec: MediaCodec;
  readonly #info: CodecInfo;
  readonly #context: CallContext;
  readonly #legs = new Map<Party, Leg>();
  /** Bumped by every attach or detach of a party, so a slow negotiation never overrides a later one. */
  readonly #generation = new Map<Party, number>();
  readonly #switch: Forwarder;
  readonly #clock: Clock;
  #hold: FrameSource | null | undefined;
  #closed = false;

  /** @internal Use MediaNode.openCall. */
  constructor(id: string, codec: MediaCodec, context: CallContext) {
    super();
    this.id = id;
    this.codec = codec;
    this.#info = CODECS[codec];
    this.#context = context;
    this.#clock = context.clock ?? systemClock;
    this.#switch = new Forwarder(this.#legs, this.#info, this.#clock);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get routing(): Routing {
    return this.#switch.routing;
  }

  get stats(): Readonly<ForwardingStats> {
    return { ...this.#switch.stats };
  }

  /** Each leg's quality since the previous call (the plane's sampler calls it every few seconds). */
  quality(): CallQuality {
    const of = (party: Party) => {
      const leg = this.#legs.get(party);
      const stats = this.#switch.received[party];
      if (!leg || stats.sourceKey !== leg.sourceKey) return null;
      return legQuality(stats, this.codec, leg.rttMs?.() ?? null);
    };
    return { customer: of("customer"), agent: of("agent"), coach: of("coach") };
  }

  leg(party: Party): LegInfo | undefined {
    const leg = this.#legs.get(party);
    if (!leg) return undefined;
    const connected = leg instanceof WebRtcLeg ? leg.connected : true;
    return { legId: leg.id, kind: leg.kind, connected };
  }

  /**
   * Answers a browser's offer (three audio sections: microphone, slot 0, slot 1) for
   * `party`, replacing that party's previous leg. Throws a MediaError for a bad offer.
   * `legId`, when given, names the new leg (the signalling picks it, to route its candidates).
   */
  async attachWebRtc(party: Party, offerSdp: string, legId?: string): Promise<AttachResult> {
    this.#assertOpen();
    const generation = this.#bump(checkParty(party));
    const { leg, answerSdp } = await WebRtcLeg.answer(
      party,
      this.#info,
      offerSdp,
      this.#context.settings,
      {
        onPacket: this.#switch.onPacket,
        onConnect: (l) => this.safeEmit("legconnect", l.party, l.id),
        onFail: (l, reason) => this.#remove(l, reason),
        onCandidate: (l, c) => {
          if (this.#legs.get(l.party) === l) this.safeEmit("legcandidate", l.party, l.id, c);
        },
        onPath: (l, lost) => this.safeEmit("legpath", l.party, l.id, lost),
        onError: () => this.#switch.stats.errors++,
      },
      legId,
    );
    if (this.#closed) {
      leg.close("call_closed");
      throw new InvalidStateError(`call ${this.id} closed while the leg was negotiated`);
    }
    if (this.#generation.get(party) !== generation) {
      leg.close("replaced");
      throw new MediaError(
        "conflict",
        "invalid_state",
        `a newer attach or detach of the ${party} superseded this one`,
      );
    }
    this.#install(leg);
    return { legId: leg.id, answerSdp };
  }

  /** Answers the ICE restart of the WebRTC leg `legId`: the same leg, the same routing. */
  async restartWebRtc(legId: string, offerSdp: string): Promise<AttachResult> {
    this.#assertOpen();
    const answerSdp = await this.#webRtcLeg(legId).restart(offerSdp);
    return { legId, answerSdp };
  }

  /** A candidate the browser of the WebRTC leg `legId` trickled (null: no more). */
  async addCandidate(legId: string, candidate: IceCandidateInit | null): Promise<void> {
    this.#assertOpen();
    await this.#webRtcLeg(legId).addCandidate(candidate);
  }

  /** Makes `party` a server-side source playing `source` in a loop, in the call's codec. Returns the leg id. */
  attachSynthetic(party: Party, source: SyntheticSource = "voice"): string {
    this.#assertOpen();
    checkParty(party);
    let leg: SyntheticLeg;
    try {
      leg = new SyntheticLeg(party, source, this.codec);
    } catch (error) {
      throw new MediaError("bad_request", "invalid_argument", `Unknown synthetic source: ${String(error)}`);
    }
    this.#bump(party);
    this.#install(leg);
    return leg.id;
  }

  /**
   * Attaches a leg of another transport (the seam for SIP trunk RTP, and for tests'
   * fake legs), replacing the party's previous leg. Returns the leg id.
   */
  attachLeg(leg: Leg): string {
    this.#assertOpen();
    this.#bump(checkParty(leg.party));
    this.#install(leg);
    return leg.id;
  }

  /** The sink a leg attached with attachLeg delivers its party's packets to. */
  get packetSink(): PacketSink {
    return this.#switch.onPacket;
  }

  /** Removes `party`'s leg; returns whether there was one. */
  detach(party: Party, reason: CloseReason = "detached"): boolean {
    this.#assertOpen();
    this.#bump(checkParty(party));
    const leg = this.#legs.get(party);
    if (!leg) return false;
    this.#remove(leg, reason);
    return true;
  }

  /**
   * Applies a routing from computeRouting; it takes effect on the next packet. An
   * invalid routing is refused and the call falls back to SILENT (fail closed).
   */
  setRouting(routing: Routing): void {
    this.#assertOpen();
    let next: Routing;
    try {
      next = checkRouting(routing);
    } catch (error) {
      this.#switch.apply(SILENT);
      throw error;
    }
    this.#switch.apply(next);
  }

  close(reason: CloseReason = "call_closed"): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#switch.clear();
    for (const leg of [...this.#legs.values()]) {
      this.#legs.delete(leg.party);
      leg.close("call_closed");
      this.safeEmit("legclose", leg.party, leg.id, "call_closed");
    }
    this.safeEmit("close", reason);
    this.#context.onClose(this, reason);
  }

  /** @internal Driven by the node's 20 ms frame clock: synthetic sources, hold music, comfort silence. */
  tick(nowMs: number): void {
    if (this.#closed) return;
    const sink = this.#switch.onPacket;
    for (const leg of this.#legs.values()) {
      if (leg instanceof SyntheticLeg) leg.tick(sink);
    }
    if (this.#switch.carries("hold_music")) {
      this.#hold ??= holdMusicSource(this.codec);
      const hold = this.#hold;
      hold?.emit((ssrc, seq, ts, payload) =>
        this.#switch.forward("hold_music", hold.sourceKey, ssrc, seq, ts, payload, this.#clock.now()),
      );
    }
    this.#switch.sendSilence(this.#info.silence, nowMs);
  }

  #webRtcLeg(legId: string): WebRtcLeg {
    for (const leg of this.#legs.values()) {
      if (leg.id === legId && leg instanceof WebRtcLeg) return leg;
    }
    throw new MediaError("not_found", "invalid_argument", "No such media leg in this call (it has ended).");
  }

  #install(leg: Leg): void {
    const previous = this.#legs.get(leg.party);
    this.#legs.set(leg.party, leg);
    this.#switch.cutSlotsFedBy(leg.party);
    if (previous) {
      previous.close("replaced");
      this.safeEmit("legclose", previous.party, previous.id, "replaced");
    }
  }

  #remove(leg: Leg, reason: CloseReason): void {
    leg.close(reason);
    if (this.#legs.get(leg.party) !== leg) return;
    this.#legs.delete(leg.party);
    this.#switch.cutSlotsFedBy(leg.party);
    this.safeEmit("legclose", leg.party, leg.id, reason);
  }

  #bump(party: Party): number {
    const generation = (this.#generation.get(party) ?? 0) + 1;
    this.#generation.set(party, generation);
    return generation;
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError(`call ${this.id} is closed`);
  }
}
