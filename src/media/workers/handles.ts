// The main thread's handles of objects that live in a media worker: a trunk's RTP party and a
// network probe. What the trunk or the diagnostic does to one is posted to its worker; what
// the worker tells of it (a DTMF digit, a foreign source, its close) comes back here.
import type { ProbeHandle, RtpParty, RtpPartyOptions, RtpTarget } from "../../control/mediaPorts.ts";
import type { Party } from "../../control/routing.ts";
import type { RtpRange } from "../RtpParties.ts";
import type { MediaWorker } from "./MediaWorker.ts";
import type { FromWorker, RtpOp, RtpStats } from "./protocol.ts";

export class RtpPartyHandle implements RtpParty {
  #payloadType: 0 | 8;
  /** As of the worker's last report (each DTMF digit or foreign source brings them). */
  stats: RtpStats = { packetsIn: 0, packetsOut: 0, dtmf: 0, foreignDropped: 0 };

  /** Binds the party's socket in `range` on `worker` and attaches it to the call's media there. */
  static async open(
    worker: MediaWorker,
    rtpId: number,
    callId: string,
    party: Party,
    options: RtpPartyOptions,
    range: RtpRange,
  ): Promise<RtpPartyHandle> {
    const { remote, latchFrom, payloadType } = options;
    const { port } = await worker.request<{ port: number }>((id) => ({
      kind: "rtp.open",
      ...{ id, rtpId, callId, party, range, remote, latchFrom, payloadType },
    }));
    return new RtpPartyHandle(rtpId, port, worker, options);
  }

  private constructor(
    readonly rtpId: number,
    readonly port: number,
    readonly worker: MediaWorker,
    private readonly options: RtpPartyOptions,
  ) {
    this.#payloadType = options.payloadType;
  }

  get payloadType(): 0 | 8 {
    return this.#payloadType;
  }

  set payloadType(payloadType: 0 | 8) {
    this.#payloadType = payloadType;
    this.#post({ op: "payloadType", payloadType });
  }

  answered(): void {
    this.#post({ op: "answered" });
  }

  retarget(remote: RtpTarget): void {
    this.#post({ op: "retarget", remote });
  }

  close(reason: string): void {
    this.#post({ op: "close", reason });
  }

  /** The worker told of this party. */
  event(m: Extract<FromWorker, { kind: "rtp.event" }>): void {
    this.stats = m.stats;
    if (m.event === "dtmf") this.options.onDtmf?.();
    else if (m.source) this.options.onForeignSource?.(m.source);
  }

  #post(op: RtpOp): void {
    this.worker.post({ kind: "rtp", rtpId: this.rtpId, ...op });
  }
}

export class ProbeProxy implements ProbeHandle {
  closed = false;

  constructor(
    readonly probeId: number,
    readonly worker: MediaWorker,
    private readonly onClose: (probe: ProbeHandle) => void,
  ) {}

  /** Asks the worker to answer the probe's offer. */
  async answer(offerSdp: string): Promise<{ probe: ProbeProxy; answerSdp: string }> {
    const { probeId } = this;
    const { answerSdp } = await this.worker.request<{ answerSdp: string }>((id) => ({
      kind: "probe",
      id,
      probeId,
      offerSdp,
    }));
    return { probe: this, answerSdp };
  }

  close(_reason: "socket_closed"): void {
    if (!this.closed) this.worker.post({ kind: "probe.close", probeId: this.probeId });
  }

  /** The worker's probe closed (or its worker died). */
  ended(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }
}
