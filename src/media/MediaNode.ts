// The media plane of one process: its calls, the DTLS certificate they share, and
// the 20 ms frame clock that drives synthetic sources and comfort silence.
import { type RTCCertificate, RTCDtlsTransport } from "werift";
import type { Logger } from "../control/ports.ts";
import { fallbackLogger } from "../logger.ts";
import { FRAME_MS } from "./codecs.ts";
import { EnhancedEmitter } from "./EnhancedEmitter.ts";
import { type CallContext, MediaCall } from "./MediaCall.ts";
import {
  type CallOptions,
  type CloseReason,
  InvalidStateError,
  MediaError,
  type MediaNodeEvents,
  type MediaNodeOptions,
} from "./MediaTypes.ts";
import type { PeerSettings } from "./peerConfig.ts";
import { prepareOpusSources } from "./SyntheticLeg.ts";

/** Frames the clock may catch up after a stall before it skips ahead (a burst would only be dropped). */
const MAX_CATCH_UP_FRAMES = 5;

export class MediaNode extends EnhancedEmitter<MediaNodeEvents> {
  readonly #calls = new Map<string, MediaCall>();
  readonly #settings: PeerSettings;
  readonly #context: CallContext;
  readonly #clock: NodeJS.Timeout;
  #clockStart = performance.now();
  #frames = 0;
  #closed = false;

  /** Generates (once per process, unless given one) the DTLS certificate every leg presents. */
  static async create(options: MediaNodeOptions = {}): Promise<MediaNode> {
    const certificate = options.certificate ?? (await RTCDtlsTransport.SetupCertificate());
    void prepareOpusSources(); // in the background: the first Opus hold or demo voice is then ready
    return new MediaNode(options, certificate);
  }

  /** Where the plane reports what no caller waits for. */
  readonly log: Logger;
  /** Calls whose clock tick failed, already logged (once per call: the tick runs every 10 ms). */
  readonly #tickFailed = new WeakSet<MediaCall>();

  private constructor(options: MediaNodeOptions, certificate: RTCCertificate) {
    super();
    this.log = options.log ?? fallbackLogger;
    this.#settings = {
      certificate,
      hosts: options.hosts,
      portRange: options.portRange,
      stunUrls: options.stunUrls ?? [],
      connectTimeoutMs: options.connectTimeoutMs ?? 20_000,
      reconnectGraceMs: options.reconnectGraceMs ?? 30_000,
      silenceMs: options.pathSilenceMs ?? 4000,
    };
    this.#context = {
      settings: this.#settings,
      onClose: (call, reason) => {
        if (this.#calls.get(call.id) === call) this.#calls.delete(call.id);
        this.safeEmit("callclose", call.id, reason);
      },
    };
    this.#clock = setInterval(() => this.#tick(), FRAME_MS / 2);
    this.#clock.unref();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The certificate and ICE settings every peer connection of this node uses (legs and probes). */
  get peerSettings(): Readonly<PeerSettings> {
    return this.#settings;
  }

  get callCount(): number {
    return this.#calls.size;
  }

  /** Opens a call, or returns the open call of that id (its codec must then match, when given). */
  openCall(callId: string, options: CallOptions = {}): MediaCall {
    this.#assertOpen();
    if (typeof callId !== "string" || callId.length === 0) {
      throw new MediaError("bad_request", "invalid_argument", "A call id is required.");
    }
    const existing = this.#calls.get(callId);
    if (existing) {
      if (options.codec && options.codec !== existing.codec) {
        throw new MediaError(
          "conflict",
          "invalid_argument",
          `Call ${callId} is already open with ${existing.codec}, not ${options.codec}.`,
        );
      }
      return existing;
    }
    const codec = options.codec ?? "opus";
    if (codec !== "opus" && codec !== "pcmu") {
      throw new MediaError("bad_request", "invalid_argument", `Unknown codec: ${String(codec)}`);
    }
    const call = new MediaCall(callId, codec, this.#context);
    this.#calls.set(callId, call);
    return call;
  }

  /** The open calls of this node. */
  calls(): IterableIterator<MediaCall> {
    return this.#calls.values();
  }

  getCall(callId: string): MediaCall | undefined {
    return this.#calls.get(callId);
  }

  /** Closes every call (each emits its legclose and close events) and stops the clock. Idempotent. */
  close(reason: CloseReason = "node_closed"): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#clock);
    for (const call of [...this.#calls.values()]) call.close(reason);
  }

  #tick(): void {
    const now = performance.now();
    const due = Math.floor((now - this.#clockStart) / FRAME_MS) - this.#frames;
    if (due <= 0) return;
    let n = due;
    if (n > MAX_CATCH_UP_FRAMES) {
      this.#frames += n - MAX_CATCH_UP_FRAMES;
      n = MAX_CATCH_UP_FRAMES;
    }
    for (let f = 0; f < n; f++) {
      this.#frames++;
      for (const call of this.#calls.values()) {
        try {
          call.tick(now);
        } catch (err) {
          // One call's failure never stops the others' clock.
          if (!this.#tickFailed.has(call)) {
            this.#tickFailed.add(call);
            this.log.error({ err, callId: call.id }, "media: a call's clock tick failed");
          }
        }
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError("the media node is closed");
  }
}
