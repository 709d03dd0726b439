// The forwarding switch of one call: the routing (from control's computeRouting) as a table of
// who receives each source on which slot, and the per-packet path through it. It forwards
// packets, never mixes them, and fails closed: any failure drops a packet for one listener.
import type { Party, Routing, Source } from "../control/routing.ts";
import { SILENT } from "../control/routing.ts";
import type { Clock } from "./clock.ts";
import type { CodecInfo } from "./codecs.ts";
import type { Leg, PacketSink } from "./Leg.ts";
import type { ForwardingStats } from "./MediaTypes.ts";
import { ReceiveStats } from "./receiveStats.ts";
import { PARTIES } from "./routingCheck.ts";

interface Target {
  party: Party;
  slot: 0 | 1;
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

export class Forwarder {
  readonly stats: ForwardingStats = { packetsIn: 0, packetsOut: 0, packetsDropped: 0, errors: 0 };
  readonly #legs: ReadonlyMap<Party, Leg>;
  readonly #clock: Clock;
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
  /** What each party's leg sends us, as RFC 3550 receiver statistics (call quality, quality.ts). */
  readonly received: Readonly<Record<Party, ReceiveStats>>;
  /** Two frame times: a coach whose latest packet is younger than this is still sending (not in DTX, not gone). */
  readonly #freshMs: number;

  /** `legs` is the call's own map (party → leg), read on every packet. */
  constructor(legs: ReadonlyMap<Party, Leg>, codec: CodecInfo, clock: Clock) {
    this.#legs = legs;
    this.#clock = clock;
    this.#freshMs = ((2 * codec.frameSamples) / codec.clockRate) * 1000;
    this.received = {
      customer: new ReceiveStats(codec.clockRate),
      agent: new ReceiveStats(codec.clockRate),
      coach: new ReceiveStats(codec.clockRate),
    };
  }

  get routing(): Routing {
    return this.#routing;
  }

  /** Whether some slot receives `source` now. */
  carries(source: Source): boolean {
    return this.#targets.has(source);
  }

  /** Where every leg of the call delivers its party's packets. */
  readonly onPacket: PacketSink = (leg, ssrc, seq, ts, payload) => {
    this.stats.packetsIn++;
    // A replaced or removed leg's late packets go nowhere.
    if (this.#legs.get(leg.party) !== leg) {
      this.stats.packetsDropped++;
      return;
    }
    const now = this.#clock.now();
    // A few integer operations per packet; a new leg or SSRC is a new stream.
    const received = this.received[leg.party];
    if (received.sourceKey !== leg.sourceKey || received.ssrc !== ssrc) received.reset(leg.sourceKey, ssrc);
    received.update(seq, ts, now);
    if (leg.party === "coach") {
      const latest = this.#coachLatest;
      latest.sourceKey = leg.sourceKey;
      latest.ssrc = ssrc;
      latest.seq = seq;
      latest.ts = ts;
      latest.payload = payload;
      latest.at = now;
    }
    this.forward(leg.party, leg.sourceKey, ssrc, seq, ts, payload, now);
  };

  /** One packet of `from` (a party's leg, or hold music) to every slot that receives it. */
  forward(
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
      this.stats.packetsDropped++;
      return;
    }
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      this.#sendTo(target.party, target.slot, sourceKey, ssrc, seq, ts, payload, now);
    }
  }

  /** Applies a checked routing: the slots whose source changes are cut (comfort silence). */
  apply(routing: Routing): void {
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
      const now = this.#clock.now();
      if (latest.sourceKey === this.#legs.get("coach")?.sourceKey && now - latest.at <= this.#freshMs) {
        this.#sendTo("agent", 1, latest.sourceKey, latest.ssrc, latest.seq, latest.ts, latest.payload, now);
      }
    }
  }

  /** The slots `source` feeds lose it (its leg was replaced or removed): comfort silence. */
  cutSlotsFedBy(source: Source): void {
    for (const target of this.#targets.get(source) ?? []) {
      this.#legs.get(target.party)?.outputs?.[target.slot].rewriter.cut();
    }
  }

  /** Comfort-silence frames due on every slot (the node's frame clock). */
  sendSilence(silence: Buffer, nowMs: number): void {
    for (const leg of this.#legs.values()) {
      if (!leg.outputs) continue;
      for (const output of leg.outputs) {
        if (output.rewriter.pendingSilence === 0) continue;
        try {
          const header = output.rewriter.silence(nowMs);
          if (header) output.send(header, silence);
        } catch {
          // Per packet: counted in the call's stats (a log line here would flood at 50 per second).
          this.stats.errors++;
        }
      }
    }
  }

  /** Nobody hears anybody any more (the call closed). */
  clear(): void {
    this.#routing = SILENT;
    this.#targets = new Map();
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
      this.stats.packetsOut++;
    } catch {
      // Per packet: counted in the call's stats (a log line here would flood at 50 per second).
      this.stats.errors++;
    }
  }
}
