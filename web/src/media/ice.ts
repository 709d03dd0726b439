// The browser side of a leg's ICE beyond the first offer: trickle both ways, and ICE restart
// when the path is lost (ICE disconnected for a couple of seconds, or failed, or the network
// came back: the window's `online` event).
//
// Protocol (src/protocol/messages.ts): the browser sends a generation's candidates only after
// the answer for it arrived (media.answer of the offer or of the restart), so the server always
// knows the leg and its credentials when a candidate arrives; the server does the same. A
// restart is an offer with new ICE credentials on the same connection, answered for the same
// leg: the DTLS session, the SRTP keys and the call's routing stay.

export interface IceOptions {
  /** Sends one of this browser's candidates to the server (null: no more for this generation). */
  sendCandidate?(candidate: RTCIceCandidateInit | null): void;
  /** Creates an offer (with new ICE credentials when asked) and sets it as the local description. */
  makeOffer(iceRestart: boolean): Promise<string>;
  /** Sends an ICE restart's offer (e.g. media.restart) and resolves with the answer SDP. */
  signalRestart(offerSdp: string): Promise<string>;
  /** How long ICE may stay "disconnected" before the leg restarts it. Default 2000 ms. */
  restartAfterMs?: number;
  /** How long a restart may take to connect before the next one. Default 5000 ms. */
  retryAfterMs?: number;
  /** Informational: a restart starts (why) or failed (the error). */
  onRestart?(reason: string, error?: unknown): void;
}

/** The remote description's ICE username fragment, to drop candidates of a generation that has gone. */
function remoteUfrag(pc: RTCPeerConnection): string | null {
  return /^a=ice-ufrag:(\S+)/m.exec(pc.remoteDescription?.sdp ?? "")?.[1] ?? null;
}

export class IceKeeper {
  readonly #pc: RTCPeerConnection;
  readonly #options: IceOptions;
  /** Our candidates held until the answer of their generation arrives; null when none is awaited. */
  #outbox: Array<RTCIceCandidateInit | null> | null = [];
  /** The server's candidates that arrived while an answer was awaited. */
  #inbox: RTCIceCandidateInit[] = [];
  #restarting = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #online = () => this.#soon(0, "online");
  /** ICE restarts done so far. */
  restarts = 0;

  constructor(pc: RTCPeerConnection, options: IceOptions) {
    this.#pc = pc;
    this.#options = options;
    pc.addEventListener("icecandidate", (e) => this.#local(e.candidate ? e.candidate.toJSON() : null));
    pc.addEventListener("iceconnectionstatechange", () => this.#watch());
    globalThis.addEventListener?.("online", this.#online);
  }

  /** The answer to the first offer is applied: our held candidates go, and the server's apply. */
  answered(): void {
    const held = this.#outbox ?? [];
    this.#outbox = null;
    for (const c of held) this.#options.sendCandidate?.(c);
    const inbox = this.#inbox;
    this.#inbox = [];
    for (const c of inbox) void this.addRemote(c);
  }

  /** A candidate the server trickled (media.candidate). */
  async addRemote(candidate: RTCIceCandidateInit | null): Promise<void> {
    // The end of candidates is optional: without it the browser keeps checking what it has.
    if (this.#closed || candidate === null) return;
    if (this.#outbox !== null || !this.#pc.remoteDescription) {
      this.#inbox.push(candidate);
      return;
    }
    const ufrag = remoteUfrag(this.#pc);
    if (candidate.usernameFragment && ufrag && candidate.usernameFragment !== ufrag) return; // a gone generation
    try {
      await this.#pc.addIceCandidate(candidate);
    } catch (error) {
      console.warn("earshot: the server's ICE candidate was refused", candidate.candidate, error);
    }
  }

  /** Restarts ICE now (a restart in progress is not doubled). */
  async restart(reason: string): Promise<void> {
    if (this.#closed || this.#restarting) return;
    this.#restarting = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.restarts++;
    this.#options.onRestart?.(reason);
    this.#outbox = [];
    try {
      const answer = await this.#options.signalRestart(await this.#options.makeOffer(true));
      if (this.#closed) return;
      await this.#pc.setRemoteDescription({ type: "answer", sdp: answer });
      this.answered();
    } catch (error) {
      this.#options.onRestart?.(reason, error);
      if (this.#pc.signalingState === "have-local-offer") {
        // A rollback that fails leaves nothing to undo: the restart's own offer follows.
        await this.#pc.setLocalDescription({ type: "rollback" }).catch(() => {});
      }
      this.#outbox = null;
    } finally {
      this.#restarting = false;
    }
    // Not connected again in time (the path is still cut): the next restart.
    this.#soon(this.#options.retryAfterMs ?? 5000, "retry", true);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    globalThis.removeEventListener?.("online", this.#online);
  }

  #local(candidate: RTCIceCandidateInit | null): void {
    if (this.#closed) return;
    if (this.#outbox) this.#outbox.push(candidate);
    else this.#options.sendCandidate?.(candidate);
  }

  #watch(): void {
    const state = this.#pc.iceConnectionState;
    if (state === "connected" || state === "completed") {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    } else if (state === "failed") this.#soon(0, "ice failed");
    else if (state === "disconnected") this.#soon(this.#options.restartAfterMs ?? 2000, "ice disconnected");
  }

  /** Restarts in `ms` unless ICE connects meanwhile; `replace` moves an earlier plan. */
  #soon(ms: number, reason: string, replace = false): void {
    if (this.#closed || this.#pc.connectionState === "closed") return;
    if (this.#timer !== undefined && !replace && ms > 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const state = this.#pc.iceConnectionState;
      if (reason !== "online" && (state === "connected" || state === "completed")) return;
      void this.restart(reason);
    }, ms);
  }
}
