// WebRTC signalling over the WebSocket, authorised by the control plane: a user attaches
// audio only to a leg that is theirs (the call's agent, the coach of its session, or the
// widget customer holding the call's token), and only the connection that attached a leg may
// trickle candidates to it or restart its ICE.
//
// Ordering: the signalling names each new leg before the media plane answers, so the server's
// candidates for it (which may come from the call's owner node, over Redis, in any order with
// the answer) find their connection; they are held until the answer that carries their ICE
// generation (media.offer's or media.restart's) has been sent, then follow it in order.
import { randomUUID } from "node:crypto";
import { attachRefusal } from "../control/attach.ts";
import { EarshotError, fail } from "../control/errors.ts";
import type { MediaAttach } from "../control/mediaPorts.ts";
import type { UserRecord } from "../control/model.ts";
import type { Store } from "../control/ports.ts";
import { callCodec } from "../protocol/calls.ts";
import { isErrorCode } from "../protocol/errors.ts";
import type { ClientMessage, IceCandidateInit, SignallingReply } from "../protocol/messages.ts";
import { SDP_LIMITS } from "../protocol/sdp.ts";
import { checkCandidate } from "./candidates.ts";

export interface Peer {
  user: UserRecord | null;
  /** The call a widget customer's token grants. */
  widgetCallId: string | null;
  /** Legs this connection attached (leg id → call id): closed when it goes away. */
  legs: Map<string, string>;
  /** Sends a signalling message on this connection. */
  send(message: SignallingReply): void;
}

/** Where a leg's candidates go; `held` is non-null while its answer is on the way. */
interface Route {
  legId: string;
  peer: Peer;
  held: IceCandidateInit[] | null;
  /** The held end of candidates, if one came (it is sent last). */
  heldEnd: boolean;
}

export class Signalling {
  readonly #routes = new Map<string, Route>();

  constructor(
    private readonly store: Store,
    private readonly media: MediaAttach,
    /** Whether `user` may start coaching `callId` now (the supervision policy). */
    private readonly mayCoach: (user: UserRecord, callId: string) => Promise<boolean>,
  ) {
    media.onLegCandidate((_callId, legId, candidate) => this.#candidateOut(legId, candidate));
    media.onLegClose((_callId, legId) => this.#routes.delete(legId));
  }

  /** media.offer: a new leg. Sends media.answer, then the leg's candidates as they come. */
  async offer(peer: Peer, msg: Extract<ClientMessage, { type: "media.offer" }>): Promise<void> {
    checkSdp(msg.sdp);
    const call = await this.store.getCall(msg.callId);
    const session = call ? await this.store.activeSessionOfCall(call.id) : undefined;
    const user = peer.user;
    const refused = attachRefusal({
      role: msg.role,
      userId: user?.id ?? null,
      widgetCallId: peer.widgetCallId,
      call,
      sessionCoachId: session?.coachId ?? null,
      mayStartCoaching: !!call && !!user && msg.role === "coach" && (await this.mayCoach(user, call.id)),
    });
    if (refused || !call) fail(refused?.code ?? "signalling_error", refused?.message);
    const legId = randomUUID();
    const route: Route = { legId, peer, held: [], heldEnd: false };
    this.#routes.set(legId, route);
    peer.legs.set(legId, call.id);
    try {
      const codec = callCodec(call.customerChannel);
      const { answerSdp } = await this.media.attach(
        call.id,
        msg.role,
        msg.sdp,
        codec,
        peer.user?.id ?? null,
        legId,
      );
      this.#answered(route, { type: "media.answer", requestId: msg.requestId, legId, sdp: answerSdp });
    } catch (e) {
      if (this.#routes.get(legId) === route) this.#routes.delete(legId);
      peer.legs.delete(legId);
      throw refusal(e, "The offer was refused");
    }
  }

  /** media.restart: the browser's ICE restart of a leg it attached. Sends media.answer. */
  async restart(peer: Peer, msg: Extract<ClientMessage, { type: "media.restart" }>): Promise<void> {
    checkSdp(msg.sdp);
    const { callId, route } = this.#own(peer, msg.legId);
    route.held ??= [];
    try {
      const { answerSdp } = await this.media.restart(callId, msg.legId, msg.sdp);
      this.#answered(route, {
        type: "media.answer",
        requestId: msg.requestId,
        legId: msg.legId,
        sdp: answerSdp,
      });
    } catch (e) {
      this.#release(route);
      throw refusal(e, "The ICE restart was refused");
    }
  }

  /** media.candidate: one of the browser's candidates for a leg it attached. */
  async candidate(peer: Peer, msg: Extract<ClientMessage, { type: "media.candidate" }>): Promise<void> {
    const { callId } = this.#own(peer, msg.legId);
    const candidate = checkCandidate(msg.candidate);
    try {
      await this.media.addCandidate(callId, msg.legId, candidate);
    } catch (e) {
      throw refusal(e, "The ICE candidate was refused");
    }
  }

  onLegClose(listener: (callId: string, legId: string, reason: string) => void): () => void {
    return this.media.onLegClose(listener);
  }

  close(peer: Peer, legId: string): void {
    const callId = peer.legs.get(legId);
    if (!callId) return;
    peer.legs.delete(legId);
    this.#routes.delete(legId);
    this.media.closeLeg(callId, legId);
  }

  closeAll(peer: Peer): void {
    for (const legId of [...peer.legs.keys()]) this.close(peer, legId);
  }

  /** The leg, if this connection attached it; the same refusal whether it never did or it ended. */
  #own(peer: Peer, legId: unknown): { callId: string; route: Route } {
    const callId = typeof legId === "string" ? peer.legs.get(legId) : undefined;
    const route = callId ? this.#routes.get(legId as string) : undefined;
    if (!callId || !route || route.peer !== peer) {
      fail(
        "forbidden",
        "You can only signal for a media leg this connection attached (and that is still open).",
      );
    }
    return { callId, route };
  }

  #answered(route: Route, answer: SignallingReply): void {
    route.peer.send(answer);
    this.#release(route);
  }

  /** Sends what was held behind an answer, in order. */
  #release(route: Route): void {
    const held = route.held ?? [];
    route.held = null;
    const { legId, peer } = route;
    for (const candidate of held) peer.send({ type: "media.candidate", legId, candidate });
    if (route.heldEnd) peer.send({ type: "media.candidate", legId, candidate: null });
    route.heldEnd = false;
  }

  #candidateOut(legId: string, candidate: IceCandidateInit | null): void {
    const route = this.#routes.get(legId);
    if (!route) return; // a leg of another node's connection, or one that ended
    if (route.held) {
      if (candidate) route.held.push(candidate);
      else route.heldEnd = true;
      return;
    }
    route.peer.send({ type: "media.candidate", legId, candidate });
  }
}

function checkSdp(sdp: unknown): void {
  if (typeof sdp !== "string" || sdp.length > SDP_LIMITS.maxChars || !sdp.startsWith("v=0")) {
    fail("signalling_error", "The offer is not an SDP session description.");
  }
}

/** A media-side failure as the error the browser gets (a domain refusal passes unchanged). */
function refusal(e: unknown, what: string): EarshotError {
  if (e instanceof EarshotError) return e;
  const code = (e as { code?: string }).code;
  return new EarshotError(
    code && isErrorCode(code) ? code : "signalling_error",
    `${what}: ${(e as Error).message}`,
  );
}
