// One call's forwarding switch: which leg carries each party, and the routing
// (from control's computeRouting) that decides which source feeds which slot of
// whom. It forwards packets, never mixes them, and fails closed.
import { type Party, type Routing, SILENT, type Source } from "../control/routing.ts";
import type { IceCandidateInit } from "../protocol/messages.ts";
import { CODECS, type CodecInfo } from "./codecs.ts";
import { EnhancedEmitter } from "./EnhancedEmitter.ts";
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
import { checkParty, checkRouting, PARTIES } from "./routingCheck.ts";
import { type FrameSource, holdMusicSource, SyntheticLeg } from "./SyntheticLeg.ts";
import { type PeerSettings, WebRtcLeg } from "./WebRtcLeg.ts";

interface Target {
  party: Party;
  slot: 0 | 1;
}

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
}

/** The coach's most recent packet (one object, updated in place), so a whisper starts at once. */
interface Latest {
  sourceKey: number;
  ssrc: number;
  seq: number;
  ts: number;
  payload: Buffer;
  at: number;
}

export class MediaCall extends EnhancedEmitter<MediaCallEvents> {
  readonly id: string;
  readonly codec: MediaCodec;
  readonly #info: CodecInfo;
  readonly #context: CallContext;
  readonly #legs = new Map<Party, Leg>();
  /** Bumped by every attach or detach of a party, so a slow negotiation never overrides a later one. */
  readonly #generation = new Map<Party, number>();
  readonly #stats: ForwardingStats = { packetsIn: 0, packetsOut: 0, packetsDropped: 0, errors: 0 };
  #routing: Routing = SILENT;
  #targets = new Map<Source, Target[]>();
  readonly #coachLatest: Latest = {
    sourceKey: 0,
    ssrc: 0,
    seq: 0,
    ts: 0,
    payload: Buffer.alloc(0),
    at: -Infinity,
  };
  /** Two frame times: a coach whose latest packet is younger than this is still sending (not in DTX, not gone). */
  readonly #freshMs: number;
  #hold: FrameSource | null | undefined;
  #closed = false;

  /** @internal Use MediaNode.openCall. */
  constructor(id: string, codec: MediaCodec, context: CallContext) {
    super();
    this.id = id;
    this.codec = codec;
    this.#info = CODECS[codec];
    this.#freshMs = ((2 * this.#info.frameSamples) / this.#info.clockRate) * 1000;
    this.#context = context;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get routing(): Routing {
    return this.#routing;
  }

  get stats(): Readonly<ForwardingStats> {
    return { ...this.#stats };
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
        onPacket: this.#onPacket,
        onConnect: (l) => this.safeEmit("legconnect", l.party, l.id),
        onFail: (l, reason) => this.#remove(l, reason),
        onCandidate: (l, c) => {
          if (this.#legs.get(l.party) === l) this.safeEmit("legcandidate", l.party, l.id, c);
        },
        onPath: (l, lost) => this.safeEmit("legpath", l.party, l.id, lost),
        onError: () => this.#stats.errors++,
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
    return this.#onPacket;
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
      this.#apply(SILENT);
      throw error;
    }
    this.#apply(next);
  }

  close(reason: CloseReason = "call_closed"): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#routing = SILENT;
    this.#targets = new Map();
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
    for (const leg of this.#legs.values()) {
      if (leg instanceof SyntheticLeg) leg.tick(this.#onPacket);
    }
    if (this.#targets.has("hold_music")) {
      this.#hold ??= holdMusicSource(this.codec);
      const hold = this.#hold;
      hold?.emit((ssrc, seq, ts, payload) =>
        this.#forward("hold_music", hold.sourceKey, ssrc, seq, ts, payload, performance.now()),
      );
    }
    const silence = this.#info.silence;
    for (const leg of this.#legs.values()) {
      if (!leg.outputs) continue;
      for (const output of leg.outputs) {
        if (output.rewriter.pendingSilence === 0) continue;
        try {
          const header = output.rewriter.silence(nowMs);
          if (header) output.send(header, silence);
        } catch {
          // Per packet: counted in the call's stats (a log line here would flood at 50 per second).
          this.#stats.errors++;
        }
      }
    }
  }

  readonly #onPacket = (leg: Leg, ssrc: number, seq: number, ts: number, payload: Buffer): void => {
    this.#stats.packetsIn++;
    // A replaced or removed leg's late packets go nowhere.
    if (this.#legs.get(leg.party) !== leg) {
      this.#stats.packetsDropped++;
      return;
    }
    const now = performance.now();
    if (leg.party === "coach") {
      const latest = this.#coachLatest;
      latest.sourceKey = leg.sourceKey;
      latest.ssrc = ssrc;
      latest.seq = seq;
      latest.ts = ts;
      latest.payload = payload;
      latest.at = now;
    }
    this.#forward(leg.party, leg.sourceKey, ssrc, seq, ts, payload, now);
  };

  #forward(
    from: Source,
    sourceKey: number,
    ssrc: number,
    seq: number,
    ts: number,
    payload: Buffer,
    now: number,
  ): void {
    const targets = this.#targets.get(from);
    if (targets === undefined) {
      this.#stats.packetsDropped++;
      return;
    }
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      this.#sendTo(target.party, target.slot, sourceKey, ssrc, seq, ts, payload, now);
    }
  }

  /** One packet to one listener's slot. Any failure drops it for this listener: silence, never a leak elsewhere. */
  #sendTo(
    party: Party,
    slot: 0 | 1,
    sourceKey: number,
    ssrc: number,
    seq: number,
    ts: number,
    payload: Buffer,
    now: number,
  ): void {
    try {
      const output = this.#legs.get(party)?.outputs?.[slot];
      if (output === undefined) return;
      const header = output.rewriter.next(sourceKey, ssrc, seq, ts, now);
      if (header === null) return;
      output.send(header, payload);
      this.#stats.packetsOut++;
    } catch {
      // Per packet: counted in the call's stats (a log line here would flood at 50 per second).
      this.#stats.errors++;
    }
  }

  #apply(routing: Routing): void {
    const previous = this.#routing;
    const targets = new Map<Source, Target[]>();
    for (const party of PARTIES) {
      for (const slot of [0, 1] as const) {
        const source = routing[party][slot];
        if (source !== previous[party][slot]) this.#legs.get(party)?.outputs?.[slot].rewriter.cut();
        if (source === null) continue;
        const list = targets.get(source) ?? [];
        list.push({ party, slot });
        targets.set(source, list);
      }
    }
    this.#routing = routing;
    this.#targets = targets;
    // The agent's coach slot, when it starts carrying the coach (whisper, or barge from
    // listen), starts with the coach's latest frame if the coach is still sending: the next
    // packet is up to 20–40 ms away (browsers' packets come 20 ms apart with jitter), and the
    // coach's first syllable is not clipped. Nobody else gets a frame from before the routing
    // let them hear it: never the customer (a frame the coach said in whisper, or the agent
    // said while muted or on hold), and hold and mute stay exact both ways.
    if (routing.agent[1] === "coach" && previous.agent[1] !== "coach") {
      const latest = this.#coachLatest;
      const now = performance.now();
      if (latest.sourceKey === this.#legs.get("coach")?.sourceKey && now - latest.at <= this.#freshMs) {
        this.#sendTo("agent", 1, latest.sourceKey, latest.ssrc, latest.seq, latest.ts, latest.payload, now);
      }
    }
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
    this.#cutSlotsFedBy(leg.party);
    if (previous) {
      previous.close("replaced");
      this.safeEmit("legclose", previous.party, previous.id, "replaced");
    }
  }

  #remove(leg: Leg, reason: CloseReason): void {
    leg.close(reason);
    if (this.#legs.get(leg.party) !== leg) return;
    this.#legs.delete(leg.party);
    this.#cutSlotsFedBy(leg.party);
    this.safeEmit("legclose", leg.party, leg.id, reason);
  }

  #cutSlotsFedBy(source: Source): void {
    for (const target of this.#targets.get(source) ?? []) {
      this.#legs.get(target.party)?.outputs?.[target.slot].rewriter.cut();
    }
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
