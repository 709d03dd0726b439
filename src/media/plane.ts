// The media plane as the control plane and the signalling see it: one MediaNode in this
// process, driven through the MediaPort (routing, synthetic parties, detach, close) and
// MediaAttach (browser legs) seams. Any failure here fails closed: the call goes silent.

import type { TrunkMedia } from "../control/mediaPorts.ts";
import type { Logger } from "../control/ports.ts";
import type { Party, Routing } from "../control/routing.ts";
import { SILENT } from "../control/routing.ts";
import type { IceCandidateInit } from "../protocol/messages.ts";
import type { CallQuality } from "../protocol/resources.ts";
import type { CallMediaState, NodeMedia } from "./commands.ts";
import { MediaNode } from "./MediaNode.ts";
import { type MediaCodec, MediaError, type MediaNodeOptions } from "./MediaTypes.ts";
import { type ProbeCloseReason, ProbeLeg } from "./ProbeLeg.ts";
import { RtpParties, type RtpRange } from "./RtpParties.ts";

/** Tells every listener; a listener's failure never reaches the media path (it is logged). */
export function notify<L>(listeners: Set<L>, call: (listener: L) => void, log: Logger): void {
  for (const l of listeners) {
    try {
      call(l);
    } catch (err) {
      // a dashboard's or a socket's listener must not break the media plane
      log.error({ err }, "media: a listener failed");
    }
  }
}

type LegCloseListener = (callId: string, legId: string, reason: string, party: Party) => void;
type LegCandidateListener = (callId: string, legId: string, candidate: IceCandidateInit | null) => void;
type QualityListener = (callId: string, quality: CallQuality) => void;

export class MediaPlane implements NodeMedia {
  private readonly legCloseListeners = new Set<LegCloseListener>();
  private readonly legCandidateListeners = new Set<LegCandidateListener>();
  private readonly wired = new WeakSet<object>();
  /** Who attached each browser leg, by leg id. */
  private readonly owners = new Map<string, string>();
  /** Open network probes of this node (the diagnostic's), closed with the plane. */
  private readonly probes = new Set<ProbeLeg>();
  private readonly qualityListeners = new Set<QualityListener>();
  /** Measures every call's legs while someone listens (onQuality). */
  private qualityTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly node: MediaNode,
    private readonly qualityIntervalMs: number,
  ) {}

  static async create(options: MediaNodeOptions = {}): Promise<MediaPlane> {
    return new MediaPlane(await MediaNode.create(options), options.qualityIntervalMs ?? 5000);
  }

  /**
   * Every few seconds, each call of this node with a measured leg: how its legs sounded since
   * the previous report (only the owner of a call's media has its legs; in a cluster each node
   * reports its own calls).
   */
  onQuality(listener: QualityListener): () => void {
    this.qualityListeners.add(listener);
    if (!this.qualityTimer && !this.node.closed) {
      this.qualityTimer = setInterval(() => this.#measure(), this.qualityIntervalMs);
      this.qualityTimer.unref();
    }
    return () => this.qualityListeners.delete(listener);
  }

  #measure(): void {
    for (const call of this.node.calls()) {
      if (call.closed) continue;
      const quality = call.quality();
      if (!quality.customer && !quality.agent && !quality.coach) continue;
      notify(this.qualityListeners, (l) => l(call.id, quality), this.node.log);
    }
  }

  openCall(callId: string, codec: MediaCodec): void {
    const call = this.node.openCall(callId, { codec });
    if (this.wired.has(call)) return;
    this.wired.add(call);
    call.on("legclose", (party, legId, reason) => {
      this.owners.delete(legId);
      notify(this.legCloseListeners, (l) => l(callId, legId, String(reason), party), this.node.log);
    });
    call.on("legcandidate", (_party, legId, candidate) => {
      notify(this.legCandidateListeners, (l) => l(callId, legId, candidate), this.node.log);
    });
  }

  applyRouting(callId: string, routing: Routing): void {
    const call = this.node.getCall(callId);
    if (!call || call.closed) return;
    try {
      call.setRouting(routing);
    } catch (err) {
      this.node.log.error({ err, callId }, "media: a routing was refused; the call goes silent");
      try {
        call.setRouting(SILENT);
      } catch {
        // the call refused even silence: it is closed (and so silent already)
      }
    }
  }

  attachSynthetic(callId: string, party: Party): void {
    const call = this.node.getCall(callId);
    if (!call || call.closed) return;
    try {
      call.attachSynthetic(party, "voice");
    } catch (err) {
      // no such source for this call (no Opus encoder): the party stays silent
      this.node.log.warn({ err, callId, party }, "media: a synthetic party stays silent");
    }
  }

  detach(callId: string, party: Party, reason: string): void {
    const call = this.node.getCall(callId);
    if (call && !call.closed) call.detach(party, reason);
  }

  closeCall(callId: string, reason: string): void {
    this.node.getCall(callId)?.close(reason);
  }

  async inspect(callId: string): Promise<CallMediaState | null> {
    const call = this.node.getCall(callId);
    if (!call || call.closed) return null;
    const legs: CallMediaState["legs"] = {};
    for (const party of ["customer", "agent", "coach"] as const) {
      const leg = call.leg(party);
      if (leg) legs[party] = leg;
    }
    return { routing: call.routing, legs };
  }

  async attach(
    callId: string,
    party: Party,
    offerSdp: string,
    codec: MediaCodec,
    ownerId: string | null,
    legId?: string,
  ) {
    this.openCall(callId, codec);
    const call = this.node.getCall(callId);
    if (!call) throw new Error("the call's media is closed");
    const result = await call.attachWebRtc(party, offerSdp, legId);
    if (ownerId) this.owners.set(result.legId, ownerId);
    return result;
  }

  async restart(callId: string, legId: string, offerSdp: string) {
    return this.#open(callId).restartWebRtc(legId, offerSdp);
  }

  async addCandidate(callId: string, legId: string, candidate: IceCandidateInit | null): Promise<void> {
    await this.#open(callId).addCandidate(legId, candidate);
  }

  releaseUnlessOwner(callId: string, party: Party, userId: string): void {
    const call = this.node.getCall(callId);
    const leg = call?.leg(party);
    if (!call || call.closed || !leg) return;
    if (this.owners.get(leg.legId) !== userId) call.detach(party, "not_the_session_coach");
  }

  closeLeg(callId: string, legId: string): void {
    const call = this.node.getCall(callId);
    if (!call || call.closed) return;
    const party = (["customer", "agent", "coach"] as const).find((p) => call.leg(p)?.legId === legId);
    if (party) call.detach(party, "closed_by_client");
  }

  /** Answers a network probe on this node's media plane (ProbeLeg.ts). */
  async probe(offerSdp: string, onClose: (probe: ProbeLeg, reason: ProbeCloseReason) => void = () => {}) {
    const { probe, answerSdp } = await ProbeLeg.answer(offerSdp, this.node.peerSettings, {
      onClose: (p, reason) => {
        this.probes.delete(p);
        onClose(p, reason);
      },
    });
    if (this.node.closed) probe.close("node_closed");
    else this.probes.add(probe);
    return { probe, answerSdp };
  }

  /** The trunk's RTP parties on this node's calls, bound in `range` (TrunkMedia). */
  rtpParties(range: RtpRange): TrunkMedia {
    return new RtpParties(this.node, range);
  }

  onLegClose(listener: LegCloseListener): () => void {
    this.legCloseListeners.add(listener);
    return () => this.legCloseListeners.delete(listener);
  }

  /** In one thread nothing fails apart from the process: no call's media fails alone. */
  onCallFailed(): () => void {
    return () => {};
  }

  onLegCandidate(listener: LegCandidateListener): () => void {
    this.legCandidateListeners.add(listener);
    return () => this.legCandidateListeners.delete(listener);
  }

  #open(callId: string) {
    const call = this.node.getCall(callId);
    if (!call || call.closed)
      throw new MediaError("not_found", "invalid_state", "The call's media has ended.");
    return call;
  }

  async close(): Promise<void> {
    for (const probe of [...this.probes]) probe.close("node_closed");
    clearInterval(this.qualityTimer);
    this.node.close();
  }
}
