// WebSocket messages of /api/v1/ws, shared by the server and the web app.
// Discriminated unions on `type`: a renamed message breaks the build, not production.
import type { Call, CallQuality, CoachingNote, CoachingSession, User, WidgetCall } from "./resources.ts";
import type { LiveStats } from "./stats.ts";

/** Which party of a call a media leg carries. */
export type LegRole = "customer" | "agent" | "coach";

/** Why a signed-in session ended: its socket gets `auth.revoked` and is closed with this reason. */
export type RevokeReason =
  | "signed_out"
  | "signed_out_everywhere"
  | "password_changed"
  | "password_reset"
  | "user_deleted";

export type ServerEvent =
  | { type: "hello"; user: User | null; callId?: string }
  | { type: "call.created"; call: Call }
  | { type: "call.updated"; call: Call }
  | { type: "call.ended"; call: Call }
  | { type: "user.updated"; user: User }
  /** An admin deleted the user: to everyone of the org, whose lists drop them. */
  | { type: "user.deleted"; userId: string }
  | { type: "coaching.started"; session: CoachingSession }
  | { type: "coaching.mode_changed"; session: CoachingSession }
  | { type: "coaching.ended"; session: CoachingSession }
  /** To the agent only: the coach joined with Notify user, or first became audible. */
  | { type: "coaching.notify"; session: CoachingSession }
  /**
   * A coaching note left on an ended call's session: to whoever may read the call's history
   * (monitors) and its agent once aware of the session (`session` says which, as delivery reads it).
   */
  | {
      type: "coaching.note_added";
      session: Pick<CoachingSession, "id" | "callId" | "agentId" | "agentAwareAt">;
      note: CoachingNote;
    }
  /** Text whisper: only the agent and the coach receive it. */
  | { type: "coaching.message"; sessionId: string; callId: string; text: string; at: string }
  /** Every few seconds while a call is live, to monitors: how each leg sounds (Call.quality). */
  | { type: "call.quality"; callId: string; quality: CallQuality }
  | { type: "hand.raised"; call: Call }
  | { type: "hand.lowered"; call: Call }
  /** The live board's figures, to monitors of the org: at most once a second after calls change. */
  | { type: "stats.updated"; stats: LiveStats }
  /**
   * A number was added, changed or removed, to everyone of the org: its line distribution decides
   * who may answer and coach its calls, so a page reads its numbers and calls (with its grants) again.
   */
  | { type: "numbers.changed"; numberId: string }
  /** The token this socket signed in with was revoked; the server closes the socket (4401, reason). */
  | { type: "auth.revoked"; reason: RevokeReason };

/**
 * One ICE candidate, as RTCIceCandidate.toJSON() gives it: `candidate` is the a=candidate line
 * without "a=" ("candidate:…"); an empty line, like `null` in place of the whole object, means
 * the end of the sender's candidates.
 */
export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export type SignallingReply =
  /** The answer to a media.offer (a new leg) or to a media.restart (the same leg, ICE restarted). */
  | { type: "media.answer"; requestId: string; legId: string; sdp: string }
  /**
   * One of the server's ICE candidates for a leg (null: no more for this ICE generation).
   * Always sent after the media.answer that names the leg (or restarts it).
   */
  | { type: "media.candidate"; legId: string; candidate: IceCandidateInit | null }
  | { type: "media.closed"; legId: string; reason: string }
  /** The media plane's answer to a network probe (see PROBE below). */
  | { type: "media.probe_answer"; requestId: string; sdp: string }
  | { type: "error"; requestId?: string; code: string; message: string };

export type ServerMessage = ServerEvent | SignallingReply;

/**
 * What the customer's widget socket receives: its call's projection, sent only when it changes
 * (so nothing on it shows that a coach joined, switched or left), and its own signalling.
 */
export type WidgetMessage =
  | { type: "hello"; user: null; callId: string }
  | { type: "call.updated" | "call.ended"; call: WidgetCall }
  | SignallingReply;

export type ClientMessage =
  /** Attach the sender's microphone to a call as `role`; the server answers with media.answer. */
  | { type: "media.offer"; requestId: string; callId: string; role: LegRole; sdp: string }
  /**
   * One of the browser's ICE candidates for a leg this connection attached (null: no more). The
   * browser learns the leg id from media.answer, so it holds its candidates until then.
   */
  | { type: "media.candidate"; legId: string; candidate: IceCandidateInit | null }
  /**
   * An ICE restart of a leg this connection attached (its network changed or its path failed):
   * an offer with new ICE credentials; the answer is a media.answer for the same legId.
   */
  | { type: "media.restart"; requestId: string; legId: string; sdp: string }
  | { type: "media.close"; legId: string }
  /** A network probe: an offer with one data channel (m=application); answered by media.probe_answer. */
  | { type: "media.probe"; requestId: string; sdp: string }
  | { type: "ping" };

/**
 * The network diagnostic's probe (SPEC §4): the browser offers one data channel with this
 * label, the media plane answers with a short-lived peer connection that echoes the first
 * message sent on it, and closes itself after `maxMs` (or when the socket closes).
 */
export const PROBE = { label: "earshot-probe", maxMs: 15_000, perConnection: 8 } as const;
