// What a receiver knows of one RTP source's stream, as RFC 3550 defines it: the extended highest
// sequence number and the source's validation (Appendix A.1), the expected and lost packets,
// cumulative and since the last sample (§6.4.1, Appendix A.3), and the interarrival jitter
// (§6.4.1, Appendix A.8), in the source's timestamp units. The per-packet update is a few
// integer operations on fields of this one object: no allocation on the packet path.

const RTP_SEQ_MOD = 1 << 16;
/** A.1: a jump of more than this (forwards) is not counted as loss until confirmed. */
const MAX_DROPOUT = 3000;
/** A.1: a step back of up to this is a late (reordered or duplicate) packet. */
const MAX_MISORDER = 100;
/** A.1: packets in sequence before a new source is valid. */
const MIN_SEQUENTIAL = 2;

/** One sample of a stream: since the previous sample (the interval) and the jitter now. */
export interface ReceiveSample {
  /** Packets expected in the interval (extended highest sequence − its value at the last sample). */
  expected: number;
  /** Expected − received in the interval, never below 0 (duplicates do not make loss negative). */
  lost: number;
  /** The interarrival jitter estimate now, in milliseconds. */
  jitterMs: number;
  /** Packets counted since the source was valid (duplicates and late ones included, as A.3). */
  received: number;
}

export class ReceiveStats {
  /** Who the stream comes from: reset() when the leg (its source key) or the SSRC changes. */
  sourceKey = 0;
  ssrc = 0;
  #clockRate: number;
  /** The source's clock per millisecond: arrival times in timestamp units (A.8). */
  #unitsPerMs: number;
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #probation = MIN_SEQUENTIAL;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  /** The last packet's relative transit time (arrival − RTP timestamp), in timestamp units. */
  #transit = 0;
  /** The jitter estimate ×16 (A.8's integer form: J += |D| − ((J + 8) >> 4)). */
  #jitter16 = 0;
  /** Nothing received yet from this stream. */
  #fresh = true;
  /** A transit time is known (the jitter's first difference needs two packets). */
  #started = false;

  constructor(clockRate: number) {
    this.#clockRate = clockRate;
    this.#unitsPerMs = clockRate / 1000;
  }

  /** A new stream: everything counted so far is forgotten. */
  reset(sourceKey: number, ssrc: number): void {
    this.sourceKey = sourceKey;
    this.ssrc = ssrc;
    this.#maxSeq = 0;
    this.#cycles = 0;
    this.#baseSeq = 0;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#probation = MIN_SEQUENTIAL;
    this.#received = 0;
    this.#expectedPrior = 0;
    this.#receivedPrior = 0;
    this.#transit = 0;
    this.#jitter16 = 0;
    this.#fresh = true;
    this.#started = false;
  }

  /** One packet of sequence number `seq` and RTP timestamp `ts`, arrived at `nowMs` (a monotonic clock). */
  update(seq: number, ts: number, nowMs: number): void {
    if (!this.#updateSeq(seq)) return;
    this.#received++;
    // A.8: arrival in the source's timestamp units, everything modulo 2^32 (int32 differences).
    const arrival = Math.floor(nowMs * this.#unitsPerMs) | 0;
    const transit = (arrival - ts) | 0;
    if (this.#started) {
      let d = (transit - this.#transit) | 0;
      if (d < 0) d = -d;
      this.#jitter16 += d - ((this.#jitter16 + 8) >> 4);
    }
    this.#transit = transit;
    this.#started = true;
  }

  /** The extended highest sequence number received (A.1: cycles + max_seq). */
  get extendedMax(): number {
    return this.#cycles + this.#maxSeq;
  }

  /** Packets expected since the source was valid (A.3). */
  get expected(): number {
    return this.#probation > 0 || this.#fresh ? 0 : this.extendedMax - this.#baseSeq + 1;
  }

  get received(): number {
    return this.#received;
  }

  /** Cumulative packets lost (A.3): may be negative with duplicates. */
  get cumulativeLost(): number {
    return this.expected - this.#received;
  }

  /** The interarrival jitter in timestamp units (A.8's J). */
  get jitter(): number {
    return this.#jitter16 / 16;
  }

  get jitterMs(): number {
    return (this.jitter / this.#clockRate) * 1000;
  }

  /** The interval since the previous sample (A.3's expected_prior / received_prior), and starts the next. */
  sample(): ReceiveSample {
    const expected = this.expected;
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#received;
    const lost = expectedInterval - receivedInterval;
    return {
      expected: expectedInterval,
      lost: Math.max(lost, 0),
      jitterMs: this.jitterMs,
      received: this.#received,
    };
  }

  /** RFC 3550 A.1 update_seq: whether the packet counts (not while a new source is on probation, nor a jump). */
  #updateSeq(seq: number): boolean {
    if (this.#fresh) {
      // The source's first packet: A.1's init_seq, then max_seq = seq − 1 and probation.
      this.#fresh = false;
      this.#initSeq(seq);
      this.#maxSeq = (seq - 1 + RTP_SEQ_MOD) % RTP_SEQ_MOD;
      this.#probation = MIN_SEQUENTIAL;
    }
    const udelta = (seq - this.#maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
    if (this.#probation > 0) {
      // Valid once MIN_SEQUENTIAL packets came in sequence.
      if (seq === (this.#maxSeq + 1) % RTP_SEQ_MOD) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSeq(seq);
          return true;
        }
      } else {
        this.#probation = MIN_SEQUENTIAL - 1;
        this.#maxSeq = seq;
      }
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with a permissible gap.
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD; // the sequence number wrapped
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A very large jump: two sequential packets mean the source restarted without telling us.
      if (seq === this.#badSeq) {
        this.#initSeq(seq);
      } else {
        this.#badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
        return false;
      }
    }
    // else: a duplicate or reordered packet, counted as received (as A.3 does).
    return true;
  }

  /** A.1 init_seq. */
  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#expectedPrior = 0;
    this.#receivedPrior = 0;
  }
}
