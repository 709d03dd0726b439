// WebSocket messages of /api/v1/ws, shared by the server and the web app.
// Discriminated unions on `type`: a renamed message breaks the build, not production.
import type { Call, CoachingSession, User } from "./resources.ts";

/** Which party of a call a media leg carries. */
export type LegRole = "customer" | "agent" | "coach";

export type ServerEvent =
  | { type: "hello"; user: User | null; callId?: string }
  | { type: "call.created"; call: Call }
  | { type: "call.updated"; call: Call }
  | { type: "call.ended"; call: Call }
  | { type: "user.updated"; user: User }
  | { type: "coaching.started"; session: CoachingSession }
  | { type: "coaching.mode_changed"; session: CoachingSession }
  | { type: "coaching.ended"; session: CoachingSession }
  /** To the agent only: the coach joined with Notify user, or first became audible. */
  | { type: "coaching.notify"; session: CoachingSession }
  /** Text whisper: only the agent and the coach receive it. */
  | { type: "coaching.message"; sessionId: string; callId: string; text: string; at: string }
  | { type: "hand.raised"; call: Call }
  | { type: "hand.lowered"; call: Call };

export type SignallingReply =
  | { type: "media.answer"; requestId: string; legId: string; sdp: string }
  | { type: "media.closed"; legId: string; reason: string }
  | { type: "error"; requestId?: string; code: string; message: string };

export type ServerMessage = ServerEvent | SignallingReply;

export type ClientMessage =
  /** Attach the sender's microphone to a call as `role`; the server answers with media.answer. */
  | { type: "media.offer"; requestId: string; callId: string; role: LegRole; sdp: string }
  | { type: "media.close"; legId: string }
  | { type: "ping" };
