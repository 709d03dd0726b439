// WebRTC signalling over the WebSocket, authorised by the control plane: a user attaches
// audio only to a leg that is theirs (the call's agent, the coach of its session, or the
// widget customer holding the call's token).
import { EarshotError, fail } from "../control/errors.ts";
import type { UserRecord } from "../control/model.ts";
import type { Store } from "../control/ports.ts";
import type { Party } from "../control/routing.ts";
import { isErrorCode } from "../protocol/errors.ts";
import type { ClientMessage } from "../protocol/messages.ts";

/** The media plane as signalling needs it. */
export interface MediaAttach {
  attach(
    callId: string,
    party: Party,
    offerSdp: string,
    codec: "opus" | "pcmu",
    ownerId: string | null,
  ): Promise<{ legId: string; answerSdp: string }>;
  closeLeg(callId: string, legId: string): void;
  /** Tells when a leg ends on the media side (call ended, coach left, ICE failed). */
  onLegClose(listener: (callId: string, legId: string, reason: string) => void): () => void;
}

export interface Peer {
  user: UserRecord | null;
  /** The call a widget customer's token grants. */
  widgetCallId: string | null;
  /** Legs this connection attached: closed when it goes away. */
  legs: Map<string, string>;
}

const MAX_SDP = 20_000;

export class Signalling {
  constructor(
    private readonly store: Store,
    private readonly media: MediaAttach,
    /** Whether `user` may start coaching `callId` now (the supervision policy). */
    private readonly mayCoach: (user: UserRecord, callId: string) => Promise<boolean>,
  ) {}

  async offer(peer: Peer, msg: Extract<ClientMessage, { type: "media.offer" }>) {
    if (typeof msg.sdp !== "string" || msg.sdp.length > MAX_SDP || !msg.sdp.startsWith("v=0")) {
      fail("signalling_error", "The offer is not an SDP session description.");
    }
    const call = await this.store.getCall(msg.callId);
    if (!call || call.state === "ended") fail("signalling_error", "That call is not live.");
    if (msg.role === "customer") {
      if (peer.widgetCallId !== call.id) fail("forbidden", "You can only attach audio to your own call.");
    } else if (msg.role === "agent") {
      if (!peer.user || call.agentId !== peer.user.id || call.externalTransfer) {
        fail("forbidden", "Only the call's agent can attach as agent.");
      }
    } else if (msg.role === "coach") {
      // The session's coach attaches; so may a user who is allowed to start coaching this call
      // ("standby": the leg is silent both ways until their session's routing is applied).
      const session = await this.store.activeSessionOfCall(call.id);
      const own = peer.user && session?.coachId === peer.user.id;
      if (!own && !(peer.user && !session && (await this.mayCoach(peer.user, call.id)))) {
        fail(
          "forbidden",
          "Only the coach of this call's session, or a user allowed to coach it, can attach as coach.",
        );
      }
    } else {
      fail("signalling_error", "role must be customer, agent or coach.");
    }
    try {
      const codec = call.customerChannel === "widget" ? "opus" : "pcmu";
      const { legId, answerSdp } = await this.media.attach(
        call.id,
        msg.role,
        msg.sdp,
        codec,
        peer.user?.id ?? null,
      );
      peer.legs.set(legId, call.id);
      return { type: "media.answer" as const, requestId: msg.requestId, legId, sdp: answerSdp };
    } catch (e) {
      if (e instanceof EarshotError) throw e;
      const code = (e as { code?: string }).code;
      throw new EarshotError(
        code && isErrorCode(code) ? code : "signalling_error",
        `The offer was refused: ${(e as Error).message}`,
      );
    }
  }

  onLegClose(listener: (callId: string, legId: string, reason: string) => void): () => void {
    return this.media.onLegClose(listener);
  }

  close(peer: Peer, legId: string): void {
    const callId = peer.legs.get(legId);
    if (!callId) return;
    peer.legs.delete(legId);
    this.media.closeLeg(callId, legId);
  }

  closeAll(peer: Peer): void {
    for (const legId of [...peer.legs.keys()]) this.close(peer, legId);
  }
}
