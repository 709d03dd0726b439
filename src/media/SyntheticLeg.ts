// A server-side party (the demo network's simulated customer or callee): plays a
// looped recording into the call, 20 ms at a time; what it would hear is discarded.
import { randomInt, randomUUID } from "node:crypto";
import type { Party } from "../control/routing.ts";
import { CODECS } from "./codecs.ts";
import { type Leg, newSourceKey, type PacketSink } from "./Leg.ts";
import type { CloseReason, MediaCodec, SyntheticSource } from "./MediaTypes.ts";
import {
  encodeOpus,
  encodeOpusInTurns,
  FrameLoop,
  holdMusicPcm,
  holdMusicUlaw,
  synthesize,
  ulawTo48k,
} from "./sources.ts";

/** 20 ms of 8 kHz audio, in RTP timestamp units. */
const PCMU_FRAME_SAMPLES = 160;

/** A looped recording as an RTP source: its own SSRC, sequence numbers and timestamps. */
export class FrameSource {
  readonly sourceKey = newSourceKey();
  readonly ssrc = randomInt(1, 0xffffffff);
  readonly #next: () => Buffer;
  readonly #frameSamples: number;
  #seq = randomInt(0, 0x10000);
  #ts = randomInt(0, 0xffffffff);

  /** From 8 kHz µ-law audio, or from ready-made 20 ms frames of `frameSamples` samples each (e.g. Opus). */
  constructor(audio: Buffer | readonly Buffer[], frameSamples = PCMU_FRAME_SAMPLES) {
    if (Buffer.isBuffer(audio)) {
      const loop = new FrameLoop(audio);
      this.#next = () => loop.next();
    } else {
      if (audio.length === 0) throw new RangeError("no frames");
      let i = 0;
      this.#next = () => {
        const frame = audio[i];
        i = (i + 1) % audio.length;
        return frame;
      };
    }
    this.#frameSamples = frameSamples;
  }

  /** Produces the next frame and hands it to `deliver`. */
  emit(deliver: (ssrc: number, seq: number, ts: number, payload: Buffer) => void): void {
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts = (this.#ts + this.#frameSamples) >>> 0;
    deliver(this.ssrc, this.#seq, this.#ts, this.#next());
  }
}

export class SyntheticLeg implements Leg {
  readonly id = randomUUID();
  readonly kind = "synthetic" as const;
  readonly party: Party;
  readonly outputs = null;
  readonly source: SyntheticSource;
  readonly #frames: FrameSource;
  #closed = false;

  /** Throws a RangeError for an unknown source, or when an Opus call cannot be given one. */
  constructor(party: Party, source: SyntheticSource, codec: MediaCodec = "pcmu") {
    this.party = party;
    this.source = source;
    if (codec === "pcmu") {
      this.#frames = new FrameSource(synthesize(source));
    } else {
      const frames = opusFramesOf(source);
      if (!frames) throw new RangeError("no Opus encoder (opusscript) for a synthetic party");
      this.#frames = new FrameSource(frames, CODECS.opus.frameSamples);
    }
  }

  get sourceKey(): number {
    return this.#frames.sourceKey;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Plays the next 20 ms into the call. */
  tick(sink: PacketSink): void {
    if (this.#closed) return;
    this.#frames.emit((ssrc, seq, ts, payload) => sink(this, ssrc, seq, ts, payload));
  }

  close(_reason: CloseReason): void {
    this.#closed = true;
  }
}

/** A recording the server loops into Opus calls: the hold music or a synthetic party's. */
type OpusRecording = "hold" | SyntheticSource;

/** A recording as 48 kHz PCM, to be encoded. */
const pcmOf = (r: OpusRecording): Int16Array =>
  r === "hold" ? holdMusicPcm(48_000) : ulawTo48k(synthesize(r));

/** Each recording encoded once per process (null: no encoder). */
const opusFrames = new Map<OpusRecording, Buffer[] | null>();

function opusFramesOf(r: OpusRecording): Buffer[] | null {
  let frames = opusFrames.get(r);
  if (frames === undefined) {
    frames = encodeOpus(pcmOf(r));
    opusFrames.set(r, frames);
  }
  return frames;
}

let holdUlaw: Buffer | undefined;

/** The hold-music source for a call's codec; null when the codec has none (Opus without opusscript). */
export function holdMusicSource(codec: MediaCodec): FrameSource | null {
  if (codec === "pcmu") {
    holdUlaw ??= holdMusicUlaw();
    return new FrameSource(holdUlaw);
  }
  const frames = opusFramesOf("hold");
  return frames ? new FrameSource(frames, CODECS.opus.frameSamples) : null;
}

let preparing: Promise<void> | undefined;

/**
 * Encodes the Opus forms of the hold music and the demo voice in the background, a few packets
 * per event-loop turn (once per process). Otherwise the first Opus call to need one would
 * encode it at once and stall every call's forwarding for ≈ 0.4 s.
 */
export function prepareOpusSources(): Promise<void> {
  preparing ??= (async () => {
    for (const r of ["hold", "voice"] as const) {
      if (opusFrames.has(r)) continue;
      const frames = await encodeOpusInTurns(pcmOf(r));
      if (!opusFrames.has(r)) opusFrames.set(r, frames); // unless a call needed it meanwhile
    }
  })();
  return preparing;
}
