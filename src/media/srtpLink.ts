// The media path of one WebRTC transport, taken over from werift: werift keeps ICE (with
// consent checks), DTLS and the key derivation; RTP goes between the ICE connection's socket
// and the forwarding switch through srtp.ts, with no packet objects, promises or cipher
// objects per packet. SRTCP stays with werift (we neither need nor send RTCP).
//
// It reaches into werift internals (RTCDtlsTransport.startSrtp, srtpProfiles, the nominated
// candidate pair's UDP socket), all in this one file; srtpLink.test.ts proves them against a
// werift peer, and the browser tests against Chromium and Firefox.
import type { Socket } from "node:dgram";
import { ProtectionProfileAes128CmHmacSha1_80, type RTCDtlsTransport } from "werift";
import { isRtcp, type RtpFields } from "./rtpPacket.ts";
import { SrtpReceiver, SrtpSender, type SrtpSessionKeys } from "./srtp.ts";

/** A decrypted RTP packet: the datagram and where its RTP part ends (the SRTP tag cut off). */
export type RtpHandler = (packet: Buffer, end: number) => void;

interface SessionContext {
  srtpSessionKey: Buffer;
  srtpSessionSalt: Buffer;
  srtpSessionAuthTag: Buffer;
}

interface CandidatePairInternals {
  /** werift's latest STUN round trip on the pair (its checks, then RFC 7675 consent every ~5 s), in seconds. */
  rtt?: number;
  remoteAddr: readonly [string, number];
  protocol: { transport?: { closed?: boolean; socket?: Socket } };
}

interface ConnectionInternals {
  nominated?: CandidatePairInternals;
  state: string;
  onData: { subscribe(f: (data: Buffer) => void): unknown };
  send(data: Buffer): Promise<void>;
}

interface DtlsTransportInternals {
  srtpProfiles: number[];
  srtpStarted: boolean;
  startSrtp(): void;
  updateSrtpSession(): void;
  srtp: { localContext: SessionContext; remoteContext: SessionContext };
  iceTransport: { connection: ConnectionInternals };
}

const ignore = (): void => {};

export class SrtpLink {
  readonly #onRtp: RtpHandler;
  #connection: ConnectionInternals | undefined;
  /** The pair last nominated: an ICE restart clears werift's until the new checks nominate one. */
  #lastPair: CandidatePairInternals | undefined;
  #sender: SrtpSender | undefined;
  #closed = false;
  /** Packets refused by SRTP (authentication, replay, malformed). */
  refused = 0;

  private constructor(onRtp: RtpHandler) {
    this.#onRtp = onRtp;
  }

  /**
   * Takes the media path of `transport`. Call after the transport exists (setRemoteDescription
   * on the answering side, setLocalDescription on the offering side) and before DTLS connects.
   * Only AES_CM_128_HMAC_SHA1_80 is offered in DTLS (every browser supports it).
   */
  static take(transport: RTCDtlsTransport, onRtp: RtpHandler): SrtpLink {
    const link = new SrtpLink(onRtp);
    const t = transport as unknown as DtlsTransportInternals;
    if (typeof t.startSrtp !== "function" || !Array.isArray(t.srtpProfiles)) {
      throw new Error("werift's RTCDtlsTransport has changed: SrtpLink cannot take over its media path");
    }
    t.srtpProfiles = [ProtectionProfileAes128CmHmacSha1_80];
    t.startSrtp = () => {
      if (t.srtpStarted) return;
      t.srtpStarted = true;
      t.updateSrtpSession(); // werift derives the session keys from the DTLS master secret
      link.#start(t);
    };
    return link;
  }

  /** True once DTLS has given the keys. */
  get ready(): boolean {
    return this.#sender !== undefined && !this.#closed;
  }

  /** Encrypts and sends one packet; drops it when not ready, closed, or without ICE consent. */
  send(header: RtpFields, payloadType: number, ssrc: number, payload: Uint8Array): void {
    const sender = this.#sender;
    const connection = this.#connection;
    if (!sender || !connection || this.#closed) return;
    // During an ICE restart the old path often still works (the browser keeps receiving on it
    // until its new pair is nominated): keep sending there rather than going silent for the
    // restart's checks (≈ 0.5 s over TURN/TCP). Only this leg's own, validated address.
    if (connection.nominated) this.#lastPair = connection.nominated;
    const pair = this.#lastPair;
    if (!pair || connection.state === "closed" || connection.state === "failed") return;
    const packet = sender.protect(header, payloadType, ssrc, payload);
    const transport = pair.protocol.transport;
    const socket = transport?.socket;
    if (socket && !transport.closed) {
      try {
        socket.send(packet, pair.remoteAddr[1], pair.remoteAddr[0]);
      } catch {
        // The socket closed under us: the leg is going away.
      }
    } else {
      connection.send(packet).catch(ignore);
    }
  }

  /** The latest ICE round trip of the path in use, in ms; null before one was measured. */
  rttMs(): number | null {
    const rtt = (this.#connection?.nominated ?? this.#lastPair)?.rtt;
    return typeof rtt === "number" && Number.isFinite(rtt) && rtt >= 0 ? rtt * 1000 : null;
  }

  close(): void {
    this.#closed = true;
  }

  #start(t: DtlsTransportInternals): void {
    const keys = (c: SessionContext): SrtpSessionKeys => ({
      key: c.srtpSessionKey,
      salt: c.srtpSessionSalt,
      auth: c.srtpSessionAuthTag,
    });
    this.#sender = new SrtpSender(keys(t.srtp.localContext));
    const receiver = new SrtpReceiver(keys(t.srtp.remoteContext));
    const connection = t.iceTransport.connection;
    this.#connection = connection;
    connection.onData.subscribe((data) => {
      // RTP only: DTLS (first byte 20–63) is werift's; RTCP (RFC 5761: second byte 192–223) is dropped.
      if (this.#closed || data.length < 12 || data[0] >>> 6 !== 2 || isRtcp(data)) return;
      const end = receiver.unprotect(data);
      if (end < 0) {
        this.refused++;
        return;
      }
      this.#onRtp(data, end);
    });
  }
}
