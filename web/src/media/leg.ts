// The browser side of a media leg: the microphone goes up on one send-only
// transceiver, and two receive-only slots bring down the (up to) two parties this
// browser may hear. The server decides what each slot carries; this side only plays
// it and can measure it. No framework: the web app and the media tests both use it.
import { withAlternatePayloadType } from "../../../src/protocol/alternatePayloadType.ts";
import type { CallCodec } from "../../../src/protocol/calls.ts";
import type { LegRole } from "../../../src/protocol/messages.ts";
import { IceKeeper } from "./ice.ts";
import { dominantTones, floorDb, levelAt, type ToneOptions } from "./spectrum.ts";

export type { ToneOptions } from "./spectrum.ts";

/** The call's codec (protocol/calls.ts decides which). */
export type LegCodec = CallCodec;

export interface AudioLegOptions {
  /**
   * Hands an offer to the server and resolves with its answer SDP: the first one (a media.offer
   * message), or with `restart` an ICE restart of the same leg (media.restart). The offer is sent
   * at once; candidates follow through `sendCandidate` once the answer is in.
   */
  signal(offerSdp: string, restart?: boolean): Promise<string>;
  /** Trickles one of this browser's ICE candidates to the server (media.candidate; null: no more). */
  sendCandidate?(candidate: RTCIceCandidateInit | null): void;
  /** How long ICE may stay disconnected before the leg restarts it. Default 2000 ms. */
  restartAfterMs?: number;
  /** Called as soon as the leg exists, before signalling: where the server's candidates go (addRemoteCandidate). */
  onLeg?(leg: AudioLeg): void;
  /** Informational: an ICE restart starts (why), or failed (the error). */
  onRestart?(reason: string, error?: unknown): void;
  /** Informational: which party this leg carries. */
  role?: LegRole;
  /** STUN/TURN servers (TURN relay for networks that block UDP). Default none. */
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Offer this codec first. The server answers with the call's codec in any case. */
  codec?: LegCodec;
  /** A microphone to use instead of the default one. */
  deviceId?: string;
  /** An existing MediaStream to send instead of opening the microphone. */
  stream?: MediaStream;
  audioContext?: AudioContext;
  /** Where the slots' <audio> elements go. Default document.body. */
  container?: HTMLElement;
  /** Mute the <audio> elements (the analysers still work). Default false. */
  muted?: boolean;
  /** Speaker to play on, where the browser supports setSinkId. */
  sinkId?: string;
  /** Analyser FFT size. Default 8192. */
  fftSize?: number;
  /**
   * Put an AnalyserNode on each slot (levelAt, floorDb, dominantTones): what tests measure.
   * Default true; the web app passes false outside its test build (shared/testHooks.ts).
   */
  analysers?: boolean;
  onStateChange?(state: RTCPeerConnectionState): void;
}

export interface SlotAudio {
  readonly stream: MediaStream;
  readonly element: HTMLAudioElement;
  /** Null when the leg was started with `analysers: false`. */
  readonly analyser: AnalyserNode | null;
}

export class AudioLeg {
  readonly pc: RTCPeerConnection;
  readonly localStream: MediaStream;
  readonly slots: readonly [SlotAudio, SlotAudio];
  readonly audioContext: AudioContext;
  /** Trickle and ICE restart (ice.ts). */
  readonly ice: IceKeeper;
  readonly #ownsStream: boolean;
  readonly #ownsContext: boolean;
  readonly #bins: Float32Array<ArrayBuffer>;
  #closed = false;

  private constructor(
    pc: RTCPeerConnection,
    local: MediaStream,
    ctx: AudioContext,
    options: AudioLegOptions,
  ) {
    this.pc = pc;
    this.localStream = local;
    this.audioContext = ctx;
    this.#ownsStream = !options.stream;
    this.#ownsContext = !options.audioContext;
    const fftSize = options.fftSize ?? 8192;
    this.#bins = new Float32Array(fftSize / 2);
    const receivers = pc.getTransceivers().slice(1, 3);
    this.slots = [this.#slot(receivers[0], options, fftSize), this.#slot(receivers[1], options, fftSize)];
    this.ice = new IceKeeper(pc, {
      sendCandidate: options.sendCandidate,
      restartAfterMs: options.restartAfterMs,
      onRestart: options.onRestart,
      makeOffer: (iceRestart) => makeOffer(pc, iceRestart),
      signalRestart: (sdp) => options.signal(sdp, true),
    });
  }

  /** Opens the microphone, negotiates with the server through `signal`, and starts playing both slots. */
  static async start(options: AudioLegOptions): Promise<AudioLeg> {
    const local =
      options.stream ??
      (await navigator.mediaDevices.getUserMedia({
        audio: {
          echoCancellation: false,
          noiseSuppression: false,
          autoGainControl: false,
          ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : {}),
        },
      }));
    const pc = new RTCPeerConnection({
      iceServers: options.iceServers ?? [],
      iceTransportPolicy: options.iceTransportPolicy ?? "all",
    });
    const ctx = options.audioContext ?? new AudioContext();
    let leg: AudioLeg | undefined;
    try {
      const [track] = local.getAudioTracks();
      if (!track) throw new Error("no microphone track");
      pc.addTransceiver(track, { direction: "sendonly", streams: [local] });
      pc.addTransceiver("audio", { direction: "recvonly" });
      pc.addTransceiver("audio", { direction: "recvonly" });
      if (options.codec) preferCodec(pc, options.codec);
      leg = new AudioLeg(pc, local, ctx, options);
      options.onLeg?.(leg);
      if (options.onStateChange) {
        const notify = options.onStateChange;
        pc.addEventListener("connectionstatechange", () => notify(pc.connectionState));
      }
      // Trickle: the offer goes at once, its candidates after the answer (a TURN relay's
      // allocation no longer delays the leg).
      const answer = await options.signal(await makeOffer(pc, false));
      await pc.setRemoteDescription({ type: "answer", sdp: answer });
      leg.ice.answered();
      // Refused without a user gesture: the context resumes on the page's next click.
      if (ctx.state === "suspended") await ctx.resume().catch(() => {});
      return leg;
    } catch (error) {
      if (leg) leg.close();
      else {
        pc.close();
        if (!options.stream) for (const t of local.getTracks()) t.stop();
        if (!options.audioContext) ctx.close().catch(() => {}); // already closed: nothing to release
      }
      throw error;
    }
  }

  get state(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves when the leg is connected; rejects if it fails or `timeoutMs` passes. */
  connected(timeoutMs = 10_000): Promise<void> {
    const pc = this.pc;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`not connected after ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        if (pc.connectionState === "connected") finish();
        else if (pc.connectionState === "failed" || pc.connectionState === "closed")
          finish(new Error(`leg ${pc.connectionState}`));
      };
      const finish = (error?: Error) => {
        clearTimeout(timer);
        pc.removeEventListener("connectionstatechange", check);
        if (error) reject(error);
        else resolve();
      };
      pc.addEventListener("connectionstatechange", check);
      check();
    });
  }

  /** Stops sending the microphone (a local mute; the server-side mute is the routing's). */
  setMicEnabled(enabled: boolean): void {
    for (const track of this.localStream.getAudioTracks()) track.enabled = enabled;
  }

  /** The level, in dB, of the strongest bin within ±2 bins of `freqHz` on a slot. */
  levelAt(slot: 0 | 1, freqHz: number): number {
    return levelAt(this.#spectrum(slot), this.audioContext.sampleRate, freqHz);
  }

  /** The slot's median bin level in dB: its noise floor. */
  floorDb(slot: 0 | 1): number {
    return floorDb(this.#spectrum(slot));
  }

  /** The frequencies (Hz) of the slot's prominent spectral peaks, loudest first. */
  dominantTones(slot: 0 | 1, options: ToneOptions = {}): number[] {
    return dominantTones(this.#spectrum(slot), this.audioContext.sampleRate, options);
  }

  /** A candidate the server trickled for this leg (media.candidate). */
  addRemoteCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    return this.ice.addRemote(candidate);
  }

  /** Closes the connection, stops the microphone (when this leg opened it) and removes the <audio> elements. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.ice.close();
    this.pc.close();
    for (const slot of this.slots) {
      slot.element.srcObject = null;
      slot.element.remove();
    }
    if (this.#ownsStream) for (const t of this.localStream.getTracks()) t.stop();
    if (this.#ownsContext) this.audioContext.close().catch(() => {}); // already closed: nothing to release
  }

  #spectrum(slot: 0 | 1): Float32Array<ArrayBuffer> {
    const analyser = this.slots[slot].analyser;
    if (!analyser) throw new Error("this leg has no analysers (started with analysers: false)");
    analyser.getFloatFrequencyData(this.#bins);
    return this.#bins;
  }

  #slot(transceiver: RTCRtpTransceiver, options: AudioLegOptions, fftSize: number): SlotAudio {
    const stream = new MediaStream([transceiver.receiver.track]);
    // Chromium only feeds a remote track to WebAudio when it also plays in a media element.
    const element = document.createElement("audio");
    element.autoplay = true;
    element.muted = options.muted ?? false;
    element.srcObject = stream;
    (options.container ?? document.body).append(element);
    const withSink = element as HTMLAudioElement & { setSinkId?(id: string): Promise<void> };
    // A device that is gone plays on the default output; autoplay refused resumes on a gesture.
    if (options.sinkId && withSink.setSinkId) withSink.setSinkId(options.sinkId).catch(() => {});
    element.play().catch(() => {});
    if (options.analysers === false) return { stream, element, analyser: null };
    const analyser = this.audioContext.createAnalyser();
    analyser.fftSize = fftSize;
    analyser.smoothingTimeConstant = 0.3;
    this.audioContext.createMediaStreamSource(stream).connect(analyser);
    return { stream, element, analyser };
  }
}

function preferCodec(pc: RTCPeerConnection, codec: LegCodec): void {
  const capabilities = RTCRtpReceiver.getCapabilities?.("audio");
  if (!capabilities) return;
  const mime = codec === "opus" ? "audio/opus" : "audio/pcmu";
  const first = capabilities.codecs.filter((c) => c.mimeType.toLowerCase() === mime);
  const rest = capabilities.codecs.filter((c) => c.mimeType.toLowerCase() !== mime);
  for (const transceiver of pc.getTransceivers()) {
    try {
      transceiver.setCodecPreferences([...first, ...rest]);
    } catch {
      // Older browsers: the server picks the call's codec from the offer anyway.
    }
  }
}

/**
 * Creates an offer and sets it as the local description. The receive slots offer the codec a
 * second time (see withAlternatePayloadType); a browser that refuses the edited offer gets the
 * plain one. Not Firefox: it accepts the edited offer but drops what arrives with the added
 * payload type.
 */
async function makeOffer(pc: RTCPeerConnection, iceRestart: boolean): Promise<string> {
  const offer = await pc.createOffer({ iceRestart });
  const firefox = /Firefox\//.test(navigator.userAgent);
  await pc
    .setLocalDescription(firefox ? offer : { type: "offer", sdp: withAlternatePayloadType(offer.sdp ?? "") })
    .catch(() => pc.setLocalDescription(offer));
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error("no local offer");
  return sdp;
}
