// The media plane in worker threads (EARSHOT_MEDIA_WORKERS): the same NodeMedia the control
// plane, the relay and the signalling drive, each call placed on one worker (the one already
// holding it, else the least loaded by live legs) where all its legs live. Commands go to the
// call's worker in order (one port per worker); the worker's events reach the same listeners
// as the in-process plane's. A worker that dies ends its calls (media_failed) and is replaced.
import { RTCDtlsTransport } from "werift";
import type { ProbeHandle, TrunkMedia } from "../../control/mediaPorts.ts";
import type { Logger } from "../../control/ports.ts";
import type { Party, Routing } from "../../control/routing.ts";
import { fallbackLogger } from "../../logger.ts";
import type { IceCandidateInit } from "../../protocol/messages.ts";
import type { CallQuality } from "../../protocol/resources.ts";
import type { CallMediaState, MediaAnswer, MediaCommand, NodeMedia } from "../commands.ts";
import type { MediaCodec, MediaNodeOptions } from "../MediaTypes.ts";
import { notify } from "../plane.ts";
import type { RtpRange } from "../RtpParties.ts";
import { ProbeProxy, RtpPartyHandle } from "./handles.ts";
import { MediaWorker } from "./MediaWorker.ts";
import { mediaGone, Placements, slice, workerInits } from "./placement.ts";
import type { FromWorker, WorkerInit } from "./protocol.ts";

type LegCloseListener = (callId: string, legId: string, reason: string, party: Party) => void;
type LegCandidateListener = (callId: string, legId: string, candidate: IceCandidateInit | null) => void;
type QualityListener = (callId: string, quality: CallQuality) => void;

export class WorkerPlane implements NodeMedia {
  readonly #workers: MediaWorker[] = [];
  readonly #calls = new Placements();
  readonly #rtp = new Map<number, RtpPartyHandle>();
  readonly #probes = new Map<number, ProbeProxy>();
  readonly #legClose = new Set<LegCloseListener>();
  readonly #legCandidate = new Set<LegCandidateListener>();
  readonly #quality = new Set<QualityListener>();
  readonly #failed = new Set<(callId: string) => void>();
  readonly #log: Logger;
  #nextHandle = 1;
  #closed = false;
  /** Workers replaced after they died, since the start. */
  restarts = 0;

  private constructor(
    private readonly inits: WorkerInit[],
    log: Logger,
  ) {
    this.#log = log;
    for (const init of inits) this.#workers.push(this.#start(init));
  }

  /** Starts `workers` threads sharing one DTLS certificate (made here, once per process). */
  static async create(workers: number, options: MediaNodeOptions = {}): Promise<WorkerPlane> {
    if (!Number.isInteger(workers) || workers < 1) throw new Error("at least one media worker is needed");
    const { log, certificate: given, ...rest } = options;
    const c = given ?? (await RTCDtlsTransport.SetupCertificate());
    const certificate = { privateKeyPem: c.privateKey, certPem: c.certPem, signatureHash: c.signatureHash };
    const inits = workerInits(workers, rest, certificate);
    const plane = new WorkerPlane(inits, log ?? fallbackLogger);
    try {
      await Promise.all(plane.#workers.map((w) => w.ready));
    } catch (err) {
      await plane.close();
      throw err;
    }
    return plane;
  }

  /** The workers, each with its load and counters as of its last heartbeat (metrics, tests). */
  get workers(): readonly MediaWorker[] {
    return this.#workers;
  }

  /** The worker a call's media is on, if it is placed (tests, metrics). */
  workerOf(callId: string): MediaWorker | undefined {
    return this.#calls.get(callId)?.worker;
  }

  #start(init: WorkerInit): MediaWorker {
    return new MediaWorker(
      init,
      { onEvent: (m, from) => this.#event(m, from), onDeath: (w, why) => this.#death(w, why) },
      this.#log,
    );
  }

  #place(callId: string): MediaWorker {
    if (this.#closed) throw mediaGone();
    return this.#calls.place(callId, this.#workers);
  }

  /** A command for a placed call (one for a call whose media is nowhere has nothing to act on). */
  #command(command: MediaCommand): void {
    const placed = this.#calls.get(command.callId);
    if (!placed) return;
    placed.worker.post({ kind: "command", command });
    if (command.op === "closeCall") this.#calls.delete(command.callId);
  }

  // MediaPort.

  openCall(callId: string, codec: MediaCodec): void {
    this.#place(callId).post({ kind: "command", command: { op: "openCall", callId, codec } });
  }

  applyRouting(callId: string, routing: Routing): void {
    const { customer, agent, coach } = routing;
    this.#command({
      op: "applyRouting",
      callId,
      routing: { customer: [...customer], agent: [...agent], coach: [...coach] },
    });
  }

  attachSynthetic(callId: string, party: Party): void {
    this.#command({ op: "attachSynthetic", callId, party });
  }

  detach(callId: string, party: Party, reason: string): void {
    this.#command({ op: "detach", callId, party, reason });
  }

  releaseUnlessOwner(callId: string, party: Party, userId: string): void {
    this.#command({ op: "releaseUnlessOwner", callId, party, userId });
  }

  closeCall(callId: string, reason: string): void {
    this.#command({ op: "closeCall", callId, reason });
  }

  closeLeg(callId: string, legId: string): void {
    this.#command({ op: "closeLeg", callId, legId });
  }

  // MediaAttach.

  attach(
    callId: string,
    party: Party,
    offerSdp: string,
    codec: MediaCodec,
    ownerId: string | null,
    legId: string,
  ) {
    const command = { op: "attach", callId, party, offerSdp, codec, ownerId, legId } as const;
    return this.#place(callId).request<MediaAnswer>((id) => ({ kind: "request", id, command }));
  }

  async restart(callId: string, legId: string, offerSdp: string) {
    const worker = this.#calls.get(callId)?.worker;
    if (!worker) throw mediaGone();
    return worker.request<MediaAnswer>((id) => ({
      kind: "request",
      id,
      command: { op: "restart", callId, legId, offerSdp },
    }));
  }

  async addCandidate(callId: string, legId: string, candidate: IceCandidateInit | null): Promise<void> {
    const worker = this.#calls.get(callId)?.worker;
    if (!worker) throw mediaGone();
    await worker.request((id) => ({
      kind: "request",
      id,
      command: { op: "addCandidate", callId, legId, candidate },
    }));
  }

  async inspect(callId: string): Promise<CallMediaState | null> {
    const worker = this.#calls.get(callId)?.worker;
    return worker ? worker.request((id) => ({ kind: "inspect", id, callId })) : null;
  }

  // MediaProbe: a probe runs on the least loaded worker, as a new call's legs would.

  async probe(offerSdp: string, onClose: (probe: ProbeHandle) => void = () => {}) {
    const probeId = this.#nextHandle++;
    if (this.#closed) throw mediaGone();
    const worker = this.#calls.leastLoaded(this.#workers);
    const probe = new ProbeProxy(probeId, worker, (p) => {
      this.#probes.delete(probeId);
      onClose(p);
    });
    this.#probes.set(probeId, probe);
    return probe.answer(offerSdp).catch((err: Error) => {
      this.#probes.delete(probeId);
      throw err;
    });
  }

  // TrunkMedia: each worker binds its trunk RTP in its own slice of the range.

  rtpParties(range: RtpRange): TrunkMedia {
    return {
      openRtpParty: async (callId, party, options) => {
        const worker = this.#place(callId);
        const [portMin, portMax] = slice(range.portMin, range.portMax, this.inits.length, worker.index);
        const handle = await RtpPartyHandle.open(worker, this.#nextHandle++, callId, party, options, {
          ...range,
          portMin,
          portMax,
        });
        this.#rtp.set(handle.rtpId, handle);
        return handle;
      },
      detach: (callId, party, reason) => this.detach(callId, party, reason),
    };
  }

  // Events.

  onLegClose(listener: LegCloseListener): () => void {
    this.#legClose.add(listener);
    return () => this.#legClose.delete(listener);
  }

  onLegCandidate(listener: LegCandidateListener): () => void {
    this.#legCandidate.add(listener);
    return () => this.#legCandidate.delete(listener);
  }

  onQuality(listener: QualityListener): () => void {
    this.#quality.add(listener);
    return () => this.#quality.delete(listener);
  }

  onCallFailed(listener: (callId: string) => void): () => void {
    this.#failed.add(listener);
    return () => this.#failed.delete(listener);
  }

  #event(m: FromWorker, from: MediaWorker): void {
    const log = this.#log;
    switch (m.kind) {
      case "legclose":
        notify(this.#legClose, (l) => l(m.callId, m.legId, m.reason, m.party), log);
        return;
      case "legcandidate":
        notify(this.#legCandidate, (l) => l(m.callId, m.legId, m.candidate), log);
        return;
      case "quality":
        notify(this.#quality, (l) => l(m.callId, m.quality), log);
        return;
      case "legs": {
        const placed = this.#calls.get(m.callId);
        if (placed) placed.legs = m.legs;
        return;
      }
      case "callclose":
        // Only if the call is still where it closed (a new call of that id may be elsewhere).
        if (this.#calls.get(m.callId)?.worker === from) this.#calls.delete(m.callId);
        return;
      case "rtp.event":
        this.#rtp.get(m.rtpId)?.event(m);
        return;
      case "rtp.stats":
        for (const [id, stats] of m.stats) {
          const handle = this.#rtp.get(id);
          if (handle) handle.stats = stats;
        }
        return;
      case "probe.closed":
        this.#probes.get(m.probeId)?.ended();
        return;
      case "log":
        log[m.level](m.fields, m.msg);
        return;
    }
  }

  /** A worker died: its calls' legs end, the calls fail (media_failed), and a new thread takes its slot. */
  #death(worker: MediaWorker, why: string): void {
    const lost = this.#calls.takeCallsOf(worker);
    this.#log.error(
      { worker: worker.index, calls: lost.length },
      `media: a media worker ${why}; its calls end`,
    );
    for (const [callId, placed] of lost) {
      for (const [legId, party] of placed.legs)
        notify(this.#legClose, (l) => l(callId, legId, "media_failed", party), this.#log);
      notify(this.#failed, (l) => l(callId), this.#log);
    }
    for (const [id, h] of this.#rtp) if (h.worker === worker) this.#rtp.delete(id);
    for (const p of this.#probes.values()) if (p.worker === worker) p.ended();
    // A thread that could not even start waits a second before the next try (no busy loop).
    setTimeout(() => this.#replace(worker), worker.started ? 0 : 1000).unref();
  }

  #replace(dead: MediaWorker): void {
    if (this.#closed) return;
    this.#workers[this.#workers.indexOf(dead)] = this.#start(dead.init);
    this.restarts++;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.close()));
    this.#calls.clear();
  }
}
