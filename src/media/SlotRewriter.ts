// The pure RTP processor of one output slot: whatever source feeds the slot, the
// receiver sees one continuous stream (its own sequence numbers and timestamps,
// a marker bit after each switch, no header extensions), and a few frames of
// comfort silence when the source is cut.
import type { CodecInfo } from "./codecs.ts";
import type { RtpFields } from "./rtpPacket.ts";

/** The header fields a slot emits for one packet. Reused between calls: copy what you keep. */
export type SlotHeader = RtpFields;

/** Comfort-silence frames sent after a slot's source is cut. */
export const COMFORT_SILENCE_FRAMES = 5;

const NO_SOURCE = -1;
/** How far behind a source's newest packet its epoch's bound may trail (older ones are dropped). */
const EPOCH_WINDOW = 0x4000;

export class SlotRewriter {
  readonly #frameSamples: number;
  readonly #samplesPerMs: number;
  readonly #out: SlotHeader = { sequenceNumber: 0, timestamp: 0, marker: false };
  #source = NO_SOURCE;
  #sourceSsrc = 0;
  #epochFirstSeq = 0;
  #seqOffset = 0;
  #tsOffset = 0;
  #lastSeq: number;
  #lastTs: number;
  #lastAt = Number.NaN;
  #pendingSilence = 0;

  constructor(codec: Pick<CodecInfo, "clockRate" | "frameSamples">, initialSeq?: number, initialTs?: number) {
    this.#frameSamples = codec.frameSamples;
    this.#samplesPerMs = codec.clockRate / 1000;
    this.#lastSeq = (initialSeq ?? Math.floor(Math.random() * 0x10000)) & 0xffff;
    this.#lastTs = (initialTs ?? Math.floor(Math.random() * 0x100000000)) >>> 0;
  }

  /** Comfort-silence frames still to send. */
  get pendingSilence(): number {
    return this.#pendingSilence;
  }

  get lastSequenceNumber(): number {
    return this.#lastSeq;
  }

  get lastTimestamp(): number {
    return this.#lastTs;
  }

  /**
   * The output header for a packet of `source` (a number naming the input, e.g. a
   * leg) with the given SSRC, sequence number and timestamp; null to drop it (a
   * late packet from before the switch to this source).
   */
  next(source: number, ssrc: number, seq: number, ts: number, nowMs: number): SlotHeader | null {
    const out = this.#out;
    if (source !== this.#source || ssrc !== this.#sourceSsrc) {
      // A switch: continue from the last sent values plus the elapsed wall-clock time.
      const outSeq = (this.#lastSeq + 1) & 0xffff;
      const outTs = this.#advance(nowMs);
      this.#source = source;
      this.#sourceSsrc = ssrc;
      this.#epochFirstSeq = seq;
      this.#seqOffset = (outSeq - seq) & 0xffff;
      this.#tsOffset = (outTs - ts) >>> 0;
      this.#pendingSilence = 0;
      out.marker = true;
    } else {
      // A packet older than the first one of this epoch would collide with the previous source's numbers.
      const sinceFirst = (seq - this.#epochFirstSeq) & 0xffff;
      if (sinceFirst >= 0x8000) return null;
      // The bound follows a long stream, which would otherwise read as "older" after 32,768 packets.
      if (sinceFirst > EPOCH_WINDOW) this.#epochFirstSeq = (seq - EPOCH_WINDOW) & 0xffff;
      out.marker = false;
    }
    out.sequenceNumber = (seq + this.#seqOffset) & 0xffff;
    out.timestamp = (ts + this.#tsOffset) >>> 0;
    if (((out.sequenceNumber - this.#lastSeq) & 0xffff) < 0x8000) {
      this.#lastSeq = out.sequenceNumber;
      this.#lastTs = out.timestamp;
    }
    this.#lastAt = nowMs;
    return out;
  }

  /** The slot's source was cut or changed: queue comfort silence until another source arrives. */
  cut(): void {
    if (this.#source === NO_SOURCE && this.#pendingSilence === 0) return;
    this.#source = NO_SOURCE;
    this.#pendingSilence = Number.isNaN(this.#lastAt) ? 0 : COMFORT_SILENCE_FRAMES;
  }

  /** The header of the next comfort-silence frame, or null when none is due. */
  silence(nowMs: number): SlotHeader | null {
    if (this.#pendingSilence === 0) return null;
    this.#pendingSilence--;
    const out = this.#out;
    out.sequenceNumber = (this.#lastSeq + 1) & 0xffff;
    out.timestamp = this.#advance(nowMs);
    out.marker = false;
    this.#lastSeq = out.sequenceNumber;
    this.#lastTs = out.timestamp;
    this.#lastAt = nowMs;
    return out;
  }

  #advance(nowMs: number): number {
    if (Number.isNaN(this.#lastAt)) return this.#lastTs;
    const elapsed = Math.round((nowMs - this.#lastAt) * this.#samplesPerMs);
    return (this.#lastTs + Math.max(this.#frameSamples, elapsed)) >>> 0;
  }
}
