// The ICE side of a WebRTC leg beyond what werift does by itself, in one place:
// - trickle: werift gathers only host candidates (a socket bind each, milliseconds), so the
//   answer carries them and is sent at once; server-reflexive candidates are asked of the STUN
//   servers here, after the answer, and trickled as they come, then the end of candidates;
// - the browser's trickled candidates, a stale ICE generation's dropped;
// - ICE restart on the answering side: werift restarts its ICE transport when an offer brings new
//   credentials, but starts the checks only while DTLS is not connected yet (peerConnection.js
//   connect()), so a restart of a connected leg is started here; DTLS and the SRTP keys stay.
//
// It reaches into werift internals (the ICE connection's stunServer, protocols and state), all
// here; the browser tests prove them against Chromium.
import { type RTCDtlsTransport, type RTCPeerConnection, serverReflexiveCandidate } from "werift";
import type { IceCandidateInit } from "../protocol/messages.ts";

interface LocalCandidate {
  foundation: string;
  component: number;
  transport: string;
  priority: number;
  host: string;
  port: number;
  relatedAddress?: string;
  relatedPort?: number;
}

interface ConnectionInternals {
  stunServer?: unknown;
  generation: number;
  localUsername: string;
  remoteUsername: string;
  protocols: Array<{ localCandidate?: LocalCandidate }>;
}

interface IceTransportInternals {
  state: string;
  connection: ConnectionInternals;
  start(): Promise<void>;
}

/** `stun:host[:port]` → [host, port]; anything else (turn:, malformed) → null. */
export function stunAddress(url: string): [string, number] | null {
  const m = /^stun:(\[[0-9a-f:]+\]|[^:?]+)(?::(\d{1,5}))?$/i.exec(url.trim());
  if (!m) return null;
  return [m[1].replace(/^\[|\]$/g, ""), m[2] ? Number(m[2]) : 3478];
}

export interface IcePathEvents {
  /** A candidate of ours for the browser; null once there are no more for this ICE generation. */
  onCandidate(candidate: IceCandidateInit | null): void;
  /** Something went wrong that nobody is waiting for (a STUN query, an ICE restart's start). */
  onError(error: unknown): void;
}

export class IcePath {
  readonly #pc: RTCPeerConnection;
  readonly #ice: IceTransportInternals;
  readonly #stun: Array<[string, number]>;
  readonly #events: IcePathEvents;
  /** Server-reflexive candidates found so far: advertised again after an ICE restart. */
  readonly #reflexive: LocalCandidate[] = [];
  #queried = false;
  #closed = false;

  /** Call after setRemoteDescription (the transport exists) and before setLocalDescription (gathering). */
  constructor(pc: RTCPeerConnection, transport: RTCDtlsTransport, stunUrls: string[], events: IcePathEvents) {
    this.#pc = pc;
    this.#ice = transport.iceTransport as unknown as IceTransportInternals;
    this.#events = events;
    this.#stun = stunUrls.map(stunAddress).filter((a): a is [string, number] => a !== null);
    // werift would query its STUN server (or stun.l.google.com without one) during gathering,
    // inside setLocalDescription, and the answer would wait for it; here it never does.
    this.#ice.connection.stunServer = undefined;
  }

  /** The browser's ICE username fragment this path is checking with now. */
  get remoteUfrag(): string {
    return this.#ice.connection.remoteUsername;
  }

  /** The local description has been set: trickle what gathering did not put in the answer. */
  gathered(): void {
    if (this.#closed) return;
    if (!this.#queried) {
      this.#queried = true;
      void this.#queryStun();
      return;
    }
    // An ICE restart: the host candidates are in the new answer; the reflexive ones come again.
    for (const c of this.#reflexive) this.#events.onCandidate(this.#init(c));
    this.#events.onCandidate(null);
  }

  /** After an ICE restart's answer: start the checks werift does not start for a connected leg. */
  startRestartedChecks(): void {
    if (this.#closed || this.#ice.state !== "new") return;
    this.#ice.start().catch((error: unknown) => {
      // The new generation's checks failed (e.g. the path is still cut): the leg stays lost
      // until the browser restarts again or its grace period ends.
      if (!this.#closed) this.#events.onError(error);
    });
  }

  /** Adds a candidate the browser trickled; one of an older ICE generation is dropped. */
  async addRemote(candidate: IceCandidateInit | null): Promise<void> {
    if (this.#closed) return;
    if (candidate?.usernameFragment && candidate.usernameFragment !== this.remoteUfrag) return;
    if (candidate === null || candidate.candidate === "") {
      await this.#pc.addIceCandidate(undefined);
      return;
    }
    await this.#pc.addIceCandidate({
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid ?? undefined,
      sdpMLineIndex: candidate.sdpMLineIndex ?? undefined,
      usernameFragment: candidate.usernameFragment ?? undefined,
    });
  }

  close(): void {
    this.#closed = true;
  }

  async #queryStun(): Promise<void> {
    const sockets = this.#ice.connection.protocols;
    const queries: Array<Promise<void>> = [];
    for (const server of this.#stun) {
      for (const protocol of sockets) {
        if (protocol.localCandidate?.transport.toLowerCase() !== "udp") continue;
        queries.push(
          serverReflexiveCandidate(protocol as never, server).then(
            (c) => {
              if (!c || this.#closed) return;
              const candidate = c as unknown as LocalCandidate;
              if (this.#reflexive.some((r) => r.host === candidate.host && r.port === candidate.port)) return;
              this.#reflexive.push(candidate);
              this.#events.onCandidate(this.#init(candidate));
            },
            (error: unknown) => this.#events.onError(error),
          ),
        );
      }
    }
    await Promise.all(queries);
    if (!this.#closed) this.#events.onCandidate(null);
  }

  /** A candidate line of the current ICE generation, on the bundle's first section. */
  #init(c: LocalCandidate): IceCandidateInit {
    const { generation, localUsername } = this.#ice.connection;
    const related = c.relatedAddress ? ` raddr ${c.relatedAddress} rport ${c.relatedPort ?? 0}` : "";
    const line =
      `candidate:${c.foundation} ${c.component} ${c.transport.toLowerCase()} ${c.priority} ${c.host} ${c.port}` +
      ` typ srflx${related} generation ${generation} ufrag ${localUsername}`;
    const mid = this.#pc.getTransceivers()[0]?.mid ?? "0";
    return { candidate: line, sdpMid: mid, sdpMLineIndex: 0, usernameFragment: localUsername };
  }
}
