// A network probe (SPEC §4's diagnostic): a short-lived peer connection on this node's media
// plane, with the call legs' DTLS certificate and ICE settings (peerConfig.ts), that answers a
// browser's offer of one data channel and echoes the first message sent on it. When the echo
// comes back, the browser knows that ICE, DTLS and SCTP all work on the path it offered (host
// candidates only, or one TURN relay). A probe carries no audio and no call.
import { randomUUID } from "node:crypto";
import { type RTCDataChannel, RTCPeerConnection } from "werift";
import { PROBE } from "../protocol/messages.ts";
import { sessionOrMedia } from "../protocol/sdp.ts";
import { MediaError } from "./MediaTypes.ts";
import { checkIceAndDtls, parseOffer } from "./offerCheck.ts";
import { gatheringComplete, nodePeerConfig, type PeerSettings, withoutDefaultStun } from "./peerConfig.ts";

const MAX_ECHO_BYTES = 1024;
const GATHER_TIMEOUT_MS = 5000;

export type ProbeCloseReason =
  | "timeout"
  | "failed"
  | "closed_by_peer"
  | "socket_closed"
  | "node_closed"
  | "negotiation_failed";

export interface ProbeOptions {
  /** Called once when the probe closes, whatever the reason. */
  onClose?: (probe: ProbeLeg, reason: ProbeCloseReason) => void;
  /** How long the probe lives at most. Default PROBE.maxMs (15 s). */
  maxMs?: number;
}

/** Rejects what is not a browser's offer of exactly one data channel. */
export function checkProbeOffer(offerSdp: unknown): string {
  const refuse = (message: string): never => {
    throw new MediaError("signalling_error", "invalid_sdp", message);
  };
  const { text, sdp } = parseOffer(offerSdp, "probe");
  const [section] = sdp.media;
  if (
    sdp.media.length !== 1 ||
    section.type !== "application" ||
    !/^(UDP\/)?DTLS\/SCTP$/.test(section.protocol) ||
    String(section.payloads) !== "webrtc-datachannel"
  ) {
    refuse(
      "A probe offers exactly one data channel section (m=application … webrtc-datachannel) and no audio.",
    );
  }
  checkIceAndDtls(sdp, "probe's offer");
  if (sessionOrMedia(sdp, section, "setup") !== "actpass") {
    refuse(
      "The probe's SDP is not an offer (an offer's a=setup is actpass): send the browser's createOffer() result.",
    );
  }
  return text;
}

export class ProbeLeg {
  readonly id = randomUUID();
  readonly #pc: RTCPeerConnection;
  readonly #timer: NodeJS.Timeout;
  readonly #onClose: (probe: ProbeLeg, reason: ProbeCloseReason) => void;
  #closed = false;
  #echoed = false;

  private constructor(settings: Readonly<PeerSettings>, options: ProbeOptions) {
    this.#onClose = options.onClose ?? (() => {});
    this.#pc = new RTCPeerConnection(nodePeerConfig(settings));
    this.#timer = setTimeout(() => this.close("timeout"), options.maxMs ?? PROBE.maxMs);
    this.#timer.unref();
    this.#pc.onDataChannel.subscribe((channel) => this.#echoFirst(channel));
    this.#pc.connectionStateChange.subscribe((state) => {
      if (state === "failed") this.close("failed");
    });
  }

  /** Answers a browser's probe offer; the probe then waits for the browser's ICE, DTLS and message. */
  static async answer(
    offerSdp: unknown,
    settings: Readonly<PeerSettings>,
    options: ProbeOptions = {},
  ): Promise<{ probe: ProbeLeg; answerSdp: string }> {
    const sdp = checkProbeOffer(offerSdp);
    const probe = new ProbeLeg(settings, options);
    try {
      await probe.#pc.setRemoteDescription({ type: "offer", sdp });
      const transport = probe.#pc.sctpTransport?.dtlsTransport;
      if (!transport) throw new Error("no data channel transport");
      withoutDefaultStun(transport.iceTransport.connection, settings.stunUrls);
      await probe.#pc.setLocalDescription(await probe.#pc.createAnswer());
      await gatheringComplete(probe.#pc, GATHER_TIMEOUT_MS);
      const answerSdp = probe.#pc.localDescription?.sdp;
      if (!answerSdp) throw new Error("no local description");
      if (!/^a=candidate:/m.test(answerSdp)) {
        throw new MediaError(
          "media_ports_exhausted",
          "ports_exhausted",
          "The media plane could not bind a UDP socket for the probe.",
        );
      }
      return { probe, answerSdp };
    } catch (error) {
      probe.close("negotiation_failed");
      if (error instanceof MediaError) throw error;
      throw new MediaError(
        "signalling_error",
        "invalid_sdp",
        `The probe's offer was refused: ${String(error)}`,
      );
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Idempotent; the onClose callback runs once, with the first reason. */
  close(reason: ProbeCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    // A failure to close is werift's own teardown of a connection nobody uses any more.
    this.#pc.close().catch(() => {});
    this.#onClose(this, reason);
  }

  /** Echoes the first message (at most MAX_ECHO_BYTES) on the browser's channel; nothing more. */
  #echoFirst(channel: RTCDataChannel): void {
    if (channel.label !== PROBE.label) return;
    // The browser is done with its probe when it closes the channel (or its connection).
    channel.stateChanged.subscribe((state) => {
      if (state === "closed") this.close("closed_by_peer");
    });
    channel.onMessage.subscribe((data) => {
      if (this.#closed || this.#echoed || data.length > MAX_ECHO_BYTES) return;
      this.#echoed = true;
      try {
        channel.send(data);
      } catch {
        // The channel closed under us: the browser sees no echo, and its probe fails on its own.
      }
    });
  }
}
