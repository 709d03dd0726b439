// The network diagnostic's probes over the WebSocket (SPEC §4): `media.probe` → the media
// plane answers with a short-lived peer connection (media.probe_answer). The same connection
// authentication as the rest of signalling (a signed-in user, or a widget call's token
// holder), at most PROBE.perConnection open at a time per connection, closed with the socket.
import { EarshotError, fail } from "../control/errors.ts";
import type { MediaProbe, ProbeHandle } from "../control/mediaPorts.ts";
import { isErrorCode } from "../protocol/errors.ts";
import { type ClientMessage, PROBE, type ServerMessage } from "../protocol/messages.ts";
import { SDP_LIMITS } from "../protocol/sdp.ts";
import type { Peer } from "./signalling.ts";

interface PeerProbes {
  /** Probes open or being answered (counted before the answer, so a burst cannot pass the cap). */
  count: number;
  open: Set<ProbeHandle>;
  socketClosed: boolean;
}

export class Probes {
  readonly #byPeer = new WeakMap<object, PeerProbes>();

  constructor(private readonly media: MediaProbe) {}

  async probe(
    peer: Pick<Peer, "user" | "widgetCallId">,
    msg: Extract<ClientMessage, { type: "media.probe" }>,
  ): Promise<ServerMessage> {
    if (!peer.user && !peer.widgetCallId) fail("unauthenticated", "Sign in before probing the network.");
    if (typeof msg.requestId !== "string" || msg.requestId.length === 0 || msg.requestId.length > 100) {
      fail("bad_request", "A media.probe needs a requestId.");
    }
    if (typeof msg.sdp !== "string" || msg.sdp.length > SDP_LIMITS.maxChars || !msg.sdp.startsWith("v=0")) {
      fail(
        "signalling_error",
        `The probe is not an SDP session description (at most ${SDP_LIMITS.maxChars} characters).`,
      );
    }
    let state = this.#byPeer.get(peer);
    if (!state) {
      state = { count: 0, open: new Set(), socketClosed: false };
      this.#byPeer.set(peer, state);
    }
    if (state.socketClosed) fail("bad_request", "The connection is closing.");
    if (state.count >= PROBE.perConnection) {
      fail("rate_limited", `At most ${PROBE.perConnection} network probes at a time on one connection.`);
    }
    const s = state;
    s.count++;
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      s.count--;
    };
    try {
      const { probe, answerSdp } = await this.media.probe(msg.sdp, (closed) => {
        release();
        s.open.delete(closed);
      });
      if (s.socketClosed) probe.close("socket_closed");
      else if (!probe.closed) s.open.add(probe);
      return { type: "media.probe_answer", requestId: msg.requestId, sdp: answerSdp };
    } catch (e) {
      release();
      if (e instanceof EarshotError) throw e;
      const code = (e as { code?: string }).code;
      throw new EarshotError(code && isErrorCode(code) ? code : "signalling_error", (e as Error).message);
    }
  }

  /** The connection went away: its probes close now. */
  closeAll(peer: object): void {
    const state = this.#byPeer.get(peer);
    if (!state) return;
    state.socketClosed = true;
    for (const probe of [...state.open]) probe.close("socket_closed");
  }
}
